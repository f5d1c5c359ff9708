"""Checkpoint `select_lr`: results/tables/selected_lr.tsv (run criterion lr step score), every criterion; with
selection.steps the surface table has a `step` column and each run gets its best (lr, step).

input:  table (results/tables/surface.tsv)
output: selected (results/tables/selected_lr.tsv)
params: criteria (list, e.g. [multilingual, english]), split (valid), english (en),
        english_floor (0.5), weights (optional dict overriding xlit.select.DEFAULT_WEIGHTS)
"""
from xlit.io import read_tsv
from xlit.select import select_all, write_selected
from xlit.smk import job

with job(snakemake, "select_lr") as log:  # noqa: F821
    sm = snakemake  # noqa: F821
    p = sm.params
    rows = select_all(read_tsv(sm.input.table), list(p.get("criteria") or ["multilingual", "english"]),
                      split=p.get("split") or "valid", english=p.get("english") or "en",
                      english_floor=float(p.get("english_floor", 0.5)), weights=p.get("weights") or None)
    write_selected(sm.output.selected, rows)
    for r in rows:
        log.info("%s %s: lr %s step %s (score %.4f)", r["run"], r["criterion"], r["lr"], r["step"], r["score"])
