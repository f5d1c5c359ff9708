"""Failures that look like failures (issue 16): the judge (`xlit judge` and the library entry the workflow's
judge rule calls) and the `openai` MT backend against a local server that answers 500, an HTML page, broken
JSON or too slowly; what is cached and what a re-run sends; one-line CLI errors; odd text at reading; a
copied work directory."""

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from openai_server import Reply

from xlit.cli import main
from xlit.io import read_jsonl
from xlit.judge import JudgeFailed, cost_row, judge_file
from xlit.llm import ChatCache

ROOT = Path(__file__).resolve().parents[1]
N = 6
BAD = {1, 4}  # the items the misbehaving server fails

FAULTS = {
    "500": (lambda: Reply(status=500), "HTTP 500"),
    "html": (
        lambda: Reply(raw="<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>", content_type="text/html"),
        "malformed response (HTTP 200)",
    ),
    "garbage": (
        lambda: Reply(raw='{"id": "x", "object": "chat.completion", "choices": [', content_type="application/json"),
        "malformed response (HTTP 200)",
    ),
    "slow": (lambda: Reply(delay=1.5), "Timeout"),
}


def item_of(req: dict) -> int:
    return int(re.search(r"Answer number (\d+)", json.dumps(req["messages"])).group(1))


def responses(path: Path, n: int = N) -> Path:
    path.write_text(
        "".join(
            json.dumps({"id": str(i), "instruction": f"Question {i}?", "response": f"Answer number {i}.", "lang": "fr"})
            + "\n"
            for i in range(n)
        )
    )
    return path


def judge_cfg(server, **kw) -> dict:
    return {
        "backend": "openai",
        "model": "gpt-test",
        "base_url": server.base_url,
        "concurrency": 4,
        "max_retries": 2,
        "timeout": 0.5,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "price_in_per_mtok": 1.0,
        "price_out_per_mtok": 2.0,
        **kw,
    }


def write_config(tmp_path: Path, server, judge_section: dict | None = None, **kw) -> Path:
    conf = tmp_path / "judges.yaml"
    data = {"judges": {"gpt": judge_cfg(server, **kw)}, "cache_dir": str(tmp_path / "cache")}
    if judge_section:
        data["judge"] = judge_section
    conf.write_text(yaml.safe_dump(data))
    return conf


def cached(tmp_path: Path) -> int:
    c = ChatCache(tmp_path / "cache" / "judge")
    try:
        return len(c)
    finally:
        c.close()


def one_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    return lines[0]


# ------------------------------------------------------------------------------------------- the CLI
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_cli_fails_with_one_line_caches_what_arrived_and_the_rerun_sends_only_the_failed(
    fault, server, tmp_path, capsys
):
    reply, why = FAULTS[fault]
    server.handler = lambda req, n: reply() if item_of(req) in BAD else None
    conf, resp, out = write_config(tmp_path, server), responses(tmp_path / "r.jsonl"), tmp_path / "out.jsonl"
    args = ["judge", "--config", str(conf), "--out", str(out), str(resp)]
    assert main(args) == 1
    line = one_line(capsys.readouterr().err)
    assert f"2 of {N} requests failed" in line and why in line and "cached" in line, line
    assert not out.exists()  # a failed job leaves no output, so nothing downstream is built from it
    assert cached(tmp_path) == N - len(BAD)
    assert server.count == N - len(BAD) + len(BAD) * 3  # the failing ones were tried 1 + max_retries times
    server.handler, sent = None, server.count
    assert main(args) == 0
    assert server.count - sent == len(BAD)  # the re-run sends only what failed
    assert {item_of(r["body"]) for r in server.requests[sent:]} == BAD
    rows = read_jsonl(out)
    assert len(rows) == N and all(len(r["scores"]) == 6 and not r["error"] for r in rows)
    assert sum(r["cached"] for r in rows) == N - len(BAD)


def test_library_entry_fails_after_caching_and_tolerates_a_share(server, tmp_path):
    """`judge_file` is what the workflow's judge rule runs: it raises before writing its output."""
    server.handler = lambda req, n: Reply(status=503) if item_of(req) in BAD else None
    resp, out = responses(tmp_path / "r.jsonl"), tmp_path / "judge" / "fr.jsonl"
    cache = tmp_path / "cache"
    with pytest.raises(JudgeFailed, match=rf"judge gpt: 2 of {N} requests failed .*HTTP 503.*re-run"):
        judge_file(resp, out, "gpt", judge_cfg(server), cache_dir=cache, lang="fr")
    assert not out.exists() and cached(tmp_path) == N - 2
    rows = judge_file(resp, out, "gpt", judge_cfg(server), cache_dir=cache, lang="fr", max_error_share=0.5)
    assert out.exists() and sum(bool(r["error"]) for r in rows) == 2
    assert cost_row(rows, judge_cfg(server), "gpt", "r", "1", "fr")["errors"] == 2
    server.handler, sent = None, server.count
    rows = judge_file(resp, out, "gpt", judge_cfg(server), cache_dir=cache, lang="fr")
    assert server.count - sent == 2 and not any(r["error"] for r in rows)


def test_workflow_entry_writes_no_file_when_one_fails(server, tmp_path):
    """`judge_files` (the judge rule: every language of a checkpoint in one job): one file over the
    tolerance fails the job before any file is written."""
    from xlit.judge import judge_files

    server.handler = lambda req, n: Reply(status=500) if item_of(req) == 7 else None
    fr, pt = responses(tmp_path / "fr.jsonl"), responses(tmp_path / "pt.jsonl", 8)
    jobs = [(fr, tmp_path / "out" / "fr.jsonl", "fr"), (pt, tmp_path / "out" / "pt.jsonl", "pt")]
    with pytest.raises(JudgeFailed, match=r"pt.jsonl: judge gpt: 1 of 8 requests failed"):
        judge_files(jobs, "gpt", judge_cfg(server), cache_dir=tmp_path / "cache")
    assert not (tmp_path / "out").exists() and cached(tmp_path) == 8 - 1  # fr and pt share items 0-5
    server.handler, sent = None, server.count
    fr_rows, pt_rows = judge_files(jobs, "gpt", judge_cfg(server), cache_dir=tmp_path / "cache")
    assert server.count - sent == 1 and len(fr_rows) == N and len(pt_rows) == 8
    assert read_jsonl(tmp_path / "out" / "pt.jsonl")[7]["scores"]


def test_unparsed_answers_are_asked_again_and_counted(server, tmp_path, capsys):
    """Item 2 answers prose once, then JSON; item 3 never answers anything readable."""
    asked = {}

    def handler(req, n):
        i = item_of(req)
        asked[i] = asked.get(i, 0) + 1
        if i == 3 or (i == 2 and asked[i] == 1):
            return "I cannot rate this response."
        return None

    server.handler = handler
    resp, out = responses(tmp_path / "r.jsonl"), tmp_path / "out.jsonl"
    rows = judge_file(resp, out, "gpt", judge_cfg(server), cache_dir=tmp_path / "cache")
    assert server.count == N + 2 and asked[2] == 2 and asked[3] == 2
    assert len(rows[2]["scores"]) == 6 and rows[2]["reasks"] == 1
    assert rows[2]["previous_raw"] == ["I cannot rate this response."]
    assert rows[3]["unparsed"] and rows[3]["raw"] == "I cannot rate this response." and rows[3]["reasks"] == 1
    c = cost_row(rows, judge_cfg(server), "gpt", "r", "1", "fr")
    assert (c["unparsed"], c["reasked"], c["errors"]) == (1, 2, 0)
    # the unparsed answer is kept (cache and row) but a re-run asks again...
    sent = server.count
    rows = judge_file(resp, out, "gpt", judge_cfg(server), cache_dir=tmp_path / "cache")
    assert server.count - sent == 1 and rows[3]["unparsed"] and rows[2]["cached"]
    # ...unless told not to
    conf = write_config(tmp_path, server)
    sent = server.count
    assert main(["judge", "--config", str(conf), "--reask", "0", "--out", str(out), str(resp)]) == 0
    assert server.count == sent and "1 unparsed" in capsys.readouterr().err


def test_ctrl_c_says_what_was_kept_and_exits_130(server, tmp_path):
    server.latency = 0.15
    conf = write_config(tmp_path, server, concurrency=2, timeout=5)
    resp = responses(tmp_path / "r.jsonl", 30)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xlit.cli",
            "judge",
            "--config",
            str(conf),
            "--out",
            str(tmp_path / "out.jsonl"),
            str(resp),
        ],
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as in a terminal, even where this test runs in a background job (which starts with SIGINT ignored)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while server.count < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    line = one_line(err)
    m = re.fullmatch(r"interrupted: (\d+) of 30 answers cached \(a re-run sends only the rest\)", line)
    assert m, line
    assert 3 <= int(m.group(1)) < 30 and cached(tmp_path) == int(m.group(1))  # exactly what the cache holds
    assert not (tmp_path / "out.jsonl").exists()


# --------------------------------------------------------------------------------------- MT backend
def test_openai_mt_backend_fails_after_caching(server, tmp_path):
    from xlit.mt.backends import OpenAIBackend

    server.handler = lambda req, n: (
        Reply(raw="<html>proxy error</html>", content_type="text/html")
        if "segment two" in json.dumps(req["messages"])
        else "une traduction"
    )
    cfg = {
        "backend": "openai",
        "model": "mt-test",
        "endpoint": {"base_url": server.base_url, "max_retries": 1, "backoff_base": 0.01, "timeout": 2},
    }
    mt = OpenAIBackend(cfg, cache_dir=tmp_path)
    segments = ["segment one", "segment two", "segment three"]
    with pytest.raises(RuntimeError) as e:
        mt.translate_batch(segments, "en", "fr")
    msg = str(e.value)
    assert "\n" not in msg and "1 of 3" in msg and "malformed response (HTTP 200)" in msg and "cached" in msg
    assert len(mt.chat_cache) == 2
    server.handler, sent = None, server.count
    assert len(OpenAIBackend(cfg, cache_dir=tmp_path).translate_batch(segments, "en", "fr")) == 3
    assert server.count - sent == 1


# ------------------------------------------------------------------------------------- odd Unicode
SURROGATE_LINE = (
    '{"id": "1", "lang": "fr", "category": "open_qa", "prompt": "Dites bonjour \\ud800", '
    '"instruction": "Dites bonjour \\ud800", "n_tokens": 9, "response": "Bonjour \\udc00 le '
    "monde, comment allez-vous aujourd'hui ? Tr\\u00e8s bien, merci beaucoup.\"}\n"
)


def test_lone_surrogates_pass_surface_judge_and_sheets(server, tmp_path, capsys, caplog):
    f = tmp_path / "gen.jsonl"
    f.write_text(SURROGATE_LINE + SURROGATE_LINE.replace('"id": "1"', '"id": "2"'))
    assert main(["surface", "--lang", "fr", str(f)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n"] == 2 and summary["correct_lang"] == 1.0
    assert "6 invalid code point(s)" in caplog.text  # prompt, instruction, response of two rows
    conf, out = write_config(tmp_path, server), tmp_path / "out.jsonl"
    assert main(["judge", "--config", str(conf), "--out", str(out), str(f)]) == 0
    assert server.count == 1  # the two rows are the same request once cleaned: one key, one answer
    assert "\ufffd" in server.requests[0]["body"]["messages"][0]["content"]
    assert all(len(r["scores"]) == 6 for r in read_jsonl(out))
    from xlit.human import write_sheets

    sheet, key = write_sheets([("run", "1e-05", f)], tmp_path / "human", "fr", seed=0)
    assert "Bonjour \ufffd le monde" in sheet.read_text(encoding="utf-8-sig")


def test_bytes_that_are_not_utf8_are_replaced(tmp_path, caplog):
    from xlit.io import read_jsonl as rj

    f = tmp_path / "r.jsonl"
    f.write_bytes(b'{"id": "1", "response": "caf\xe9 cr\xe8me"}\n')
    assert rj(f) == [{"id": "1", "response": "caf\ufffd cr\ufffdme"}]
    assert "2 invalid code point(s)" in caplog.text


def test_it_data_with_lone_surrogates_loads(tmp_path):
    from xlit.data import load_it_rows

    f = tmp_path / "dolly.jsonl"
    f.write_text('{"instruction": "Say hi \\ud83d", "context": "", "response": "Hi \\udfff!", "category": "x"}\n')
    rows = load_it_rows(f, "dolly")
    assert json.dumps(rows[0]["messages"], ensure_ascii=False).count("\ufffd") == 2
    g = tmp_path / "dolly.json"  # a JSON list
    g.write_text('[{"instruction": "Say hi \\ud83d", "context": "", "response": "Hi!", "category": "x"}]')
    assert "\ufffd" in load_it_rows(g, "dolly")[0]["messages"][0]["content"]


# -------------------------------------------------------------------------------- language codes
def test_lang_is_case_normalised_and_checked(tmp_path, capsys):
    f = tmp_path / "fr.txt"
    f.write_text(
        "La rivière coule près du vieux moulin chaque printemps.\n"
        "Quelle est la capitale de la France ? Paris est la capitale de la France.\n"
    )
    assert main(["surface", "--lang", "FR", str(f)]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["lang"] == "fr" and s["correct_lang"] == 1.0 and s["code_switch"] == 0.0
    assert main(["surface", "--lang", "xx", str(f)]) == 2
    assert "unknown language code 'xx'" in one_line(capsys.readouterr().err)
    from xlit.lid import LID
    from xlit.surface import surface_rows

    with pytest.raises(ValueError, match="unknown language code 'xx'"):  # the workflow's path
        surface_rows([{"id": 1, "response": "Bonjour.", "n_tokens": 2}], "xx", LID())


def test_config_language_unknown_to_lid_or_mt():
    import xlit.config as xc

    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    bad = {**cfg, "languages": ["en", "xx"]}
    with pytest.raises(xc.ConfigError, match=r"^cfg: languages.1: unknown language code 'xx'"):
        xc.validate(bad, "cfg")
    from xlit.lid import LID, LID176_LANGS

    assert LID().languages() == LID176_LANGS  # the list config validation uses is the model's


# ------------------------------------------------------------------------------- one-line CLI errors
def test_cli_errors_are_one_line_with_exit_code_2(server, tmp_path, capsys):
    resp = responses(tmp_path / "r.jsonl")
    conf = write_config(tmp_path, server)
    cases = [
        (["validate", str(tmp_path / "none.yaml")], "none.yaml: cannot read"),
        (["grid", str(tmp_path / "none.yaml")], "none.yaml: cannot read"),
        (["judge", "--config", str(conf), str(tmp_path / "none.jsonl")], "none.jsonl: No such file"),
        (["surface", "--lang", "fr", str(tmp_path / "none.jsonl")], "none.jsonl"),
    ]
    typed = tmp_path / "typed.yaml"
    typed.write_text(yaml.safe_dump({"judges": {"gpt": judge_cfg(server, concurrency="eight")}}))
    cases.append((["judge", "--config", str(typed), str(resp)], "judges.gpt.concurrency: expected integer"))
    nokey = tmp_path / "nokey.yaml"
    nokey.write_text(
        yaml.safe_dump(
            {"judges": {"gpt": {"backend": "openai", "model": "gpt-4o", "api_key_env": "XLIT_SURELY_UNSET_KEY"}}}
        )
    )
    cases.append(
        (
            ["judge", "--config", str(nokey), "--cache-dir", str(tmp_path / "c"), str(resp)],
            "XLIT_SURELY_UNSET_KEY is not set",
        )
    )
    for args, expected in cases:
        assert main(args) == 2, args
        assert expected in one_line(capsys.readouterr().err), args
    assert server.count == 0


def _ratings(path: Path, ids, lang="fr") -> Path:
    path.write_text("id,criterion,score,lang\n" + "".join(f"{i},fluency,{int(i[1:]) % 3},{lang}\n" for i in ids))
    return path


def test_agreement_counts_unmatched_items_and_refuses_one_file_twice(tmp_path, capsys):
    a = _ratings(tmp_path / "a.csv", [f"q{i}" for i in range(20)])
    b = _ratings(tmp_path / "b.csv", [f"q{i}" for i in range(1, 20)])  # q0 only in a: 1 of 20
    assert main(["agreement", str(a), str(b), "--n-boot", "10"]) == 0
    err = capsys.readouterr().err
    assert "warning: 1 of 20 items (lang, id) are rated in only one file (1 only in" in one_line(err)
    c = _ratings(tmp_path / "c.csv", [f"q{i}" for i in range(10, 30)])  # 20 of 30 unmatched
    assert main(["agreement", str(a), str(c), "--n-boot", "10"]) == 2
    assert "20 of 30 items" in one_line(capsys.readouterr().err)
    assert main(["agreement", str(a), str(a)]) == 2
    assert "the same file" in one_line(capsys.readouterr().err)


def test_surface_warns_on_an_empty_file(tmp_path, capsys):
    f = tmp_path / "empty.jsonl"
    f.write_text("\n")
    assert main(["surface", "--lang", "fr", str(f)]) == 0
    captured = capsys.readouterr()
    assert "no responses" in one_line(captured.err) and json.loads(captured.out)["n"] == 0


# ------------------------------------------------------------------------------ a copied work dir
@pytest.mark.slow
def test_a_copied_work_dir_uses_its_own_files(tmp_path):
    """Build the base model in one directory, copy it, remove the original, train in the copy."""
    from test_workflow import minimal_config, snakemake

    cfg = minimal_config(lrs=(3e-3,))
    run = "tiny-multi_demo-dolly_en_ft"
    first, copy = tmp_path / "first", tmp_path / "copy"
    first.mkdir()

    snakemake(first, "results/base/tiny-multi/source.json", config=cfg)
    source = json.loads((first / "results/base/tiny-multi/source.json").read_text())
    assert source["path"] == "results/base/tiny-multi/model"  # relative to the work directory
    shutil.copytree(first, copy, symlinks=True)
    shutil.rmtree(first)
    out = snakemake(copy, f"results/models/{run}/lr0.003", config=cfg)
    assert "build_base" not in out.split("Job stats:")[-1]  # the copy's base model is used as it is
    produced = [p for p in (copy / "results/models" / run).rglob("*") if p.is_file()]
    assert produced
    for p in produced + [copy / f"logs/train/{run}_lr0.003.log"]:
        if p.suffix in (".json", ".log", ".txt"):
            assert str(first) not in p.read_text(errors="ignore"), p
