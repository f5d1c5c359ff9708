"""Training and generation throughput on a tiny Llama (CPU, fp32): tokens/s of full fine-tuning and
LoRA through trl, and generation batched (left padding) vs one prompt at a time.

    python bench/bench_train.py [--threads 2] [--steps 30]
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from conftest import SAMPLE_TEXTS  # noqa: E402

from xlit.chat import LLAMA2_TEMPLATE  # noqa: E402
from xlit.config import default_training  # noqa: E402
from xlit.demo import build_llama, lm_tokenizer  # noqa: E402
from xlit.generate import generate, load_model  # noqa: E402
from xlit.io import write_jsonl  # noqa: E402
from xlit.train import train  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--hidden", type=int, default=96)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tmp = Path(tempfile.mkdtemp())
    tok = lm_tokenizer(SAMPLE_TEXTS, 2000, LLAMA2_TEMPLATE)
    model = build_llama(tok, hidden_size=args.hidden, num_layers=2, num_heads=4)
    model.save_pretrained(tmp / "base")
    tok.save_pretrained(tmp / "base")
    params = sum(p.numel() for p in model.parameters())
    rows = [
        {"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}
        for q, a in zip(SAMPLE_TEXTS[::2], SAMPLE_TEXTS[1::2])
    ]
    write_jsonl(tmp / "it.jsonl", rows)
    t = default_training(
        max_steps=args.steps,
        tokens_per_batch=1024,
        tokens_per_update=1024,
        lora_tokens_per_update=1024,
        max_length=256,
        save_steps=10_000,
    )
    out = {"params": params, "threads": args.threads}
    for ad, lr in (("ft", 1e-3), ("lora", 1e-2)):
        info = train(
            {
                "base": str(tmp / "base"),
                "data": str(tmp / "it.jsonl"),
                "adaptation": ad,
                "lr": lr,
                "lora": {"r": 16, "alpha": 8, "dropout": 0.0, "target_modules": "all-linear"},
                "training": t,
                "chat_template": LLAMA2_TEMPLATE,
                "output_dir": str(tmp / ad),
                "checkpoint_dir": str(tmp / f"ckpt-{ad}"),
                "threads": args.threads,
            }
        )
        out[f"{ad}_tokens_per_s"] = info["tokens_per_s"]
        print(
            f"{ad:4s}: {info['steps']} steps, {info['tokens_seen']} tokens in {info['wall_s']} s "
            f"-> {info['tokens_per_s']} tokens/s"
        )
    m, tk = load_model(tmp / "ft", device="cpu")
    prompts = [{"id": str(i), "instruction": s} for i, s in enumerate(SAMPLE_TEXTS[:32])]
    for bs in (1, 16):
        t0 = time.time()
        res = generate(m, tk, prompts, max_new_tokens=32, repetition_penalty=1.2, batch_size=bs, lang="en")
        wall = time.time() - t0
        n = sum(r["n_tokens"] for r in res)
        out[f"generate_bs{bs}_tokens_per_s"] = round(n / wall, 1)
        print(f"generate batch {bs:2d}: {n} tokens in {wall:.2f} s -> {n / wall:.0f} tokens/s")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
