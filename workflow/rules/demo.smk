# The demo world: corpora, an English IT set in Dolly's format, aligned prompts, parallel text.
DEMO_DIR = "results/demo"


def demo_outputs():
    if "demo" not in config:
        return []
    d = DEMO_DIR
    return (
        [f"{d}/corpus/{l}.txt" for l in LANGS]
        + [f"{d}/it/dolly.{l}.jsonl" for l in LANGS]
        + [f"{d}/prompts/{s}/{l}.jsonl" for s in xc.SPLITS for l in LANGS]
        + [f"{d}/parallel/{l}.{part}.jsonl" for l in LANGS[1:] for part in ("train", "test")]
    )


if "demo" in config:

    rule demo_world:
        output:
            demo_outputs(),
        params:
            outdir=DEMO_DIR,
            demo={**config["demo"], "languages": LANGS},
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
