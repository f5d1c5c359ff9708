"""Rule `judge`: rate the test-split generations of one (judge, checkpoint), every language in one call
(`xlit.judge.judge_files`: a transformers judge is loaded once), one output file per language.

input:   responses (results/generations/{run}/lr{lr}/test/{lang}.jsonl, one per params.langs), model (the judge's
         model, when the workflow builds it), prompt (the template file, if any)
output:  results/judge/{judge}/{run}/lr{lr}/{lang}.jsonl, one per params.langs (same order)
params:  langs, judge (the `judges.<judge>` mapping), prompt (template path or spec, or None), cache_dir,
         base_dir (where base-model names resolve)
wildcards: judge, run, lr; threads: torch threads
config:  judge.max_error_share, judge.reask_unparsed (read here, not params: changing them re-runs no job)
The job fails (no output; answers that arrived are cached) when more requests failed than max_error_share.
"""

import logging

from xlit.judge import cost_row, judge_files, load_template, summary
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "judge") as log:
        for noisy in ("httpx2", "httpcore", "httpcore2", "openai"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        try:
            import torch

            torch.set_num_threads(max(1, int(smk.threads)))
        except ImportError:
            pass
        w = smk.wildcards
        cfg = dict(smk.params.judge)
        jobs = list(zip(smk.input.responses, smk.output, smk.params.langs))
        tolerance = smk.config["judge"]
        per_file = judge_files(
            jobs,
            w.judge,
            cfg,
            template=load_template(smk.params.prompt),
            cache_dir=smk.params.cache_dir,
            base_dir=smk.params.base_dir,
            max_error_share=float(tolerance["max_error_share"]),
            reasks=int(tolerance["reask_unparsed"]),
        )
        for (_, _, lang), rows in zip(jobs, per_file):
            s, c = summary(rows), cost_row(rows, cfg, w.judge, w.run, w.lr, lang)
            log.info(
                "%s: %d rows, %d from cache, %d errors, %d unparsed, %d missing scores; tokens in %d out %d; "
                "cost $%.4f (new $%.4f); means %s",
                lang,
                s["n"],
                s["cached"],
                s["errors"],
                s["unparsed"],
                s["missing_scores"],
                c["prompt_tokens"],
                c["completion_tokens"],
                c["cost_usd"],
                c["new_cost_usd"],
                s["means"],
            )
