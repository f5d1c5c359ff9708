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

from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "translate_it_data") as log:
        from xlit.mt import translate_dataset
        from xlit.mt.job import mt_job, write_results

        cfg, ds, lang = smk.params.translation, smk.params.dataset, smk.wildcards.lang
        mt = mt_job(smk, lang, data=smk.wildcards.data)
        reference = smk.input.reference[0] if smk.input.reference else None
        rows, quality = translate_dataset(
            mt.source,
            ds["format"],
            lang,
            mt.translator,
            data=smk.wildcards.data,
            src=smk.params.src,
            max_examples=ds.get("max_examples"),
            reference=reference,
            lid=mt.lid,
            lid_threshold=cfg["lid_threshold"],
            drop_failed_lid=cfg["drop_failed_lid"],
            max_chars=2 * int(cfg["max_length"]),
        )
        mt.translator.close()
        write_results(smk, log, rows, quality, f"{smk.wildcards.data} -> {lang}")
