"""Where a model's weights are, low in the library (it imports only `xlit.io`): a base model's `source.json`
(`{"path": ...}`, written by the `build_base` rule under `results/base/{model}/`; `read_source` is its one
reader) and a trained checkpoint's `xlit_checkpoint.json` (`CHECKPOINT_INFO`, written by `xlit.train`;
`checkpoint_info`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .io import InputError

#: the file a trained checkpoint carries (`adapter`, `base`, precision, steps, ...), written last by xlit.train
CHECKPOINT_INFO = "xlit_checkpoint.json"


def read_source(path: str | os.PathLike) -> str:
    """The model a `source.json` names (`{"path": ...}`: a local directory or a hub id); InputError naming the
    file and field when it is not such an object."""
    p = Path(path)
    try:
        target = json.loads(p.read_text(encoding="utf-8"))["path"]
    except (ValueError, KeyError, TypeError):
        raise InputError(p, "expected a JSON object with a 'path'", field="path") from None
    return str(target)


def resolve_model_dir(spec: str | os.PathLike) -> str:
    """A model directory, or a `source.json` naming one (`read_source`, as `base/{model}/`)."""
    p = Path(spec)
    if p.is_file() and p.suffix == ".json":
        return read_source(p)
    return str(spec)


def checkpoint_info(model_dir: str | os.PathLike) -> dict:
    """`xlit_checkpoint.json` of a trained checkpoint (`adapter`, `base`, ...), or {} for a plain model."""
    path = Path(model_dir) / CHECKPOINT_INFO
    return json.loads(path.read_text()) if path.exists() else {}


def merge_dtype(info: dict) -> str:
    """The dtype a LoRA adapter is merged into its base in: the training precision's, as the release merges it
    (bf16 after bf16 training, float32 after fp32), whatever dtype the merged model then runs in."""
    return "bfloat16" if str(info.get("precision", "")).startswith("bf16") else "float32"
