"""Rule `surface_table`: results/tables/surface.tsv from every surface summary JSON.

input:  summaries (list of results/surface/{run}/lr{lr}/{split}/{lang}.summary.json; each carries
        run model data strategy adaptation lr split lang and the summary metrics)
output: table (results/tables/surface.tsv)
"""
import json

from xlit.io import InputError, write_tsv
from xlit.surface import TABLE_COLUMNS, table_rows
from xlit.smk import job

with job(snakemake, "surface_table") as log:  # noqa: F821
    sm = snakemake  # noqa: F821
    summaries = []
    for path in sm.input.summaries:
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
    write_tsv(sm.output.table, rows, TABLE_COLUMNS)
    log.info("%d rows -> %s", len(rows), sm.output.table)
