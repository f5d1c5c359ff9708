"""Rule `judge_table`: gather every judge job into the long score table and the cost table.

input:   the results/judge/{judge}/{run}/lr{lr}/{lang}.jsonl files, in the order of params.jobs
output:  scores (results/tables/judge_scores.tsv: judge run lr lang id category criterion score), cost
         (results/tables/judge_cost.tsv: a row per job, xlit.judge.COST_COLUMNS)
params:  judges (the `judges` mapping: prices per 1M tokens in/out), jobs ([judge, run, checkpoint id, lang] of each
         input file)
Missing criteria (unparsed or failed answers) have no row in judge_scores.tsv; judge_cost.tsv counts them.
"""

from xlit.io import read_jsonl, write_tsv
from xlit.judge import COST_COLUMNS, SCORE_COLUMNS, cost_row, score_rows
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "judge_table") as log:
        judges = dict(smk.params.judges)
        scores, costs = [], []
        for path, (judge, run, lr, lang) in sorted(zip(map(str, smk.input), smk.params.jobs)):
            rows = read_jsonl(path)
            scores += score_rows(rows, judge, run, lr, lang)
            costs.append(cost_row(rows, judges.get(judge, {}), judge, run, lr, lang))
        write_tsv(smk.output.scores, scores, SCORE_COLUMNS)
        write_tsv(smk.output.cost, costs, COST_COLUMNS)
        log.info(
            "%d jobs, %d scores, %d missing scores, total cost $%.4f",
            len(costs),
            len(scores),
            sum(c["missing_scores"] for c in costs),
            sum(c["cost_usd"] for c in costs),
        )
