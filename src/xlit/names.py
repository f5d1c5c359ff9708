"""Names shared by the rules and the library: criteria, splits, run ids, how a learning rate and a checkpoint
are written (in paths `lr{id}` and in the tables' `lr` column)."""

from __future__ import annotations

from typing import Any

__all__ = [
    "LANG_NAMES",
    "CRITERIA",
    "SPLITS",
    "CONSTRAINTS_SPLIT",
    "RUN_PARTS",
    "run_name",
    "lr_str",
    "lr_key",
    "checkpoint_id",
    "split_checkpoint",
]

#: judge and human criteria, in this order (sheets, tables, figures)
CRITERIA = ("language", "fluency", "helpfulness", "accuracy", "logic", "harmlessness")
#: English names of languages (a translation prompt, the judge's expected-language note)
LANG_NAMES = {
    "en": "English",
    "fr": "French",
    "pt": "Portuguese",
    "ru": "Russian",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
    "zh": "Chinese",
    "ko": "Korean",
    "ja": "Japanese",
    "uk": "Ukrainian",
    "pl": "Polish",
    "cs": "Czech",
    "ar": "Arabic",
    "tr": "Turkish",
    "hi": "Hindi",
    "sv": "Swedish",
    "fi": "Finnish",
    "da": "Danish",
    "no": "Norwegian",
    "el": "Greek",
    "he": "Hebrew",
    "hu": "Hungarian",
    "ro": "Romanian",
    "bg": "Bulgarian",
    "vi": "Vietnamese",
    "id": "Indonesian",
    "th": "Thai",
    "ca": "Catalan",
}
#: evaluation splits every config has
SPLITS = ("valid", "test")
#: the optional split of constraint prompts (xlit.constraints)
CONSTRAINTS_SPLIT = "constraints"
#: what a run is made of; its id joins them with `_`
RUN_PARTS = ("model", "data", "strategy", "adaptation")


def run_name(model: str, data: str, strategy: str, adaptation: str) -> str:
    """A run's id: `{model}_{data}_{strategy}_{adaptation}` (e.g. `tiny-en_demo-dolly_en_ft`)."""
    return f"{model}_{data}_{strategy}_{adaptation}"


def lr_str(lr: float) -> str:
    """How a learning rate is written in paths and tables: `1e-05`, `0.0003`."""
    return f"{float(lr):g}"


def lr_key(value: Any) -> str:
    """A table's `lr` cell as a checkpoint id: a number rewritten by `lr_str` (`1.0e-5` -> `1e-05`), anything
    else (a checkpoint id with a step, `1e-05-step200`) as it is."""
    try:
        return lr_str(value)
    except (TypeError, ValueError):
        return str(value)


def checkpoint_id(lr: str, step: int | str | None = None) -> str:
    """A checkpoint as written in paths (`lr{id}`) and score tables: the lr (`1e-05`: the final model), or
    `1e-05-step200` (the model after 200 updates, kept under `selection.steps`)."""
    return lr if step in (None, "", "last") else f"{lr}-step{int(step)}"


def split_checkpoint(ckpt: str) -> tuple[str, int | None]:
    """(lr, step) of a checkpoint id; step None for the final model."""
    lr, sep, step = str(ckpt).partition("-step")
    return (lr, int(step)) if sep else (lr, None)
