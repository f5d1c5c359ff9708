# Figures 2, 4 and 5 (figure 3 is in surface.smk; its right panel comes from xlit.figures too).
# Each reads the judge and human score tables and the selected LRs; without human ratings the figures
# show the judge side and say so.


rule fig2:
    input:
        judge="results/tables/judge_scores.tsv",
        human="results/tables/human_scores.tsv",
        selected="results/tables/selected_lr.tsv",
    output:
        pdf="results/fig2.pdf",
        png=report("results/fig2.png", caption="../report/fig2.rst", category="Figures"),
    params:
        selection=config["selection"]["criterion"],
    log:
        "logs/fig2/fig2.log",
    benchmark:
        "benchmarks/fig2/fig2.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/report.yaml"
    script:
        "../scripts/fig2.py"


rule fig4:
    input:
        judge="results/tables/judge_scores.tsv",
        human="results/tables/human_scores.tsv",
        selected="results/tables/selected_lr.tsv",
    output:
        pdf="results/fig4.pdf",
        png=report("results/fig4.png", caption="../report/fig4.rst", category="Figures"),
    params:
        selection=config["selection"]["criterion"],
    log:
        "logs/fig4/fig4.log",
    benchmark:
        "benchmarks/fig4/fig4.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/report.yaml"
    script:
        "../scripts/fig4.py"


rule fig5:
    input:
        judge="results/tables/judge_scores.tsv",
        human="results/tables/human_scores.tsv",
        selected="results/tables/selected_lr.tsv",
    output:
        pdf="results/fig5.pdf",
        png=report("results/fig5.png", caption="../report/fig5.rst", category="Figures"),
    params:
        selection=config["selection"]["criterion"],
    log:
        "logs/fig5/fig5.log",
    benchmark:
        "benchmarks/fig5/fig5.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/report.yaml"
    script:
        "../scripts/fig5.py"
