"""Rule simulated_rating (demo only): a SIMULATED rater fills the blinded sheets of every language from the
demo world's ground truth (`xlit.simrater.simulate_sheet`; it reads the sheets' keys, which a real rater
never sees).

snakemake.input: sheets (results/human/sheets/{lang}.csv), key_files (results/human/keys/{lang}.csv),
                 answers (results/demo/answers/{split}/{lang}.jsonl), all in params order of languages;
                 surface (the rated checkpoints' surface rows, any order: results/surface/{run}/lr{lr}/{split}/{lang}.jsonl)
snakemake.output: results/human/simulated/{rater}/{lang}.csv (the sheets with their scores filled), same order
snakemake.params.sim: rater ({seed, noise}), fluency_ppl ([a, b] or None: the default bands), threshold
snakemake.log[0]
"""
from collections import Counter
from pathlib import Path

from xlit.agreement import CRITERIA
from xlit.simrater import FLUENCY_PPL, simulate_sheet
from xlit.smk import job

with job(snakemake, "simulated_rating") as log:  # noqa: F821
    sm = snakemake  # noqa: F821
    p = sm.params.sim
    rater = p["rater"]
    for sheet, key, answers, out in zip(sm.input.sheets, sm.input.key_files, sm.input.answers, sm.output):
        lang = Path(sheet).stem
        surface = [s for s in sm.input.surface if Path(s).stem == lang]
        rows = simulate_sheet(sheet, key, answers, surface, out, seed=rater["seed"], noise=float(rater["noise"]),
                              bands=[float(x) for x in (p.get("fluency_ppl") or FLUENCY_PPL)],
                              threshold=float(p.get("threshold", 0.5)))
        for c in CRITERIA:
            log.info("%s %s: truth %s, rated %s", lang, c, dict(sorted(Counter(r["truth"][c] for r in rows).items())),
                     dict(sorted(Counter(r["scores"][c] for r in rows).items())))
        log.info("simulated rater %s: %s, %d items -> %s", sm.wildcards.rater, lang, len(rows), out)
