# The demo world: corpora, an English IT set in Dolly's format, aligned prompts, parallel text.


if "demo" in config:

    rule demo_world:
        output:
            demo_outputs(),
        params:
            outdir=canonical(DEMO_DIR),
            demo=canonical({**config["demo"], "languages": LANGS}),
        log:
            "logs/demo_world.log",
        benchmark:
            "benchmarks/demo_world.tsv"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=10,
        conda:
            "../../envs/report.yaml"
        script:
            "../scripts/demo_world.py"
