import json
import shutil

import pytest
import torch
from transformers import TrainerCallback

from xlit.chat import LLAMA2_TEMPLATE
from xlit.checkpoints import CHECKPOINT_INFO
from xlit.config import default_training
from xlit.generate import generate, load_model
from xlit.train import train

torch.set_num_threads(1)


def training_cfg(**over):
    small = dict(
        max_steps=6, tokens_per_batch=64, tokens_per_update=64, lora_tokens_per_update=64, max_length=64, save_steps=2
    )
    return default_training(**{**small, **over})


def spec(tmp_path, tiny_lm_dir, data, adaptation, lr, **over):
    return {
        "base": str(tiny_lm_dir),
        "data": str(data),
        "adaptation": adaptation,
        "lr": lr,
        "lora": {"r": 4, "alpha": 8, "dropout": 0.0, "target_modules": "all-linear"},
        "training": training_cfg(**over),
        "chat_template": LLAMA2_TEMPLATE,
        "output_dir": str(tmp_path / f"model-{adaptation}"),
        "checkpoint_dir": str(tmp_path / f"ckpt-{adaptation}"),
        "threads": 1,
    }


def test_full_finetuning_learns_and_generates(tmp_path, tiny_lm_dir, it_data):
    info = train(spec(tmp_path, tiny_lm_dir, it_data, "ft", 3e-3, max_steps=12, save_steps=100))
    assert info["steps"] == 12 and not info["adapter"] and info["precision"] == "fp32"
    assert info["loss_history"][-1] < info["loss_history"][0]
    saved = json.loads((tmp_path / "model-ft" / CHECKPOINT_INFO).read_text())
    assert saved["lr"] == 3e-3 and saved["tokens_per_s"] > 0
    model, tok = load_model(tmp_path / "model-ft", device="cpu")
    prompts = [
        {"id": "a", "instruction": "Say hello.", "category": "x"},
        {"id": "b", "instruction": "Quelle est la capitale de la France ? Réponds vite.", "category": "y"},
    ]
    rows = generate(model, tok, prompts, max_new_tokens=8, repetition_penalty=1.2, batch_size=2, lang="fr")
    assert [r["id"] for r in rows] == ["a", "b"]
    assert all(set(r) == {"id", "lang", "category", "prompt", "response", "n_tokens"} for r in rows)
    assert all(0 <= r["n_tokens"] <= 8 for r in rows)
    # batched generation with left padding equals one-at-a-time generation (greedy)
    single = [
        generate(model, tok, [p], max_new_tokens=8, repetition_penalty=1.2, batch_size=1, lang="fr")[0] for p in prompts
    ]
    assert [r["response"] for r in rows] == [r["response"] for r in single]


def test_lora_saves_adapter_only_and_merges_for_generation(tmp_path, tiny_lm_dir, it_data):
    info = train(spec(tmp_path, tiny_lm_dir, it_data, "lora", 1e-2, max_steps=4))
    out = tmp_path / "model-lora"
    assert info["adapter"] and (out / "adapter_config.json").exists()
    assert not (out / "model.safetensors").exists()
    cfg = json.loads((out / "adapter_config.json").read_text())
    assert cfg["r"] == 4 and cfg["lora_alpha"] == 8
    model, tok = load_model(out, device="cpu")
    rows = generate(
        model,
        tok,
        [{"id": "1", "instruction": "Name a river."}],
        max_new_tokens=4,
        repetition_penalty=1.2,
        batch_size=4,
        lang="en",
    )
    assert rows[0]["id"] == "1"


def test_lora_training_is_reproducible(tmp_path, tiny_lm_dir, it_data):
    """The adapters' random init is seeded: the same configuration twice gives the same adapter, whatever the
    global RNG did before (here: a first training and a draw in between)."""
    from safetensors.torch import load_file

    weights = []
    for k in range(2):
        torch.rand(k + 1)
        train(spec(tmp_path / str(k), tiny_lm_dir, it_data, "lora", 1e-2, max_steps=2))
        weights.append(load_file(tmp_path / str(k) / "model-lora" / "adapter_model.safetensors"))
    assert weights[0].keys() == weights[1].keys()
    assert all(torch.equal(weights[0][n], weights[1][n]) for n in weights[0])


class Kill(TrainerCallback):
    def on_save(self, args, state, control, **kw):
        if state.global_step == 4:
            raise KeyboardInterrupt("simulated kill after the step-4 checkpoint")


def test_training_resumes_from_last_checkpoint_after_a_kill(tmp_path, tiny_lm_dir, it_data):
    s = spec(tmp_path, tiny_lm_dir, it_data, "ft", 1e-3, max_steps=6, save_steps=2)
    with pytest.raises(KeyboardInterrupt):
        train(s, callbacks=[Kill()])
    assert (tmp_path / "ckpt-ft" / "checkpoint-4").exists() and not (tmp_path / "model-ft").exists()
    info = train(s)
    assert info["resumed_from"].endswith("checkpoint-4") and info["steps"] == 6


class KillAtEnd(TrainerCallback):
    def on_save(self, args, state, control, **kw):
        if state.global_step == 6:
            raise KeyboardInterrupt("simulated kill after the last checkpoint, before the final save")


@pytest.mark.parametrize("adaptation", ["ft", "lora"])
def test_kill_after_last_checkpoint_trains_no_extra_step(tmp_path, tiny_lm_dir, it_data, adaptation):
    s = spec(tmp_path, tiny_lm_dir, it_data, adaptation, 1e-3, max_steps=6, save_steps=3)
    with pytest.raises(KeyboardInterrupt):
        train(s, callbacks=[KillAtEnd()])
    kept = shutil.copytree(tmp_path / f"ckpt-{adaptation}" / "checkpoint-6", tmp_path / "kept")
    info = train(s)
    assert info["resumed_from"].endswith("checkpoint-6") and info["steps"] == 6
    assert not (tmp_path / f"ckpt-{adaptation}").exists()  # trainer checkpoints removed once the model is saved
    model, tok = load_model(tmp_path / f"model-{adaptation}", device="cpu")
    ckpt = load_model(kept, device="cpu")[0] if adaptation == "ft" else None
    if ckpt is not None:
        for a, b in zip(model.parameters(), ckpt.parameters()):
            assert torch.equal(a, b)


@pytest.mark.parametrize("adaptation", ["ft", "lora"])
def test_selection_steps_are_saved_like_the_final_model_and_survive_a_kill(tmp_path, tiny_lm_dir, it_data, adaptation):
    out = tmp_path / f"model-{adaptation}"
    s = {
        **spec(tmp_path, tiny_lm_dir, it_data, adaptation, 1e-2, max_steps=6, save_steps=2),
        "step_dirs": {2: str(out / "step2"), "4": str(out / "step4")},
    }  # as the workflow: inside the final model
    with pytest.raises(KeyboardInterrupt):
        train(s, callbacks=[Kill()])  # killed after step 4: its model was saved (under checkpoint_dir) first
    assert not out.exists()
    kept = shutil.copytree(tmp_path / f"ckpt-{adaptation}" / "checkpoint-4", tmp_path / "kept")
    info = train(s)
    assert info["resumed_from"].endswith("checkpoint-4") and info["steps"] == 6
    for step in (2, 4):
        d = out / f"step{step}"
        saved = json.loads((d / CHECKPOINT_INFO).read_text())
        assert saved["steps"] == step and saved["lr"] == 1e-2 and saved["adapter"] == (adaptation == "lora")
        assert (d / "adapter_config.json").exists() == (adaptation == "lora")
        assert (d / "model.safetensors").exists() == (adaptation == "ft")
        assert (d / "tokenizer_config.json").exists()
    final, _ = load_model(out, device="cpu")
    early, _ = load_model(out / "step2", device="cpu")
    assert any(not torch.equal(a, b) for a, b in zip(final.parameters(), early.parameters()))
    if adaptation == "ft":  # the model after 4 updates is the trainer's step-4 state
        ckpt = load_model(kept, device="cpu")[0]
        for a, b in zip(load_model(out / "step4", device="cpu")[0].parameters(), ckpt.parameters()):
            assert torch.equal(a, b)


def test_multi_process_launch_keeps_the_recipes_tokens_per_update(tmp_path, tiny_lm_dir, it_data):
    """The multi-GPU launch (`xlit.train.launch`: accelerate, one process per device, a free port, the job's
    threads shared out, every rank's output in the job's log), run here with 2 CPU processes over gloo (DDP:
    accelerate shards only on GPU-type devices; tests/test_fsdp_trainer.py forces FSDP): an update is the same
    number of micro-batches of at most tokens_per_batch padded tokens as on 1 process, not twice as many."""
    import logging

    from xlit.train import launch

    over = dict(max_steps=3, save_steps=100, tokens_per_batch=64, tokens_per_update=256)
    one = train(spec(tmp_path / "one", tiny_lm_dir, it_data, "ft", 1e-3, **over))
    s = {**spec(tmp_path, tiny_lm_dir, it_data, "ft", 1e-3, **over), "threads": 2}
    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    log = logging.getLogger("test_launch")
    log.setLevel(logging.INFO)
    log.addHandler(Keep())
    launch(s, 2, log)
    two = json.loads((tmp_path / "model-ft" / CHECKPOINT_INFO).read_text())
    assert two["steps"] == 3 and two["processes"] == 2 and one["processes"] == 1
    assert two["sharding"] == "ddp"
    assert one["gradient_accumulation"] == 4 and two["gradient_accumulation"] == 2
    assert one["micro_batches_per_update"] == two["micro_batches_per_update"] == 4
    # tokens per update, the release's way (padding counted, all processes): at most 4 x 64, the same data budget
    for info in (one, two):
        assert info["tokens_per_update"] <= info["padded_tokens_per_update"] <= 256
    assert two["padded_tokens_per_update"] == pytest.approx(one["padded_tokens_per_update"], rel=0.25)
    # both ranks wrote to this job's log, on one thread each (the job's 2 threads shared out)
    for rank in (0, 1):
        assert any(
            m.startswith("| ") and f"process {rank} of 2 on cpu" in m and m.endswith(", 1 threads") for m in lines
        ), lines
    assert any("--main_process_port" in m for m in lines)


def test_too_long_examples_are_skipped_and_counted(tmp_path, tiny_lm_dir, it_data):
    """training.too_long: skip (the release) leaves out every example over max_length tokens, as training
    tokenises it, and records how many; truncate (unset) keeps them all."""
    from transformers import AutoTokenizer

    from xlit.chat import rendered_lengths, with_template
    from xlit.io import read_jsonl
    from xlit.train import drop_too_long

    rows = read_jsonl(it_data)
    tok = with_template(AutoTokenizer.from_pretrained(tiny_lm_dir), LLAMA2_TEMPLATE)
    lengths = rendered_lengths(tok, [r["messages"] for r in rows])
    limit = sorted(lengths)[len(lengths) // 2]
    over = sum(n > limit for n in lengths)
    assert 0 < over < len(rows)
    kept, skipped = drop_too_long(rows, tok, limit, "skip")
    assert skipped == over and kept == [r for r, n in zip(rows, lengths) if n <= limit]
    assert drop_too_long(rows, tok, limit, "truncate") == (rows, 0)
    with pytest.raises(ValueError, match="every one of the"):
        drop_too_long(rows, tok, min(lengths) - 1, "skip")
    info = train(spec(tmp_path, tiny_lm_dir, it_data, "ft", 1e-3, max_steps=2, max_length=limit, too_long="skip"))
    saved = json.loads((tmp_path / "model-ft" / CHECKPOINT_INFO).read_text())
    assert info["skipped_too_long"] == saved["skipped_too_long"] == over and saved["too_long"] == "skip"
    assert "too_long" not in default_training()  # unset means truncate, never filled in: no finished run re-runs
