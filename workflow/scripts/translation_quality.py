"""Rule `translation_quality`: results/tables/translation_quality.tsv from every translation's quality record.

input:   results/translations/{data}/{lang}.quality.json of every `dt` dataset and non-English language
output:  results/tables/translation_quality.tsv (xlit.mt.QUALITY_COLUMNS, sorted by data and lang)
params:  none
"""

import json

from xlit.io import write_tsv
from xlit.mt import QUALITY_COLUMNS
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "translation_quality") as log:
        rows = []
        for path in smk.input:
            with open(path, encoding="utf-8") as f:
                q = json.load(f)
            rows.append({k: ("" if q.get(k) is None else q[k]) for k in QUALITY_COLUMNS})
        rows.sort(key=lambda r: (r["data"], r["lang"]))
        write_tsv(smk.output[0], rows, QUALITY_COLUMNS)
        log.info("translation quality of %d (dataset, language) pairs -> %s", len(rows), smk.output[0])
