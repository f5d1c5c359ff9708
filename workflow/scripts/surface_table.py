"""Rule `surface_table`: results/tables/surface.tsv from every surface summary JSON.

input:  summaries (list of results/surface/{run}/lr{lr}/{split}/{lang}.summary.json; each carries
        run model data strategy adaptation lr split lang and the summary metrics)
output: table (results/tables/surface.tsv)
"""
import json
import logging
import sys

snakemake = globals()["snakemake"]  # injected by Snakemake's script preamble

log_file = open(snakemake.log[0], "w")
sys.stderr = log_file
logging.basicConfig(stream=log_file, level=logging.INFO, format="%(asctime)s %(message)s")

from xlit.io import InputError, write_tsv  # noqa: E402
from xlit.surface import TABLE_COLUMNS, table_rows  # noqa: E402

summaries = []
for path in snakemake.input.summaries:
    with open(path, encoding="utf-8") as f:
        try:
            s = json.load(f)
        except json.JSONDecodeError as e:
            raise InputError(path, f"not valid JSON ({e.msg})", line=e.lineno) from None
    for field in ("run", "lr", "split", "lang"):
        if not s.get(field):
            raise InputError(path, "missing", field=field)
    summaries.append(s)
rows = table_rows(summaries)
write_tsv(snakemake.output.table, rows, TABLE_COLUMNS)
logging.info("%d rows -> %s", len(rows), snakemake.output.table)
