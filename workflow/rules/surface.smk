# Surface features, the surface table, LR selection (a checkpoint) and Figure 3 (left).
# Input functions (fluency_model_input, fluency_model_param, surface_summaries) are in common.smk.


# One job per checkpoint: the fluency LM is loaded once and scores every (split, language) of EVAL_SETS.
rule surface:
    input:
        generations=[generation_file("{run}", "{lr}", split, lang) for split, lang in EVAL_SETS],
        fluency=fluency_model_input,
    output:
        rows=[f"results/surface/{{run}}/lr{{lr}}/{split}/{lang}.jsonl" for split, lang in EVAL_SETS],
        summary=surface_summary("{run}", "{lr}"),
    params:
        sets=canonical(EVAL_SETS),
        lid_model=canonical(config["surface"].get("lid_model")),
        lid_label_map=canonical(config["surface"].get("lid_label_map")),
        threshold=canonical(config["surface"].get("lid_threshold", 0.5)),
        min_chars=canonical(config["surface"].get("code_switch_min_chars", 20)),
        batch_size=canonical(config["surface"].get("fluency_batch_size", 8)),
        fluency_model=canonical(fluency_model_param),
        fluency_backend=canonical(config["surface"]["fluency_backend"]),
    log:
        "logs/surface/{run}_lr{lr}.log",
    benchmark:
        "benchmarks/surface/{run}_lr{lr}.tsv"
    threads: 1
    resources:
        mem_mb=surface_mem_mb,
        runtime=30,
        gpu=config["surface"].get("fluency_gpus", 0),
    conda:
        "../../envs/eval.yaml"
    script:
        "../scripts/surface.py"


rule surface_table:
    input:
        summaries=surface_summaries,
    output:
        table=report("results/tables/surface.tsv", caption="../report/surface.rst", category="Tables"),
    log:
        "logs/surface_table/surface_table.log",
    benchmark:
        "benchmarks/surface_table/surface_table.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    conda:
        "../../envs/report.yaml"
    script:
        "../scripts/surface_table.py"


checkpoint select_lr:
    input:
        table="results/tables/surface.tsv",
    output:
        selected=report("results/tables/selected_lr.tsv", caption="../report/selected_lr.rst", category="Tables"),
    params:
        criteria=canonical(config["selection"].get("criteria", ["multilingual", "english"])),
        split=canonical(config["selection"].get("split", "valid")),
        english=canonical(config["languages"][0]),
        english_floor=canonical(config["selection"].get("english_floor", 0.5)),
        weights=canonical(config["selection"].get("weights")),
    log:
        "logs/select_lr/select_lr.log",
    benchmark:
        "benchmarks/select_lr/select_lr.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    conda:
        "../../envs/report.yaml"
    script:
        "../scripts/select_lr.py"


rule fig3:
    input:
        table="results/tables/surface.tsv",
        selected="results/tables/selected_lr.tsv",
        judge="results/tables/judge_scores.tsv",
        human="results/tables/human_scores.tsv",
    output:
        pdf="results/fig3.pdf",
        png=report("results/fig3.png", caption="../report/fig3.rst", category="Figures"),
    params:
        split=canonical(config["selection"].get("split", "valid")),
        english=canonical(config["languages"][0]),
        selection=canonical(config["selection"]["criterion"]),
    log:
        "logs/fig3/fig3.log",
    benchmark:
        "benchmarks/fig3/fig3.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/report.yaml"
    script:
        "../scripts/fig3.py"
