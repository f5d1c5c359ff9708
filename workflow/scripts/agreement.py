"""Rule `agreement`: agreement between every pair of raters (xlit.agreement).

input:   judge (results/tables/judge_scores.tsv), human (results/tables/human_scores.tsv, may have no rows),
         selected (results/tables/selected_lr.tsv)
output:  table (results/tables/agreement.tsv)
params:  selection (the LR-selection criterion whose checkpoints are compared), n_boot (bootstrap resamples for
         the kappa interval), seed (bootstrap seed)
Pairs: pooled human vs each judge, annotator vs annotator, annotator vs judge (several annotators),
judge vs judge. With neither humans nor two judges the table has a header only.
"""

from xlit.agreement import COLUMNS, agreement_table
from xlit.io import write_tsv
from xlit.scores import load_scores, rating_rows
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "agreement") as log:
        scores = load_scores(smk.input.judge, smk.input.human, smk.input.selected, smk.params.selection)
        rows = agreement_table(rating_rows(scores), n_boot=int(smk.params.n_boot), seed=int(smk.params.seed))
        write_tsv(smk.output[0], rows, COLUMNS)
        pairs = sorted({(r["rater_a"], r["rater_b"]) for r in rows})
        log.info("%d rows; pairs: %s", len(rows), pairs or "none (no humans and fewer than two judges)")
