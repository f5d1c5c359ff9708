# Configuration (checked once), the study grid, the settings, resources and params functions the rule files read,
# and the checks before any job; the input functions are in inputs.smk. Every results path comes from xlit.paths
# (imported here for the rules), names (criteria, splits, checkpoint ids) from xlit.names.
import re
import sys

import xlit.config as xc
from snakemake.exceptions import WorkflowError
from xlit import names
from xlit.config import canonical  # every rule's params: compared by meaning, not key order
from xlit.constraints import types_path
from xlit.evalsets import check_config as check_test_matches
from xlit.io import InputError
from xlit.paths import (
    BASE_DIR,
    HUMAN_GUIDELINES,
    TRANSLATOR_META,
    VALID_SAMPLE_STATS,
    VALID_SPLIT_STATS,
    base_model_dir,
    base_source,
    constraint_rows,
    constraint_summary,
    demo_answers,
    demo_corpus,
    demo_it,
    demo_parallel,
    demo_prompts,
    figure,
    generation_file,
    human_key,
    human_page,
    human_sheet,
    it_data_file,
    judge_checkpoint_dir,
    judge_model_dir,
    judge_result_file,
    judge_train_file,
    model_dir,
    simulated_sheet,
    step_model_dir,
    surface_file,
    surface_summary,
    table,
    test_prompts,
    train_checkpoint_dir,
    translation_files,
    valid_sample,
    valid_split_file,
    valid_translated,
)

# The one schema check (a line naming the key and what was expected, before any job starts), the schema's
# defaults filled in (rules and scripts read `config[...]` without fallbacks), then the cross-reference checks.
config = xc.validate(config, "config")

LANGS = config["languages"]
RUNS = xc.runs(config)
#: (run, checkpoint id) pairs evaluated: the id is the lr (`1e-05`, the final model) or, with selection.steps,
#: `1e-05-step200` (the model after 200 updates); every path below writes it as `lr{id}`
CHECKPOINTS = xc.checkpoints(config)
STEPS = xc.selection_steps(config)
#: the steps whose model the train job saves besides the final one (a step at training.max_steps is the final)
SAVED_STEPS = [s for s in STEPS if s < config["training"]["max_steps"]]
LR_PATTERN = r"[0-9.e+-]+"
CACHE_DIR = config["cache_dir"]


wildcard_constraints:
    run="|".join(map(re.escape, RUNS)),
    lr=LR_PATTERN + (r"(-step[0-9]+)?" if STEPS else ""),
    split="valid|test|constraints",
    lang="[a-z]{2,3}",
    model="|".join(map(re.escape, config["base_models"])),
    data="|".join(map(re.escape, config["it_datasets"])),
    strategy="en|dt",


# ---- the grid and the sections the rules read ----------------------------------------------------------------------
def model_cfg(name):
    return config["base_models"][name]


def run_of(wildcards):
    return RUNS[wildcards.run]


#: every (split, language) of valid and test a checkpoint answers: one generate job and one surface job per checkpoint
EVAL_SETS = [(split, lang) for split in names.SPLITS for lang in LANGS]
#: the splits of constraint prompts (their answers checked by constraints.smk), and the unmodified prompts' split
CONSTRAINT_SPLITS = xc.constraint_splits(config)
CONSTRAINT_REFERENCE = config["constraints"]["reference"]
#: the constraint split's sets (eval_sets.constraints), answered by a job of their own (generate_constraints): adding
#: them to a finished study generates them alone, and re-runs no valid/test job
CONSTRAINT_SETS = [(split, lang) for split in CONSTRAINT_SPLITS if split not in names.SPLITS for lang in LANGS]


#: the validation split the workflow builds (valid.smk), when configured
VALID_SPLIT = config.get("valid_split")


#: the test prompts' categories joined from AlpacaEval (valid.smk's test_categories; eval_file), when configured
TEST_CATEGORIES = config.get("test_categories")


#: the translation section; its schema defaults when the config has none (the translate rules exist either way)
TRANSLATION = config["translation"] if "translation" in config else xc.section_defaults("translation")


def dt_datasets():
    return sorted({r.data for r in RUNS.values() if r.strategy == "dt"})


def given_translations():
    """`{data}/{lang}` of every (dataset, language) whose translation is given (it_datasets.<d>.translations)."""
    return [f"{d}/{lang}" for d, c in config["it_datasets"].items() for lang in (c.get("translations") or {})]


def given_wildcards(wildcards):
    """The {data} and {lang} of a `{given}` wildcard (`dolly/fr`), for it_source / it_reference."""
    from types import SimpleNamespace

    data, lang = wildcards.given.split("/")
    return SimpleNamespace(data=data, lang=lang)


#: what the generations depend on (the GPU count does not change them: a resource, not a param)
GENERATION = {k: v for k, v in config["generation"].items() if k != "gpus"}


JUDGES = config["judges"]


JUDGE_SPLIT = config["judge"]["split"]


JUDGE_PROMPT = config["judge"]["prompt"]


# the judge scripts' `prompt` param: the template path, or {path, placeholders} when the file has its own
# placeholders (judge.placeholders; xlit.judge.load_template reads both)
JUDGE_PROMPT_SPEC = (
    {"path": JUDGE_PROMPT, "placeholders": config["judge"]["placeholders"]}
    if JUDGE_PROMPT and config["judge"].get("placeholders")
    else JUDGE_PROMPT
)


def judge_cfg(wildcards):
    return JUDGES[wildcards.judge]


#: judges the workflow trains itself (demo): `train_judge` builds each one's model, `judge_model_dir(<name>)`
TRAINED_JUDGES = [j for j, c in JUDGES.items() if c.get("train")]


for _j in TRAINED_JUDGES:
    if JUDGES[_j]["model"] != judge_model_dir(_j):
        raise ValueError(
            f"judges.{_j}.model: a judge with `train:` is built at {judge_model_dir(_j)}; "
            f"set model to that path (got {JUDGES[_j]['model']!r})"
        )


#: the checkpoints whose valid-split answers the trained judge learns from: those of `en` runs (they need no
#: translator, so the judge trains while the translator and the `dt` runs do), or every one if no run is `en`
JUDGE_TRAIN_CHECKPOINTS = [(r, lr) for r, lr in CHECKPOINTS if RUNS[r].strategy == "en"] or CHECKPOINTS


#: the demo's simulated raters (human.simulated.raters): names of the `simulated_rating` rule's {rater}
SIMULATED_RATERS = (config["human"].get("simulated") or {}).get("raters") or {}


# ---- resources (threads, GPUs, memory: they change no result) ------------------------------------------------------
def cpu_threads(gpus):
    """CPU threads per job: 1 on CPU-only jobs (the demo runs two at a time), 8 per GPU otherwise."""
    return 8 * gpus if gpus else 1


def translate_gpus(wildcards=None):
    return int(TRANSLATION["gpus"]) if TRANSLATION["backend"] == "hf" else 0


def train_gpus(wildcards):
    """GPUs for one training job: the model's count for full fine-tuning, one for LoRA (xlit.plan.train_gpus)."""
    from xlit.plan import train_gpus as gpus

    return gpus(config, run_of(wildcards))


def train_mem_mb(wildcards):
    """Host memory of one training job (MB, SLURM's MiB), from the adaptation and the GPU count: the plan's
    estimate for a GPU job (xlit.plan.train_mem_mb, `xlit plan`'s host GiB), the model's mem_mb on CPU. A
    resource: changing it re-runs nothing."""
    from xlit.plan import train_mem_mb as mem_mb

    return mem_mb(config, run_of(wildcards))


def generate_gpus(wildcards):
    """generation.gpus for a model that has GPUs (vllm: tensor parallel over them), else 0."""
    return config["generation"]["gpus"] if int(model_cfg(run_of(wildcards).model)["gpus"]) else 0


def surface_mem_mb(wildcards=None):
    """Enough to load the reference LM (a quarter of its training job's memory), at least 4 GB."""
    m = config["surface"]["fluency_model"]
    return max(4000, model_cfg(m)["mem_mb"] // 4) if m in config["base_models"] else 16000


#: judge backends that load a model in the job (their `gpus` are the job's GPUs); openai calls out, panel averages
MODEL_JUDGES = ("transformers", "vllm")


def judge_gpus(wildcards):
    c = judge_cfg(wildcards)
    return int(c["gpus"]) if c["backend"] in MODEL_JUDGES else 0


def judge_conda(wildcards):
    """The judge job's environment under --sdm conda: vLLM's for a vllm judge, else eval's."""
    vllm = judge_cfg(wildcards)["backend"] == "vllm"
    return "../../envs/vllm.yaml" if vllm else "../../envs/eval.yaml"


# ---- params functions (each wrapped by canonical() in its rule) ----------------------------------------------------
def fluency_model_param(wildcards):
    m = config["surface"]["fluency_model"]
    return "" if m in config["base_models"] else m


def train_spec(wildcards):
    run = run_of(wildcards)
    ad = config["adaptations"][run.adaptation]
    return {
        "adaptation": run.adaptation,
        "lr": float(wildcards.lr),
        "lora": {k: v for k, v in ad.items() if k != "learning_rates"} if run.adaptation == "lora" else None,
        "training": config["training"],
        "chat_template": xlit_chat_template(run.model),
        # only when set: a model without them keeps its params (no finished training re-runs)
        **{k: model_cfg(run.model)[k] for k in ("attn_implementation", "dtype") if model_cfg(run.model).get(k)},
        "checkpoint_dir": train_checkpoint_dir(wildcards.run, wildcards.lr),
        **({"save_at": SAVED_STEPS} if SAVED_STEPS else {}),
    }


def xlit_chat_template(model):
    from xlit.chat import get_template

    return get_template(model_cfg(model)["chat_template"])


def simulated_rating_params(wildcards):
    sim = config["human"]["simulated"]
    return {
        "rater": SIMULATED_RATERS[wildcards.rater],
        "fluency_ppl": sim.get("fluency_ppl"),
        "threshold": config["surface"]["lid_threshold"],
    }


def train_judge_params(wildcards):
    c = JUDGES[wildcards.judge]
    t = c["train"]
    sim = config["human"].get("simulated") or {}
    return {
        "langs": LANGS,
        "lr": t["lr"],
        "template": c.get("template"),
        "seed": config["seed"],
        "fluency_ppl": sim.get("fluency_ppl"),
        "threshold": config["surface"]["lid_threshold"],
        "chat_template": xlit_chat_template(t["base"]),
        "training": {
            **config["training"],
            "max_steps": t["steps"],
            "max_length": t["max_length"],
            "save_steps": t["steps"],
            "epochs": None,
        },
        "checkpoint_dir": judge_checkpoint_dir(wildcards.judge),
    }


# ---- before any job (the Snakefile calls these once every rule is defined) -----------------------------------------
def check_inputs():
    """Every file the config names (xlit.config.input_files) exists, is a download or a rule's output: one line
    naming the config key, at every plan of the main process (a fresh dry run and a finished study's re-plan
    alike). A judge's unset API key variable is a warning here (a dry run, or targets that judge nothing, need
    none); `refuse_judging_without_keys` stops a real run whose jobs would judge."""
    if workflow.is_main_process:
        xc.check_inputs(config, "config", produced=lambda path: any(r.is_producer(path) for r in workflow.rules))
        try:  # every English test prompt matched to AlpacaEval, or listed in test_matches (once the files exist)
            check_test_matches(config)
        except InputError as e:
            raise xc.ConfigError(f"config: test_matches: {e}") from None
        for line in xc.missing_api_keys(config):
            print(f"warning: {line}", file=sys.stderr)


def refuse_judging_without_keys():
    """onstart (a real run, before its first job): refuse a run with judge jobs to come when a key is missing."""
    missing = xc.missing_api_keys(config)
    if missing and any(job.rule.name in ("judge", "judge_table") for job in workflow.dag.needrun_jobs()):
        raise WorkflowError(missing[0])
