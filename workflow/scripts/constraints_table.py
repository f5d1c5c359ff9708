"""Rule `constraints_table`: results/tables/constraints.tsv from every checkpoint's constraint summaries, and the
constraint figure for the selected checkpoints (xlit.figures.constraints).

input:   summaries (results/constraints/{run}/lr{lr}/summaries.jsonl, one per checkpoint), selected
         (results/tables/selected_lr.tsv)
output:  table (results/tables/constraints.tsv), pdf, png (results/constraints.pdf, .png)
params:  selection (the criterion whose checkpoints are `selected`)
"""

from xlit.constraints import table_rows
from xlit.figures.constraints import constraints_figure
from xlit.io import iter_jsonl_lines, write_tsv
from xlit.select import read_selected
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "constraints_table") as log:
        summaries = [s for path in smk.input.summaries for _line, s in iter_jsonl_lines(path)]
        rows = table_rows(summaries, read_selected(smk.input.selected, smk.params.selection))
        write_tsv(smk.output.table, rows, list(rows[0]) if rows else [])
        constraints_figure(rows, smk.output.pdf, smk.output.png)
        log.info("%d rows -> %s; figure %s", len(rows), smk.output.table, smk.output.png)
