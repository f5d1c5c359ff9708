"""Rule `import_translations`: a given translation of one IT dataset into one language
(it_datasets.<d>.translations.<lang>), aligned with the English rows and checked like translate_it_data's
machine output; the same two outputs.

input:   source (the English dataset's file; none for a hub dataset, fetched here), given (the translation file),
         reference (optional: a reference translation, for chrF/BLEU)
output:  data (results/translations/{data}/{lang}.jsonl), quality (results/translations/{data}/{lang}.quality.json)
params:  dataset (the `it_datasets.<d>` mapping), lang, data, lid_threshold, drop_failed_lid, cache_dir, lid_model
"""

from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "import_translations") as log:
        from xlit.mt import given_translations
        from xlit.mt.job import mt_job, write_results

        p, ds = smk.params, smk.params.dataset
        mt = mt_job(smk, p.lang, data=p.data)
        rows, quality = given_translations(
            mt.source,
            ds["format"],
            p.lang,
            smk.input.given,
            data=p.data,
            max_examples=ds.get("max_examples"),
            reference=smk.input.reference[0] if smk.input.reference else None,
            lid=mt.lid,
            lid_threshold=p.lid_threshold,
            drop_failed_lid=p.drop_failed_lid,
        )
        write_results(smk, log, rows, quality, f"{p.data} -> {p.lang} given in {smk.input.given}")
