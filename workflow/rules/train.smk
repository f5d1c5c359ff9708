# Instruction tuning: one job per (run, learning rate). The GPU count and the memory are resources, not params:
# moving a run to more GPUs keeps the recipe's tokens per update and rebuilds nothing; the memory asked for is
# the plan's host RAM of the job (train_mem_mb: LoRA's bf16 base, or rank 0's copy of a fully fine-tuned model,
# plus cluster.process_mem_gb per process). Trainer checkpoints live under
# results/checkpoints/ (not a declared output, so a killed job resumes from them when re-run). With
# selection.steps, the job also writes the model after each of those steps below max_steps (SAVED_STEPS) in the
# final one's layout, inside it: results/models/{run}/lr{lr}/step{N}/ (evaluated as checkpoint `{lr}-step{N}`).


rule train:
    input:
        base=lambda wc: base_source(run_of(wc).model),
        data=lambda wc: it_data_file(run_of(wc).data, run_of(wc).strategy),
    output:
        directory(model_dir("{run}", "{lr}")),
        steps=[directory(step_model_dir("{run}", "{lr}", step)) for step in SAVED_STEPS],
    log:
        "logs/train/{run}_lr{lr}.log",
    benchmark:
        "benchmarks/train/{run}_lr{lr}.tsv"
    wildcard_constraints:
        lr=LR_PATTERN,  # a plain lr: a step's model is an output of the same job
    conda:
        "../../envs/train.yaml"
    threads: lambda wc: cpu_threads(train_gpus(wc))
    resources:
        gpu=train_gpus,
        mem_mb=train_mem_mb,
        runtime=lambda wc: model_cfg(run_of(wc).model)["runtime"],
    params:
        spec=canonical(train_spec),
    script:
        "../scripts/train.py"
