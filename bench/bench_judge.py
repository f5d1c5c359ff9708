"""Judge throughput against a local OpenAI-compatible server with a fixed latency.

    .venv/bin/python bench/bench_judge.py [--n 1000] [--latency 0.1] [--concurrency 32] [--sample 20]

Runs N judgments (the full judge path: prompt rendering, xlit.llm with the real openai client, retries
armed, the answer cache written as answers arrive, parsing) against tests/openai_server.py started in a
separate process (so that its threads do not share our GIL). Prints the wall time against the ideal
(N x latency / concurrency) and against one request at a time, extrapolated from `--sample` sequential
requests. Target: within 1.3x of ideal at concurrency 32.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_server(latency: float) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "openai_server.py"), "--latency", str(latency)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise RuntimeError(f"the test server did not start: {line!r} {proc.stderr.read()}")
    return proc, f"http://127.0.0.1:{int(line.split()[1])}/v1"


def run(n: int, base_url: str, concurrency: int, cache_dir: str, tag: str) -> float:
    from xlit.judge import Item, judge_items

    items = [
        Item(
            id=str(i),
            instruction=f"[{tag}] Explain item {i} in two sentences.",
            response=f"Item {i} is explained here. " * 20,
            lang="en",
        )
        for i in range(n)
    ]
    cfg = {
        "backend": "openai",
        "model": "bench-model",
        "base_url": base_url,
        "api_key_env": "XLIT_BENCH_KEY",
        "concurrency": concurrency,
        "max_retries": 3,
        "timeout": 30,
    }
    t0 = time.perf_counter()
    rows = judge_items(items, "bench", cfg, cache_dir=cache_dir)
    wall = time.perf_counter() - t0
    bad = sum(len(r["scores"]) != 6 for r in rows)
    if bad:
        raise RuntimeError(f"{bad} judgments without six scores")
    return wall


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--latency", type=float, default=0.1)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--sample", type=int, default=20, help="sequential requests timed to extrapolate")
    args = ap.parse_args(argv)
    os.environ.setdefault("XLIT_BENCH_KEY", "bench-key-not-secret")
    proc, url = start_server(args.latency)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            run(4, url, 4, tmp, "warmup")  # imports, connection setup
            seq = run(args.sample, url, 1, tmp, "sequential") / args.sample * args.n
            wall = run(args.n, url, args.concurrency, tmp, "concurrent")
            t0 = time.perf_counter()
            run(args.n, url, args.concurrency, tmp, "concurrent")  # all cached now
            cached = time.perf_counter() - t0
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    ideal = args.n * args.latency / args.concurrency
    print(f"judgments: {args.n}, latency {args.latency * 1000:.0f} ms, concurrency {args.concurrency}")
    print(f"wall time:             {wall:8.2f} s")
    print(f"ideal (n*lat/conc):    {ideal:8.2f} s   -> {wall / ideal:.2f}x of ideal (target <= 1.3x)")
    print(f"one at a time (extrap. from {args.sample}): {seq:8.2f} s   -> speed-up {seq / wall:.1f}x")
    print(f"cached re-run:         {cached:8.2f} s   (0 requests)")
    print(f"server: {err.strip().splitlines()[-1] if err.strip() else '?'}")
    return 0 if wall / ideal <= 1.3 else 1


if __name__ == "__main__":
    sys.exit(main())
