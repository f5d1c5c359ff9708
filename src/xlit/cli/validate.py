"""`xlit validate CONFIG`: check a config file against the schema."""

from __future__ import annotations

from ..config import checkpoints, load, runs

HELP = "check a config file against the schema"


def add_arguments(p) -> None:
    p.add_argument("config")


def run(args) -> int:
    cfg = load(args.config)
    print(f"{args.config}: valid; {len(runs(cfg))} runs, {len(checkpoints(cfg))} checkpoints")
    return 0
