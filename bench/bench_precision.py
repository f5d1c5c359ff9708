"""The precision table: share of weights that move in 5 updates of xlit's own `train()` on a tiny Llama
(random init, std 0.02: LLaMA-2's weight scale), per `training.precision` and learning rate. CPU, ~30 s.

    python bench/bench_precision.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from conftest import FACTS, SAMPLE_TEXTS  # noqa: E402
from safetensors.torch import load_file  # noqa: E402

from xlit.chat import LLAMA2_TEMPLATE  # noqa: E402
from xlit.config import default_training  # noqa: E402
from xlit.demo import build_llama, lm_tokenizer  # noqa: E402
from xlit.io import write_jsonl  # noqa: E402
from xlit.optim import changed_share  # noqa: E402
from xlit.train import train  # noqa: E402


def main():
    torch.set_num_threads(1)
    tmp = Path(tempfile.mkdtemp(prefix="xlit-precision-"))
    tok = lm_tokenizer(SAMPLE_TEXTS, 400, LLAMA2_TEMPLATE)
    build_llama(tok, hidden_size=32, num_layers=2, num_heads=2, max_position_embeddings=512).save_pretrained(
        tmp / "base"
    )
    tok.save_pretrained(tmp / "base")
    write_jsonl(
        tmp / "it.jsonl",
        [{"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]} for q, a in FACTS * 8],
    )
    base = load_file(tmp / "base" / "model.safetensors")
    t = default_training(max_steps=5, tokens_per_batch=64, tokens_per_update=64, max_length=64, save_steps=10**6)
    lrs = (1e-5, 1e-6)
    print("| precision | " + " | ".join(f"lr {lr:g}" for lr in lrs) + " |")
    print("|---|" + "---|" * len(lrs))
    for precision in ("fp32", "bf16-mixed", "bf16-pure", "auto"):
        cells = []
        for lr in lrs:
            out = tmp / f"{precision}-{lr:g}"
            info = train(
                {
                    "base": str(tmp / "base"),
                    "data": str(tmp / "it.jsonl"),
                    "adaptation": "ft",
                    "lr": lr,
                    "lora": None,
                    "training": {**t, "precision": precision},
                    "chat_template": LLAMA2_TEMPLATE,
                    "output_dir": str(out),
                    "checkpoint_dir": str(out) + "-ckpt",
                    "threads": 1,
                }
            )
            cells.append(f"{changed_share(base, load_file(out / 'model.safetensors')):.1%} changed")
        label = precision + (f" (= {info['precision']} here)" if precision == "auto" else "")
        print(f"| {label} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
