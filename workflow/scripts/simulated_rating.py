"""Rule `simulated_rating` (demo only): a SIMULATED rater fills the blinded sheets of every language from
the demo world's ground truth (`xlit.simrater.simulate_sheet`; it reads the sheets' keys, which a real rater
never sees).

input:   sheets (results/human/sheets/{lang}.csv), key_files (results/human/keys/{lang}.csv), answers
         (results/demo/answers/{split}/{lang}.jsonl), all in the order of params.langs; surface (the rated
         checkpoints' surface rows, results/surface/{run}/lr{lr}/{split}/{lang}.jsonl, in the order of params.surface)
output:  results/human/simulated/{rater}/{lang}.csv (the sheets with their scores filled), same order
params:  sim: rater ({seed, noise}), fluency_ppl ([a, b] or None: the default bands), threshold; langs;
         surface ([run, checkpoint id, lang] of each surface file)
wildcards: rater
"""

from collections import Counter

from xlit.names import CRITERIA
from xlit.simrater import FLUENCY_PPL, simulate_sheet
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "simulated_rating") as log:
        p = smk.params.sim
        rater = p["rater"]
        files = zip(smk.params.langs, smk.input.sheets, smk.input.key_files, smk.input.answers, smk.output)
        for lang, sheet, key, answers, out in files:
            surface = [
                (run, lr, path) for (run, lr, l), path in zip(smk.params.surface, smk.input.surface) if l == lang
            ]
            rows = simulate_sheet(
                sheet,
                key,
                answers,
                surface,
                out,
                seed=rater["seed"],
                noise=float(rater["noise"]),
                bands=[float(x) for x in (p.get("fluency_ppl") or FLUENCY_PPL)],
                threshold=float(p["threshold"]),
            )
            for c in CRITERIA:
                log.info(
                    "%s %s: truth %s, rated %s",
                    lang,
                    c,
                    dict(sorted(Counter(r["truth"][c] for r in rows).items())),
                    dict(sorted(Counter(r["scores"][c] for r in rows).items())),
                )
            log.info("simulated rater %s: %s, %d items -> %s", smk.wildcards.rater, lang, len(rows), out)
