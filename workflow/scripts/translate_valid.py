"""Rule `translate_valid`: the validation prompts in one language, through the configured translation
backend (segment cache under cache_dir/translate, LID gate); every row is kept with `ok`, valid_split drops the
failed ones.

input:   prompts (results/valid_split/sample/{en}.jsonl), translator (the demo's tiny translator's
         xlit_translator.json, when used)
output:  data (results/valid_split/translated/{lang}.jsonl), quality
         (results/valid_split/translated/{lang}.quality.json)
params:  translation (config `translation`), src (the source language), cache_dir, lid_model
wildcards: lang; threads: torch threads
"""

from xlit.io import read_jsonl
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "translate_valid") as log:
        from xlit.evalsets import translate_prompts
        from xlit.mt.job import mt_job, write_results

        cfg, lang = smk.params.translation, smk.wildcards.lang
        mt = mt_job(smk, lang)
        rows, quality = translate_prompts(
            read_jsonl(smk.input.prompts),
            lang,
            mt.translator,
            src=smk.params.src,
            lid=mt.lid,
            lid_threshold=cfg["lid_threshold"],
            max_chars=2 * int(cfg["max_length"]),
        )
        mt.translator.close()
        write_results(smk, log, rows, quality, f"valid prompts -> {lang}")
