"""Rule `judge_validity`: how far each judge can be trusted (xlit.validity), as a table and a report figure.

input:   judge (results/tables/judge_scores.tsv), human (results/tables/human_scores.tsv, may have no rows),
         selected (results/tables/selected_lr.tsv), surface (the selected checkpoints' surface rows on the judge
         split, results/surface/{run}/lr{lr}/{split}/{lang}.jsonl, in the order of params.surface)
output:  table (results/tables/judge_validity.tsv), pdf, png (results/judge_validity.{pdf,png})
params:  selection (the LR-selection criterion whose checkpoints are compared), n_boot (bootstrap resamples for
         the human-human interval), seed (bootstrap seed), surface ([run, checkpoint id, lang] of each surface file),
         judges (every configured judge: one without a single parsed score still gets its rows)
Without human ratings the table has a header only and the figure says why.
"""

from xlit.figures.validity import validity_figure
from xlit.io import write_tsv
from xlit.scores import load_scores, simulated
from xlit.smk import job
from xlit.validity import COLUMNS, read_lengths, validity_table

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "judge_validity") as log:
        scores = load_scores(smk.input.judge, smk.input.human, smk.input.selected, smk.params.selection)
        lengths = read_lengths(
            (run, lr, lang, path) for (run, lr, lang), path in zip(smk.params.surface, smk.input.surface)
        )
        # every configured judge, also one whose answers never parsed (no row in judge_scores): kappa_undefined, n 0
        judges = list(dict.fromkeys([*scores.judges, *smk.params.judges]))
        rows = validity_table(scores, lengths, n_boot=int(smk.params.n_boot), seed=int(smk.params.seed), judges=judges)
        write_tsv(smk.output.table, rows, COLUMNS)
        validity_figure(rows, smk.output.pdf, smk.output.png, simulated=simulated(scores))
        flagged = [f"{r['judge']}/{r['criterion']}/{r['lang']}: {r['flag']}" for r in rows if r["flag"]]
        log.info(
            "%d rows (judges %s, %d responses with lengths); %d flagged%s",
            len(rows),
            judges,
            len(lengths),
            len(flagged),
            "".join(f"\n  {f}" for f in flagged),
        )
        if not rows:
            log.info("no rows: %s", "no human ratings" if not scores.human else "no judge scores")
