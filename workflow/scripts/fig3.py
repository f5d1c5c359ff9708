"""Rule `fig3`: Figure 3, surface features vs learning rate per run and language with the chosen LRs
marked (left), helpfulness by task category (right).

input:   table (results/tables/surface.tsv), selected (results/tables/selected_lr.tsv), judge
         (results/tables/judge_scores.tsv), human (results/tables/human_scores.tsv)
output:  pdf (results/fig3.pdf), png (results/fig3.png)
params:  split (the selection split, e.g. valid), english (the source language), selection (the criterion whose
         LRs are marked)
"""

from xlit.figures import category_panel, fig3, load_scores
from xlit.io import read_tsv
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "fig3") as log:
        i, p = smk.input, smk.params
        scores = load_scores(i.judge, i.human, i.selected, p.selection)
        fig3(
            read_tsv(i.table),
            read_tsv(i.selected),
            smk.output.pdf,
            smk.output.png,
            split=p.split,
            english=p.english,
            criterion=p.selection,
            right_panel=category_panel(scores),
        )
        log.info("wrote %s %s", smk.output.pdf, smk.output.png)
