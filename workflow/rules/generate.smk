# Generation: one job per (checkpoint, split, language), greedy with repetition penalty.


rule generate:
    input:
        model=model_dir("{run}", "{lr}"),
        prompts=lambda wc: [eval_file(wc.split, l) for l in LANGS],
    output:
        generation_file("{run}", "{lr}", "{split}", "{lang}"),
    params:
        generation=config["generation"],
        langs=LANGS,
    log:
        "logs/generate/{run}_lr{lr}_{split}_{lang}.log",
    benchmark:
        "benchmarks/generate/{run}_lr{lr}_{split}_{lang}.tsv"
    threads: lambda wc: cpu_threads(generate_gpus(wc))
    resources:
        gpu=generate_gpus,
        mem_mb=lambda wc: model_cfg(run_of(wc).model)["mem_mb"],
        runtime=lambda wc: max(10, model_cfg(run_of(wc).model)["runtime"] // 4),
    conda:
        "../../envs/train.yaml"
    script:
        "../scripts/generate.py"


rule all_generations:
    input:
        all_generation_files(),
