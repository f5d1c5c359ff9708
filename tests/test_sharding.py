"""Sharded full fine-tuning, the part that runs on CPU: FSDP2 (`fully_shard`, as accelerate applies it on GPUs)
over 2 gloo processes, with the bf16-pure optimizer stepping DTensor shards, and the consolidated full state
dict that the final checkpoint is saved from. It must equal unsharded training bit for bit.

What only a GPU exercises: accelerate turns FSDP on only for GPU-type devices (accelerate/state.py), so the
Trainer's own FSDP wrapping, FSDP's mixed-precision policy (bf16-mixed) and activation checkpointing inside
FSDP run on GPUs only; `bench/gpu_check.py` and the multi-GPU training job exercise them."""

import os
import socket

import pytest
import torch

from xlit.optim import AdamWFP32State

VOCAB = 300


def make_model(dtype):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(
        vocab_size=VOCAB,
        hidden_size=32,
        num_hidden_layers=2,
        intermediate_size=64,
        num_attention_heads=2,
        num_key_value_heads=2,
        tie_word_embeddings=False,
    )
    return LlamaForCausalLM(cfg).to(dtype)


def batches():
    g = torch.Generator().manual_seed(1)
    return [torch.randint(0, VOCAB, (4, 16), generator=g) for _ in range(3)]


def optimizer(model):
    return AdamWFP32State(model.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)


def sharded_worker(rank, world, port, dtype, out):
    import torch.distributed as dist
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.fsdp import fully_shard

    torch.set_num_threads(1)
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world)
    mesh = init_device_mesh("cpu", (world,))
    model = make_model(dtype)
    for layer in model.model.layers:  # one decoder layer gathered at a time, as the Trainer's FSDP config wraps
        fully_shard(layer, mesh=mesh)
    fully_shard(model, mesh=mesh)
    opt = optimizer(model)
    for ids in batches():
        part = ids[rank * 2 : (rank + 1) * 2]
        model(input_ids=part, labels=part).loss.backward()
        opt.step()
        opt.zero_grad()
    assert all(p.to_local().numel() < p.numel() for p in model.parameters() if p.numel() > 1)  # really sharded
    full = get_model_state_dict(model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    if rank == 0:
        torch.save(full, out)
    dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float32], ids=["bf16-pure", "fp32"])
def test_fsdp2_sharded_training_equals_unsharded(tmp_path, dtype):
    import torch.multiprocessing as mp

    out = tmp_path / "sharded.pt"
    ctx = mp.get_context("spawn")
    port = free_port()
    procs = [ctx.Process(target=sharded_worker, args=(r, 2, port, dtype, str(out))) for r in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=240)
    assert [p.exitcode for p in procs] == [0, 0]
    sharded = torch.load(out)

    model = make_model(dtype)  # the same updates unsharded: each update averages the two processes' halves
    opt = optimizer(model)
    for ids in batches():
        opt.zero_grad()
        for r in range(2):
            part = ids[r * 2 : (r + 1) * 2]
            (model(input_ids=part, labels=part).loss / 2).backward()
        opt.step()
    ref = model.state_dict()
    assert sharded.keys() == ref.keys()
    for k, v in ref.items():
        assert sharded[k].dtype == dtype and torch.equal(sharded[k], v), k
    assert not torch.equal(
        ref["model.layers.0.mlp.up_proj.weight"], make_model(dtype).state_dict()["model.layers.0.mlp.up_proj.weight"]
    )  # and training did move the weights
