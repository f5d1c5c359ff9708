"""Judge defaults are written once, in the schema: the CLI, the backends and the library read them there."""

import argparse
import inspect

import pytest
import yaml

import xlit.cli.judge as cli_judge
from xlit import config as xc
from xlit.judge import DEFAULT_REASKS, endpoint_of, judge_defaults
from xlit.judge import run as judge_run


def _schema_judge_props():
    return xc._schema()["properties"]["judges"]["additionalProperties"]["properties"]


def test_judge_defaults_are_the_schemas(tmp_path):
    props = _schema_judge_props()
    d = judge_defaults()
    assert d == {
        k: p.get("default", p.get("x-default")) for k, p in props.items() if "default" in p or "x-default" in p
    }
    assert {"temperature", "logprobs", "max_tokens", "batch_size", "mode", "gpus"} <= set(d)
    # `x-default`s are not filled into a config: adding one changes no judge job's params
    conf = tmp_path / "judges.yaml"
    conf.write_text(yaml.safe_dump({"judges": {"a": {"backend": "openai", "model": "m"}}}))
    filled = xc.load_judges(conf)["judges"]["a"]
    assert not {"max_tokens", "batch_size", "mode"} & set(filled)


def test_openai_endpoint_defaults_are_the_schemas():
    ep = endpoint_of({"backend": "openai", "model": "m"})
    d = judge_defaults()
    assert (ep.max_tokens, ep.temperature, ep.logprobs) == (d["max_tokens"], d["temperature"], d["logprobs"])


def test_library_defaults_are_the_judge_sections():
    section = xc.section_defaults("judge")
    assert DEFAULT_REASKS == section["reask_unparsed"]
    for fn in (judge_run.judge_file, judge_run.judge_files, judge_run.check_failures, judge_run.judge_items):
        params = inspect.signature(fn).parameters
        if "max_error_share" in params:
            assert params["max_error_share"].default == section["max_error_share"]
        if "reasks" in params:
            assert params["reasks"].default == section["reask_unparsed"]


@pytest.mark.parametrize("judge_section", [None, {"max_error_share": 0.25, "reask_unparsed": 3}])
def test_cli_effective_defaults_are_the_schemas(tmp_path, monkeypatch, judge_section):
    conf = tmp_path / "judges.yaml"
    data = {"judges": {"a": {"backend": "openai", "model": "m", "base_url": "http://127.0.0.1:9/v1"}}}
    if judge_section:
        data["judge"] = judge_section
    conf.write_text(yaml.safe_dump(data))
    resp = tmp_path / "r.jsonl"
    resp.write_text('{"instruction": "q", "response": "a"}\n')
    seen = {}

    def fake_judge_file(f, out, name, cfg, **kw):
        seen.update(kw)
        return []

    import xlit.judge

    monkeypatch.setattr(xlit.judge, "judge_file", fake_judge_file)
    monkeypatch.setattr(
        xlit.judge,
        "summary",
        lambda rows: {k: 0 for k in ("n", "cached", "errors", "unparsed", "missing_scores")} | {"means": {}},
    )
    monkeypatch.setattr(
        xlit.judge,
        "cost_row",
        lambda *a: {"prompt_tokens": 0, "completion_tokens": 0, "cost_usd": 0.0, "new_cost_usd": 0.0},
    )
    parser = argparse.ArgumentParser()
    cli_judge.add_arguments(parser)
    args = parser.parse_args(["--config", str(conf), "--out", str(tmp_path / "o.jsonl"), str(resp)])
    assert cli_judge.run(args) == 0
    expected = judge_section or xc.section_defaults("judge")
    assert (seen["max_error_share"], seen["reasks"]) == (expected["max_error_share"], expected["reask_unparsed"])


def test_cli_help_names_the_schemas_defaults():
    parser = argparse.ArgumentParser()
    cli_judge.add_arguments(parser)
    section = xc.section_defaults("judge")
    text = " ".join(parser.format_help().split())
    assert f"judge.max_error_share, {section['max_error_share']:g}" in text
    assert f"judge.reask_unparsed, {section['reask_unparsed']}" in text


def test_transformers_defaults_are_the_schemas(tmp_path):
    from xlit.judge.local import _generates, local_chat

    cfg = {"backend": "transformers", "model": "m"}
    assert local_chat(cfg, str(tmp_path)).ident["max_tokens"] == judge_defaults()["max_tokens"]
    assert _generates(cfg) == (judge_defaults()["mode"] == "generate")
