"""Rule `annotation_sheets`: blinded rating sheets, their rating pages and keys per language, and the
rating guidelines.

input:   generations (results/generations/{run}/lr{lr}/{split}/{lang}.jsonl of the selected checkpoints; run, lr
         and lang are read from each path)
output:  sheets (results/human/sheets/{lang}.csv), pages (results/human/sheets/{lang}.html: each sheet's rating
         page), key_files (results/human/keys/{lang}.csv), the same languages in the same order; guidelines
         (results/human/guidelines.md)
params:  seed (shuffling seed), n_items (config human.sheets_per_lang: at most this many rows per language sheet,
         the same prompts for every run; None: every response)
"""
from collections import defaultdict
from pathlib import Path

from xlit.human import checkpoint_from_path, write_guidelines, write_page, write_sheets
from xlit.smk import job

smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
with job(smk, "annotation_sheets") as log:
    by_lang = defaultdict(list)
    for path in smk.input.generations:
        c = checkpoint_from_path(path)
        by_lang[c["lang"]].append((c["run"], c["lr"], path))
    n_items = smk.params.get("n_items")
    pages = {Path(p).stem: p for p in smk.output.pages}
    for sheet, key in zip(smk.output.sheets, smk.output.key_files):
        lang = Path(sheet).stem
        outdir = Path(sheet).parent.parent
        if Path(key) != outdir / "keys" / f"{lang}.csv":
            raise ValueError(f"key {key} does not sit beside sheet {sheet} (expected {outdir}/keys/{lang}.csv)")
        if not by_lang.get(lang):
            raise ValueError(f"no generations for language {lang!r} among the inputs")
        s, k = write_sheets(by_lang[lang], outdir, lang, int(smk.params.seed),
                            n_items=int(n_items) if n_items else None)
        page = write_page(s, pages[lang])
        log.info("%s: sheet %s, page %s, key %s, %d checkpoints", lang, s, page, k, len(by_lang[lang]))
    write_guidelines(smk.output.guidelines)
    log.info("guidelines %s", smk.output.guidelines)
