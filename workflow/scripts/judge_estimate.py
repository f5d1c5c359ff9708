"""Rule `judge_estimate`: requests and estimated cost of judging the given generations with every
configured judge, minus what the cache already holds. Prints the table (to the log and stdout).

snakemake.input: the generations files the judge rule would read (results/generations/.../test/{lang}.jsonl)
snakemake.output[0]: results/tables/judge_estimate.tsv (see xlit.judge.ESTIMATE_COLUMNS)
snakemake.params: judges (the `judges` mapping), prompt (template path or None), cache_dir, base_dir (optional)
"""
from xlit.io import write_tsv
from xlit.judge import ESTIMATE_COLUMNS, estimate, load_template
from xlit.smk import job

with job(snakemake, "judge_estimate") as log:  # noqa: F821
    snk = snakemake  # noqa: F821
    rows = estimate([str(f) for f in snk.input], dict(snk.params.judges),
                    load_template(getattr(snk.params, "prompt", None)), getattr(snk.params, "cache_dir", "cache"),
                    getattr(snk.params, "base_dir", "results/base"))
    write_tsv(snk.output[0], rows, ESTIMATE_COLUMNS)
    lines = ["\t".join(ESTIMATE_COLUMNS)] + ["\t".join(str(r[c]) for c in ESTIMATE_COLUMNS) for r in rows]
    print("\n".join(lines))
    log.info("judge estimate (tokens: chars/4 in, %s out per request):\n%s", "40", "\n".join(lines))
