"""A key only goes where it was meant to go (issue 21): `xlit.llm.api_key` is the one rule for every client
(judge, translation): OPENAI_API_KEY by default only to OpenAI's own API, a server elsewhere gets only the
variable its config names (api_key_env) or no key. A local server records every request's headers."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import yaml

from xlit.cli import main
from xlit.judge import Item, judge_items
from xlit.llm import PLACEHOLDER_KEY, Endpoint, EndpointError, api_key, is_openai_url, key_variable, run_chat

ROOT = Path(__file__).resolve().parents[1]
SECRET = "sk-test-secret"
# what the openai SDK would otherwise read from the environment and send along
SDK_EXTRAS = {
    "OPENAI_ORG_ID": "org-test-secret",
    "OPENAI_PROJECT_ID": "proj-test-secret",
    "OPENAI_CUSTOM_HEADERS": "Authorization: Bearer sk-custom-test-secret",
}


@pytest.fixture(autouse=True)
def openai_env(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    for k, v in SDK_EXTRAS.items():
        monkeypatch.setenv(k, v)
    for k in ("OPENAI_BASE_URL", "VLLM_API_KEY"):
        monkeypatch.delenv(k, raising=False)


def headers_sent(server) -> list[dict]:
    assert server.requests, "nothing was sent"
    return [r["headers"] for r in server.requests]


def assert_no_secret(server) -> None:
    for h in headers_sent(server):
        assert "test-secret" not in json.dumps(h), h
        assert h.get("authorization") == f"Bearer {PLACEHOLDER_KEY}", h
        assert "openai-organization" not in h and "openai-project" not in h, h


def judge_one(server, tmp_path, **cfg) -> list[dict]:
    conf = {"backend": "openai", "model": "m", "base_url": server.base_url, "max_retries": 0, "timeout": 5, **cfg}
    items = [Item(id="1", instruction="Question?", response="Answer.", lang="en", category="")]
    return judge_items(items, "local", conf, cache_dir=tmp_path / "cache")


@pytest.mark.parametrize("cfg", [{}, {"api_key_evn": "VLLM_API_KEY"}], ids=["no api_key_env", "misspelled"])
def test_judge_at_a_local_server_gets_no_openai_key(server, tmp_path, cfg):
    rows = judge_one(server, tmp_path, **cfg)
    assert rows and rows[0].get("scores")
    assert_no_secret(server)


def test_named_variable_is_sent_and_only_it(server, tmp_path, monkeypatch):
    monkeypatch.setenv("VLLM_API_KEY", "vllm-token")
    judge_one(server, tmp_path, api_key_env="VLLM_API_KEY")
    (h,) = headers_sent(server)
    assert h["authorization"] == "Bearer vllm-token"
    assert "test-secret" not in json.dumps(h)


def test_named_variable_unset_is_one_line_naming_entry_and_variable(server, tmp_path, capsys):
    with pytest.raises(EndpointError) as e:
        judge_one(server, tmp_path, api_key_env="VLLM_API_KEY")
    assert str(e.value).startswith("judges.local.api_key_env: the API key environment variable VLLM_API_KEY is not set")
    # the CLI: one line, exit code 2, nothing sent
    conf = tmp_path / "judges.yaml"
    judges = {"local": {"backend": "openai", "model": "m", "base_url": server.base_url, "api_key_env": "VLLM_API_KEY"}}
    conf.write_text(yaml.safe_dump({"judges": judges}))
    resp = tmp_path / "r.jsonl"
    resp.write_text(json.dumps({"id": "1", "instruction": "Q?", "response": "A.", "lang": "fr"}) + "\n")
    assert main(["judge", "--config", str(conf), "--cache-dir", str(tmp_path / "c"), str(resp)]) == 2
    lines = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert len(lines) == 1 and "judges.local" in lines[0] and "VLLM_API_KEY" in lines[0], lines
    assert server.count == 0


def test_openai_base_url_from_the_environment_is_not_openai(server, monkeypatch):
    """No base_url: the client would go to OPENAI_BASE_URL; a server there is not OpenAI's either."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    res = run_chat([[{"role": "user", "content": "hi"}]], Endpoint(model="m", max_retries=0, timeout=5))
    assert res[0].ok, res[0].error
    assert_no_secret(server)


def test_translation_backend_follows_the_same_rule(server, tmp_path):
    from xlit.mt import make_translator

    cfg = {
        "backend": "openai",
        "model": "gpt-test",
        "batch_size": 4,
        "endpoint": {"base_url": server.base_url, "api_key_evn": "VLLM_API_KEY", "max_retries": 0},
    }
    server.handler = lambda req, n: "[fr] ok"
    tr = make_translator(cfg, cache_dir=tmp_path / "cache")
    assert tr.translate_segments(["A cat."], "en", "fr") == ["[fr] ok"]
    assert_no_secret(server)


def test_which_key_where(monkeypatch):
    openai = "https://api.openai.com/v1"
    assert api_key(Endpoint(model="m")) == SECRET  # no base_url: OpenAI's API
    assert api_key(Endpoint(model="m", base_url=openai)) == SECRET
    assert api_key(Endpoint(model="m", base_url="https://API.OpenAI.com:443/v1/")) == SECRET
    for url in (
        "http://127.0.0.1:8765/v1",
        "http://api.openai.com/v1",  # not over https
        "https://api.openai.com.example.net/v1",
        "https://example.net/api.openai.com/v1",
        "https://gpu-node:8000/v1",
    ):
        assert not is_openai_url(url), url
        assert api_key(Endpoint(model="m", base_url=url)) == PLACEHOLDER_KEY, url
    monkeypatch.setenv("VLLM_API_KEY", "vllm-token")
    assert api_key(Endpoint(model="m", base_url="http://127.0.0.1:8765/v1", api_key_env="VLLM_API_KEY")) == "vllm-token"
    # the variable alone, for config checks: no value read
    assert key_variable(Endpoint(model="m")) == "OPENAI_API_KEY"
    assert key_variable(Endpoint(model="m", base_url="http://127.0.0.1:8765/v1")) is None
    assert key_variable(Endpoint(model="m", base_url="http://127.0.0.1:8765/v1", api_key_env="K")) == "K"
    monkeypatch.delenv("OPENAI_API_KEY")
    with pytest.raises(EndpointError, match=r"^judges.gpt: OpenAI's API needs a key: .* OPENAI_API_KEY is not set"):
        api_key(Endpoint(model="m", entry="judges.gpt"))


def test_openai_key_named_for_another_server_is_sent_with_a_warning(server, caplog):
    """Naming OPENAI_API_KEY explicitly is the config's choice (OpenAI-compatible proxies use it); the log
    says where it went."""
    ep = Endpoint(model="m", base_url=server.base_url, api_key_env="OPENAI_API_KEY", entry="judges.proxy")
    with caplog.at_level("WARNING", logger="xlit.llm"):
        run_chat([[{"role": "user", "content": "hi"}]], ep)
    assert headers_sent(server)[0]["authorization"] == f"Bearer {SECRET}"
    assert "judges.proxy: sending OPENAI_API_KEY to 127.0.0.1" in caplog.text
    assert SECRET not in caplog.text


def test_one_place_builds_clients():
    """Every OpenAI client of the library is built by xlit.llm.make_client (so the rule above is the only one)."""
    found = []
    for path in sorted((ROOT / "src" / "xlit").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if name in ("OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI"):
                    found.append(path.relative_to(ROOT).as_posix())
    assert found == ["src/xlit/llm.py"]
    src = (ROOT / "src" / "xlit" / "llm.py").read_text(encoding="utf-8")
    assert src.count("AsyncOpenAI(") == 1 and "def make_client" in src
