"""`xlit grid CONFIG...`: the (run, learning rate) checkpoints a config trains, as TSV."""

from __future__ import annotations

from ..config import checkpoints, load, runs
from . import validate

HELP = "list the (run, learning rate) checkpoints a config trains"
add_arguments = validate.add_arguments  # the same argument: config files, merged in Snakemake's order


def run(args) -> int:
    cfg = load(*args.config)
    print("run\tmodel\tdata\tstrategy\tadaptation\tlr")
    for name, lr in checkpoints(cfg):
        r = runs(cfg)[name]
        print(f"{name}\t{r.model}\t{r.data}\t{r.strategy}\t{r.adaptation}\t{lr}")
    return 0
