"""Rule `judge`: rate the test-split generations of one (judge, checkpoint), every language in one call
(`xlit.judge.job.run_job`: a transformers or vllm judge is loaded once), one output file per language; a panel
judge averages its members' output files instead.

input:   responses (results/generations/{run}/lr{lr}/test/{lang}.jsonl, one per params.langs), model (the judge's
         model, when the workflow builds it), prompt (the template file, if any), members (a panel: each member's
         results/judge/{member}/{run}/lr{lr}/{lang}.jsonl, member by member, each over params.langs)
output:  results/judge/{judge}/{run}/lr{lr}/{lang}.jsonl, one per params.langs (same order)
params:  langs, judge (the `judges.<judge>` mapping), prompt (template path or spec, or None), cache_dir,
         base_dir (where base-model names resolve)
wildcards: judge, run, lr; threads: torch threads; resources: gpu (transformers, vllm: the judge's `gpus`)
config:  judge.max_error_share, judge.reask_unparsed (read here, not params: changing them re-runs no job); vllm
         (where vLLM runs and its engine arguments)
backend vllm: the job runs in vLLM's environment (xlit.vllm_job.hand_over), its output in this job's log, unless
every answer is cached (then here, without vLLM). The job fails (no output; answers that arrived are cached) when
more requests failed than max_error_share.
"""

import logging

from xlit.judge import load_template
from xlit.judge.job import hand_over_needed, run_job
from xlit.smk import job
from xlit.vllm_job import hand_over

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "judge") as log:
        for noisy in ("httpx2", "httpcore", "httpcore2", "openai"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        w = smk.wildcards
        cfg = dict(smk.params.judge)
        langs = list(smk.params.langs)
        members = list(smk.input.get("members", []))  # member by member, each over langs
        tolerance = smk.config["judge"]
        spec = {
            "judge": w.judge,
            "cfg": cfg,
            "template": load_template(smk.params.prompt),
            "files": [[str(r), str(o), lang] for r, o, lang in zip(smk.input.responses, smk.output, langs)],
            "members": [
                [str(members[m * len(langs) + i]) for m in range(len(members) // len(langs))] for i in range(len(langs))
            ],
            "cache_dir": smk.params.cache_dir,
            "base_dir": smk.params.base_dir,
            "max_error_share": float(tolerance["max_error_share"]),
            "reasks": int(tolerance["reask_unparsed"]),
            "run": w.run,
            "lr": w.lr,
            "threads": smk.threads,
            "gpus": int(smk.resources.get("gpu", 0) or 0),
        }
        if hand_over_needed(spec):
            hand_over("judge", spec, smk.config, log)
        else:
            run_job(spec)
