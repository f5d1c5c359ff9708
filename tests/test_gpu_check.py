"""CPU smoke test of bench/gpu_check.py: its `--tiny` mode runs the same launch (2 ranks, FSDP forced over gloo),
the steady-state timing and the precision check on a small model. It measures nothing; it keeps the script working."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_gpu_check_tiny_runs_fsdp_and_reports(tmp_path):
    out = tmp_path / "figures.json"
    r = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gpu_check.py"), "--tiny", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    f = json.loads(out.read_text())
    m = f["bf16_mixed"]
    assert f["gpus"] == 2 and m["sharding"] == "fsdp" and m["gradient_accumulation"] == 2
    assert m["timed_steps"] == 3 and m["tokens_per_s"] > 0  # warm-up update left out of the timing
    assert m["tokens_per_update"] <= m["padded_tokens_per_update"] <= 1024
    assert f["changed_at_1e-6"]["bf16-mixed"] > 0.95 > 0.10 > f["changed_at_1e-6"]["bf16-pure"]
