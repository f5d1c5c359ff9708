"""xlit.cache: one file per entry, atomic writes, concurrent writer processes, migration from the former
sqlite chat cache and the former append-only segment shards."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import sqlite3
import time
from pathlib import Path

from xlit.cache import FileCache

WRITERS, PER_WRITER, STRIDE = 4, 200, 100  # writer w puts keys [w*STRIDE, w*STRIDE + PER_WRITER): overlaps


def value(writer: int, i: int, version: int) -> dict:
    pad = hashlib.sha256(f"{writer}-{i}-{version}".encode()).hexdigest() * (200 + 37 * (i % 13))  # 13-30 KB
    return {"writer": writer, "i": i, "version": version, "pad": pad, "sum": hashlib.sha256(pad.encode()).hexdigest()}


def intact(v, i: int) -> bool:
    return (
        isinstance(v, dict)
        and v.get("i") == i
        and v.get("version") in (1, 2)
        and hashlib.sha256(v["pad"].encode()).hexdigest() == v["sum"]
        and v == value(v["writer"], i, v["version"])
    )


def _writer(root: str, w: int, start) -> None:
    cache = FileCache(root)
    start.wait()
    keys = range(w * STRIDE, w * STRIDE + PER_WRITER)
    for i in keys:
        cache.put(f"k{i}", value(w, i, 1))
    for i in list(keys)[:50]:  # an answer replaced (a re-asked one): the last put of a process wins
        cache.put(f"k{i}", value(w, i, 2))


def _reader(root: str, n_keys: int, start, stop, out) -> None:
    """Reads entry files directly while the writers run: a file that exists must parse and be whole."""
    cache = FileCache(root)
    start.wait()
    seen = torn = 0
    while not stop.is_set():
        for i in range(n_keys):
            path = cache.path_of(f"k{i}")
            try:
                with open(path, encoding="utf-8") as f:
                    entry = json.load(f)
            except FileNotFoundError:
                continue
            except ValueError:
                torn += 1
                continue
            seen += 1
            torn += not (entry.get("key") == f"k{i}" and intact(entry.get("value"), i))
    out.put((seen, torn))


def test_concurrent_writer_processes_lose_nothing_and_readers_never_see_a_partial_entry(tmp_path):
    root = str(tmp_path / "cache")
    n_keys = (WRITERS - 1) * STRIDE + PER_WRITER
    ctx = mp.get_context("spawn")
    start, stop, out = ctx.Barrier(WRITERS + 2), ctx.Event(), ctx.Queue()
    writers = [ctx.Process(target=_writer, args=(root, w, start)) for w in range(WRITERS)]
    readers = [ctx.Process(target=_reader, args=(root, n_keys, start, stop, out)) for _ in range(2)]
    for p in writers + readers:
        p.start()
    for p in writers:
        p.join(timeout=300)
        assert p.exitcode == 0
    stop.set()
    results = [out.get(timeout=120) for _ in readers]
    for p in readers:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert all(torn == 0 for _, torn in results), results
    assert sum(seen for seen, _ in results) > 0, results  # the readers did read while entries were written

    cache = FileCache(root)
    assert len(cache) == n_keys
    got = dict(cache.items())
    assert set(got) == {f"k{i}" for i in range(n_keys)}
    for i in range(n_keys):
        v = cache.get(f"k{i}")
        assert intact(v, i) and got[f"k{i}"] == v
        owners = [w for w in range(WRITERS) if w * STRIDE <= i < w * STRIDE + PER_WRITER]
        assert v["writer"] in owners
        if len(owners) == 1 and i - owners[0] * STRIDE < 50:  # only one process wrote it: its last put
            assert v["version"] == 2
    assert not [p for p in Path(root).rglob("*") if p.is_file() and p.suffix != ".json"]  # no temp left
    assert max(len(os.listdir(d)) for d in Path(root).iterdir()) < n_keys / 16  # spread over subdirectories


def test_put_add_missing_len_and_a_damaged_entry(tmp_path, monkeypatch, caplog):
    c = FileCache(tmp_path)
    c.put("a", {"text": "1"})
    c.put("a", {"text": "2"})  # replaces
    assert c.add("a", {"text": "3"}) is False and c.get("a") == {"text": "2"}  # add never overwrites
    assert c.add("b", {"text": "Ж \ud800"}) is True and c.get("b") == {"text": "Ж \ud800"}  # any str round-trips
    keys = ["a", "b", "c"]
    assert c.missing(keys) == {"c"}
    monkeypatch.setattr("xlit.cache.SCAN_ABOVE", 0)  # the directory-listing path gives the same answer
    assert c.missing(keys) == {"c"}
    c.path_of("c").parent.mkdir(exist_ok=True)
    (c.path_of("c").parent / ".x.tmp").write_text('{"key": "c", "val')  # a writer killed mid-write
    assert len(c) == 2 and dict(c.items()) == {"a": {"text": "2"}, "b": {"text": "Ж \ud800"}}
    c.path_of("c").write_text('{"key": "c", "val')  # a damaged entry (a crashed file system): a miss
    assert c.get("c") is None and "unreadable cache entry" in caplog.text
    c.put("c", {"text": "ok"})
    assert c.get("c") == {"text": "ok"}
    none = FileCache(None)
    none.put("a", 1)
    assert none.get("a") is None and len(none) == 0 and none.missing(["a"]) == {"a"} and bool(none)


def test_a_stale_nfs_handle_is_read_again(tmp_path, monkeypatch):
    import errno

    c = FileCache(tmp_path)
    c.put("a", {"text": "1"})
    calls = []

    def flaky(*args, **kw):  # what NFS gives when another node replaced the file between open and read
        calls.append(args[0])
        if len(calls) == 1:
            raise OSError(errno.ESTALE, "Stale file handle")
        return open(*args, **kw)

    monkeypatch.setattr("xlit.cache.open", flaky, raising=False)
    assert c.get("a") == {"text": "1"} and len(calls) == 2


def old_sqlite(path: Path, rows: dict, keep_open: bool = False):
    """A chat cache as the former sqlite ChatCache wrote it (WAL)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL NOT NULL)"
    )
    for k, v in rows.items():
        conn.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?)", (k, json.dumps(v), time.time()))
    if keep_open:
        return conn  # its rows are still in the -wal file only
    conn.close()


def test_sqlite_cache_is_imported_once_and_nothing_paid_for_is_lost(server, tmp_path, monkeypatch):
    from xlit.llm import ChatCache, Endpoint, request_key, run_chat

    monkeypatch.setenv("XLIT_TEST_KEY", "sk-test")
    ep = Endpoint(model="m", base_url=server.base_url, api_key_env="XLIT_TEST_KEY", timeout=5)
    reqs = [[{"role": "user", "content": f"q{i}"}] for i in range(4)]
    keys = [request_key(ep, m) for m in reqs]
    old = {
        k: {
            "text": f"old {i}",
            "usage": {"prompt_tokens": 3, "completion_tokens": 2},
            "logprobs": None,
            "finish_reason": "stop",
            "model": "m",
        }
        for i, k in enumerate(keys[:3])
    }
    d = tmp_path / "judge"
    writer = old_sqlite(d / "chat.sqlite", old, keep_open=True)  # a job killed before a checkpoint
    FileCache(d).put(
        keys[2], {"text": "newer", "usage": None, "logprobs": None, "finish_reason": "stop", "model": "m"}
    )  # written by the new cache since: kept
    cache = ChatCache(d)
    writer.close()
    assert not (d / "chat.sqlite").exists() and (d / "chat.sqlite.imported").exists()
    assert len(cache) == 3 and cache.get(keys[0]) == old[keys[0]] and cache.get(keys[2])["text"] == "newer"
    res = run_chat(reqs, ep, ChatCache(d))  # a re-run pays only for the one never asked
    assert server.count == 1 and [r.cached for r in res] == [True, True, True, False]
    assert [r.text for r in res[:3]] == ["old 0", "old 1", "newer"]
    # the former API's `.sqlite` path: its directory holds the cache
    old_sqlite(tmp_path / "x" / "c.sqlite", {"k": {"text": "t"}})
    assert ChatCache(tmp_path / "x" / "c.sqlite").get("k") == {"text": "t"}
    assert (tmp_path / "x" / "c.sqlite.imported").exists()


def test_former_segment_shards_are_imported(tmp_path):
    from xlit.mt.cache import SegmentCache, context_hash, segment_key

    ctx = {"backend": "hf", "model": "m", "src": "en", "tgt": "fr"}
    d = tmp_path / context_hash(ctx)
    d.mkdir()
    rows = [{"k": segment_key(s), "in": s, "out": f"[fr] {s}"} for s in ("A cat.", "A dog.")]
    (d / "host-1-abc.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows) + '{"k": "x", "out": "to')
    c = SegmentCache(tmp_path, ctx)
    assert len(c) == 2 and c.get("A cat.") == "[fr] A cat." and "A dog." in c and c.missing(["A dog.", "B"]) == {"B"}
    assert not list(d.glob("*.jsonl")) and (d / "host-1-abc.jsonl.imported").exists()
    c.put_many([("B", "[fr] B")])
    again = SegmentCache(tmp_path, ctx)  # another process
    assert again.get("B") == "[fr] B" and len(again) == 3
    assert json.loads((d / "context.json").read_text()) == ctx
