"""Rule `figure`: Figure 2, 4 or 5 (xlit.figures.fig2/fig4/fig5) from the judge and human score tables.

input:   judge (results/tables/judge_scores.tsv), human (results/tables/human_scores.tsv), selected
         (results/tables/selected_lr.tsv)
output:  pdf (results/{fig}.pdf), png (results/{fig}.png)
params:  selection (the LR-selection criterion whose checkpoints are shown)
wildcards: fig (fig2, fig4 or fig5)
"""

from xlit import figures
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "figure") as log:
        scores = figures.load_scores(smk.input.judge, smk.input.human, smk.input.selected, smk.params.selection)
        log.info(
            "%d runs, judges %s, %d judge and %d human ratings",
            len(scores.runs),
            scores.judges,
            len(scores.judge),
            len(scores.human),
        )
        getattr(figures, smk.wildcards.fig)(scores, smk.output.pdf, smk.output.png)
