"""Every path the workflow writes under `results/`, built in one place for the rules (`common.smk`) and the
library. Arguments may be wildcard patterns (`generation_file("{run}", "{lr}", split, lang)`); `lr` is a
checkpoint id (`xlit.names.checkpoint_id`). Nothing here reads a path back: run, lr and language travel as
wildcards or params."""

from __future__ import annotations

RESULTS = "results"
#: base models: `{BASE_DIR}/{model}/source.json` (names resolve there: judge, cli)
BASE_DIR = f"{RESULTS}/base"
#: the demo world (xlit.demo.write_demo_world writes this layout under it)
DEMO_DIR = f"{RESULTS}/demo"
#: the validation split the workflow builds (config valid_split)
VALID_DIR = f"{RESULTS}/valid_split"
#: the demo's tiny translator
TRANSLATOR_DIR = f"{RESULTS}/translator/tiny"
#: written last by build_translator: marks a complete build
TRANSLATOR_META = f"{TRANSLATOR_DIR}/xlit_translator.json"
HUMAN_DIR = f"{RESULTS}/human"


# ---- base models, IT data, translations --------------------------------------------------------------
def base_source(model: str) -> str:
    return f"{BASE_DIR}/{model}/source.json"


def base_model_dir(model: str) -> str:
    """Where a tiny base model's weights are built."""
    return f"{BASE_DIR}/{model}/model"


def it_data_file(data: str, strategy: str) -> str:
    return f"{RESULTS}/it_data/{data}/{strategy}.jsonl"


def translation_files(data: str, lang: str | None = None) -> dict[str, str]:
    """The translated IT data of (dataset, language) and its quality report; `data` alone is a `{data}/{lang}`
    pattern (import_translations' `{given}`)."""
    stem = f"{RESULTS}/translations/{data}" + (f"/{lang}" if lang is not None else "")
    return {"data": f"{stem}.jsonl", "quality": f"{stem}.quality.json"}


# ---- demo world ---------------------------------------------------------------------------------------
def demo_corpus(lang: str) -> str:
    return f"{DEMO_DIR}/corpus/{lang}.txt"


def demo_it(lang: str) -> str:
    return f"{DEMO_DIR}/it/dolly.{lang}.jsonl"


def demo_prompts(split: str, lang: str) -> str:
    return f"{DEMO_DIR}/prompts/{split}/{lang}.jsonl"


def demo_answers(split: str, lang: str) -> str:
    return f"{DEMO_DIR}/answers/{split}/{lang}.jsonl"


DEMO_PARALLEL_DIR = f"{DEMO_DIR}/parallel"


def demo_parallel(lang: str, part: str) -> str:
    """Parallel sentences for the tiny translator; `part` is `train` or `test`."""
    return f"{DEMO_PARALLEL_DIR}/{lang}.{part}.jsonl"


# ---- evaluation prompts the workflow builds -------------------------------------------------------------
def valid_sample(lang: str) -> str:
    return f"{VALID_DIR}/sample/{lang}.jsonl"


VALID_SAMPLE_STATS = f"{VALID_DIR}/sample/sample.json"
VALID_SPLIT_STATS = f"{VALID_DIR}/split.json"


def valid_translated(lang: str) -> dict[str, str]:
    return {"data": f"{VALID_DIR}/translated/{lang}.jsonl", "quality": f"{VALID_DIR}/translated/{lang}.quality.json"}


def valid_split_file(lang: str) -> str:
    return f"{VALID_DIR}/{lang}.jsonl"


def test_prompts(lang: str) -> str:
    """Test prompts with AlpacaEval categories joined (config test_categories)."""
    return f"{RESULTS}/prompts/test/{lang}.jsonl"


# ---- checkpoints and their outputs ----------------------------------------------------------------------
def model_dir(run: str, lr: str) -> str:
    return f"{RESULTS}/models/{run}/lr{lr}"


def step_model_dir(run: str, lr: str, step) -> str:
    """The model after `step` updates (selection.steps), saved by the train job inside the final model's directory."""
    return f"{model_dir(run, lr)}/step{step}"


def train_checkpoint_dir(run: str, lr: str) -> str:
    """The trainer's own checkpoints (not an output: a killed job resumes from them)."""
    return f"{RESULTS}/checkpoints/{run}/lr{lr}"


def generation_file(run: str, lr: str, split: str, lang: str) -> str:
    return f"{RESULTS}/generations/{run}/lr{lr}/{split}/{lang}.jsonl"


def surface_file(run: str, lr: str, split: str, lang: str) -> str:
    """One row of surface features per response."""
    return f"{RESULTS}/surface/{run}/lr{lr}/{split}/{lang}.jsonl"


def surface_summary(run: str, lr: str) -> str:
    """One checkpoint's summaries, a JSON line per (split, language)."""
    return f"{RESULTS}/surface/{run}/lr{lr}/summaries.jsonl"


def constraint_rows(run: str, lr: str) -> str:
    """One checkpoint's answers to the constraint prompts, checked: a JSON line per response (xlit.constraints)."""
    return f"{RESULTS}/constraints/{run}/lr{lr}/checked.jsonl"


def constraint_summary(run: str, lr: str) -> str:
    """One checkpoint's pass rates, a JSON line per (split, language, constraint type)."""
    return f"{RESULTS}/constraints/{run}/lr{lr}/summaries.jsonl"


def judge_result_file(judge: str, run: str, lr: str, lang: str) -> str:
    return f"{RESULTS}/judge/{judge}/{run}/lr{lr}/{lang}.jsonl"


# ---- the demo's trained judge ---------------------------------------------------------------------------
def judge_model_dir(judge: str) -> str:
    return f"{RESULTS}/judge_model/{judge}"


def judge_train_file(judge: str) -> str:
    return f"{RESULTS}/judge_train/{judge}.jsonl"


def judge_checkpoint_dir(judge: str) -> str:
    return f"{RESULTS}/checkpoints/judge-{judge}"


# ---- human ratings --------------------------------------------------------------------------------------
def human_sheet(lang: str) -> str:
    return f"{HUMAN_DIR}/sheets/{lang}.csv"


def human_page(lang: str) -> str:
    return f"{HUMAN_DIR}/sheets/{lang}.html"


def human_key(lang: str) -> str:
    return f"{HUMAN_DIR}/keys/{lang}.csv"


HUMAN_GUIDELINES = f"{HUMAN_DIR}/guidelines.md"


def simulated_sheet(rater: str, lang: str) -> str:
    """A simulated rater's completed sheet (demo)."""
    return f"{HUMAN_DIR}/simulated/{rater}/{lang}.csv"


# ---- tables and figures ---------------------------------------------------------------------------------
def table(name: str) -> str:
    """`surface`, `selected_lr`, `judge_scores`, `judge_cost`, `judge_estimate`, `human_scores`, `agreement`,
    `translation_quality`."""
    return f"{RESULTS}/tables/{name}.tsv"


def figure(name: str, ext: str) -> str:
    """`fig2`..`fig5` as `pdf` or `png`."""
    return f"{RESULTS}/{name}.{ext}"
