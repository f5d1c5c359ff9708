"""Figure 3: surface features vs learning rate (left), helpfulness by task category (right)."""
from xlit.fig3 import make
from xlit.figures import category_panel, load_scores
from xlit.smk import job

with job(snakemake, "fig3") as log:  # noqa: F821
    smk = snakemake  # noqa: F821
    i, p = smk.input, smk.params
    scores = load_scores(i.judge, i.human, i.selected, p.selection)
    make(i.table, i.selected, [smk.output.pdf, smk.output.png], split=p.split, english=p.english,
         criterion=p.selection, right_panel=category_panel(scores))
    log.info("wrote %s %s", smk.output.pdf, smk.output.png)
