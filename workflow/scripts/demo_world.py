from xlit.demo import write_demo_world
from xlit.smk import job

with job(snakemake, "demo_world") as log:  # noqa: F821
    smk = snakemake  # noqa: F821
    summary = write_demo_world(smk.params.outdir, **smk.params.demo)
    log.info("demo world: %s", summary)
