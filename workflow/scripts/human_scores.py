"""Rule `human_scores`: validate and import completed rating sheets into one table.

input:   sheets (completed sheets, CSV, one per annotator and language; may be empty), key_files (the keys written
         by annotation_sheets, results/human/keys/{lang}.csv, or copies kept with the completed sheets)
output:  table (results/tables/human_scores.tsv: annotator run lr lang id category criterion score; header only
         without sheets)
params:  annotators (the annotator of each sheet, same order as input.sheets)
Any invalid sheet fails the job with every problem listed (file, row, column) and writes nothing.
"""

from xlit.human import load_ratings, write_human_scores
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "human_scores") as log:
        sheets = list(smk.input.get("sheets", []) or [])
        annotators = list(smk.params.get("annotators", []) or [])
        if len(sheets) != len(annotators):
            raise ValueError(f"{len(sheets)} sheets but {len(annotators)} annotator names")
        rows = load_ratings(list(zip(annotators, sheets)), list(smk.input.get("key_files", []) or [])) if sheets else []
        write_human_scores(smk.output[0], rows)
        log.info("%d ratings from %d sheets, %d annotators", len(rows), len(sheets), len(set(annotators)))
