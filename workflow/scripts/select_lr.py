"""Checkpoint `select_lr`: results/tables/selected_lr.tsv (run criterion lr score), every criterion.

input:  table (results/tables/surface.tsv)
output: selected (results/tables/selected_lr.tsv)
params: criteria (list, e.g. [multilingual, english]), split (valid), english (en),
        english_floor (0.5), weights (optional dict overriding xlit.select.DEFAULT_WEIGHTS)
"""
import logging
import sys

snakemake = globals()["snakemake"]  # injected by Snakemake's script preamble

log_file = open(snakemake.log[0], "w")
sys.stderr = log_file
logging.basicConfig(stream=log_file, level=logging.INFO, format="%(asctime)s %(message)s")
logging.captureWarnings(True)

from xlit.io import read_tsv  # noqa: E402
from xlit.select import select_all, write_selected  # noqa: E402

p = snakemake.params
rows = select_all(read_tsv(snakemake.input.table), list(p.get("criteria") or ["multilingual", "english"]),
                  split=p.get("split") or "valid", english=p.get("english") or "en",
                  english_floor=float(p.get("english_floor", 0.5)), weights=p.get("weights") or None)
write_selected(snakemake.output.selected, rows)
for r in rows:
    logging.info("%s %s: lr %s (score %.4f)", r["run"], r["criterion"], r["lr"], r["score"])
