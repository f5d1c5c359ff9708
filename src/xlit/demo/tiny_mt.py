"""The demo's tiny translator: one multilingual MarianMT-style seq2seq model, English -> each demo language,
with a target-language token (`>>fr<<`) before the source, as OPUS-MT multi-target models do.

The tokenizer (byte-level BPE, `tokenizer.mt_tokenizer`) and the model are trained locally on the demo parallel data
(`{parallel_dir}/{lang}.train.jsonl`, rows `{"en", "tgt"}`) and saved with `save_pretrained`, so the
`hf` backend loads it with `AutoTokenizer` / `AutoModelForSeq2SeqLM` exactly as it loads NLLB-200.
`xlit_translator.json` beside the weights names the languages, the training figures and a fingerprint
of the weights (the segment cache keys on it, so a rebuilt translator never reuses old translations).
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from pathlib import Path

from xlit.io import InputError, read_jsonl, require, write_json
from xlit.mt.codes import TINY_META

from .tokenizer import lang_token, mt_tokenizer

DEFAULTS = {
    "vocab_size": 3000,
    "d_model": 192,
    "layers": 3,  # encoder and decoder each
    "heads": 4,
    "ffn_dim": 512,
    "steps": 800,
    "batch_size": 32,
    "lr": 2e-3,
    "warmup": 100,
    "max_length": 64,  # tokens, source and target (longer training pairs are skipped)
    "max_train_pairs": 20000,  # per language
    "eval_pairs": 100,  # held-out test pairs per language scored with chrF after training
    "seed": 0,
}


def load_parallel(parallel_dir: str | Path, lang: str, split: str) -> list[tuple[str, str]]:
    path = Path(parallel_dir) / f"{lang}.{split}.jsonl"
    if not path.exists():
        raise InputError(path, f"missing: the tiny translator needs demo parallel data for {lang!r} ({split})")
    pairs = []
    for i, row in enumerate(read_jsonl(path), 1):
        pairs.append((require(row, "en", path, i).strip(), require(row, "tgt", path, i).strip()))
    return pairs


def build_model(tok, p: dict):
    import torch
    from transformers import MarianConfig, MarianMTModel

    torch.manual_seed(p["seed"])
    cfg = MarianConfig(
        vocab_size=len(tok),
        d_model=p["d_model"],
        encoder_layers=p["layers"],
        decoder_layers=p["layers"],
        encoder_attention_heads=p["heads"],
        decoder_attention_heads=p["heads"],
        encoder_ffn_dim=p["ffn_dim"],
        decoder_ffn_dim=p["ffn_dim"],
        max_position_embeddings=256,
        dropout=0.1,
        activation_function="gelu",
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.eos_token_id,
        forced_eos_token_id=tok.eos_token_id,
        decoder_start_token_id=tok.pad_token_id,
        bos_token_id=None,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
    )
    model = MarianMTModel(cfg)
    g = model.generation_config
    g.decoder_start_token_id, g.eos_token_id, g.pad_token_id = tok.pad_token_id, tok.eos_token_id, tok.pad_token_id
    g.forced_eos_token_id, g.bos_token_id = tok.eos_token_id, None
    g.num_beams, g.do_sample = 1, False
    g.no_repeat_ngram_size = 3  # a 3M-parameter model loops on long inputs; this lifted demo chrF by ~5
    return model


def _encode_pairs(tok, pairs, langs_of, max_length):
    src = [f"{lang_token(l)} {en}" for (en, _), l in zip(pairs, langs_of)]
    tgt = [t for _, t in pairs]
    s_ids = tok(src, add_special_tokens=True)["input_ids"]
    t_ids = tok(tgt, add_special_tokens=True)["input_ids"]
    keep = [(s, t) for s, t in zip(s_ids, t_ids) if len(s) <= max_length and len(t) <= max_length]
    return keep


def _batch(tok, items):
    import torch

    ms = max(len(s) for s, _ in items)
    mt = max(len(t) for _, t in items)
    ids = torch.full((len(items), ms), tok.pad_token_id)
    att = torch.zeros((len(items), ms), dtype=torch.long)
    lab = torch.full((len(items), mt), -100)
    for i, (s, t) in enumerate(items):
        ids[i, : len(s)] = torch.tensor(s)
        att[i, : len(s)] = 1
        lab[i, : len(t)] = torch.tensor(t)
    return ids, att, lab


def translate_batch(model, tok, texts: list[str], lang: str, max_new_tokens: int = 96) -> list[str]:
    """Greedy translation with the tiny model (the `hf` backend does the same through its generic path)."""
    import torch

    enc = tok([f"{lang_token(lang)} {t}" for t in texts], return_tensors="pt", padding=True)
    with torch.no_grad():
        out = model.generate(**enc, max_new_tokens=max_new_tokens, num_beams=1, do_sample=False)
    return [s.strip() for s in tok.batch_decode(out, skip_special_tokens=True)]


def chrf_vs_copy(model, tok, pairs, lang, batch_size=64) -> dict:
    import sacrebleu

    hyps = []
    for i in range(0, len(pairs), batch_size):
        hyps += translate_batch(model, tok, [en for en, _ in pairs[i : i + batch_size]], lang)
    refs = [t for _, t in pairs]
    return {
        "n": len(pairs),
        "chrf": round(sacrebleu.corpus_chrf(hyps, [refs]).score, 2),
        "chrf_copy": round(sacrebleu.corpus_chrf([en for en, _ in pairs], [refs]).score, 2),
        "bleu": round(sacrebleu.corpus_bleu(hyps, [refs]).score, 2),
        "examples": [{"en": en, "hyp": h, "ref": r} for (en, r), h in list(zip(pairs, hyps))[:3]],
    }


def build_translator(
    parallel_dir: str | Path, langs: list[str], out_dir: str | Path, cfg: dict | None = None, log=print
) -> dict:
    """Train the tokenizer and the model on `{parallel_dir}/{lang}.train.jsonl` for every lang, save to
    `out_dir` (save_pretrained) with `xlit_translator.json`, and return its content (training figures and the
    held-out chrF per language against the chrF of copying the English source)."""
    import torch

    p = {**DEFAULTS, **(cfg or {})}
    unknown = set(cfg or {}) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown tiny translator settings {sorted(unknown)}; known: {sorted(DEFAULTS)}")
    langs = sorted(set(langs) - {"en"})
    if not langs:
        raise ValueError("build_translator needs at least one target language")
    t_start = time.time()
    torch.manual_seed(p["seed"])
    rng = random.Random(p["seed"])
    train, test = {}, {}
    for l in langs:
        pairs = load_parallel(parallel_dir, l, "train")
        rng.shuffle(pairs)
        train[l] = pairs[: p["max_train_pairs"]]
        test_path = Path(parallel_dir) / f"{l}.test.jsonl"
        test[l] = load_parallel(parallel_dir, l, "test")[: p["eval_pairs"]] if test_path.exists() else []
    texts = [s for l in langs for pair in train[l] for s in pair]
    tok = mt_tokenizer(texts, p["vocab_size"], langs)
    data = []
    for l in langs:
        data += _encode_pairs(tok, train[l], [l] * len(train[l]), p["max_length"])
    if not data:
        raise ValueError(f"no training pairs of at most {p['max_length']} tokens in {parallel_dir}")
    model = build_model(tok, p)
    n_params = sum(x.numel() for x in model.parameters())
    log(f"tiny translator: {n_params / 1e6:.2f}M parameters, vocab {len(tok)}, {len(data)} pairs, languages {langs}")

    steps, bs = p["steps"], p["batch_size"]
    opt = torch.optim.AdamW(model.parameters(), lr=p["lr"], betas=(0.9, 0.98), weight_decay=0.01)
    warm = max(1, p["warmup"])
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)) * 0.95 + 0.05)
    )
    # length-bucketed batches: shuffle, cut into chunks of 50 batches, sort each chunk by length
    order: list[int] = []
    model.train()
    t0, losses = time.time(), []
    for step in range(steps):
        if not order:
            idx = list(range(len(data)))
            rng.shuffle(idx)
            chunks = [idx[i : i + 50 * bs] for i in range(0, len(idx), 50 * bs)]
            batches = []
            for c in chunks:
                c.sort(key=lambda i: len(data[i][0]))
                batches += [c[i : i + bs] for i in range(0, len(c), bs)]
            rng.shuffle(batches)
            order = batches
        ids, att, lab = _batch(tok, [data[i] for i in order.pop()])
        loss = model(input_ids=ids, attention_mask=att, labels=lab).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        losses.append(loss.item())
        if step % max(1, steps // 10) == 0 or step == steps - 1:
            log(f"step {step} loss {loss.item():.3f} ({time.time() - t0:.0f}s)")
    train_s = time.time() - t0
    model.eval()

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    model.generation_config.save_pretrained(out_dir)
    evals = {l: chrf_vs_copy(model, tok, test[l], l) for l in langs if test[l]}
    for l, e in evals.items():
        log(f"{l}: chrF {e['chrf']} (copying the source: {e['chrf_copy']}), BLEU {e['bleu']} on {e['n']} test pairs")
    meta = {
        "family": "tiny",
        "languages": langs,
        "params": n_params,
        "vocab": len(tok),
        "train_pairs": len(data),
        "settings": p,
        "train_s": round(train_s, 1),
        "total_s": round(time.time() - t_start, 1),
        "first_loss": round(losses[0], 4),
        "last_loss": round(sum(losses[-20:]) / len(losses[-20:]), 4),
        "eval": evals,
        "fingerprint": weights_fingerprint(out_dir),
    }
    write_json(out_dir / TINY_META, meta)  # last: its presence marks a complete build
    return meta


def weights_fingerprint(model_dir: str | Path) -> str:
    h = hashlib.sha256()
    files = sorted(Path(model_dir).glob("*.safetensors")) + [Path(model_dir) / "generation_config.json"]
    for f in files:
        if not f.exists():
            continue
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()[:16]
