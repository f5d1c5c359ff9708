"""Rule `surface_table`: results/tables/surface.tsv from every checkpoint's surface summaries.

input:  summaries (list of results/surface/{run}/lr{lr}/summaries.jsonl; each line carries run model data
        strategy adaptation lr split lang (and step, for a model saved at a step: selection.steps) and the
        summary metrics of one (split, lang))
output: table (results/tables/surface.tsv)
"""
from xlit.io import InputError, iter_jsonl_lines, write_tsv
from xlit.surface import table_columns, table_rows
from xlit.smk import job

with job(snakemake, "surface_table") as log:  # noqa: F821
    sm = snakemake  # noqa: F821
    summaries = []
    for path in sm.input.summaries:
        for line, s in iter_jsonl_lines(path):
            for field in ("run", "lr", "split", "lang"):
                if not isinstance(s, dict) or not s.get(field):
                    raise InputError(path, "missing", line=line, field=field)
            summaries.append(s)
    rows = table_rows(summaries)
    write_tsv(sm.output.table, rows, table_columns(rows))
    log.info("%d rows -> %s", len(rows), sm.output.table)
