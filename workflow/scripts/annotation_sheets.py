"""Rule annotation_sheets: blinded rating sheets + keys per language, and the rating guidelines.

snakemake.input.generations  list of results/generations/{run}/lr{lr}/{split}/{lang}.jsonl (the selected
                             checkpoints; run, lr and lang are read from each path)
snakemake.output.sheets      list of results/human/sheets/{lang}.csv
snakemake.output.pages       list of results/human/sheets/{lang}.html: the rating page of each sheet
snakemake.output.key_files   list of results/human/keys/{lang}.csv (same languages, same order)
snakemake.output.guidelines  results/human/guidelines.md
snakemake.params.seed        shuffling seed
snakemake.params.n_items     optional: at most this many rows per language sheet (config
                             human.sheets_per_lang; None = every response), same prompts for every run
snakemake.log[0]
"""
from collections import defaultdict
from pathlib import Path

from xlit.human import checkpoint_from_path, write_guidelines, write_page, write_sheets
from xlit.smk import job

with job(snakemake, "annotation_sheets") as log:  # noqa: F821
    sm = snakemake  # noqa: F821
    by_lang = defaultdict(list)
    for path in sm.input.generations:
        c = checkpoint_from_path(path)
        by_lang[c["lang"]].append((c["run"], c["lr"], path))
    n_items = sm.params.get("n_items")
    pages = {Path(p).stem: p for p in sm.output.pages}
    for sheet, key in zip(sm.output.sheets, sm.output.key_files):
        lang = Path(sheet).stem
        outdir = Path(sheet).parent.parent
        if Path(key) != outdir / "keys" / f"{lang}.csv":
            raise ValueError(f"key {key} does not sit beside sheet {sheet} (expected {outdir}/keys/{lang}.csv)")
        if not by_lang.get(lang):
            raise ValueError(f"no generations for language {lang!r} among the inputs")
        s, k = write_sheets(by_lang[lang], outdir, lang, int(sm.params.seed),
                            n_items=int(n_items) if n_items else None)
        page = write_page(s, pages[lang])
        log.info("%s: sheet %s, page %s, key %s, %d checkpoints", lang, s, page, k, len(by_lang[lang]))
    write_guidelines(sm.output.guidelines)
    log.info("guidelines %s", sm.output.guidelines)
