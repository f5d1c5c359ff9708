"""Rule fig2: results/fig2.pdf and .png (see xlit.figures.fig2).

snakemake.input.judge        results/tables/judge_scores.tsv
snakemake.input.human        results/tables/human_scores.tsv (may have no rows: the figure says so)
snakemake.input.selected     results/tables/selected_lr.tsv
snakemake.params.selection   LR-selection criterion whose checkpoints are shown (e.g. "multilingual")
snakemake.output.pdf, snakemake.output.png
snakemake.log[0]
"""
import logging

from xlit.figures import fig2, load_scores

logging.basicConfig(filename=snakemake.log[0], filemode="w", level=logging.INFO,  # noqa: F821
                    format="%(asctime)s %(levelname)s %(message)s")
sm = snakemake  # noqa: F821
scores = load_scores(sm.input.judge, sm.input.human, sm.input.selected, sm.params.get("selection"))
logging.info("%d runs, judges %s, %d judge and %d human ratings", len(scores.runs), scores.judges,
             len(scores.judge), len(scores.human))
fig2(scores, sm.output.pdf, sm.output.png)
