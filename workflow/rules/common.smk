# Configuration, the study grid and input functions shared by every rule file.
import re

from snakemake.utils import validate

import xlit.config as xc

# One line naming the key and what was expected, before any job starts; then snakemake's own
# schema validation (which also fills the schema's defaults), then xlit's cross-reference checks.
xc.check_schema(config, "config")
validate(config, "../../config/schema/config.schema.yaml")
config = xc.validate(config, "config")

LANGS = config["languages"]
RUNS = xc.runs(config)
CHECKPOINTS = xc.checkpoints(config)
CACHE_DIR = config["cache_dir"]


wildcard_constraints:
    run="|".join(map(re.escape, RUNS)),
    lr=r"[0-9.e+-]+",
    split="valid|test",
    lang="[a-z]{2,3}",
    model="|".join(map(re.escape, config["base_models"])),
    data="|".join(map(re.escape, config["it_datasets"])),
    strategy="en|dt",


def model_cfg(name):
    return config["base_models"][name]


def run_of(wildcards):
    return RUNS[wildcards.run]


def gpus_of_model(name):
    return int(model_cfg(name).get("gpus", 0))


def cpu_threads(gpus):
    """CPU threads per job: 1 on CPU-only jobs (the demo runs two at a time), 8 per GPU otherwise."""
    return 8 * gpus if gpus else 1


# ---- files ------------------------------------------------------------------------------------------
def base_source(model):
    return f"results/base/{model}/source.json"


def it_data_file(data, strategy):
    return f"results/it_data/{data}/{strategy}.jsonl"


def model_dir(run, lr):
    return f"results/models/{run}/lr{lr}"


def generation_file(run, lr, split, lang):
    return f"results/generations/{run}/lr{lr}/{split}/{lang}.jsonl"


def all_generation_files():
    return [generation_file(run, lr, split, lang)
            for run, lr in CHECKPOINTS for split in xc.SPLITS for lang in LANGS]


def eval_file(split, lang):
    return config["eval_sets"][split][lang]
