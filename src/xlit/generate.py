"""Batched greedy generation with left padding, prompts sorted by length, the run's chat template."""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from .chat import user_prompt

log = logging.getLogger("xlit.generate")


def load_model(model_dir: str | Path, device: str | None = None):
    """A trained checkpoint (full model, or a LoRA adapter merged into its base) and its tokenizer."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from .train import CHECKPOINT_INFO

    model_dir = Path(model_dir)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    dtype = torch.bfloat16 if device == "cuda" and torch.cuda.is_bf16_supported() else torch.float32
    info_path = model_dir / CHECKPOINT_INFO
    info = json.loads(info_path.read_text()) if info_path.exists() else {}
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    if info.get("adapter"):
        from peft import PeftModel

        base = AutoModelForCausalLM.from_pretrained(info["base"], dtype=dtype)
        model = PeftModel.from_pretrained(base, model_dir).merge_and_unload()
    else:
        model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype)
    model.to(device).eval()
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer


def render_prompt(tokenizer, instruction: str) -> str:
    """`<s>[INST] {instruction} [/INST]` for the LLaMA-2 template: what the model continues from."""
    return tokenizer.apply_chat_template(user_prompt(instruction), tokenize=False, add_generation_prompt=True)


def generate(model, tokenizer, prompts: list[dict], *, max_new_tokens: int, repetition_penalty: float,
             batch_size: int, lang: str) -> list[dict]:
    """One row `{"id","lang","category","prompt","response","n_tokens"}` per prompt, in input order."""
    import torch

    texts = [render_prompt(tokenizer, p["instruction"]) for p in prompts]
    encoded = [tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]  # template has <s>
    order = sorted(range(len(prompts)), key=lambda i: len(encoded[i]), reverse=True)
    out: dict[int, dict] = {}
    t0, new_tokens = time.time(), 0
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        batch = tokenizer.pad({"input_ids": [encoded[i] for i in idx]}, return_tensors="pt").to(model.device)
        with torch.no_grad():
            gen = model.generate(**batch, do_sample=False, max_new_tokens=max_new_tokens,
                                 repetition_penalty=repetition_penalty,
                                 pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
        gen = gen[:, batch["input_ids"].shape[1]:]
        for row, i in zip(gen, idx):
            ids = row.tolist()
            if tokenizer.eos_token_id in ids:
                ids = ids[: ids.index(tokenizer.eos_token_id)]
            while ids and ids[-1] == tokenizer.pad_token_id:
                ids.pop()
            new_tokens += len(ids)
            p = prompts[i]
            out[i] = {"id": p["id"], "lang": lang, "category": p.get("category", ""), "prompt": p["instruction"],
                      "response": tokenizer.decode(ids, skip_special_tokens=True).strip(), "n_tokens": len(ids)}
    wall = time.time() - t0
    log.info("generated %d responses, %d tokens in %.1fs (%.1f tokens/s)", len(prompts), new_tokens, wall,
             new_tokens / max(wall, 1e-9))
    return [out[i] for i in range(len(prompts))]
