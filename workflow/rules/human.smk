# Human evaluation: blinded rating sheets for annotators, importing the completed sheets, agreement.
# Input functions (selected_generations, human_*) are in inputs.smk.
# Keys are regenerated deterministically from the selected generations and the seed; a completed sheet
# whose prompt/response text no longer matches its key (generations changed) is rejected on import.
# Keep the sheets handed out and their keys together with the completed sheets.


rule annotation_sheets:
    input:
        generations=selected_generations,
    output:
        sheets=[human_sheet(lang) for lang in LANGS],
        pages=[human_page(lang) for lang in LANGS],
        key_files=[human_key(lang) for lang in LANGS],
        guidelines=HUMAN_GUIDELINES,
    log:
        "logs/annotation_sheets/annotation_sheets.log",
    benchmark:
        "benchmarks/annotation_sheets/annotation_sheets.tsv"
    conda:
        "../../envs/report.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        seed=canonical(config["seed"]),
        n_items=canonical(config["human"]["sheets_per_lang"]),
        langs=canonical(LANGS),
        answers=canonical(selected_answers),
    script:
        "../scripts/annotation_sheets.py"


rule human_scores:
    input:
        sheets=human_rating_sheets(),
        key_files=human_key_files(),
    output:
        table=report(table("human_scores"), caption="../report/human_scores.rst", category="Tables"),
    log:
        "logs/human_scores/human_scores.log",
    benchmark:
        "benchmarks/human_scores/human_scores.tsv"
    conda:
        "../../envs/report.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        annotators=canonical(human_annotators()),
    script:
        "../scripts/human_scores.py"


rule agreement:
    input:
        judge=rules.judge_table.output.scores,
        human=rules.human_scores.output.table,
        selected=rules.select_lr.output.selected,
    output:
        table=report(table("agreement"), caption="../report/agreement.rst", category="Tables"),
    log:
        "logs/agreement/agreement.log",
    benchmark:
        "benchmarks/agreement/agreement.tsv"
    conda:
        "../../envs/report.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        selection=canonical(config["selection"]["criterion"]),
        n_boot=canonical(1000),
        seed=canonical(config["seed"]),
    script:
        "../scripts/agreement.py"


# How far each judge can be trusted (xlit.validity): kappa vs the human side beside the human-human interval and a
# length-only baseline (terciles of the responses' n_tokens from their surface rows), the judge's bias, flags.
rule judge_validity:
    input:
        judge=rules.judge_table.output.scores,
        human=rules.human_scores.output.table,
        selected=rules.select_lr.output.selected,
        surface=simulated_rating_surface,
    output:
        table=report(table("judge_validity"), caption="../report/judge_validity.rst", category="Tables"),
        pdf=figure("judge_validity", "pdf"),
        png=report(figure("judge_validity", "png"), caption="../report/judge_validity_figure.rst", category="Figures"),
    log:
        "logs/judge_validity/judge_validity.log",
    benchmark:
        "benchmarks/judge_validity/judge_validity.tsv"
    conda:
        "../../envs/report.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        selection=canonical(config["selection"]["criterion"]),
        n_boot=canonical(1000),
        seed=canonical(config["seed"]),
        surface=canonical(selected_answers),
        judges=canonical(lambda wildcards: sorted(config["judges"])),  # read when the job runs
    script:
        "../scripts/judge_validity.py"


# The demo's SIMULATED raters (human.simulated.raters; no person): each fills the blinded sheets from the demo
# world's ground truth (xlit.simrater); list their files under human.ratings like a person's completed sheets.
if SIMULATED_RATERS:

    wildcard_constraints:
        rater="|".join(map(re.escape, SIMULATED_RATERS)),

    rule simulated_rating:
        input:
            sheets=rules.annotation_sheets.output.sheets,
            key_files=rules.annotation_sheets.output.key_files,
            answers=[demo_answers(JUDGE_SPLIT, lang) for lang in LANGS],
            surface=simulated_rating_surface,
        output:
            [simulated_sheet("{rater}", lang) for lang in LANGS],
        log:
            "logs/simulated_rating/{rater}.log",
        benchmark:
            "benchmarks/simulated_rating/{rater}.tsv"
        conda:
            "../../envs/report.yaml"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=5,
        params:
            sim=canonical(simulated_rating_params),
            langs=canonical(LANGS),
            surface=canonical(selected_answers),
        script:
            "../scripts/simulated_rating.py"
