# Machine translation of IT data for `dt` runs (one job per (dataset used by a dt run, non-English
# language)), the demo's tiny translator, and the translation quality table.
# Needs from common.smk: LANGS, RUNS, CACHE_DIR, TRANSLATION, dt_datasets, given_translations, given_wildcards;
# from inputs.smk: it_source, translator_input, it_reference, demo_parallel_files.
# Languages the MT model cannot translate are refused at config validation (common.smk).


if TRANSLATION.get("model") == "tiny":

    rule build_translator:
        input:
            demo_parallel_files(),
        output:
            TRANSLATOR_META,
        log:
            "logs/build_translator.log",
        benchmark:
            "benchmarks/build_translator.tsv"
        conda:
            "../../envs/train.yaml"
        threads: 1  # a second thread sped this tiny model up by ~5% and kept the other core idle
        resources:
            mem_mb=3000,
            runtime=20,
        params:
            langs=canonical(LANGS[1:]),
            settings=canonical(TRANSLATION.get("translator", {})),
        script:
            "../scripts/build_translator.py"


rule translate_it_data:
    input:
        source=it_source,
        translator=translator_input,
        reference=it_reference,
    output:
        **translation_files("{data}", "{lang}"),
    log:
        "logs/translate_it_data/{data}_{lang}.log",
    benchmark:
        "benchmarks/translate_it_data/{data}_{lang}.tsv"
    conda:
        "../../envs/train.yaml"
    threads: lambda wc: cpu_threads(translate_gpus())
    resources:
        gpu=translate_gpus,
        mem_mb=TRANSLATION["mem_mb"],
        runtime=TRANSLATION["runtime"],
    params:
        translation=canonical(TRANSLATION),
        dataset=canonical(lambda wc: config["it_datasets"][wc.data]),
        src=canonical(LANGS[0]),
        cache_dir=canonical(CACHE_DIR),
        lid_model=canonical(config["surface"]["lid_model"]),
    script:
        "../scripts/translate_it_data.py"


rule translation_quality:
    input:
        [translation_files(d, l)["quality"] for d in dt_datasets() for l in LANGS[1:]],
    output:
        table("translation_quality"),
    log:
        "logs/translation_quality.log",
    benchmark:
        "benchmarks/translation_quality.tsv"
    conda:
        "../../envs/eval.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/translation_quality.py"


# Given translations (it_datasets.<d>.translations, e.g. the authors' released NLLB output): aligned with the
# English rows and checked like machine output (LID gate, counts, chrF/BLEU against a reference), written
# where translate_it_data would write, on CPU; `{given}` is `{data}/{lang}` of the given pairs only.
if given_translations():

    ruleorder: import_translations > translate_it_data

    rule import_translations:
        input:
            source=lambda wc: it_source(given_wildcards(wc)),
            given=given_translation_file,
            reference=lambda wc: it_reference(given_wildcards(wc)),
        output:
            **translation_files("{given}"),
        log:
            "logs/import_translations/{given}.log",
        benchmark:
            "benchmarks/import_translations/{given}.tsv"
        wildcard_constraints:
            given="|".join(map(re.escape, given_translations())),
        conda:
            "../../envs/train.yaml"
        threads: 1
        resources:
            mem_mb=4000,
            runtime=30,
        params:
            dataset=canonical(lambda wc: config["it_datasets"][given_wildcards(wc).data]),
            lang=canonical(lambda wc: given_wildcards(wc).lang),
            data=canonical(lambda wc: given_wildcards(wc).data),
            lid_threshold=canonical(TRANSLATION["lid_threshold"]),
            drop_failed_lid=canonical(TRANSLATION["drop_failed_lid"]),
            cache_dir=canonical(CACHE_DIR),
            lid_model=canonical(config["surface"]["lid_model"]),
        script:
            "../scripts/import_translations.py"
