"""Rule agreement: results/tables/agreement.tsv for every pair of raters.

snakemake.input.judge        results/tables/judge_scores.tsv
snakemake.input.human        results/tables/human_scores.tsv (may have no rows)
snakemake.input.selected     results/tables/selected_lr.tsv
snakemake.params.selection   LR-selection criterion whose checkpoints are compared (e.g. "multilingual")
snakemake.params.n_boot      bootstrap resamples for the kappa interval (e.g. 1000)
snakemake.params.seed        bootstrap seed
snakemake.output[0]          results/tables/agreement.tsv
snakemake.log[0]
Pairs: pooled human vs each judge, annotator vs annotator, annotator vs judge (several annotators),
judge vs judge. With neither humans nor two judges the table has a header only.
"""
from xlit.agreement import COLUMNS, agreement_table
from xlit.figures import load_scores, rating_rows
from xlit.io import write_tsv
from xlit.smk import job

with job(snakemake, "agreement") as log:  # noqa: F821
    sm = snakemake  # noqa: F821
    scores = load_scores(sm.input.judge, sm.input.human, sm.input.selected, sm.params.get("selection"))
    rows = agreement_table(rating_rows(scores), n_boot=int(sm.params.get("n_boot", 1000)),
                           seed=int(sm.params.get("seed", 0)))
    write_tsv(sm.output[0], rows, COLUMNS)
    pairs = sorted({(r["rater_a"], r["rater_b"]) for r in rows})
    log.info("%d rows; pairs: %s", len(rows), pairs or "none (no humans and fewer than two judges)")
