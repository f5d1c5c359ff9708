"""Configuration: schema validation with one-line errors, defaults, and the study grid."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import yaml

from .names import SPLITS, checkpoint_id, lr_str
from .names import run_name as _run_name

SCHEMA = Path(__file__).resolve().parents[2] / "config" / "schema" / "config.schema.yaml"


class ConfigError(ValueError):
    pass


def _key(path) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def _one_line(error) -> str:
    """A jsonschema error as `key: what was expected`, descending into the most specific cause."""
    while error.context:
        # oneOf/anyOf: pick the sub-error that went deepest (the branch the user most likely meant)
        error = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.context)))
    key = _key(error.absolute_path)
    v = error.validator
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{_key(list(error.absolute_path) + [missing])}: required key is missing"
    if v == "additionalProperties":
        return f"{key}: unknown key(s): {error.message.split('(')[-1].rstrip(')')}"
    if v == "enum":
        return f"{key}: expected one of {error.validator_value}, got {error.instance!r}"
    if v == "type":
        return f"{key}: expected {error.validator_value}, got {error.instance!r}"
    return f"{key}: {error.message}"


def _schema() -> dict:
    return yaml.safe_load(SCHEMA.read_text())


def check_schema(config: dict, source: str = "config") -> None:
    """Raise ConfigError with one line naming the offending key if `config` breaks the schema."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ConfigError(f"{source}: {_one_line(errors[0])}")


def check_sections(config: dict, required: list[str], source: str = "config") -> dict:
    """Schema check of a partial config (e.g. a judges-only file for `xlit judge`): the same rules as the
    workflow's config for the keys present, only `required` required. Returns a copy with defaults."""
    import jsonschema

    schema = {**_schema(), "required": list(required)}
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(config), key=lambda e: list(map(str, e.absolute_path))
    )
    if errors:
        raise ConfigError(f"{source}: {_one_line(errors[0])}")
    return fill_defaults(config)


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


def check_semantics(config: dict, source: str = "config") -> None:
    """Cross-references the schema cannot express."""
    langs = config["languages"]
    check_languages(config, source)
    for split in SPLITS:
        for lang in config["eval_sets"][split]:
            if lang not in langs:
                raise ConfigError(f"{source}: eval_sets.{split}.{lang}: language not in `languages` {langs}")
        missing = [l for l in langs if l not in config["eval_sets"][split]]
        if missing:
            raise ConfigError(f"{source}: eval_sets.{split}: no prompt file for language(s) {missing}")
    for name, d in config["it_datasets"].items():
        for lang in d.get("translations") or {}:
            if lang not in langs[1:]:
                raise ConfigError(
                    f"{source}: it_datasets.{name}.translations.{lang}: not a target language "
                    f"(languages after the first: {langs[1:]})"
                )
    if "valid_split" in config and len(langs) > 1 and "translation" not in config:
        raise ConfigError(
            f"{source}: valid_split: needs a `translation` section (the MT model that translates "
            "the validation prompts)"
        )
    seen = set()
    for i, run in enumerate(config["runs"]):
        for key, section in (("model", "base_models"), ("data", "it_datasets"), ("adaptation", "adaptations")):
            if run[key] not in config[section]:
                raise ConfigError(
                    f"{source}: runs.{i}.{key}: {run[key]!r} is not defined in `{section}` "
                    f"(defined: {sorted(config[section])})"
                )
        given = (config["it_datasets"].get(run["data"]) or {}).get("translations") or {}
        if run["strategy"] == "dt" and "translation" not in config and set(langs[1:]) - set(given):
            raise ConfigError(
                f"{source}: runs.{i}.strategy: `dt` needs a `translation` section "
                "(the MT model that translates the IT data)"
            )
        name = run_name(run)
        if name in seen:
            raise ConfigError(f"{source}: runs.{i}: duplicate run {name}")
        seen.add(name)
    check_steps(config, source)
    for name, m in config["base_models"].items():
        if "tiny" in m and "demo" not in config:
            raise ConfigError(
                f"{source}: base_models.{name}.tiny: tiny models are pretrained on the demo corpus; "
                "add a `demo` section or use `hf:`"
            )
    for key in ("fluency_model",):
        value = config.get("surface", {}).get(key)
        if value is None and config["base_models"]:
            config.setdefault("surface", {})[key] = next(iter(config["base_models"]))


def check_steps(config: dict, source: str = "config") -> None:
    """`selection.steps`: increasing, and within `training.max_steps` (which must be set)."""
    steps = selection_steps(config)
    if not steps:
        if config.get("selection", {}).get("steps", "last") != "last":
            raise ConfigError(f"{source}: selection.steps: an empty list; write `last` or list the steps")
        return
    max_steps = config["training"].get("max_steps")
    if not max_steps:
        raise ConfigError(
            f"{source}: selection.steps: needs training.max_steps (steps of a run of "
            "`training.epochs` are not known in advance)"
        )
    if steps != sorted(set(steps)):
        raise ConfigError(f"{source}: selection.steps: expected increasing steps, got {steps}")
    if steps[-1] > max_steps:
        raise ConfigError(f"{source}: selection.steps: step {steps[-1]} is beyond training.max_steps ({max_steps})")


def check_languages(config: dict, source: str = "config") -> None:
    """Every study language must be one the LID model knows (the default lid.176: checked without loading
    it; another model is checked when it is loaded) and, with `dt` runs, one the translation model knows."""
    from .lid import LID176_LANGS, check_lang

    if not (config.get("surface") or {}).get("lid_model"):
        for i, lang in enumerate(config["languages"]):
            try:
                check_lang(lang, LID176_LANGS, "the LID model lid.176")
            except ValueError as e:
                raise ConfigError(f"{source}: languages.{i}: {e}") from None
    if "translation" in config and any(r["strategy"] == "dt" for r in config["runs"]):
        from .mt.codes import UnsupportedLanguage
        from .mt.codes import check_languages as check_mt

        try:
            check_mt(config["translation"], config["languages"][1:], src=config["languages"][0])
        except UnsupportedLanguage as e:
            raise ConfigError(f"{source}: languages: {e}") from None


def validate(config: dict, source: str = "config") -> dict:
    """Schema check (one-line error), defaults, cross-reference checks. Returns the filled config."""
    check_schema(config, source)
    config = fill_defaults(config)
    check_semantics(config, source)
    from .plan import check_plan

    check_plan(config, source)
    return config


def load(path: str | Path) -> dict:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"{path}: cannot read ({e.strerror or e})") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML ({getattr(e, 'problem', e)})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return validate(data, str(path))


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


# ---- rule params ----------------------------------------------------------------------------------


def canonical(value):
    """`value` in a form that compares by meaning: mappings with their keys sorted (recursively), tuples
    as lists, floats with an integral value as ints (`512.0` -> `512`, `-0.0` -> `0`). Snakemake compares a
    rule's params by their `repr`, so params built from the config pass through this: reordering keys or
    re-indenting the config, or writing `3.0e-4` for `0.0003`, then re-runs no job. A callable (a params
    function of the wildcards) is wrapped so that its result is canonical."""
    if callable(value):
        fn = value

        def canonical_param(wildcards):
            return canonical(fn(wildcards))

        return canonical_param
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value, key=lambda k: (type(k).__name__, str(k)))}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
