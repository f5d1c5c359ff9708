# Generation: one job per checkpoint answers every (split, language) of EVAL_SETS, loading the model once
# (generation.backend: hf or vllm), and writes one file per (split, language). Greedy with repetition penalty.
# vllm: the job runs in vLLM's own environment (config `vllm`; envs/vllm.yaml under --sdm conda).


rule generate:
    input:
        model=checkpoint_model,
        prompts=[eval_file(split, lang) for split, lang in EVAL_SETS],
        types=constraint_types_files(EVAL_SETS),
    output:
        [generation_file("{run}", "{lr}", split, lang) for split, lang in EVAL_SETS],
    log:
        "logs/generate/{run}_lr{lr}.log",
    benchmark:
        "benchmarks/generate/{run}_lr{lr}.tsv"
    conda:
        "../../envs/vllm.yaml" if GENERATION["backend"] == "vllm" else "../../envs/train.yaml"
    threads: lambda wc: cpu_threads(generate_gpus(wc))
    resources:
        gpu=generate_gpus,
        mem_mb=lambda wc: model_cfg(run_of(wc).model)["mem_mb"],
        runtime=lambda wc: max(10, model_cfg(run_of(wc).model)["runtime"] // 4),
    params:
        sets=canonical(EVAL_SETS),
        generation=canonical(GENERATION),
    script:
        "../scripts/generate.py"


# The constraint prompts (eval_sets.constraints): the same job on their own sets.
if CONSTRAINT_SETS:

    use rule generate as generate_constraints with:
        input:
            model=checkpoint_model,
            prompts=[eval_file(split, lang) for split, lang in CONSTRAINT_SETS],
            types=constraint_types_files(CONSTRAINT_SETS),
        output:
            [generation_file("{run}", "{lr}", split, lang) for split, lang in CONSTRAINT_SETS],
        log:
            "logs/generate_constraints/{run}_lr{lr}.log",
        benchmark:
            "benchmarks/generate_constraints/{run}_lr{lr}.tsv"
        params:
            sets=canonical(CONSTRAINT_SETS),
            generation=canonical(GENERATION),


rule all_generations:
    input:
        all_generation_files(),
