"""What every workflow script shares: logging to the rule's log file (and the console)."""

from __future__ import annotations

import logging
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
        yield log
    except Exception as e:
        # bad input (ValueError) and expected failures (e.g. xlit.judge.JudgeFailed) in one line, no traceback
        log.error("%s failed: %s", name, e, exc_info=not (isinstance(e, ValueError) or getattr(e, "one_line", False)))
        raise


def run_logged(cmd: list[str], log: logging.Logger, env: dict | None = None) -> None:
    """Run a child command (another interpreter, `accelerate launch` and its ranks) with its stdout and stderr
    line by line in this job's log, and fail like the child: `CalledProcessError` with its exit status."""
    import os
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
