# Instruction tuning: one job per (run, learning rate). Trainer checkpoints live under
# results/checkpoints/ (not a declared output, so a killed job resumes from them when re-run).


def train_spec(wildcards):
    run = run_of(wildcards)
    ad = config["adaptations"][run.adaptation]
    return {
        "adaptation": run.adaptation,
        "lr": float(wildcards.lr),
        "lora": {k: v for k, v in ad.items() if k != "learning_rates"} if run.adaptation == "lora" else None,
        "training": config["training"],
        "chat_template": xlit_chat_template(run.model),
        "checkpoint_dir": f"results/checkpoints/{wildcards.run}/lr{wildcards.lr}",
    }


def xlit_chat_template(model):
    from xlit.chat import get_template

    return get_template(model_cfg(model)["chat_template"])


def train_gpus(wildcards):
    """GPUs for one training job: the model's count for full fine-tuning, one for LoRA."""
    run = run_of(wildcards)
    gpus = gpus_of_model(run.model)
    return min(gpus, 1) if run.adaptation == "lora" else gpus


rule train:
    input:
        base=lambda wc: base_source(run_of(wc).model),
        data=lambda wc: it_data_file(run_of(wc).data, run_of(wc).strategy),
    output:
        directory(model_dir("{run}", "{lr}")),
    params:
        spec=train_spec,
        gpus=train_gpus,
    log:
        "logs/train/{run}_lr{lr}.log",
    benchmark:
        "benchmarks/train/{run}_lr{lr}.tsv"
    threads: lambda wc: cpu_threads(train_gpus(wc))
    resources:
        gpu=train_gpus,
        mem_mb=lambda wc: model_cfg(run_of(wc).model)["mem_mb"],
        runtime=lambda wc: model_cfg(run_of(wc).model)["runtime"],
    conda:
        "../../envs/train.yaml"
    script:
        "../scripts/train.py"
