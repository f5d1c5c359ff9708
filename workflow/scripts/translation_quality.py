# results/tables/translation_quality.tsv from every translate_it_data quality record.
import json

from xlit.io import write_tsv
from xlit.mt import QUALITY_COLUMNS
from xlit.smk import job

with job(snakemake, "translation_quality") as log:  # noqa: F821
    smk = snakemake  # noqa: F821
    rows = []
    for path in smk.input:
        with open(path, encoding="utf-8") as f:
            q = json.load(f)
        rows.append({k: ("" if q.get(k) is None else q[k]) for k in QUALITY_COLUMNS})
    rows.sort(key=lambda r: (r["data"], r["lang"]))
    write_tsv(smk.output[0], rows, QUALITY_COLUMNS)
    log.info("translation quality of %d (dataset, language) pairs -> %s", len(rows), smk.output[0])
