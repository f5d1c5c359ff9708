"""The demo's tiny base models: a byte-level BPE tokenizer (`tokenizer.lm_tokenizer`) and a small Llama,
pretrained briefly on the demo corpus. Same classes and save format as a real hub model."""

from __future__ import annotations

import math
import random
import time
from pathlib import Path

from .tokenizer import lm_tokenizer


def build_llama(
    tokenizer,
    hidden_size: int = 128,
    num_layers: int = 2,
    num_heads: int = 4,
    intermediate_size: int | None = None,
    max_position_embeddings: int = 2048,
    seed: int = 0,
):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    cfg = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        num_key_value_heads=num_heads,
        intermediate_size=intermediate_size or 4 * hidden_size,
        max_position_embeddings=max_position_embeddings,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return LlamaForCausalLM(cfg)


def pretrain(
    model,
    tokenizer,
    texts: list[str],
    steps: int,
    batch_size: int = 16,
    seq_len: int = 128,
    lr: float = 3e-3,
    seed: int = 0,
    log=print,
) -> dict:
    """Causal-LM pretraining on packed sequences of `texts` (each wrapped in <s> ... </s>)."""
    import torch

    ids: list[int] = []
    for t in texts:
        ids += [tokenizer.bos_token_id] + tokenizer.encode(t, add_special_tokens=False) + [tokenizer.eos_token_id]
    n_chunks = len(ids) // seq_len
    if n_chunks < 1:
        raise ValueError(f"corpus too small: {len(ids)} tokens for sequences of {seq_len}")
    data = torch.tensor(ids[: n_chunks * seq_len]).view(n_chunks, seq_len)
    rng = random.Random(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * 0.5 * (1 + math.cos(math.pi * s / steps))
    )
    model.train()
    t0, losses = time.time(), []
    for step in range(steps):
        batch = data[[rng.randrange(n_chunks) for _ in range(batch_size)]]
        loss = model(input_ids=batch, labels=batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        losses.append(loss.item())
        if step % max(1, steps // 10) == 0 or step == steps - 1:
            log(f"step {step} loss {loss.item():.3f}")
    wall = time.time() - t0
    model.eval()
    return {
        "steps": steps,
        "tokens": steps * batch_size * seq_len,
        "wall_s": round(wall, 2),
        "tokens_per_s": round(steps * batch_size * seq_len / max(wall, 1e-9), 1),
        "first_loss": losses[0],
        "last_loss": sum(losses[-10:]) / len(losses[-10:]),
    }


def build_tiny_base(
    corpus_files: list[str | Path],
    out_dir: str | Path,
    *,
    chat_template: str,
    vocab_size: int = 2000,
    hidden_size: int = 128,
    num_layers: int = 2,
    num_heads: int = 4,
    steps: int = 200,
    batch_size: int = 16,
    seq_len: int = 128,
    lr: float = 3e-3,
    max_lines_per_file: int | None = None,
    seed: int = 0,
    log=print,
) -> dict:
    """Train the tokenizer and pretrain the model on the corpus files; save both to `out_dir`."""
    import torch

    torch.manual_seed(seed)
    texts: list[str] = []
    for f in corpus_files:
        lines = [l.strip() for l in Path(f).read_text(encoding="utf-8").splitlines() if l.strip()]
        texts += lines[:max_lines_per_file] if max_lines_per_file else lines
    random.Random(seed).shuffle(texts)
    tok = lm_tokenizer(texts, vocab_size, chat_template)
    model = build_llama(tok, hidden_size, num_layers, num_heads, max_position_embeddings=2048, seed=seed)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"tiny llama: {n_params / 1e6:.2f}M parameters, vocab {len(tok)}, {len(texts)} corpus lines")
    stats = pretrain(model, tok, texts, steps, batch_size, seq_len, lr, seed, log=log)
    out_dir = Path(out_dir)
    model.save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    model.generation_config.save_pretrained(out_dir)
    return {"params": n_params, **stats}
