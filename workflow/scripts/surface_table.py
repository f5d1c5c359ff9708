"""Rule `surface_table`: results/tables/surface.tsv from every checkpoint's surface summaries.

input:   summaries (results/surface/{run}/lr{lr}/summaries.jsonl, one per checkpoint; each line carries run model
         data strategy adaptation lr split lang (and step, for a model saved at a step: selection.steps) and the
         summary metrics of one (split, lang))
output:  table (results/tables/surface.tsv)
params:  none
"""

from xlit.io import InputError, iter_jsonl_lines, write_tsv
from xlit.smk import job
from xlit.surface import RUN_FIELDS, table_columns, table_rows

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "surface_table") as log:
        summaries = []
        for path in smk.input.summaries:
            for line, s in iter_jsonl_lines(path):
                for field in RUN_FIELDS:
                    if not isinstance(s, dict) or not s.get(field):
                        raise InputError(path, "missing", line=line, field=field)
                summaries.append(s)
        rows = table_rows(summaries)
        write_tsv(smk.output.table, rows, table_columns(rows))
        log.info("%d rows -> %s", len(rows), smk.output.table)
