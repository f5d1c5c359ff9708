"""Rule human_scores: validate and import completed rating sheets into one table.

snakemake.input.sheets       completed sheets (CSV), one per annotator and language; may be empty
snakemake.input.key_files    key files written by annotation_sheets (results/human/keys/{lang}.csv, or
                             copies kept with the completed sheets)
snakemake.params.annotators  annotator name of each sheet, same order as input.sheets
snakemake.output[0]          results/tables/human_scores.tsv
                             (annotator run lr lang id category criterion score; header only if no sheets)
snakemake.log[0]
Any invalid sheet fails the job with every problem listed (file, row, column) and writes nothing.
"""
from xlit.human import load_ratings, write_human_scores
from xlit.smk import job

with job(snakemake, "human_scores") as log:  # noqa: F821
    sm = snakemake  # noqa: F821
    sheets = list(sm.input.get("sheets", []) or [])
    annotators = list(sm.params.get("annotators", []) or [])
    if len(sheets) != len(annotators):
        raise ValueError(f"{len(sheets)} sheets but {len(annotators)} annotator names")
    rows = load_ratings(list(zip(annotators, sheets)), list(sm.input.get("key_files", []) or [])) if sheets else []
    write_human_scores(sm.output[0], rows)
    log.info("%d ratings from %d sheets, %d annotators", len(rows), len(sheets), len(set(annotators)))
