"""Rule `judge_estimate`: requests and estimated cost of judging the selected checkpoints' generations with
every configured judge, minus what the cache already holds. Prints the table (to the log and stdout).

input:   the generations the judge rule would read (results/generations/{run}/lr{lr}/test/{lang}.jsonl)
output:  results/tables/judge_estimate.tsv (xlit.judge.ESTIMATE_COLUMNS)
params:  judges (the `judges` mapping), prompt (template path or spec, or None), cache_dir, base_dir
"""

from xlit.io import write_tsv
from xlit.judge import ESTIMATE_COLUMNS, estimate, load_template
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "judge_estimate") as log:
        rows = estimate(
            [str(f) for f in smk.input],
            dict(smk.params.judges),
            load_template(smk.params.prompt),
            smk.params.cache_dir,
            smk.params.base_dir,
        )
        write_tsv(smk.output[0], rows, ESTIMATE_COLUMNS)
        lines = ["\t".join(ESTIMATE_COLUMNS)] + ["\t".join(str(r[c]) for c in ESTIMATE_COLUMNS) for r in rows]
        print("\n".join(lines))
        log.info("judge estimate (tokens: chars/4 in, %s out per request):\n%s", "40", "\n".join(lines))
