"""Rule `demo_constraints`: the demo's constraint prompts, its test prompts with a constraint each
(xlit.demo.constraints.write_constraint_prompts).

input:   test (results/demo/prompts/test/{lang}.jsonl, one per language of params.languages)
output:  prompts (results/demo/prompts/constraints/{lang}.jsonl), types (the `.types` beside each)
params:  languages
"""

import json

from xlit.demo.constraints import write_constraint_prompts
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "demo_constraints") as log:
        langs = smk.params.languages
        counts = write_constraint_prompts(dict(zip(langs, smk.input.test)), dict(zip(langs, smk.output.prompts)))
        log.info("constraint types per language: %s", json.dumps(counts, ensure_ascii=False))
