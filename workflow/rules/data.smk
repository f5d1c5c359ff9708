# Chat-formatted instruction-tuning data per (dataset, strategy).


rule prepare_it_data:
    input:
        source=it_source,
        translations=it_translations,
    output:
        it_data_file("{data}", "{strategy}"),
    log:
        "logs/prepare_it_data/{data}_{strategy}.log",
    benchmark:
        "benchmarks/prepare_it_data/{data}_{strategy}.tsv"
    conda:
        "../../envs/train.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        dataset=canonical(lambda wc: config["it_datasets"][wc.data]),
        lang=canonical(LANGS[0]),
        seed=canonical(config["seed"]),
    script:
        "../scripts/prepare_it_data.py"


if config.get("downloads"):

    rule download:
        output:
            "{path}",
        log:
            "logs/download/{path}.log",
        benchmark:
            "benchmarks/download/{path}.tsv"
        wildcard_constraints:
            path="|".join(map(re.escape, config["downloads"])),
        conda:
            "../../envs/report.yaml"
        threads: 1
        resources:
            mem_mb=500,
            runtime=10,
        params:
            url=canonical(lambda wc: config["downloads"][wc.path]),
        script:
            "../scripts/download.py"
