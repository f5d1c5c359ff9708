"""Rule `valid_prompts`: the English validation prompts: AlpacaEval's eval set without the test prompts
(normalised English text), valid_split.n of them sampled with valid_split.seed.

input:   source (AlpacaEval's eval set), test (the English test prompts)
output:  prompts (results/valid_split/sample/{en}.jsonl), stats (results/valid_split/sample/sample.json)
params:  n, seed, test_matches (config: test prompts matched by hand to their AlpacaEval original)
"""

from xlit.data import load_prompts
from xlit.evalsets import load_alpaca_eval, sample_valid
from xlit.io import write_json, write_jsonl
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "valid_prompts") as log:
        pool = load_alpaca_eval(smk.input.source)
        test = load_prompts(smk.input.test)
        listed = smk.params.test_matches
        rows, stats = sample_valid(pool, test, smk.params.n, smk.params.seed, source=smk.input.source, listed=listed)
        write_jsonl(smk.output.prompts, rows)
        write_json(smk.output.stats, stats)
        log.info(
            "%s: %d prompts, %d of them test prompts (%s), %d repeats; sampled %d of %d (seed %d)",
            smk.input.source,
            stats["pool"],
            stats["test_overlap"],
            smk.input.test,
            stats["repeats"],
            stats["n"],
            stats["candidates"],
            stats["seed"],
        )
