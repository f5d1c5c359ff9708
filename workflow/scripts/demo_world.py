"""Rule `demo_world`: write the demo world (corpora, Dolly-format IT set, eval prompts and answers,
parallel text; xlit.demo.write_demo_world).

input:   none
output:  the demo world's files under results/demo (common.smk demo_outputs(); the folder written is the
         outputs' common folder), or dir (a folder)
params:  demo (keyword arguments of
         xlit.demo.write_demo_world, may be partial, with `languages`)
Tests call main(smk); Snakemake runs the file as a script.
"""

import json
import os

from xlit.demo import write_demo_world
from xlit.smk import job


def main(smk):
    with job(smk, "demo_world") as log:
        outdir = getattr(smk.output, "dir", None) or os.path.commonpath(list(smk.output))
        kwargs = dict(smk.params.demo or {})
        log.info("writing the demo world to %s with %s", outdir, json.dumps(kwargs, sort_keys=True))
        summary = write_demo_world(outdir, **kwargs)
        log.info("demo world: %s", json.dumps(summary, ensure_ascii=False, sort_keys=True))
        return summary


if __name__ == "__main__":
    main(snakemake)  # noqa: F821
