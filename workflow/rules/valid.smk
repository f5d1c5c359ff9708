# Evaluation prompts the workflow builds (config `valid_split`, `test_categories`):
# - the validation split: AlpacaEval prompts that are no test prompt, N sampled (valid_prompts), machine-
#   translated with the `translation` backend like dt data (translate_valid: segment cache, LID gate), then
#   aligned (valid_split: a prompt failing the gate in any language is dropped everywhere, and counted);
# - the test prompts with AlpacaEval's `dataset` joined as category where the English file has none.
# Needs from common.smk: LANGS, VALID_SPLIT, TEST_CATEGORIES, TRANSLATION, CACHE_DIR, translate_gpus, cpu_threads;
# from inputs.smk: translator_input, valid_split_outputs.


if VALID_SPLIT:

    rule valid_prompts:
        input:
            source=VALID_SPLIT["source"],
            test=config["eval_sets"]["test"][LANGS[0]],
        output:
            prompts=valid_sample(LANGS[0]),
            stats=VALID_SAMPLE_STATS,
        log:
            "logs/valid_prompts.log",
        benchmark:
            "benchmarks/valid_prompts.tsv"
        conda:
            "../../envs/eval.yaml"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=5,
        params:
            n=canonical(VALID_SPLIT["n"]),
            seed=canonical(VALID_SPLIT["seed"]),
            test_matches=canonical(config["test_matches"]),
        script:
            "../scripts/valid_prompts.py"

    rule translate_valid:
        input:
            prompts=rules.valid_prompts.output.prompts,
            translator=translator_input,
        output:
            **valid_translated("{lang}"),
        log:
            "logs/translate_valid/{lang}.log",
        benchmark:
            "benchmarks/translate_valid/{lang}.tsv"
        conda:
            "../../envs/train.yaml"
        threads: lambda wc: cpu_threads(translate_gpus())
        resources:
            gpu=translate_gpus,
            mem_mb=TRANSLATION["mem_mb"],
            runtime=TRANSLATION["runtime"],
        params:
            translation=canonical(TRANSLATION),
            src=canonical(LANGS[0]),
            cache_dir=canonical(CACHE_DIR),
            lid_model=canonical(config["surface"]["lid_model"]),
        script:
            "../scripts/translate_valid.py"

    rule valid_split:
        input:
            english=rules.valid_prompts.output.prompts,
            translated=[valid_translated(l)["data"] for l in LANGS[1:]],
            test=config["eval_sets"]["test"][LANGS[0]],
        output:
            prompts=valid_split_outputs(),
            stats=VALID_SPLIT_STATS,
        log:
            "logs/valid_split.log",
        benchmark:
            "benchmarks/valid_split.tsv"
        conda:
            "../../envs/eval.yaml"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=5,
        params:
            langs=canonical(LANGS),
            test_matches=canonical(config["test_matches"]),
        script:
            "../scripts/valid_split.py"


if TEST_CATEGORIES:

    rule test_categories:
        input:
            source=TEST_CATEGORIES["source"],
            prompts=[config["eval_sets"]["test"][l] for l in LANGS],
        output:
            [test_prompts(l) for l in LANGS],
        log:
            "logs/test_categories.log",
        benchmark:
            "benchmarks/test_categories.tsv"
        conda:
            "../../envs/eval.yaml"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=5,
        params:
            langs=canonical(LANGS),
            test_matches=canonical(config["test_matches"]),
        script:
            "../scripts/test_categories.py"
