"""`xlit plan CONFIG`: memory plan of training (GB per GPU, GPUs needed, tokens per update)."""

from __future__ import annotations

from ..config import load
from . import validate

HELP = "memory plan of training: GB per GPU, GPUs needed, tokens per update"
add_arguments = validate.add_arguments  # the same argument: a config file


def run(args) -> int:
    from ..plan import format_plan, plan

    cfg = load(args.config)
    cluster, tr = cfg.get("cluster") or {}, cfg["training"]
    print(format_plan(plan(cfg), cluster.get("gpu_mem_gb")))
    print(
        f"# GB/GPU: estimated peak memory allocated per GPU at the configured GPU count (training.precision, "
        f"FSDP full shard for full fine-tuning on several GPUs, activations of a {tr['tokens_per_batch']}"
        f"-token micro-batch{' with checkpointing' if tr['gradient_checkpointing'] else ''}); "
        f"a run fits when it is at most {cluster.get('usable_share', 0.9):.0%} of a GPU"
    )
    return 0
