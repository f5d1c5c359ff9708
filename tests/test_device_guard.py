"""The device guard (`xlit.smk.require_gpus`, run by every workflow script's `job`): a job whose resources ask for
a GPU fails at once, in one line, where CUDA cannot give one; it never trains or generates on the CPU instead."""

import subprocess
import sys

import pytest
import torch
import yaml
from test_workflow import ROOT, minimal_config

from xlit.smk import NoGPU, require_gpus

pytestmark = pytest.mark.skipif(torch.cuda.is_available(), reason="checks what happens on a machine without CUDA")


def test_require_gpus_names_what_is_missing():
    require_gpus(0)  # a CPU job asks for nothing
    with pytest.raises(NoGPU, match=r"asks for 2 GPU\(s\) \(resources: gpu\) but CUDA gives 0 here"):
        require_gpus(2)


def test_a_test_cluster_with_fake_gpus_runs_gpu_jobs_on_the_cpu_and_says_so(monkeypatch, caplog):
    monkeypatch.setenv("XLIT_FAKE_GPUS", "1")  # tests/slurm/run_e2e.sh: the test cluster's GPU is fake
    require_gpus(1)
    assert "running on the CPU because XLIT_FAKE_GPUS=1" in caplog.text
    monkeypatch.setenv("XLIT_FAKE_GPUS", "0")
    with pytest.raises(NoGPU):
        require_gpus(1)


def test_a_job_given_a_gpu_on_a_cpu_machine_fails_in_one_line(tmp_path):
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(minimal_config(), sort_keys=False))
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--directory", str(tmp_path)]
    cmd += ["--configfile", str(tmp_path / "config.yaml"), "--cores", "1", "--until", "demo_world"]
    r = subprocess.run([*cmd, "--set-resources", "demo_world:gpu=1"], capture_output=True, text=True, timeout=300)
    assert r.returncode != 0, r.stderr[-2000:]
    assert "asks for 1 GPU(s)" in r.stderr, r.stderr[-3000:]
    log = (tmp_path / "logs" / "demo_world.log").read_text().strip().splitlines()
    assert len(log) == 1 and "ERROR" in log[0] and "asks for 1 GPU(s)" in log[0] and "nothing was run" in log[0], log
    assert not (tmp_path / "results" / "demo").exists()  # the job did no work
    # the same job without the GPU resource runs on the CPU as the demo does
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
