"""Configuration: schema validation with one-line errors, defaults, and the study grid."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import yaml

SCHEMA = Path(__file__).resolve().parents[2] / "config" / "schema" / "config.schema.yaml"
CRITERIA = ["language", "fluency", "helpfulness", "accuracy", "logic", "harmlessness"]
SPLITS = ["valid", "test"]


class ConfigError(ValueError):
    pass


def lr_str(lr: float) -> str:
    """How a learning rate is written in paths and tables: `1e-05`, `0.0003`."""
    return f"{float(lr):g}"


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


def check_semantics(config: dict, source: str = "config") -> None:
    """Cross-references the schema cannot express."""
    langs = config["languages"]
    for split in SPLITS:
        for lang in config["eval_sets"][split]:
            if lang not in langs:
                raise ConfigError(f"{source}: eval_sets.{split}.{lang}: language not in `languages` {langs}")
        missing = [l for l in langs if l not in config["eval_sets"][split]]
        if missing:
            raise ConfigError(f"{source}: eval_sets.{split}: no prompt file for language(s) {missing}")
    seen = set()
    for i, run in enumerate(config["runs"]):
        for key, section in (("model", "base_models"), ("data", "it_datasets"), ("adaptation", "adaptations")):
            if run[key] not in config[section]:
                raise ConfigError(f"{source}: runs.{i}.{key}: {run[key]!r} is not defined in `{section}` "
                                  f"(defined: {sorted(config[section])})")
        if run["strategy"] == "dt" and "translation" not in config:
            raise ConfigError(f"{source}: runs.{i}.strategy: `dt` needs a `translation` section "
                              "(the MT model that translates the IT data)")
        name = run_name(run)
        if name in seen:
            raise ConfigError(f"{source}: runs.{i}: duplicate run {name}")
        seen.add(name)
    for name, m in config["base_models"].items():
        if "tiny" in m and "demo" not in config:
            raise ConfigError(f"{source}: base_models.{name}.tiny: tiny models are pretrained on the demo corpus; "
                              "add a `demo` section or use `hf:`")
    for key in ("fluency_model",):
        value = config.get("surface", {}).get(key)
        if value is None and config["base_models"]:
            config.setdefault("surface", {})[key] = next(iter(config["base_models"]))


def validate(config: dict, source: str = "config") -> dict:
    """Schema check (one-line error), defaults, cross-reference checks. Returns the filled config."""
    check_schema(config, source)
    config = fill_defaults(config)
    check_semantics(config, source)
    return config


def load(path: str | Path) -> dict:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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
        return f"{self.model}_{self.data}_{self.strategy}_{self.adaptation}"


def run_name(run: dict) -> str:
    return Run(run["model"], run["data"], run["strategy"], run["adaptation"]).name


def runs(config: dict) -> dict[str, Run]:
    return {run_name(r): Run(r["model"], r["data"], r["strategy"], r["adaptation"]) for r in config["runs"]}


def learning_rates(config: dict, run: Run) -> list[str]:
    return [lr_str(lr) for lr in config["adaptations"][run.adaptation]["learning_rates"]]


def checkpoints(config: dict) -> list[tuple[str, str]]:
    """Every (run name, lr string) the grid trains."""
    return [(name, lr) for name, run in runs(config).items() for lr in learning_rates(config, run)]
