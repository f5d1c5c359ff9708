"""`xlit`: the workflow's library from the command line (outside Snakemake)."""
from __future__ import annotations

import argparse
import importlib
import sys

from .config import ConfigError, checkpoints, load, runs
from .io import InputError

SUBCOMMANDS = ("cli_surface", "cli_judge", "cli_agreement")


def _validate(args) -> int:
    cfg = load(args.config)
    print(f"{args.config}: valid; {len(runs(cfg))} runs, {len(checkpoints(cfg))} checkpoints")
    return 0


def _grid(args) -> int:
    cfg = load(args.config)
    print("run\tmodel\tdata\tstrategy\tadaptation\tlr")
    for name, lr in checkpoints(cfg):
        r = runs(cfg)[name]
        print(f"{name}\t{r.model}\t{r.data}\t{r.strategy}\t{r.adaptation}\t{lr}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xlit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check a config file against the schema")
    p.add_argument("config")
    p.set_defaults(func=_validate)
    p = sub.add_parser("grid", help="list the (run, learning rate) checkpoints a config trains")
    p.add_argument("config")
    p.set_defaults(func=_grid)
    for name in SUBCOMMANDS:
        importlib.import_module(f"xlit.{name}").add_parser(sub)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ConfigError, InputError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
