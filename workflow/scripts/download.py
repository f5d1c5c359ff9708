"""Rule `download`: fetch one file of config `downloads` (written atomically).

input:   none
output:  {path} (a key of config `downloads`)
params:  url
"""

import shutil
import urllib.request

from xlit.io import atomic_path
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "download") as log:
        log.info("fetching %s", smk.params.url)
        with urllib.request.urlopen(smk.params.url, timeout=120) as r, atomic_path(smk.output[0]) as tmp:
            with open(tmp, "wb") as f:
                shutil.copyfileobj(r, f)
