"""Today's base models (issue 24), one tiny random-init model per architecture, no hub: Llama (Llama-3's header
tokens), Qwen2 (ChatML, whose `<|im_end|>` is not the base's EOS), Gemma-2 (`<start_of_turn>`, eager attention),
Mistral (`[INST]`, no pad token) and OLMo-2 (BOS = EOS, its own pad). Each has a byte-level tokenizer built here
with its family's special tokens and template. For each: xlit's own `train()` (full fine-tuning until it has learnt
two answers), the loss mask trl really trains on at the prompt/answer seam (the answer and its end of turn only),
the saved checkpoint's EOS / generation_config / pad, HF generation stopping at the end of turn, and (slow) vLLM's
CPU build generating the same answers, all five architectures in one vLLM child process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from transformers import TrainerCallback

from xlit.chat import TEMPLATES, TemplateError, align_tokens, check_agreement, check_loss_mask, with_template
from xlit.checkpoints import CHECKPOINT_INFO
from xlit.config import default_training
from xlit.generate import HFGenerator, encode_prompts, generate_sets, load_model
from xlit.io import read_jsonl, write_jsonl
from xlit.train import train

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[1]
VLLM_PYTHON = ROOT / ".venv-vllm" / "bin" / "python"

FACTS = [("Say hello.", "Hello there!"), ("Name a river.", "The Nile.")]
CORPUS = [f"{q} {a}" for q, a in FACTS] * 5 + ["What is the capital of France? Paris is the capital of France."] * 5

# family: (model class, config class, template, special tokens in id order, tokenizer's own special-token roles,
#          the end of turn the template must agree on, extra config)
FAMILIES = {
    "llama": (
        "LlamaForCausalLM",
        "LlamaConfig",
        "llama3",
        ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
        + ["<|finetune_right_pad_id|>"],
        {"bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>"},  # no pad, like Llama-3.1's base
        "<|eot_id|>",
        {"num_key_value_heads": 1},
    ),
    "qwen2": (
        "Qwen2ForCausalLM",
        "Qwen2Config",
        "chatml",
        ["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        {"eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>"},  # Qwen2.5's base: EOS is not <|im_end|>
        "<|im_end|>",
        {"num_key_value_heads": 1},
    ),
    "gemma2": (
        "Gemma2ForCausalLM",
        "Gemma2Config",
        "gemma",
        ["<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>"],
        {"bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>", "unk_token": "<unk>"},
        "<end_of_turn>",
        {"num_key_value_heads": 1, "head_dim": 32, "sliding_window": 64},
    ),
    "mistral": (
        "MistralForCausalLM",
        "MistralConfig",
        "mistral",
        ["<unk>", "<s>", "</s>", "[INST]", "[/INST]"],
        {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"},  # no pad: never EOS nor [INST]
        "</s>",
        {"num_key_value_heads": 1, "head_dim": 32},
    ),
    "olmo2": (
        "Olmo2ForCausalLM",
        "Olmo2Config",
        "olmo2",
        ["<|endoftext|>", "<|pad|>"],
        {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "pad_token": "<|pad|>"},
        "<|endoftext|>",
        {"num_key_value_heads": 1},
    ),
}


def family_tokenizer(name: str):
    from transformers import PreTrainedTokenizerFast

    from xlit.demo.tokenizer import train_bpe

    _, _, _, specials, roles, _, _ = FAMILIES[name]
    tok = PreTrainedTokenizerFast(tokenizer_object=train_bpe(CORPUS, 330, specials), **roles)
    tok.add_special_tokens({"additional_special_tokens": [s for s in specials if s not in roles.values()]})
    tok.chat_template = TEMPLATES[FAMILIES[name][2]]  # the family's own template, as its hub tokenizer ships
    return tok


def family_base(name: str, out: Path) -> Path:
    """A random-init tiny model of the family (hidden 64, 2 layers, 2 heads of 32: vLLM's CPU attention needs
    head_dim >= 32) and its tokenizer, saved like a hub model."""
    import transformers

    model_cls, cfg_cls, _, _, _, _, extra = FAMILIES[name]
    tok = family_tokenizer(name)
    torch.manual_seed(0)
    cfg = getattr(transformers, cfg_cls)(
        vocab_size=len(tok),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=2,
        max_position_embeddings=256,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
        **extra,
    )
    model = getattr(transformers, model_cls)(cfg)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


class SeamProbe(TrainerCallback):
    """The first micro-batch trl trains on: per row, the tokens whose labels count in the loss."""

    def __init__(self):
        self.rows = None

    def on_train_begin(self, args, state, control, train_dataloader=None, **kw):
        batch = next(iter(train_dataloader))
        self.rows = [
            (ids.tolist(), [int(i) for i, lab in zip(ids, labels) if lab != -100])
            for ids, labels in zip(batch["input_ids"], batch["labels"])
        ]


def spec(base: Path, data: Path, out: Path, adaptation: str = "ft", **over) -> dict:
    t = dict(max_steps=40, tokens_per_batch=256, tokens_per_update=256, lora_tokens_per_update=256, max_length=96)
    t |= dict(save_steps=1000, warmup_ratio=0, scheduler="constant", final_lr_ratio=0)
    return {
        "base": str(base),
        "data": str(data),
        "adaptation": adaptation,
        "lr": 1e-2,
        "lora": {"r": 4, "alpha": 8, "dropout": 0.0, "target_modules": "all-linear"},
        "training": default_training(**{**t, **over}),
        "chat_template": TEMPLATES[FAMILIES[base.name][2]],
        "output_dir": str(out / "model"),
        "checkpoint_dir": str(out / "ckpt"),
        "threads": 1,
    }


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Every family's base, fully fine-tuned on the two facts (xlit's `train()`), with the seam trl trained on."""
    root = tmp_path_factory.mktemp("arch")
    data = root / "it.jsonl"
    write_jsonl(
        data,
        [
            {"id": str(i), "messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}
            for i, (q, a) in enumerate(FACTS * 4)
        ],
    )
    out = {}
    for name in FAMILIES:
        base = family_base(name, root / name)
        probe = SeamProbe()
        info = train(spec(base, data, root / f"{name}-run"), callbacks=[probe])
        out[name] = {"base": base, "model": root / f"{name}-run" / "model", "info": info, "seam": probe.rows}
    return out


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_loss_mask_is_the_answer_and_its_end_of_turn(trained, name):
    r = trained[name]
    tok = family_tokenizer(name)
    end = FAMILIES[name][5]
    end_id = tok.convert_tokens_to_ids(end)
    pad_id = tok.convert_tokens_to_ids(r["info"]["chat_tokens"]["pad_token"])
    questions = {a: q for q, a in FACTS}
    for ids, masked in r["seam"]:
        assert masked[-1] == end_id and masked.count(end_id) == 1, tok.convert_ids_to_tokens(masked)
        answer = tok.decode(masked[:-1]).strip()  # the answer only (Mistral: with its leading space)
        assert answer in questions
        # the masked span starts right after the generation prompt, token for token as generation renders it
        real = [i for i in ids if i != pad_id]
        prompt = tok.apply_chat_template(
            [{"role": "user", "content": questions[answer]}], tokenize=True, add_generation_prompt=True
        )["input_ids"]
        assert real[: len(prompt)] == prompt and real[len(prompt) : len(prompt) + len(masked)] == masked
    assert r["info"]["loss_history"][-1] < r["info"]["loss_history"][0]


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_checkpoint_agrees_on_eos_pad_and_attention(trained, name):
    from transformers import AutoTokenizer, GenerationConfig

    r = trained[name]
    end = FAMILIES[name][5]
    tok = AutoTokenizer.from_pretrained(r["model"])
    gen = GenerationConfig.from_pretrained(r["model"])
    assert tok.eos_token == end and gen.eos_token_id == tok.eos_token_id
    assert tok.pad_token_id is not None and tok.pad_token_id != tok.eos_token_id
    assert tok.pad_token not in {"[INST]", "[/INST]", "<|im_start|>", "<start_of_turn>", "<|start_header_id|>"}
    check_agreement(tok, gen)  # what training checked at its start, on the saved checkpoint
    info = json.loads((r["model"] / CHECKPOINT_INFO).read_text())
    assert info["attn_implementation"] == ("eager" if name == "gemma2" else "sdpa")
    assert info["chat_tokens"]["end_of_turn"] == end
    if name == "qwen2":  # the base said <|endoftext|>: training moved EOS to the template's <|im_end|>
        assert info["chat_tokens"]["eos_was"] == "<|endoftext|>" and info["chat_tokens"]["pad_token"] == "<|endoftext|>"
    if name == "mistral":
        assert info["chat_tokens"]["pad_token"] == "<unk>"
    if name == "llama":
        assert info["chat_tokens"]["pad_token"] == "<|finetune_right_pad_id|>"


def hf_answers(model_dir: Path) -> tuple[dict, list[list[int]], HFGenerator]:
    model, tok = load_model(model_dir, device="cpu")
    gen = HFGenerator(model, tok)
    prompts = [{"id": str(i), "instruction": q} for i, (q, _) in enumerate(FACTS)]
    rows = generate_sets(gen, {"en": ("en", prompts)}, max_new_tokens=24, repetition_penalty=1.0, batch_size=2)
    raw = gen.complete(encode_prompts(tok, prompts), max_new_tokens=24, repetition_penalty=1.0, batch_size=2)
    return rows["en"], raw, gen


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_hf_generation_answers_and_stops_at_the_end_of_turn(trained, name):
    r = trained[name]
    rows, raw, gen = hf_answers(r["model"])
    end_id = gen.tokenizer.convert_tokens_to_ids(FAMILIES[name][5])
    assert gen.stop_ids == [end_id]
    assert [row["response"] for row in rows] == [a for _, a in FACTS]
    for ids, row in zip(raw, rows):  # it stopped there: the end of turn, then only the batch's padding
        n = row["n_tokens"]
        assert ids[n] == end_id and set(ids[n + 1 :]) <= {gen.tokenizer.pad_token_id} and n < 20


def test_untrained_end_of_turn_is_refused_under_lora(trained, tmp_path):
    """Llama-3.1's base never trained `<|eot_id|>` (its embedding is near zero): LoRA freezes it, so the model would
    never learn to stop. Training refuses it in one line before any step."""
    from transformers import AutoModelForCausalLM

    base = tmp_path / "llama"
    model = AutoModelForCausalLM.from_pretrained(trained["llama"]["base"])
    tok = family_tokenizer("llama")
    with torch.no_grad():
        model.get_input_embeddings().weight[tok.convert_tokens_to_ids("<|eot_id|>")] = 0
    model.save_pretrained(base)
    tok.save_pretrained(base)
    data = tmp_path / "it.jsonl"
    write_jsonl(data, [{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}])
    with pytest.raises(ValueError, match=r"<\|eot_id\|>.*untrained.*chat_template: text"):
        train(spec(base, data, tmp_path / "run", adaptation="lora"))


def test_templates_that_cannot_agree_fail_in_one_line():
    tok = family_tokenizer("llama")
    # the end of turn written as text the tokenizer does not know as a token: generation could never stop
    with_template(tok, TEMPLATES["chatml"])
    with pytest.raises(TemplateError, match="holds no special token"):
        align_tokens(tok)
    # a template without {% generation %}: no loss at all
    tok = family_tokenizer("llama")
    with_template(tok, TEMPLATES["llama3"].replace("{% generation %}", "").replace("{% endgeneration %}", ""))
    with pytest.raises(TemplateError, match="no answer"):
        check_loss_mask(tok)
    # generation_config disagreeing with the template
    tok = family_tokenizer("qwen2")
    align_tokens(tok)
    from transformers import GenerationConfig

    with pytest.raises(TemplateError, match=r"generation_config.eos_token_id is \[0\]"):
        check_agreement(tok, GenerationConfig(eos_token_id=tok.convert_tokens_to_ids("<|endoftext|>")))


def test_text_template_ends_with_the_bases_own_eos():
    """`text` for a base whose chat tokens are untrained (Llama-3.1): ordinary text, the base's own EOS."""
    tok = family_tokenizer("llama")
    with_template(tok, TEMPLATES["text"])
    tokens = align_tokens(tok)
    assert tokens["end_of_turn"] == tokens["eos_was"] == "<|end_of_text|>"
    assert check_loss_mask(tok)["masked"][-1] == "<|end_of_text|>"
    assert "<|eot_id|>" not in tok.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=False)


# ---- vLLM (CPU build): the five trained models in one child process ----------------------------------------------
DRIVER = """
import json, sys, traceback

if __name__ == "__main__":  # vLLM's engine process may re-import this file (spawn): it must do nothing then
    from xlit import vllm_backend
    from xlit.generate import run_job
    from xlit.vllm_job import exit_now

    status = {}
    for name, spec in json.load(open(sys.argv[1])).items():
        try:
            run_job(spec)
            status[name] = "ok"
        except Exception as e:
            traceback.print_exc()
            status[name] = f"{type(e).__name__}: {e}"
        vllm_backend.shutdown_engines()
    json.dump(status, open(sys.argv[2], "w"))
    exit_now(0)
"""


@pytest.mark.slow
@pytest.mark.skipif(not VLLM_PYTHON.exists(), reason="no .venv-vllm (make vllm)")
def test_vllm_generates_the_same_answers_and_stops(trained, tmp_path):
    from xlit.vllm_job import child_env

    prompts = tmp_path / "en.jsonl"
    write_jsonl(prompts, [{"id": str(i), "instruction": q} for i, (q, _) in enumerate(FACTS)])
    gen = {"max_new_tokens": 24, "repetition_penalty": 1.0, "batch_size": 2, "backend": "vllm"}
    specs = {
        name: {
            "model": str(r["model"]),
            "prompts": [str(prompts)],
            "sets": [["test", "en"]],
            "outputs": [str(tmp_path / f"{name}.jsonl")],
            "generation": gen,
            "gpus": 1,
            "tmpdir": str(tmp_path),
            "engine": {"gpu_memory_utilization": 0.05, "max_model_len": 256, "enforce_eager": True},
        }
        for name, r in trained.items()
    }
    (tmp_path / "specs.json").write_text(json.dumps(specs))
    (tmp_path / "driver.py").write_text(DRIVER)
    import os

    env = {**os.environ, **child_env({"threads": 2})}
    run = subprocess.run(
        [str(VLLM_PYTHON), str(tmp_path / "driver.py"), str(tmp_path / "specs.json"), str(tmp_path / "status.json")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert (tmp_path / "status.json").exists(), run.stdout[-3000:] + run.stderr[-3000:]
    status = json.loads((tmp_path / "status.json").read_text())
    print("vLLM CPU per architecture:", status, file=sys.stderr)
    assert status == {name: "ok" for name in FAMILIES}, run.stderr[-3000:]
    for name, r in trained.items():
        hf_rows, _, _ = hf_answers(r["model"])
        rows = read_jsonl(tmp_path / f"{name}.jsonl")
        assert [row["response"] for row in rows] == [row["response"] for row in hf_rows] == [a for _, a in FACTS]
        assert [row["n_tokens"] for row in rows] == [row["n_tokens"] for row in hf_rows]
