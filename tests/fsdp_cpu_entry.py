"""`xlit.train.main` with accelerate's FSDP forced on CPU, for tests/test_fsdp_trainer.py (run by `accelerate launch`
through `xlit.train.launch(..., script=this file)`, one process per rank, gloo).

accelerate enables FSDP only for GPU-type devices (`DistributedType.MULTI_GPU`), so this entry makes it take the
GPU branch on CPU: the process group initialised over gloo here, `ACCELERATE_TORCH_DEVICE=cpu`, and
`PartialState._prepare_backend` answering `("gloo", MULTI_GPU)`. Everything else is the real path: accelerate's
FSDP2 wrapping and activation checkpointing, trl's trainer and loss, the token-budget batches, `AdamWFP32State` on
DTensors, sharded trainer checkpoints, resume, and the gathered final save.

It also adds a probe (a trainer callback) that records, after every micro-batch, the gradient elements each rank
holds unsharded (FSDP2 keeps them in `unsharded_accumulated_grad` / the unsharded parameter's `.grad` while
gradient sync is off) and the sharded ones, into `{checkpoint_dir}/grad_probe.rank{R}.json`. With
`XLIT_TEST_FAIL_AT_STEP=N` it raises once update N's trainer checkpoint is written (a killed job).
"""

import json
import os
import sys
from pathlib import Path

from transformers import TrainerCallback

from xlit import train as xt


def force_cpu_fsdp() -> None:
    """Make accelerate take its GPU (FSDP) branch on CPU in this process (also used by bench/gpu_check.py --tiny)."""
    import accelerate.state
    import torch.distributed as dist
    from accelerate.utils import DistributedType

    os.environ["ACCELERATE_TORCH_DEVICE"] = "cpu"
    accelerate.state.PartialState._prepare_backend = lambda self, *a, **kw: ("gloo", DistributedType.MULTI_GPU)
    dist.init_process_group("gloo")  # what accelerate would do for a GPU backend (env:// from accelerate launch)


def fsdp_params(model):
    from torch.distributed.fsdp import FSDPModule

    for module in model.modules():
        if isinstance(module, FSDPModule):
            for group in module._get_fsdp_state()._fsdp_param_groups:
                yield from group.fsdp_params


class GradProbe(TrainerCallback):
    def __init__(self, out: Path, fail_at: int | None):
        self.out, self.fail_at = out, fail_at
        self.record = {"micro_steps": 0, "max_unsharded": 0, "max_sharded": 0, "full": 0, "fsdp_params": 0}

    def on_substep_end(self, args, state, control, model=None, **kw):
        self.probe(model)

    def on_pre_optimizer_step(self, args, state, control, model=None, **kw):
        self.probe(model)

    def probe(self, model):
        unsharded = sharded = full = n = 0
        for fp in fsdp_params(model):
            n += 1
            full += fp.sharded_param.numel()  # the DTensor's global size
            acc = fp.unsharded_accumulated_grad
            grad = getattr(fp, "_unsharded_param", None)
            grad = grad.grad if grad is not None else None
            unsharded += (acc.numel() if acc is not None else 0) + (grad.numel() if grad is not None else 0)
            if fp.sharded_param.grad is not None:
                sharded += fp.sharded_param.grad.to_local().numel()
        r = self.record
        r["micro_steps"] += 1
        r["max_unsharded"] = max(r["max_unsharded"], unsharded)
        r["max_sharded"] = max(r["max_sharded"], sharded)
        r["full"], r["fsdp_params"] = full, n

    def on_step_end(self, args, state, control, **kw):
        rank = int(os.environ.get("RANK", "0"))
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / f"grad_probe.rank{rank}.json").write_text(json.dumps(self.record))

    def on_save(self, args, state, control, **kw):
        if self.fail_at and state.global_step == self.fail_at:
            raise SystemExit(f"simulated kill after the checkpoint of update {state.global_step}")


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    force_cpu_fsdp()
    spec = json.loads(Path(sys.argv[1]).read_text())
    fail = int(os.environ.get("XLIT_TEST_FAIL_AT_STEP", "0")) or None
    probe_dir = Path(spec["checkpoint_dir"]).parent / (Path(spec["checkpoint_dir"]).name + "-probe")
    xt.train(spec, callbacks=[GradProbe(probe_dir, fail)])
