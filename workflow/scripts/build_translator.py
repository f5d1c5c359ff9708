# The demo's tiny MarianMT-style translator, trained on the demo parallel data (xlit.demo.tiny_mt).
from xlit.demo import build_translator
from xlit.smk import job

with job(snakemake, "build_translator") as log:  # noqa: F821
    smk = snakemake  # noqa: F821
    import torch

    torch.set_num_threads(smk.threads)
    meta = build_translator(smk.params.parallel_dir, smk.params.langs, smk.params.outdir,
                            smk.params.settings, log=log.info)
    for lang, e in meta["eval"].items():
        log.info("%s: chrF %.1f vs %.1f copying the source (BLEU %.1f, %d held-out pairs)", lang, e["chrf"],
                 e["chrf_copy"], e["bleu"], e["n"])
    log.info("trained in %.0f s (%.0f s in all), %d parameters", meta["train_s"], meta["total_s"], meta["params"])
