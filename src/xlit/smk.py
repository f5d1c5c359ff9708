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
