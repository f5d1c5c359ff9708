"""Checkpoint `select_lr`: the checkpoint each run gets under every criterion (run criterion lr step score);
with selection.steps the surface table has a `step` column and each run gets its best (lr, step).

input:   table (results/tables/surface.tsv)
output:  selected (results/tables/selected_lr.tsv)
params:  criteria (e.g. [multilingual, english]), split (valid), english (en), english_floor (0.5), weights
         (optional: a dict overriding xlit.select.DEFAULT_WEIGHTS)
"""

from xlit.io import read_tsv
from xlit.select import select_all, write_selected
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "select_lr") as log:
        p = smk.params
        rows = select_all(
            read_tsv(smk.input.table),
            list(p.criteria),
            split=p.split,
            english=p.english,
            english_floor=float(p.english_floor),
            weights=p.weights or None,
        )
        write_selected(smk.output.selected, rows)
        for r in rows:
            log.info("%s %s: lr %s step %s (score %.4f)", r["run"], r["criterion"], r["lr"], r["step"], r["score"])
