# Configuration, the study grid and input functions shared by every rule file.
import re

from snakemake.utils import validate

import xlit.config as xc

# One line naming the key and what was expected, before any job starts; then snakemake's own
# schema validation (which also fills the schema's defaults), then xlit's cross-reference checks.
xc.check_schema(config, "config")
validate(config, "../../config/schema/config.schema.yaml")
config = xc.validate(config, "config")
if "translation" in config:
    from xlit.translate import check_languages

    check_languages(config["translation"], config["languages"][1:], src=config["languages"][0])

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


# ---- surface features and LR selection -------------------------------------------------------------
def fluency_model_input(wildcards):
    m = config["surface"]["fluency_model"]
    return base_source(m) if m in config["base_models"] else []


def fluency_model_param(wildcards):
    m = config["surface"]["fluency_model"]
    return "" if m in config["base_models"] else m


def surface_summary(run, lr, split, lang):
    return f"results/surface/{run}/lr{lr}/{split}/{lang}.summary.json"


def surface_summaries(wildcards=None):
    return [surface_summary(run, lr, split, lang)
            for run, lr in CHECKPOINTS for split in xc.SPLITS for lang in LANGS]


# ---- the selected checkpoints (after the select_lr checkpoint) -----------------------------------
def selected_lrs():
    """{run: lr} under config selection.criterion, read once select_lr has run."""
    from xlit.select import read_selected

    return read_selected(checkpoints.select_lr.get().output.selected, config["selection"]["criterion"])


def selected_generations(wildcards=None):
    split = config["judge"]["split"]
    return [generation_file(run, lr, split, lang) for run, lr in selected_lrs().items() for lang in LANGS]


def judge_outputs(wildcards=None):
    return [f"results/judge/{judge}/{run}/lr{lr}/{lang}.jsonl"
            for judge in config["judges"] for run, lr in selected_lrs().items() for lang in LANGS]


# ---- human ratings ----------------------------------------------------------------------------------
def human_rating_sheets():
    return [r["path"] for r in config["human"]["ratings"]]


def human_annotators():
    return [r["annotator"] for r in config["human"]["ratings"]]


def human_key_files():
    return sorted({f"results/human/keys/{r['lang']}.csv" for r in config["human"]["ratings"]})


# ---- the default target --------------------------------------------------------------------------
def study_targets():
    figs = [f"results/fig{i}.{ext}" for i in (2, 3, 4, 5) for ext in ("pdf", "png")]
    tables = [f"results/tables/{t}.tsv" for t in
              ("surface", "selected_lr", "judge_scores", "judge_cost", "human_scores", "agreement")]
    if any(r.strategy == "dt" for r in RUNS.values()):
        tables.append("results/tables/translation_quality.tsv")
    return figs + tables + ["results/human/guidelines.md"]
