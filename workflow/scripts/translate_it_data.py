"""Rule `translate_it_data`: one IT dataset into one language: segmented, translated through the
configured backend (segment cache under cache_dir/translate), reassembled; LID gate; the quality record for
translation_quality.tsv.

input:   source (the English dataset's file; none for a hub dataset, fetched here), translator (the demo's tiny
         translator's xlit_translator.json, when used), reference (optional: a reference translation, for chrF/BLEU)
output:  data (results/translations/{data}/{lang}.jsonl), quality (results/translations/{data}/{lang}.quality.json)
params:  translation (config `translation`), dataset (the `it_datasets.<d>` mapping), src (the source language),
         cache_dir, lid_model
wildcards: data, lang; threads: torch threads
"""

from pathlib import Path

from xlit.io import write_json, write_jsonl
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "translate_it_data") as log:
        import torch

        torch.set_num_threads(smk.threads)
        from xlit.data import fetch_hf_dataset
        from xlit.lid import LID
        from xlit.mt import check_languages, make_translator, translate_dataset

        cfg, ds, lang = smk.params.translation, smk.params.dataset, smk.wildcards.lang
        model_dir = str(Path(smk.input.translator[0]).parent) if smk.input.translator else None
        check_languages(cfg, [lang], src=smk.params.src, model_dir=model_dir)
        if smk.input.source:
            source = smk.input.source[0]
        else:  # a hub dataset: the same download, with the same ids, as prepare_it_data
            source = fetch_hf_dataset(
                ds["hf"], Path(smk.params.cache_dir) / "translate" / "sources" / f"{smk.wildcards.data}.jsonl"
            )
        reference = smk.input.reference[0] if smk.input.reference else None
        translator = make_translator(cfg, cache_dir=smk.params.cache_dir, model_dir=model_dir)
        rows, quality = translate_dataset(
            source,
            ds["format"],
            lang,
            translator,
            data=smk.wildcards.data,
            src=smk.params.src,
            max_examples=ds.get("max_examples"),
            reference=reference,
            lid=LID(smk.params.lid_model),
            lid_threshold=cfg["lid_threshold"],
            drop_failed_lid=cfg["drop_failed_lid"],
            max_chars=2 * int(cfg["max_length"]),
        )
        translator.close()
        write_jsonl(smk.output.data, rows)
        write_json(smk.output.quality, quality)
        log.info(
            "%s -> %s: %d examples (%d dropped by LID), LID ok %.3f, empty %.4f, untranslated %.4f, "
            "chrF %s, BLEU %s; segments %s",
            smk.wildcards.data,
            lang,
            quality["n"],
            quality["dropped"],
            quality["lid_ok_share"],
            quality["empty_share"],
            quality["untranslated_share"],
            quality["chrf"],
            quality["bleu"],
            quality["translator"],
        )
