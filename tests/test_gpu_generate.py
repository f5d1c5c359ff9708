"""CPU smoke test of bench/gpu_generate.py: its `--tiny` mode runs hf here and real vLLM in the generation
environment (.venv-vllm, `make vllm`), reads vLLM's running batch from its step statistics and works out both
ceilings (weights + KV-cache reads). It measures nothing; it keeps the script working."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(
    not (ROOT / ".venv-vllm" / "bin" / "python").exists(), reason="no generation environment .venv-vllm (`make vllm`)"
)
def test_gpu_generate_tiny_runs_both_backends_and_the_ceilings():
    # a made-up bandwidth and peak, so that the ceiling arithmetic runs on a CPU
    cmd = [sys.executable, str(ROOT / "bench" / "gpu_generate.py"), "--tiny", "--hbm-tbps", "0.05", "--tflops", "1"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    f = json.loads(r.stdout.strip().splitlines()[-1])
    hf, vl = f["hf"], f["vllm"]
    assert hf["tokens"] == 2 * 4 * 8 and hf["tokens_per_s"] > 0  # 2 timed batches of 4 prompts x 8 new tokens
    assert vl["tokens"] == 2 * 8 * 8 and vl["tokens_per_s"] > 0  # every prompt, exactly 8 new tokens
    assert 1 <= vl["running_batch"] <= 16 and vl["engine_steps"] >= 8  # measured, not assumed
    assert vl["kv_cache_seqs"] > 0 and vl["max_num_seqs"] >= 1
    weights_only = f["ceiling"]["weights_only_steps_per_s"]
    for phase in ("hf", "vllm"):
        c = f["ceiling"][phase]
        # the KV-cache reads lower the ceiling below what reading the weights alone would allow
        assert 0 < c["tokens_per_s"] < c["batch"] * weights_only and c["share"] > 0, c
    assert f["ceiling"]["hf"]["batch"] == 4 and f["ceiling"]["vllm"]["batch"] == vl["running_batch"]
