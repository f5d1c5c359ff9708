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

    # The demo's constraint prompts (eval_sets.constraints): its test prompts with a constraint each, and their types.
    rule demo_constraints:
        input:
            test=[demo_prompts("test", l) for l in LANGS],
        output:
            prompts=[demo_prompts("constraints", l) for l in LANGS],
            types=[types_path(demo_prompts("constraints", l)) for l in LANGS],
        log:
            "logs/demo_constraints.log",
        benchmark:
            "benchmarks/demo_constraints.tsv"
        conda:
            "../../envs/report.yaml"
        threads: 1
        resources:
            mem_mb=500,
            runtime=5,
        params:
            languages=canonical(LANGS),
        script:
            "../scripts/demo_constraints.py"
