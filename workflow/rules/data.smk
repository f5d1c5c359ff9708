# Chat-formatted instruction-tuning data per (dataset, strategy).


rule prepare_it_data:
    input:
        source=it_source,
        translations=it_translations,
    output:
        it_data_file("{data}", "{strategy}"),
    params:
        dataset=canonical(lambda wc: config["it_datasets"][wc.data]),
        lang=canonical(LANGS[0]),
        seed=canonical(config["seed"]),
    log:
        "logs/prepare_it_data/{data}_{strategy}.log",
    benchmark:
        "benchmarks/prepare_it_data/{data}_{strategy}.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    conda:
        "../../envs/train.yaml"
    script:
        "../scripts/prepare_it_data.py"


if config.get("downloads"):

    rule download:
        output:
            "{path}",
        wildcard_constraints:
            path="|".join(map(re.escape, config["downloads"])),
        params:
            url=canonical(lambda wc: config["downloads"][wc.path]),
        log:
            "logs/download/{path}.log",
        benchmark:
            "benchmarks/download/{path}.tsv"
        threads: 1
        resources:
            mem_mb=500,
            runtime=10,
        conda:
            "../../envs/report.yaml"
        script:
            "../scripts/download.py"
