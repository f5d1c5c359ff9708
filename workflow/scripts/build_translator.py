"""Rule `build_translator` (demo): the tiny MarianMT-style translator, trained on the demo's parallel data
(xlit.demo.tiny_mt).

input:   results/demo/parallel/{lang}.{train,test}.jsonl of every non-English language
output:  results/translator/tiny/xlit_translator.json (written last, with held-out chrF)
params:  langs (the target languages), settings (config translation.translator)
threads: torch threads
"""

import os

from xlit.demo import build_translator
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "build_translator") as log:
        import torch

        torch.set_num_threads(smk.threads)
        parallel_dir, out_dir = os.path.dirname(smk.input[0]), os.path.dirname(smk.output[0])
        meta = build_translator(parallel_dir, smk.params.langs, out_dir, smk.params.settings, log=log.info)
        for lang, e in meta["eval"].items():
            log.info(
                "%s: chrF %.1f vs %.1f copying the source (BLEU %.1f, %d held-out pairs)",
                lang,
                e["chrf"],
                e["chrf_copy"],
                e["bleu"],
                e["n"],
            )
        log.info("trained in %.0f s (%.0f s in all), %d parameters", meta["train_s"], meta["total_s"], meta["params"])
