# Constraint prompts (config eval_sets.constraints, each prompt file with its `.types`): every checkpoint's answers
# checked per constraint type (xlit.constraints), results/tables/constraints.tsv, and its figure for the selected
# checkpoints. Input functions (constraint_generations, constraint_references, constraint_summaries) are in
# inputs.smk.


if CONSTRAINT_SPLITS:

    rule constraints:
        input:
            generations=constraint_generations,
            references=constraint_references,
        output:
            rows=constraint_rows("{run}", "{lr}"),
            summary=constraint_summary("{run}", "{lr}"),
        log:
            "logs/constraints/{run}_lr{lr}.log",
        benchmark:
            "benchmarks/constraints/{run}_lr{lr}.tsv"
        conda:
            "../../envs/eval.yaml"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=10,
        params:
            sets=canonical([[s, l] for s in CONSTRAINT_SPLITS for l in LANGS]),
            reference=canonical(CONSTRAINT_REFERENCE),
            max_new_tokens=canonical(GENERATION["max_new_tokens"]),
            lid_model=canonical(config["surface"]["lid_model"]),
            lid_label_map=canonical(config["surface"]["lid_label_map"]),
        script:
            "../scripts/constraints.py"

    rule constraints_table:
        input:
            summaries=constraint_summaries,
            selected=rules.select_lr.output.selected,
        output:
            table=report(table("constraints"), caption="../report/constraints.rst", category="Tables"),
            pdf=figure("constraints", "pdf"),
            png=report(figure("constraints", "png"), caption="../report/constraints_figure.rst", category="Figures"),
        log:
            "logs/constraints_table/constraints_table.log",
        benchmark:
            "benchmarks/constraints_table/constraints_table.tsv"
        conda:
            "../../envs/report.yaml"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=5,
        params:
            selection=canonical(config["selection"]["criterion"]),
        script:
            "../scripts/constraints_table.py"
