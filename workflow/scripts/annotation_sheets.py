"""Rule `annotation_sheets`: blinded rating sheets, their rating pages and keys per language, and the
rating guidelines.

input:   generations (results/generations/{run}/lr{lr}/{split}/{lang}.jsonl of the selected checkpoints, in the
         order of params.answers)
output:  sheets (results/human/sheets/{lang}.csv), pages (results/human/sheets/{lang}.html: each sheet's rating
         page), key_files (results/human/keys/{lang}.csv), the same languages in the same order; guidelines
         (results/human/guidelines.md)
params:  seed (shuffling seed), n_items (config human.sheets_per_lang: at most this many rows per language sheet,
         the same prompts for every run; None: every response), langs (the outputs' languages, in their order),
         answers ([run, checkpoint id, lang] of each input file)
"""

from collections import defaultdict
from pathlib import Path

from xlit.human import write_guidelines, write_page, write_sheets
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "annotation_sheets") as log:
        by_lang = defaultdict(list)
        for (run, lr, lang), path in zip(smk.params.answers, smk.input.generations):
            by_lang[lang].append((run, lr, path))
        n_items = smk.params.n_items
        for lang, sheet, page, key in zip(smk.params.langs, smk.output.sheets, smk.output.pages, smk.output.key_files):
            outdir = Path(sheet).parent.parent
            if Path(key) != outdir / "keys" / f"{lang}.csv":
                raise ValueError(f"key {key} does not sit beside sheet {sheet} (expected {outdir}/keys/{lang}.csv)")
            if not by_lang.get(lang):
                raise ValueError(f"no generations for language {lang!r} among the inputs")
            s, k = write_sheets(
                by_lang[lang], outdir, lang, int(smk.params.seed), n_items=int(n_items) if n_items else None
            )
            page = write_page(s, page)
            log.info("%s: sheet %s, page %s, key %s, %d checkpoints", lang, s, page, k, len(by_lang[lang]))
        write_guidelines(smk.output.guidelines)
        log.info("guidelines %s", smk.output.guidelines)
