import shutil
import urllib.request

from xlit.io import atomic_path
from xlit.smk import job

with job(snakemake, "download") as log:  # noqa: F821
    smk = snakemake  # noqa: F821
    log.info("fetching %s", smk.params.url)
    with urllib.request.urlopen(smk.params.url, timeout=120) as r, atomic_path(smk.output[0]) as tmp:
        with open(tmp, "wb") as f:
            shutil.copyfileobj(r, f)
