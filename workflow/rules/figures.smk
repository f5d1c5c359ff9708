# Figures 2, 4 and 5 (figure 3 is in surface.smk; its right panel comes from xlit.figures too).
# Each reads the judge and human score tables and the selected LRs; without human ratings the figures
# show the judge side and say so.


rule figure:
    input:
        judge="results/tables/judge_scores.tsv",
        human="results/tables/human_scores.tsv",
        selected="results/tables/selected_lr.tsv",
    output:
        pdf="results/{fig}.pdf",
        png=report("results/{fig}.png", caption="../report/figures.rst", category="Figures"),
    wildcard_constraints:
        fig="fig2|fig4|fig5",
    params:
        selection=canonical(config["selection"]["criterion"]),
    log:
        "logs/figure/{fig}.log",
    benchmark:
        "benchmarks/figure/{fig}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/report.yaml"
    script:
        "../scripts/figure.py"
