"""CPU smoke test of bench/gpu_judge.py: its `--tiny` mode runs the workflow's vLLM judge job (one engine, real
vLLM's CPU build in .venv-vllm) on a tiny random-init model with a locally built tokenizer, then re-runs the job
with every answer cached, which must start no engine. It measures nothing; it keeps the script working."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from xlit.judge import DEFAULT_TEMPLATE

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(
    not (ROOT / ".venv-vllm" / "bin" / "python").exists(), reason="no generation environment .venv-vllm (`make vllm`)"
)
def test_gpu_judge_tiny_prints_figures_and_the_cached_rerun_starts_no_engine():
    r = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gpu_judge.py"), "--tiny"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    lines = r.stdout.strip().splitlines()
    block = dict(line.split(": ", 1) for line in lines[:-1])
    assert json.loads(lines[-1]) == {k: json.loads(v) if k not in ("model", "device") else v for k, v in block.items()}
    numeric = [k for k in block if k not in ("model", "device")]
    assert {"wall_s", "responses_per_s", "prompt_tokens_per_s", "generated_tokens_per_s", "cache_writes_per_s"} <= set(
        numeric
    ) and "cached_rerun_s" in numeric
    f = {k: float(block[k]) for k in numeric}  # every figure is a number
    assert all(math.isfinite(v) and v >= 0 for v in f.values()), f
    n = f["responses"]
    assert n == 16 and f["cache_writes"] == n and f["engine_calls"] >= 1
    # every prompt is DEFAULT_TEMPLATE's text around an instruction (10-30 words) and a response (40-120)
    assert len(DEFAULT_TEMPLATE.split()) + 50 < f["mean_prompt_tokens"] < f["max_model_len"]
    assert 0 < f["mean_generated_tokens"] <= 8  # --tiny: max_tokens 8
    assert f["wall_s"] >= f["engine_start_s"] + f["judge_s"] > f["engine_start_s"] > 0
    assert f["responses_per_s"] == pytest.approx(n / f["judge_s"], rel=0.05)
    assert f["prompt_tokens_per_s"] == pytest.approx(n * f["mean_prompt_tokens"] / f["judge_s"], rel=0.05)
    assert f["cache_writes_per_s"] > 0 and f["kv_cache_tokens"] > 0
    # the re-run, every answer cached: judged here without handing over and without an engine
    assert f["cached_rerun_engines"] == 0 and f["cached_rerun_from_cache"] == n
    assert "0 of 16 answers not cached: no vLLM" in r.stderr
