"""A config as the library reads it, below every other module of xlit that reads one: `ConfigError`, the schema's
defaults (`fill_defaults`, `section_defaults`: a section's defaults outside a config) and the study grid (`runs`,
`learning_rates`, `selection_steps`, `checkpoints`). Loading and checking a config as a whole (`validate`, `load`,
`load_judges`: the schema, then what needs other modules, the MT model's languages, the demo world's, the training
plan) is `xlit.config`'s, which imports this; nothing here imports more of xlit than `names`."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from .names import checkpoint_id, lr_str
from .names import run_name as _run_name

#: the one schema (package data: an installed xlit validates too); every default of the workflow is in it
SCHEMA = Path(__file__).with_name("schema") / "config.schema.yaml"


class ConfigError(ValueError):
    pass


def unset_default(section: str, key: str):
    """What an unset `section.key` means where the schema gives it as `x-default` rather than `default`: not
    filled into a config, so that adding the key changes no finished job's params."""
    return _schema()["properties"][section]["properties"][key]["x-default"]


@functools.cache
def _schema() -> dict:
    """The schema (read once; callers do not modify it)."""
    return yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))


def fill_defaults(config: dict) -> dict:
    """A copy of `config` with the schema's defaults filled in (nested objects included)."""
    config = copy.deepcopy(config)

    def fill(node, schema, root):
        if "$ref" in schema:
            ref = schema["$ref"].lstrip("#/").split("/")
            target = root
            for part in ref:
                target = target[part]
            schema = target
        if not isinstance(node, dict):
            return
        for key, sub in schema.get("properties", {}).items():
            if key not in node and "default" in sub:
                node[key] = copy.deepcopy(sub["default"])
            if key in node:
                fill(node[key], sub, root)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for key in node:
                if key not in schema.get("properties", {}):
                    fill(node[key], extra, root)
        if isinstance(schema.get("items"), dict) and isinstance(node, list):
            for item in node:
                fill(item, schema["items"], root)

    schema = _schema()
    fill(config, schema, schema)
    return config


#: the smallest config the schema's required keys allow (defaults are filled around it)
MINIMAL = {
    "languages": ["en"],
    "base_models": {},
    "it_datasets": {},
    "eval_sets": {},
    "adaptations": {},
    "runs": [],
    "judges": {},
}


def section_defaults(section: str) -> dict:
    """The schema's defaults of one section (e.g. `translation`, optional in a config, read by rules that are
    defined whether or not it is present)."""
    return fill_defaults({**MINIMAL, section: {}})[section]


def default_training(**over) -> dict:
    """The schema's `training` section with its defaults, updated with `over` (tests, benchmarks)."""
    return {**section_defaults("training"), **over}


# ---- the grid -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    model: str
    data: str
    strategy: str
    adaptation: str

    @property
    def name(self) -> str:
        return _run_name(self.model, self.data, self.strategy, self.adaptation)


def run_name(run: dict) -> str:
    """The id of a config `runs` entry."""
    return Run(run["model"], run["data"], run["strategy"], run["adaptation"]).name


def runs(config: dict) -> dict[str, Run]:
    return {run_name(r): Run(r["model"], r["data"], r["strategy"], r["adaptation"]) for r in config["runs"]}


def learning_rates(config: dict, run: Run) -> list[str]:
    return [lr_str(lr) for lr in config["adaptations"][run.adaptation]["learning_rates"]]


def selection_steps(config: dict) -> list[int]:
    """The training steps `selection.steps` keeps and evaluates; [] for `last` (the final model only)."""
    steps = (config.get("selection") or {}).get("steps", "last")
    return [] if steps == "last" else [int(s) for s in steps]


def checkpoints(config: dict) -> list[tuple[str, str]]:
    """Every (run name, checkpoint id) the grid evaluates: one per lr, or one per (lr, step) with
    `selection.steps`."""
    steps = selection_steps(config) or [None]
    return [
        (name, checkpoint_id(lr, s))
        for name, run in runs(config).items()
        for lr in learning_rates(config, run)
        for s in steps
    ]
