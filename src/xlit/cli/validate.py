"""`xlit validate CONFIG...`: check config files (merged as `snakemake --configfile A B` merges them) against
the schema, the input files they name, and the judges' API key variables; or check a judges-only file (the
kind `xlit judge --config` takes)."""

from __future__ import annotations

import sys

from ..config import check_inputs, checkpoints, load_judges, missing_api_keys, runs

HELP = "check config files (several: merged in Snakemake's order) or a judges-only file"


def add_arguments(p) -> None:
    p.add_argument("config", nargs="+", help="config files, later ones override (as snakemake --configfile A B)")


def run(args) -> int:
    source = " + ".join(args.config)
    cfg = load_judges(*args.config)
    if "runs" not in cfg:
        print(f"{source}: a valid judges-only file (for `xlit judge --config`): judges {', '.join(cfg['judges'])}")
        return 0
    check_inputs(cfg, source)
    for line in missing_api_keys(cfg, source):
        print(f"warning: {line}", file=sys.stderr)
    print(f"{source}: valid; {len(runs(cfg))} runs, {len(checkpoints(cfg))} checkpoints")
    return 0
