"""xlit.llm against a real local HTTP server with the real openai client."""

from __future__ import annotations

import json
import logging
import time

import pytest
from openai_server import OpenAIServer, Reply

from xlit.llm import ChatCache, Endpoint, backoff_delay, request_key, run_chat, scrub

SECRET = "sk-test-THIS-IS-A-SECRET-0123456789abcdef"


def msgs(i: int) -> list[dict]:
    return [{"role": "user", "content": f"question {i}"}]


def ep(srv, **kw) -> Endpoint:
    base = dict(
        model="m",
        base_url=srv.base_url,
        api_key_env="XLIT_TEST_KEY",
        timeout=5,
        concurrency=4,
        max_retries=3,
        backoff_base=0.05,
        backoff_max=0.2,
    )
    base.update(kw)
    return Endpoint(**base)


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("XLIT_TEST_KEY", SECRET)


def test_basic_answers_usage_logprobs_and_key_sent(server, tmp_path):
    server.handler = lambda req, n: Reply(content=f"answer to {req['messages'][0]['content']}")
    res = run_chat([msgs(i) for i in range(5)], ep(server, logprobs=True, top_logprobs=2), ChatCache(tmp_path))
    assert [r.text for r in res] == [f"answer to question {i}" for i in range(5)]
    assert all(r.ok and not r.cached and r.attempts == 1 for r in res)
    assert res[0].usage["prompt_tokens"] > 0 and res[0].usage["completion_tokens"] > 0
    assert res[0].logprobs and {"token", "logprob", "top_logprobs"} <= set(res[0].logprobs[0])
    body = server.requests[0]["body"]
    assert body["temperature"] == 0 and body["logprobs"] is True and body["top_logprobs"] == 2
    assert server.requests[0]["headers"]["authorization"] == f"Bearer {SECRET}"


def test_retry_after_is_honoured(server, tmp_path):
    server.handler = lambda req, n: Reply(status=429, headers={"Retry-After": "1"}) if n == 0 else None
    t0 = time.monotonic()
    res = run_chat([msgs(0)], ep(server, backoff_base=0.01), ChatCache(None))
    assert res[0].ok and res[0].attempts == 2
    gap = server.requests[1]["time"] - server.requests[0]["time"]
    assert 1.0 <= gap < 2.5, gap
    assert time.monotonic() - t0 >= 1.0


def test_retry_after_ms_and_429_pauses_all_workers(server):
    server.handler = lambda req, n: Reply(status=429, headers={"retry-after-ms": "500"}) if n == 0 else Reply(delay=0.1)
    res = run_chat([msgs(i) for i in range(10)], ep(server, concurrency=4), None)
    assert all(r.ok for r in res) and server.count == 11
    t0 = server.requests[0]["time"]
    later = [r["time"] - t0 for r in server.requests[1:] if r["time"] - t0 > 0.05]  # sent after the 429
    assert later and min(later) >= 0.5, later


def test_retries_on_500_then_succeeds(server):
    server.handler = lambda req, n: Reply(status=500) if n < 2 else "fine"
    res = run_chat([msgs(0)], ep(server), None)
    assert res[0].text == "fine" and res[0].attempts == 3 and server.count == 3


def test_gives_up_after_max_retries_without_caching(server, tmp_path):
    server.handler = lambda req, n: Reply(status=503)
    cache = ChatCache(tmp_path)
    res = run_chat([msgs(0)], ep(server, max_retries=2), cache)
    assert not res[0].ok and "503" in res[0].error and "3 attempts" in res[0].error
    assert server.count == 3 and len(cache) == 0


def test_no_retry_on_400(server):
    server.handler = lambda req, n: Reply(status=400)
    res = run_chat([msgs(0)], ep(server), None)
    assert not res[0].ok and server.count == 1 and "400" in res[0].error


def test_retries_on_timeout(server):
    server.handler = lambda req, n: Reply(delay=3.0) if n == 0 else "late but fine"
    t0 = time.monotonic()
    res = run_chat([msgs(0)], ep(server, timeout=0.5), None)
    assert res[0].text == "late but fine" and res[0].attempts == 2
    assert time.monotonic() - t0 < 2.5


def test_connection_error_is_retried_then_reported():
    with OpenAIServer() as srv:
        url = srv.base_url
    res = run_chat(
        [msgs(0)],
        Endpoint(model="m", base_url=url, api_key_env=None, max_retries=1, backoff_base=0.01, timeout=1),
        None,
    )
    assert not res[0].ok and "Connection" in res[0].error and res[0].attempts == 2


def test_concurrency_bound_holds(server):
    server.latency = 0.05
    run_chat([msgs(i) for i in range(40)], ep(server, concurrency=5), None)
    assert server.count == 40 and server.max_in_flight == 5


def test_cached_rerun_sends_nothing_and_dedups(server, tmp_path):
    reqs = [msgs(i % 6) for i in range(10)]  # 6 distinct requests
    first = run_chat(reqs, ep(server), ChatCache(tmp_path))
    assert server.count == 6
    server.reset()
    again = run_chat(reqs, ep(server), ChatCache(tmp_path))
    assert server.count == 0
    assert all(r.cached for r in again) and [r.text for r in again] == [r.text for r in first]


def test_cache_key_covers_model_messages_and_params(server):
    e = ep(server)
    k = request_key(e, msgs(0))
    assert k != request_key(ep(server, model="other"), msgs(0))
    assert k != request_key(e, msgs(1))
    assert k != request_key(ep(server, temperature=0.7), msgs(0))
    assert k != request_key(ep(server, max_tokens=10), msgs(0))
    assert k == request_key(ep(server, concurrency=9, timeout=1, base_url="http://x/v1"), msgs(0))


def test_interrupted_run_loses_nothing_and_resends_only_missing(server, tmp_path):
    reqs = [msgs(i) for i in range(12)]
    seen = []

    def stop_after_5(i, r):
        seen.append(i)
        if len(seen) == 5:
            raise KeyboardInterrupt("killed")

    with pytest.raises(KeyboardInterrupt):
        run_chat(reqs, ep(server, concurrency=1), ChatCache(tmp_path), on_result=stop_after_5)
    stored = len(ChatCache(tmp_path))
    # every answer handed over is stored; at most the one request in flight at the interrupt is lost
    assert 5 <= stored <= server.count <= 6
    server.reset()
    res = run_chat(reqs, ep(server, concurrency=3), ChatCache(tmp_path))
    assert server.count == 12 - stored and all(r.ok for r in res)
    assert sum(r.cached for r in res) == stored
    sent = {r["body"]["messages"][0]["content"] for r in server.requests}
    assert not sent & {f"question {i}" for i in seen}


def test_key_never_in_errors_logs_or_cache(server, tmp_path, caplog):
    server.handler = lambda req, n: Reply(
        status=401,
        body={"error": {"message": f"Incorrect API key provided: {SECRET}. Also {SECRET[:3]}***{SECRET[-12:]}"}},
    )
    caplog.set_level(logging.DEBUG)
    res = run_chat([msgs(0)], ep(server), ChatCache(tmp_path))
    assert not res[0].ok and "401" in res[0].error
    assert SECRET not in res[0].error and SECRET[-12:] not in res[0].error
    server.handler = lambda req, n: Reply(status=500, body={"error": {"message": f"boom {SECRET}"}})
    res = run_chat([msgs(1)], ep(server, max_retries=1), ChatCache(tmp_path))
    assert SECRET not in res[0].error
    server.handler = None
    run_chat([msgs(2)], ep(server), ChatCache(tmp_path))
    assert SECRET not in caplog.text
    for f in tmp_path.rglob("*"):
        if f.is_file():
            assert SECRET.encode() not in f.read_bytes(), f
    assert SECRET not in json.dumps(res[0].to_dict())


def test_missing_key_names_variable_not_value(monkeypatch):
    monkeypatch.delenv("XLIT_TEST_KEY")
    with pytest.raises(RuntimeError, match="XLIT_TEST_KEY"):
        run_chat([msgs(0)], Endpoint(model="m", api_key_env="XLIT_TEST_KEY"), None)


def test_backoff_grows_and_is_capped():
    e = Endpoint(model="m", backoff_base=1, backoff_max=5)
    assert 0.5 <= backoff_delay(e, 0) <= 1
    assert 2 <= backoff_delay(e, 2) <= 4
    assert 2.5 <= backoff_delay(e, 10) <= 5
    assert 3 <= backoff_delay(e, 0, retry_after=3) <= 3.06


def test_scrub():
    assert scrub(f"x {SECRET} y", SECRET) == "x *** y"
    assert SECRET[5:20] not in scrub(f"frag {SECRET[5:20]}", SECRET)
    assert scrub("nothing", None) == "nothing"


def test_run_chat_inside_running_loop(server):
    import asyncio

    async def inner():
        return run_chat([msgs(0)], ep(server), None)

    assert asyncio.run(inner())[0].ok


def test_cache_safe_under_concurrent_writer_processes(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from xlit.llm import ChatCache; c = ChatCache(sys.argv[1]); "
        "[c.put(f'{sys.argv[2]}-{i}', {'text': str(i)}) for i in range(300)]"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path), tag]) for tag in ("a", "b", "c")]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    cache = ChatCache(tmp_path)
    assert len(cache) == 900 and cache.get("b-299") == {"text": "299"}
    assert cache.missing(["a-1", "zz"]) == {"zz"}
