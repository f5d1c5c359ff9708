from xlit.chat import get_template
from xlit.demo import build_tiny_base
from xlit.io import workdir_relative, write_json
from xlit.smk import job

with job(snakemake, "build_base") as log:  # noqa: F821
    smk = snakemake  # noqa: F821
    m = smk.params.model
    if "tiny" in m:
        stats = build_tiny_base(list(smk.input), smk.params.outdir, chat_template=get_template(m["chat_template"]),
                                **{k: v for k, v in m["tiny"].items() if k != "corpus_langs"}, log=log.info)
        log.info("pretraining: %s", stats)
        # relative to the work directory: a copied or moved study uses its own base model
        write_json(smk.output[0], {"path": workdir_relative(smk.params.outdir), "tiny": True, **stats})
    else:
        write_json(smk.output[0], {"path": m["hf"], "tiny": False})
