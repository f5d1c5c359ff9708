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

from pathlib import Path

from xlit.io import read_jsonl, write_json, write_jsonl
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "translate_valid") as log:
        import torch

        torch.set_num_threads(smk.threads)
        from xlit.evalsets import translate_prompts
        from xlit.lid import LID
        from xlit.mt import check_languages, make_translator

        cfg, lang = smk.params.translation, smk.wildcards.lang
        model_dir = str(Path(smk.input.translator[0]).parent) if smk.input.translator else None
        check_languages(cfg, [lang], src=smk.params.src, model_dir=model_dir)
        translator = make_translator(cfg, cache_dir=smk.params.cache_dir, model_dir=model_dir)
        rows, quality = translate_prompts(
            read_jsonl(smk.input.prompts),
            lang,
            translator,
            src=smk.params.src,
            lid=LID(smk.params.lid_model),
            lid_threshold=cfg["lid_threshold"],
            max_chars=2 * int(cfg["max_length"]),
        )
        translator.close()
        write_jsonl(smk.output.data, rows)
        write_json(smk.output.quality, quality)
        log.info(
            "valid prompts -> %s: %d, %d fail the gate (LID ok %.3f, empty %.4f, untranslated %.4f); segments %s",
            lang,
            quality["n"],
            quality["failed"],
            quality["lid_ok_share"],
            quality["empty_share"],
            quality["untranslated_share"],
            quality["translator"],
        )
