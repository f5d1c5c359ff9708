"""A workflow config loaded and checked as a whole (`validate`, `load`, `load_judges`): the schema with one-line
errors, the defaults filled, the cross-references, then what needs other modules (the languages the LID model, the
demo world and the MT model serve, the demo translator's settings, the training plan: `xlit.plan.check_plan`); the
input files (`check_inputs`), the judges' API keys (`missing_api_keys`), `canonical` rule params.

The top of the config modules: the library reads a config through `xlit.settings` (`ConfigError`, the schema's
defaults, the grid), which imports none of xlit's other modules; its names are importable from here too."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import yaml

from .constraints import types_path
from .llm import Endpoint, key_variable
from .names import CONSTRAINTS_SPLIT, SPLITS
from .paths import RESULTS, VALID_DIR
from .settings import (  # noqa: F401  (the grid and the defaults, importable from xlit.config as before)
    MINIMAL,
    SCHEMA,
    ConfigError,
    Run,
    _schema,
    checkpoints,
    default_training,
    fill_defaults,
    learning_rates,
    run_name,
    runs,
    section_defaults,
    selection_steps,
)

#: what Snakemake reads as a config file (`--configfile`): anything else given there was most likely a target
CONFIG_SUFFIXES = (".yaml", ".yml", ".json")
#: the top-level keys of a judges-only file (`xlit judge --config`; `xlit validate` checks it as one)
JUDGES_FILE_KEYS = ("judges", "judge", "cache_dir")


def _key(path) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def unknown_keys(keys, known) -> str:
    """`unknown key 'critrion' (did you mean 'criterion'?)`: each unknown key with the closest known one
    (difflib), or, where none is close, the known keys."""
    known = sorted(map(str, known))
    parts = []
    for k in keys:
        close = difflib.get_close_matches(str(k), known, n=1)
        parts.append(f"{str(k)!r} " + (f"(did you mean {close[0]!r}?)" if close else f"(known: {', '.join(known)})"))
    return ("unknown key " if len(parts) == 1 else "unknown keys ") + ", ".join(parts)


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
        known = error.schema.get("properties", {})
        what = unknown_keys([k for k in error.instance if k not in known], known)
        return f"{key}: {what}" if error.absolute_path else what
    if v == "enum":
        return f"{key}: expected one of {error.validator_value}, got {error.instance!r}"
    if v == "type":
        return f"{key}: expected {error.validator_value}, got {error.instance!r}"
    return f"{key}: {error.message}"


def check_schema(config: dict, source: str = "config", required: list[str] | None = None) -> None:
    """Raise ConfigError with one line naming the offending key if `config` breaks the schema (every section
    is closed: an unknown key is named, with the closest known one). `required`: the top-level keys required
    instead of the schema's (a partial config). Then each judge's settings of the other backend (x-backend)."""
    import jsonschema

    schema = _schema() if required is None else {**_schema(), "required": list(required)}
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(config),
        key=lambda e: (list(map(str, e.absolute_path)), e.validator != "additionalProperties"),
    )
    if errors:
        raise ConfigError(f"{source}: {_one_line(errors[0])}")
    props = schema["properties"]["judges"]["additionalProperties"]["properties"]
    for name, judge in (config.get("judges") or {}).items():
        for key, value in judge.items():
            only = props[key].get("x-backend")
            only = [only] if isinstance(only, str) else only or []  # one backend, or a list of them
            if only and judge["backend"] not in only and value != props[key].get("default"):
                raise ConfigError(
                    f"{source}: judges.{name}.{key}: a setting of `backend: {' or '.join(only)}` judges; this one's "
                    f"backend is {judge['backend']}"
                )
    from .judge.panel import check_judges

    check_judges(config.get("judges") or {}, source)


def check_sections(config: dict, required: list[str], source: str = "config") -> dict:
    """Schema check of a partial config (e.g. a judges-only file for `xlit judge`): the same rules as the
    workflow's config for the keys present, only `required` required. Returns a copy with defaults."""
    check_schema(config, source, required)
    return fill_defaults(config)


def eval_splits(config: dict) -> list[str]:
    """The eval splits of a config: valid, test, and constraints where given."""
    return [s for s in (*SPLITS, CONSTRAINTS_SPLIT) if s in config["eval_sets"]]


def constraint_splits(config: dict) -> list[str]:
    """The eval splits holding constraint prompts (config `constraints.splits` that eval_sets has)."""
    return [s for s in config["constraints"]["splits"] if s in config["eval_sets"]]


def check_semantics(config: dict, source: str = "config") -> None:
    """Cross-references the schema cannot express."""
    langs = config["languages"]
    check_languages(config, source)
    ref = config["constraints"]["reference"]
    if constraint_splits(config) and ref is not None and ref not in config["eval_sets"]:
        raise ConfigError(f"{source}: constraints.reference: {ref!r} is no split of eval_sets")
    for split in eval_splits(config):
        for lang in config["eval_sets"][split]:
            if lang not in langs:
                raise ConfigError(f"{source}: eval_sets.{split}.{lang}: language not in `languages` {langs}")
        missing = [l for l in langs if l not in config["eval_sets"][split]]
        if missing:
            built = f" (valid_split builds them: {VALID_DIR}/<lang>.jsonl)" if "valid_split" in config else ""
            raise ConfigError(
                f"{source}: eval_sets.{split}: no prompt file for language(s) {missing}: every language of "
                f"`languages` needs its own valid{built} and test prompts, aligned by id with the others'"
            )
    translator = (config.get("translation") or {}).get("translator")
    if translator:
        from .demo.tiny_mt import DEFAULTS

        unknown = [k for k in translator if k not in DEFAULTS]
        if unknown:
            raise ConfigError(f"{source}: translation.translator: {unknown_keys(unknown, DEFAULTS)}")
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
    it; another model is checked when it is loaded), one the demo world writes (with `demo:`) and one the
    translation model knows (it translates `dt` data and the validation split)."""
    from .lid import LID176_LANGS, check_lang

    if not (config.get("surface") or {}).get("lid_model"):
        for i, lang in enumerate(config["languages"]):
            try:
                check_lang(lang, LID176_LANGS, "the LID model lid.176")
            except ValueError as e:
                raise ConfigError(f"{source}: languages.{i}: {e}") from None
    if "demo" in config:
        from .demo.grammar import LANGS

        bad = [l for l in config["languages"] if l not in LANGS]
        if bad:
            raise ConfigError(
                f"{source}: languages: the demo world writes {', '.join(LANGS)} only, not {', '.join(bad)}; "
                "another language needs real data (a config without `demo:`, like config/paper.yaml): its own "
                "valid and test prompts in eval_sets, IT data or an MT model for `dt` runs (translation), "
                "a language the LID model knows"
            )
    if "translation" in config:
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


def read(*paths: str | Path) -> dict:
    """The config files merged as `snakemake --configfile A B` merges them (snakemake.utils.update_config:
    later files override, mappings merged key by key). Not validated."""
    from snakemake.utils import update_config

    merged: dict = {}
    for path in map(Path, paths):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            error = None if isinstance(data, dict) else f"{path}: expected a mapping at the top level"
        except OSError as e:
            error = f"{path}: cannot read ({e.strerror or e})"
        except UnicodeDecodeError:
            error = f"{path}: not a text file"
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            error = f"{path}{f':{mark.line + 1}' if mark else ''}: not valid YAML ({getattr(e, 'problem', e)})"
        if error and path.suffix.lower() not in CONFIG_SUFFIXES:  # `--configfile a.yaml results/fig2.pdf`
            error = (
                f"{path}: not a config file ({', '.join(CONFIG_SUFFIXES)}): a target after --configfile is read "
                "as one: put targets before --configfile, or end the list with --"
            )
        if error:
            raise ConfigError(error)
        update_config(merged, data)
    return merged


def _source(paths) -> str:
    return " + ".join(map(str, paths))


def is_judges_file(data: dict) -> bool:
    """A judges-only file (`judges`, optionally `judge` and `cache_dir`), as `xlit judge --config` takes."""
    return "judges" in data and set(data) <= set(JUDGES_FILE_KEYS)


def load(*paths: str | Path) -> dict:
    """The workflow config of these files (merged in Snakemake's order), validated, defaults filled."""
    data, source = read(*paths), _source(paths)
    if is_judges_file(data):
        raise ConfigError(
            f"{source}: a judges-only file ({', '.join(JUDGES_FILE_KEYS)}: what `xlit judge --config` takes, "
            "`xlit validate` checks it), not a workflow config"
        )
    return validate(data, source)


def load_judges(*paths: str | Path) -> dict:
    """A judges-only file (`is_judges_file`), checked against the workflow's schema with `judges` the only
    required key, or else a workflow config, validated as a whole. Returns it with defaults filled."""
    data, source = read(*paths), _source(paths)
    return check_sections(data, ["judges"], source) if is_judges_file(data) else validate(data, source)


# ---- inputs, checked before any job (xlit validate, the workflow's parse) -------------------------------


def input_files(config: dict) -> list[tuple[str, str]]:
    """(config key, path) of every file a validated config reads as given: prompts, IT data, its given
    translations and references, ratings, the judge prompt, a LID model (not the AlpacaEval `source` of
    valid_split and test_categories: the first jobs read it)."""
    out = [(f"eval_sets.{s}.{l}", p) for s in eval_splits(config) for l, p in config["eval_sets"][s].items()]
    out += [
        (f"eval_sets.{s}.{l} (its constraint types)", str(types_path(p)))
        for s in constraint_splits(config)
        for l, p in config["eval_sets"][s].items()
    ]
    for name, d in config["it_datasets"].items():
        if "path" in d:
            out.append((f"it_datasets.{name}.path", d["path"]))
        for kind in ("translations", "references"):
            out += [(f"it_datasets.{name}.{kind}.{l}", p) for l, p in (d.get(kind) or {}).items()]
    out += [(f"human.ratings.{i}.path", r["path"]) for i, r in enumerate(config["human"]["ratings"])]
    out += [(f"judge.{k}", config["judge"][k]) for k in ("prompt",) if config["judge"][k]]
    out += [(f"surface.{k}", config["surface"][k]) for k in ("lid_model", "lid_label_map")]
    return [(key, path) for key, path in out if isinstance(path, str)]


def check_inputs(config: dict, source: str = "config", produced=None) -> None:
    """Every input file (`input_files`) exists or is made: a `downloads:` entry, or `produced(path)` (the
    workflow: a rule's output; without it, a path under results/, the workflow's own)."""
    downloads = {os.path.normpath(p) for p in config.get("downloads") or {}}
    made = produced or (lambda p: Path(p).parts[:1] == (RESULTS,))
    for key, path in input_files(config):
        if not os.path.exists(path) and os.path.normpath(path) not in downloads and not made(path):
            raise ConfigError(
                f"{source}: {key}: {path} does not exist" + ("" if produced is None else " and no rule makes it")
            )


def missing_api_keys(config: dict, source: str = "config") -> list[str]:
    """One line per `backend: openai` judge whose API key variable is unset, by the one rule of which key goes
    where (`xlit.llm.key_variable`): the variable `api_key_env` names, or, without it, OPENAI_API_KEY for OpenAI's
    own API. Any other server without `api_key_env` needs no key (it is sent none)."""
    out = []
    for name, j in sorted(config["judges"].items()):
        if j["backend"] != "openai":
            continue
        var = key_variable(Endpoint.from_config(j, entry=f"judges.{name}"))
        if var and not os.environ.get(var):
            default = "" if j.get("api_key_env") else " (the default, for OpenAI's API)"
            out.append(
                f"{source}: judges.{name}.api_key_env: {var}{default} is not set: export the judge's API key "
                "before the judge jobs run"
            )
    return out


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
