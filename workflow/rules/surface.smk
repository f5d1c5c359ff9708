# Surface features, the surface table, LR selection (a checkpoint) and Figure 3 (left).
# Input functions (fluency_model_input, surface_summaries) are in inputs.smk, fluency_model_param in common.smk.


# One job per checkpoint: the fluency LM is loaded once and scores every (split, language) of EVAL_SETS.
# fluency_backend vllm: the job runs in vLLM's own environment (config `vllm`; envs/vllm.yaml under --sdm conda).
rule surface:
    input:
        generations=[generation_file("{run}", "{lr}", split, lang) for split, lang in EVAL_SETS],
        fluency=fluency_model_input,
    output:
        rows=[surface_file("{run}", "{lr}", split, lang) for split, lang in EVAL_SETS],
        summary=surface_summary("{run}", "{lr}"),
    log:
        "logs/surface/{run}_lr{lr}.log",
    benchmark:
        "benchmarks/surface/{run}_lr{lr}.tsv"
    conda:
        "../../envs/vllm.yaml" if config["surface"]["fluency_backend"] == "vllm" else "../../envs/eval.yaml"
    threads: 1
    resources:
        mem_mb=surface_mem_mb,
        runtime=30,
        gpu=config["surface"]["fluency_gpus"],
    params:
        sets=canonical(EVAL_SETS),
        lid_model=canonical(config["surface"]["lid_model"]),
        lid_label_map=canonical(config["surface"]["lid_label_map"]),
        threshold=canonical(config["surface"]["lid_threshold"]),
        min_chars=canonical(config["surface"]["code_switch_min_chars"]),
        batch_size=canonical(config["surface"]["fluency_batch_size"]),
        fluency_model=canonical(fluency_model_param),
        fluency_backend=canonical(config["surface"]["fluency_backend"]),
    script:
        "../scripts/surface.py"


rule surface_table:
    input:
        summaries=surface_summaries,
    output:
        table=report(table("surface"), caption="../report/surface.rst", category="Tables"),
    log:
        "logs/surface_table/surface_table.log",
    benchmark:
        "benchmarks/surface_table/surface_table.tsv"
    conda:
        "../../envs/report.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/surface_table.py"


checkpoint select_lr:
    input:
        table=rules.surface_table.output.table,
    output:
        selected=report(table("selected_lr"), caption="../report/selected_lr.rst", category="Tables"),
    log:
        "logs/select_lr/select_lr.log",
    benchmark:
        "benchmarks/select_lr/select_lr.tsv"
    conda:
        "../../envs/report.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        criteria=canonical(config["selection"]["criteria"]),
        split=canonical(config["selection"]["split"]),
        english=canonical(config["languages"][0]),
        english_floor=canonical(config["selection"]["english_floor"]),
        weights=canonical(config["selection"]["weights"]),
    script:
        "../scripts/select_lr.py"


rule fig3:
    input:
        table=rules.surface_table.output.table,
        selected=rules.select_lr.output.selected,
        judge=table("judge_scores"),  # judge_table and human_scores are defined after this file
        human=table("human_scores"),
    output:
        pdf=figure("fig3", "pdf"),
        png=report(figure("fig3", "png"), caption="../report/fig3.rst", category="Figures"),
    log:
        "logs/fig3/fig3.log",
    benchmark:
        "benchmarks/fig3/fig3.tsv"
    conda:
        "../../envs/report.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        split=canonical(config["selection"]["split"]),
        english=canonical(config["languages"][0]),
        selection=canonical(config["selection"]["criterion"]),
    script:
        "../scripts/fig3.py"
