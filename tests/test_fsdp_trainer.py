"""Sharded full fine-tuning through the real Trainer, on CPU: `xlit.train.launch` starts 2 ranks with
`accelerate launch`, and tests/fsdp_cpu_entry.py makes accelerate take its GPU branch over gloo, so accelerate's
FSDP2 wrapping, FSDP activation checkpointing, trl's loss, the token-budget batches, `AdamWFP32State` on
DTensors, sharded trainer checkpoints, resume and the gathered final save all run as on a GPU node.

What stays GPU-only: NCCL, CUDA streams and memory, bf16 autocast on CUDA (bench/gpu_check.py measures those)."""

import json
import logging
import subprocess
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from test_train import spec

from xlit.checkpoints import CHECKPOINT_INFO
from xlit.train import launch

ENTRY = str(Path(__file__).with_name("fsdp_cpu_entry.py"))
log = logging.getLogger("test_fsdp")


def fsdp_spec(root: Path, tiny_lm_dir, it_data):
    s = spec(
        root,
        tiny_lm_dir,
        it_data,
        "ft",
        1e-3,
        max_steps=4,
        save_steps=2,
        tokens_per_batch=64,  # 1-3 rows per micro-batch
        tokens_per_update=256,  # 2 micro-batches per rank and update on 2 ranks
        precision="bf16-pure",  # AdamWFP32State stepping DTensor shards
        gradient_checkpointing=True,  # FSDP's own activation checkpointing
    )
    s["step_dirs"] = {2: str(root / "model-ft" / "step2")}
    s["threads"] = 2
    return s


def run(s, monkeypatch, fail_at=None):
    if fail_at:
        monkeypatch.setenv("XLIT_TEST_FAIL_AT_STEP", str(fail_at))
    else:
        monkeypatch.delenv("XLIT_TEST_FAIL_AT_STEP", raising=False)
    Path(s["checkpoint_dir"]).mkdir(parents=True, exist_ok=True)
    launch(s, 2, log, script=ENTRY)


def probes(s):
    d = Path(s["checkpoint_dir"] + "-probe")
    return [json.loads((d / f"grad_probe.rank{r}.json").read_text()) for r in (0, 1)]


@pytest.mark.slow
def test_fsdp_through_the_trainer_keeps_gradients_sharded_checkpoints_once_and_resumes(
    tmp_path, tiny_lm_dir, it_data, monkeypatch
):
    killed = fsdp_spec(tmp_path / "killed", tiny_lm_dir, it_data)
    with pytest.raises(subprocess.CalledProcessError):
        run(killed, monkeypatch, fail_at=2)  # killed once checkpoint-2 is written
    ckpt = Path(killed["checkpoint_dir"]) / "checkpoint-2"
    files = {p.relative_to(ckpt).parts[0] for p in ckpt.rglob("*") if p.is_file()}
    # one copy of the model, sharded by the ranks (torch.distributed.checkpoint), the optimizer sharded likewise:
    # no consolidated model.safetensors beside it, no optimizer gathered on rank 0
    assert "pytorch_model_fsdp_0" in files and "optimizer_0" in files, files
    assert not {"model.safetensors", "pytorch_model_fsdp.bin", "optimizer.bin", "optimizer.pt"} & files
    assert not Path(killed["output_dir"], CHECKPOINT_INFO).exists()  # a failed job leaves no final model

    with pytest.raises(subprocess.CalledProcessError):
        run(killed, monkeypatch, fail_at=4)  # re-run: resumes from checkpoint-2, killed after the last checkpoint
    run(killed, monkeypatch)  # re-run: nothing left to train, the final model is saved from checkpoint-4
    info = json.loads(Path(killed["output_dir"], CHECKPOINT_INFO).read_text())
    assert info["sharding"] == "fsdp" and info["processes"] == 2 and info["steps"] == 4
    assert info["resumed_from"].endswith("checkpoint-4")
    assert info["gradient_accumulation"] == 2 and info["micro_batches_per_update"] == 4
    # tokens per update counted the release's way (padding included), within the budget
    assert info["tokens_per_update"] <= info["padded_tokens_per_update"] <= 4 * 64
    assert not Path(killed["checkpoint_dir"]).exists()  # trainer checkpoints removed once the model is saved

    # gradients: reduce-scattered after every micro-batch, so no rank ever held an unsharded gradient
    for p in probes(killed):
        assert p["micro_steps"] >= 4 and p["fsdp_params"] > 0
        assert p["max_unsharded"] == 0, p
        assert 0 < p["max_sharded"] < p["full"]  # each rank holds its shard of the gradient only

    # the saved models: consolidated, bf16 (the weights' dtype under bf16-pure), loadable without FSDP
    final = load_file(Path(killed["output_dir"]) / "model.safetensors")
    step2 = load_file(Path(killed["output_dir"]) / "step2" / "model.safetensors")
    base = load_file(Path(tiny_lm_dir) / "model.safetensors")
    assert final.keys() == base.keys() and all(v.dtype == torch.bfloat16 for v in final.values())
    assert not torch.equal(final["model.layers.0.mlp.up_proj.weight"], step2["model.layers.0.mlp.up_proj.weight"])

    # the same run uninterrupted ends in the same weights: resume restored model, optimizer, schedule and data
    whole = fsdp_spec(tmp_path / "whole", tiny_lm_dir, it_data)
    run(whole, monkeypatch)
    again = load_file(Path(whole["output_dir"]) / "model.safetensors")
    for k, v in final.items():
        assert torch.equal(v, again[k]), k
