"""Rule `test_categories`: the test prompts with task categories: AlpacaEval's `dataset` of the row each English
test prompt is (xlit.evalsets.match_prompts: the same normalised text, the fuzzy rule for edited prompts, or the
config's `test_matches`), for ids whose English prompt has no category. A prompt listed with no original keeps
"" (figures show "(none)"); one neither matched nor listed fails the job in one line naming it.

input:   source (AlpacaEval's eval set), prompts (config eval_sets.test, one per params.langs)
output:  results/prompts/test/{lang}.jsonl, one per params.langs (same order)
params:  langs (English first); test_matches (config: test prompts matched by hand)
"""

from xlit.data import check_aligned, load_prompts
from xlit.evalsets import join_categories, load_alpaca_eval
from xlit.io import write_jsonl
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "test_categories") as log:
        langs = smk.params.langs
        paths = dict(zip(langs, smk.input.prompts))
        prompts = {l: load_prompts(p) for l, p in paths.items()}
        check_aligned(prompts, paths)
        joined, stats = join_categories(
            prompts,
            load_alpaca_eval(smk.input.source),
            english=langs[0],
            listed=smk.params.test_matches,
            path=paths[langs[0]],
        )
        for lang, path in zip(langs, smk.output):
            write_jsonl(path, joined[lang])
        log.info(
            "test categories: %d prompts, %d had one, %d joined from %s (%d same text, %d edited and matched by "
            "the fuzzy rule, %d listed in test_matches), %d listed with no original",
            stats["n"],
            stats["had_category"],
            stats["matched"],
            smk.input.source,
            stats["exact"],
            stats["fuzzy"],
            stats["listed"],
            stats["none"],
        )
        for tid, (source, ratio, how) in stats["edited"].items():
            log.info("test prompt %s = %s (%s, word similarity %.2f)", tid, source, how, ratio)
