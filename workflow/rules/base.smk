# Base models: tiny ones are built and pretrained here; hub models are only recorded.


rule build_base:
    input:
        base_inputs,
    output:
        base_source("{model}"),
    log:
        "logs/build_base/{model}.log",
    benchmark:
        "benchmarks/build_base/{model}.tsv"
    conda:
        "../../envs/train.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc: model_cfg(wc.model)["mem_mb"] if "tiny" in model_cfg(wc.model) else 500,
        runtime=lambda wc: model_cfg(wc.model)["runtime"] if "tiny" in model_cfg(wc.model) else 5,
    params:
        model=canonical(lambda wc: model_cfg(wc.model)),
        outdir=canonical(lambda wc: base_model_dir(wc.model)),
    script:
        "../scripts/build_base.py"
