# Figures 2, 4 and 5 (figure 3 is in surface.smk; its right panel comes from xlit.figures too).
# Each reads the judge and human score tables and the selected LRs; without human ratings the figures
# show the judge side and say so.


rule figure:
    input:
        judge=rules.judge_table.output.scores,
        human=rules.human_scores.output.table,
        selected=rules.select_lr.output.selected,
    output:
        pdf=figure("{fig}", "pdf"),
        png=report(figure("{fig}", "png"), caption="../report/figures.rst", category="Figures"),
    log:
        "logs/figure/{fig}.log",
    benchmark:
        "benchmarks/figure/{fig}.tsv"
    wildcard_constraints:
        fig="fig2|fig4|fig5",
    conda:
        "../../envs/report.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        selection=canonical(config["selection"]["criterion"]),
    script:
        "../scripts/figure.py"
