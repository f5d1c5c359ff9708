# Surface features, the surface table, LR selection (a checkpoint) and Figure 3 (left).
# Input functions (fluency_model_input, fluency_model_param, surface_summaries) are in common.smk.


rule surface:
    input:
        generations="results/generations/{run}/lr{lr}/{split}/{lang}.jsonl",
        fluency=fluency_model_input,
    output:
        rows="results/surface/{run}/lr{lr}/{split}/{lang}.jsonl",
        summary="results/surface/{run}/lr{lr}/{split}/{lang}.summary.json",
    params:
        lid_model=config["surface"].get("lid_model"),
        lid_label_map=config["surface"].get("lid_label_map"),
        threshold=config["surface"].get("lid_threshold", 0.5),
        min_chars=config["surface"].get("code_switch_min_chars", 20),
        batch_size=config["surface"].get("fluency_batch_size", 8),
        fluency_model=fluency_model_param,
    log:
        "logs/surface/{run}/lr{lr}/{split}/{lang}.log",
    benchmark:
        "benchmarks/surface/{run}/lr{lr}/{split}/{lang}.tsv"
    threads: 1
    resources:
        mem_mb=4000,
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
        criteria=config["selection"].get("criteria", ["multilingual", "english"]),
        split=config["selection"].get("split", "valid"),
        english=config["languages"][0],
        english_floor=config["selection"].get("english_floor", 0.5),
        weights=config["selection"].get("weights"),
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
        split=config["selection"].get("split", "valid"),
        english=config["languages"][0],
        selection=config["selection"]["criterion"],
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
