"""What every workflow script shares: logging to the rule's log file (and the console)."""

from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def job(snakemake, name: str):
    """Log to the job's `log:` file and stderr; an exception is written to the log before it propagates."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if snakemake.log:
        Path(snakemake.log[0]).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(snakemake.log[0], mode="w", encoding="utf-8"))
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s", handlers=handlers, force=True
    )
    logging.captureWarnings(True)  # e.g. xlit.select's SelectionWarning lands in the job's log
    for noisy in ("httpx", "urllib3", "filelock"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    log = logging.getLogger(f"xlit.{name}")
    try:
        require_gpus(int((getattr(snakemake, "resources", None) or {}).get("gpu", 0) or 0))
        yield log
    except Exception as e:
        # bad input (ValueError) and expected failures (e.g. xlit.judge.JudgeFailed) in one line, no traceback
        log.error("%s failed: %s", name, e, exc_info=not (isinstance(e, ValueError) or getattr(e, "one_line", False)))
        raise


class NoGPU(RuntimeError):
    """A job asked for GPUs that this machine cannot give it (one line in the log, no traceback)."""

    one_line = True


def require_gpus(gpus: int) -> None:
    """The device guard: a job whose resources ask for GPUs fails at once when CUDA cannot give them (a CPU build
    of torch, no driver, fewer devices than asked), instead of training or generating on the CPU until the time
    limit. Neither creates a CUDA context (`is_available` and `device_count` do not), so vLLM may still fork.
    `XLIT_FAKE_GPUS=1` in the job's environment turns the failure into a warning: for a test cluster whose GPUs
    are fake (tests/slurm), never for real work."""
    if gpus <= 0:
        return
    import torch

    have = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if have < gpus and os.environ.get("XLIT_FAKE_GPUS") == "1":
        logging.getLogger("xlit.smk").warning(
            "this job asks for %d GPU(s) but CUDA gives %d: running on the CPU because XLIT_FAKE_GPUS=1 (a test "
            "cluster whose GPUs are fake)",
            gpus,
            have,
        )
        return
    if have < gpus:
        build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "a CPU-only build"
        raise NoGPU(
            f"this job asks for {gpus} GPU(s) (resources: gpu) but CUDA gives {have} here (torch "
            f"{torch.__version__}, {build}; CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', 'unset')}):"
            " nothing was run. Run it on a GPU node with a CUDA build of torch, or set the model's gpus to 0 to use"
            " the CPU."
        )


def run_logged(cmd: list[str], log: logging.Logger, env: dict | None = None) -> None:
    """Run a child command (another interpreter, `accelerate launch` and its ranks) with its stdout and stderr
    line by line in this job's log, and fail like the child: `CalledProcessError` with its exit status."""
    import subprocess

    log.info("running %s", " ".join(map(str, cmd)))
    with subprocess.Popen(
        [str(c) for c in cmd],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        env={**os.environ, **(env or {})},
    ) as proc:
        for line in proc.stdout:
            log.info("| %s", line.rstrip("\n"))
    if proc.returncode:
        err = subprocess.CalledProcessError(proc.returncode, [str(c) for c in cmd])
        err.one_line = True  # its output is in the log above
        raise err
