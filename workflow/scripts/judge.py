"""Rule `judge`: rate the test-split generations of one (judge, checkpoint), every language in one call
(`xlit.judge.judge_files`: a transformers judge is loaded once), one output file per language.

snakemake.input.responses: results/generations/{run}/lr{lr}/test/{lang}.jsonl, one per params.langs
snakemake.output: results/judge/{judge}/{run}/lr{lr}/{lang}.jsonl, one per params.langs (same order)
snakemake.params: langs, judge (the `judges.<judge>` mapping), prompt (template path or None), cache_dir,
                  base_dir (optional, default results/base: where base-model names resolve)
snakemake.wildcards: judge, run, lr; snakemake.log[0]; snakemake.threads (torch threads)
snakemake.config["judge"]: max_error_share, reask_unparsed (read here, not params: changing them re-runs no job)
The job fails (no output; answers that arrived are cached) when more requests failed than max_error_share.
"""
import logging

from xlit.judge import cost_row, judge_files, load_template, summary
from xlit.smk import job

with job(snakemake, "judge") as log:  # noqa: F821 - injected by Snakemake
    snk = snakemake  # noqa: F821
    for noisy in ("httpx2", "httpcore", "httpcore2", "openai"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        import torch

        torch.set_num_threads(max(1, int(snk.threads)))
    except ImportError:
        pass
    w = snk.wildcards
    cfg = dict(snk.params.judge)
    jobs = list(zip(snk.input.responses, snk.output, snk.params.langs))
    tolerance = snk.config.get("judge") or {}
    per_file = judge_files(jobs, w.judge, cfg, template=load_template(getattr(snk.params, "prompt", None)),
                           cache_dir=getattr(snk.params, "cache_dir", "cache"),
                           base_dir=getattr(snk.params, "base_dir", "results/base"),
                           max_error_share=float(tolerance.get("max_error_share", 0.0)),
                           reasks=int(tolerance.get("reask_unparsed", 1)))
    for (_, _, lang), rows in zip(jobs, per_file):
        s, c = summary(rows), cost_row(rows, cfg, w.judge, w.run, w.lr, lang)
        log.info("%s: %d rows, %d from cache, %d errors, %d unparsed, %d missing scores; tokens in %d out %d; "
                 "cost $%.4f (new $%.4f); means %s", lang, s["n"], s["cached"], s["errors"], s["unparsed"],
                 s["missing_scores"], c["prompt_tokens"], c["completion_tokens"], c["cost_usd"],
                 c["new_cost_usd"], s["means"])
