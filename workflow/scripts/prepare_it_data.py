"""Rule `prepare_it_data`: the chat-formatted training set of one (dataset, strategy), shuffled; `dt` mixes
in the translations (xlit.mt.mix_dt).

input:   source (the dataset's file; none for a hub dataset, fetched here), translations (dt:
         results/translations/{data}/{lang}.jsonl of every non-English language)
output:  results/it_data/{data}/{strategy}.jsonl
params:  dataset (the `it_datasets.<d>` mapping), lang (the source language), seed
wildcards: strategy (en or dt)
"""

from xlit.data import fetch_hf_dataset, load_it_rows, shuffle
from xlit.io import read_jsonl, write_jsonl
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "prepare_it_data") as log:
        ds = smk.params.dataset
        source = (
            smk.input.source[0] if smk.input.source else fetch_hf_dataset(ds["hf"], smk.output[0] + ".download.jsonl")
        )
        rows = load_it_rows(source, ds["format"], smk.params.lang, ds.get("max_examples"))
        log.info("%s: %d English examples", source, len(rows))
        if smk.wildcards.strategy == "dt":
            from xlit.mt import mix_dt

            translated = {path: read_jsonl(path) for path in smk.input.translations}
            rows = mix_dt(rows, translated, smk.params.seed)
        else:
            rows = shuffle(rows, smk.params.seed)
        write_jsonl(smk.output[0], rows)
        log.info("wrote %d examples to %s", len(rows), smk.output[0])
