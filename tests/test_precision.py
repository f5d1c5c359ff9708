"""Training precision as a recipe choice (fp32, bf16-mixed, bf16-pure), the batch of the recipe at any process
count, and FSDP arguments for sharded full fine-tuning."""

import pytest
import torch
from safetensors.torch import load_file
from test_train import spec

from xlit.optim import AdamWFP32State, changed_share
from xlit.plan import job_precision
from xlit.train import PRECISIONS, batch_plan, precision_for, resolve_precision, sharding_args, train

torch.set_num_threads(1)


class TrainedWeights(__import__("transformers").TrainerCallback):
    """The weights as training left them (the master weights; the saved model is in `save_dtype`)."""

    def on_train_end(self, args, state, control, model=None, **kw):
        self.weights = {k: v.detach().clone() for k, v in model.state_dict().items()}


def trained_share(tmp_path, tiny_lm_dir, it_data, precision, lr):
    s = spec(tmp_path, tiny_lm_dir, it_data, "ft", lr, max_steps=5, save_steps=100, precision=precision)
    cb = TrainedWeights()
    info = train(s, callbacks=[cb])
    saved = load_file(tmp_path / "model-ft" / "model.safetensors")
    assert {t.dtype for t in saved.values()} == {torch.float32 if precision == "fp32" else torch.bfloat16}
    after = {k: v for k, v in cb.weights.items() if k in saved}
    return info, after, changed_share(load_file(tiny_lm_dir / "model.safetensors"), after)


def test_bf16_mixed_keeps_small_updates(tmp_path, tiny_lm_dir, it_data):
    """fp32 master weights: at lr 1e-6 (the end of the released schedule) every weight moves, as in fp32,
    while the forward and backward pass run in bf16 (CPU autocast here, CUDA autocast on a GPU)."""
    info, after, share = trained_share(tmp_path, tiny_lm_dir, it_data, "bf16-mixed", 1e-6)
    assert info["precision"] == "bf16-mixed" and info["compute_dtype"] == "bf16"
    assert all(t.dtype == torch.float32 for t in after.values())
    assert share >= 0.95


def test_bf16_pure_rounds_small_updates_away(tmp_path, tiny_lm_dir, it_data):
    """The authors' regime: bf16 weights, fp32 moments. An update under half a bf16 ulp (about 6e-5 for a weight
    of 0.02) is lost, so at lr 1e-6 only weights near zero move: documented behaviour, measured."""
    info, after, share = trained_share(tmp_path, tiny_lm_dir, it_data, "bf16-pure", 1e-6)
    assert info["precision"] == "bf16-pure" and info["compute_dtype"] == "bf16"
    assert all(t.dtype == torch.bfloat16 for t in after.values())
    assert 0 < share < 0.10
    # a larger learning rate keeps more of its updates, but still not all of them
    _, _, share_big = trained_share(tmp_path / "big", tiny_lm_dir, it_data, "bf16-pure", 1e-4)
    assert share < share_big < 0.95


def test_resolve_precision():
    assert resolve_precision("fp32") == "fp32" and resolve_precision("bf16-pure") == "bf16-pure"
    assert resolve_precision("auto") == (
        "bf16-mixed" if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else "fp32"
    )
    with pytest.raises(ValueError, match="training.precision"):
        resolve_precision(True)


@pytest.mark.parametrize("setting", PRECISIONS)
@pytest.mark.parametrize(
    "gpus, cuda, bf16",
    [(0, False, False), (1, True, True), (4, True, True)],
    ids=["cpu job", "one bf16 GPU", "four bf16 GPUs"],
)
def test_plan_predicts_the_precision_the_job_resolves(monkeypatch, setting, gpus, cuda, bf16):
    """`training.precision` is decided once (`precision_for`): the plan's precision for a job (its memory and
    host RAM) is the one the job resolves at run time on its device (here a CPU, or bf16 GPUs as the plan's
    `cluster` describes)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: bf16)
    assert job_precision({"training": {"precision": setting}}, gpus) == resolve_precision(setting)


def test_auto_without_bf16_is_fp32():
    """A GPU without bf16 (a V100) trains `auto` in fp32; the plan assumes bf16 GPUs (A100/H100 class)."""
    assert precision_for("auto", bf16_gpu=False) == "fp32" and precision_for("auto", bf16_gpu=True) == "bf16-mixed"
    assert precision_for("bf16-pure", bf16_gpu=False) == "bf16-pure"
    with pytest.raises(ValueError, match="training.precision"):
        precision_for("bf16", bf16_gpu=True)


def test_fp32_state_adamw_equals_torch_adamw_on_fp32_weights():
    torch.manual_seed(0)
    w1 = torch.nn.Parameter(torch.randn(64, 32) * 0.02)
    w2 = torch.nn.Parameter(w1.detach().clone())
    ours = AdamWFP32State([w1], lr=1e-3, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
    ref = torch.optim.AdamW([w2], lr=1e-3, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1, foreach=False)
    for _ in range(5):
        g = torch.randn(64, 32)
        w1.grad, w2.grad = g.clone(), g.clone()
        ours.step()
        ref.step()
    torch.testing.assert_close(w1, w2, rtol=1e-6, atol=1e-8)


def test_fp32_state_adamw_keeps_fp32_moments_on_bf16_weights():
    w = torch.nn.Parameter((torch.randn(16, 16) * 0.02).to(torch.bfloat16))
    opt = AdamWFP32State([w], lr=1e-6, betas=(0.9, 0.95))
    w.grad = torch.ones_like(w)
    before = w.detach().clone()
    opt.step()
    st = opt.state[w]
    assert (
        w.dtype == torch.bfloat16 and st["exp_avg"].dtype == torch.float32 and st["exp_avg_sq"].dtype == torch.float32
    )
    # the fp32 moments hold the gradient although the bf16 weights barely moved
    assert torch.allclose(st["exp_avg"], torch.full_like(st["exp_avg"], 0.1))
    moved = (w != before).float().mean().item()
    assert moved < 0.2
    # state round-trips through state_dict (a resumed run continues from the same moments)
    opt2 = AdamWFP32State([w], lr=1e-6)
    opt2.load_state_dict(opt.state_dict())
    assert opt2.state[w]["exp_avg"].dtype == torch.float32 and torch.equal(opt2.state[w]["exp_avg"], st["exp_avg"])


@pytest.mark.parametrize("procs", [1, 2, 4, 8])
def test_batch_plan_keeps_the_recipes_update_at_any_process_count(procs):
    # the released recipe: micro-batches of 8192 padded tokens x 10 = 81920 tokens per update, whatever the GPUs
    p = batch_plan(tokens_per_batch=8192, tokens_per_update=81920, n_processes=procs)
    assert p["gradient_accumulation"] == {1: 10, 2: 5, 4: 3, 8: 2}[procs]  # rounded up, never down
    assert p["micro_batches_per_update"] == p["gradient_accumulation"] * procs >= 10
    assert p["padded_tokens_per_update_budget"] >= 81920 and p["processes"] == procs


def test_token_batches_cap_padded_tokens_and_group_lengths():
    import random

    from xlit.train import padded_tokens, token_batches

    rng = random.Random(0)
    lengths = [rng.choice([rng.randint(20, 300), rng.randint(300, 2048)]) for _ in range(2000)] + [9000]
    batches = token_batches(lengths, 8192)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))  # every example once
    over = [b for b in batches if padded_tokens(b, lengths) > 8192]
    assert over == [[len(lengths) - 1]]  # only the example longer than the budget, alone
    # length grouping: little padding (the release's sampler keeps it low too)
    real = sum(lengths)
    assert sum(padded_tokens(b, lengths) for b in batches) < 1.05 * real
    # the old sizing (rows from the mean length, padded to the longest row) overshot the budget several times
    mean = real / len(lengths)
    rows = int(8192 // mean)
    worst = max(rows * max(lengths[i : i + rows]) for i in range(0, len(lengths) - 1, rows))
    assert worst > 3 * 8192


def test_sharding_args_shard_full_finetuning_over_several_processes(tiny_lm_dir):
    from xlit.train import layer_classes

    layers = layer_classes(str(tiny_lm_dir))
    assert layers == ["LlamaDecoderLayer"]
    assert sharding_args(1, False, layers, True) == {} and sharding_args(4, True, layers, True) == {}
    a = sharding_args(2, False, layers, True)
    c = a["fsdp_config"]
    assert a["fsdp"] is True and c["version"] == 2 and c["reshard_after_forward"] is True
    assert c["state_dict_type"] == "SHARDED_STATE_DICT" and c["activation_checkpointing"] is True
    assert c["cpu_ram_efficient_loading"] is True
    assert a["accelerator_config"]["gradient_accumulation_kwargs"] == {"sync_each_batch": True}
    # the arguments are accepted by the trainer's own config (validated there, as on a GPU node)
    from trl import SFTConfig

    cfg = SFTConfig(output_dir=str(tiny_lm_dir / "x"), use_cpu=True, report_to=[], **a)
    assert cfg.fsdp_plugin_args["fsdp_version"] == 2
    assert cfg.fsdp_plugin_args["transformer_cls_names_to_wrap"] == "LlamaDecoderLayer"


class KillAtStep2(__import__("transformers").TrainerCallback):
    def on_save(self, args, state, control, **kw):
        if state.global_step == 2:
            raise KeyboardInterrupt("simulated kill after the step-2 checkpoint")


def test_bf16_pure_resumes_with_its_fp32_moments(tmp_path, tiny_lm_dir, it_data):
    """A killed bf16-pure run resumes from its checkpoint with the fp32 moments intact (torch would cast them to
    the weights' bf16 on loading) and ends with the same weights as a run that was never interrupted."""
    over = dict(max_steps=4, save_steps=2, precision="bf16-pure")
    whole = train(spec(tmp_path / "whole", tiny_lm_dir, it_data, "ft", 1e-4, **over))
    s = spec(tmp_path / "killed", tiny_lm_dir, it_data, "ft", 1e-4, **over)
    with pytest.raises(KeyboardInterrupt):
        train(s, callbacks=[KillAtStep2()])
    saved = torch.load(tmp_path / "killed" / "ckpt-ft" / "checkpoint-2" / "optimizer.pt", weights_only=False)
    assert {v["exp_avg"].dtype for v in saved["state"].values()} == {torch.float32}
    resumed = train(s)
    assert resumed["resumed_from"].endswith("checkpoint-2") and resumed["steps"] == whole["steps"] == 4
    a = load_file(tmp_path / "whole" / "model-ft" / "model.safetensors")
    b = load_file(tmp_path / "killed" / "model-ft" / "model.safetensors")
    assert all(torch.equal(a[k], b[k]) for k in a)
