"""Rule `build_base`: a base model's source.json; a tiny model (`tiny:`) is pretrained first (xlit.demo).

input:   the demo corpora of the model's `tiny.corpus_langs` (results/demo/corpus/{lang}.txt; none for a hub model)
output:  results/base/{model}/source.json (`path`: the tiny model's folder relative to the work directory, or the
         hub id)
params:  model (the `base_models.<model>` mapping), outdir (results/base/{model}/model: where a tiny model is built)
"""

from xlit.chat import get_template
from xlit.demo import build_tiny_base
from xlit.io import workdir_relative, write_json
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "build_base") as log:
        m = smk.params.model
        if "tiny" in m:
            stats = build_tiny_base(
                list(smk.input),
                smk.params.outdir,
                chat_template=get_template(m["chat_template"]),
                **{k: v for k, v in m["tiny"].items() if k != "corpus_langs"},
                log=log.info,
            )
            log.info("pretraining: %s", stats)
            # relative to the work directory: a copied or moved study uses its own base model
            write_json(smk.output[0], {"path": workdir_relative(smk.params.outdir), "tiny": True, **stats})
        else:
            write_json(smk.output[0], {"path": m["hf"], "tiny": False})
