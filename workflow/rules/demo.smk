# The demo world: corpora, an English IT set in Dolly's format, aligned prompts, parallel text.


if "demo" in config:

    rule demo_world:
        output:
            demo_outputs(),
        log:
            "logs/demo_world.log",
        benchmark:
            "benchmarks/demo_world.tsv"
        conda:
            "../../envs/report.yaml"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=10,
        params:
            demo=canonical({**config["demo"], "languages": LANGS}),
        script:
            "../scripts/demo_world.py"
