"""Rule `figure`: results/fig{2,4,5}.pdf and .png from the judge and human score tables (xlit.figures)."""
from xlit import figures
from xlit.smk import job

with job(snakemake, "figure") as log:  # noqa: F821
    smk = snakemake  # noqa: F821
    scores = figures.load_scores(smk.input.judge, smk.input.human, smk.input.selected, smk.params.selection)
    log.info("%d runs, judges %s, %d judge and %d human ratings", len(scores.runs), scores.judges,
             len(scores.judge), len(scores.human))
    getattr(figures, smk.wildcards.fig)(scores, smk.output.pdf, smk.output.png)
