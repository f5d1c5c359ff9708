"""`xlit plan CONFIG...`: the training plan: GiB per GPU, GPUs needed, host RAM and disk per job, the grid's disk."""

from __future__ import annotations

from ..config import load
from . import validate

HELP = "training plan: GiB per GPU, GPUs needed, host RAM and disk per job, the grid's disk"


def add_arguments(parser) -> None:
    validate.add_arguments(parser)  # the config files
    parser.add_argument(
        "--no-data",
        action="store_true",
        help="size micro-batches at the bound even where the workflow has written a run's IT data",
    )


def run(args) -> int:
    from ..plan import disk_totals, format_plan, plan

    cfg = load(*args.config)
    cluster, tr = cfg["cluster"], cfg["training"]
    rows = plan(cfg, read_data=not args.no_data)
    print(format_plan(rows, cluster.get("gpu_mem_gb")))
    bound = max(tr["tokens_per_batch"], tr["max_length"])
    d = disk_totals(rows)
    print(
        f"# GiB/GPU: estimated peak memory allocated per GPU (2^30 bytes) at the configured GPU count "
        f"(training.precision; full fine-tuning on several GPUs: FSDP2 full shard, gradients reduce-scattered "
        f"every micro-batch; LoRA on one GPU{'; activation checkpointing' if tr['gradient_checkpointing'] else ''}"
        f") for the largest micro-batch: {bound} padded tokens (rows x longest row: max(tokens_per_batch, "
        f"max_length)), or, where the workflow has written a run's IT data, that data's largest micro-batch "
        f"(and its 99th percentile; counted by the base's tokenizer, or by UTF-8 bytes without it). "
        f"'needed': the fewest GPUs that fit at {bound} tokens within {cluster['usable_share']:.0%} of a GPU."
    )
    print(
        "# host GiB: the train job's mem_mb. disk GiB/job: its peak while it trains (trainer checkpoints of "
        "weights + fp32 moments: 2 kept, a 3rd being written; removed once the final model is saved); kept: "
        "the final model and the selection.steps models (bf16, LoRA: the adapter)."
    )
    print(
        f"# grid: {d['jobs']} training jobs keep {d['kept']:.0f} GiB; {d['one_at_a_time']:.0f} GiB at the peak "
        f"with one job training at a time, {d['all_at_once']:.0f} GiB if all trained at once"
    )
    return 0
