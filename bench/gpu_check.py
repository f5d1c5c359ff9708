"""GPU check of training at paper scale (one command, a few minutes on one GPU, no hub access needed).

A random-init Llama with LLaMA-2-7B's layer shapes (fewer layers, `--layers`) is trained with xlit's own
`train()` on synthetic instruction data of fixed length, and the script prints:
- peak memory allocated per GPU against `xlit.plan`'s estimate for the same shape, precision and micro-batch
  (the plan should be within 20 %);
- training tokens/s and model FLOPs utilisation (6 x params x tokens/s over the GPU's dense bf16 peak;
  activation checkpointing recomputes the forward pass, which MFU by convention does not count);
- the share of weights that moved after a few updates at lr 1e-6 under each precision (bf16-mixed should
  keep them: >= 95 %; bf16-pure, the authors' regime, loses most).

    python bench/gpu_check.py                       # on a GPU node
    python bench/gpu_check.py --tiny --steps 2       # the same code on CPU with a small model (smoke test)
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from xlit.chat import LLAMA2_TEMPLATE  # noqa: E402
from xlit.config import default_training  # noqa: E402
from xlit.demo import lm_tokenizer  # noqa: E402
from xlit.io import write_jsonl  # noqa: E402
from xlit.optim import changed_share  # noqa: E402
from xlit.plan import Shape, estimate  # noqa: E402
from xlit.train import train  # noqa: E402

LLAMA2_7B = dict(vocab_size=32000, hidden_size=4096, intermediate_size=11008, num_heads=32)
PEAK_BF16_TFLOPS = {"H200": 989.0, "H100": 989.0, "A100": 312.0, "L40S": 362.0, "A6000": 155.0}
WORDS = (
    "river mill spring capital France answer question model language study water light stone bridge "
    "garden morning winter letter window market story"
).split()


def peak_tflops(override: float | None) -> float | None:
    if override:
        return override
    if not torch.cuda.is_available():
        return None
    name = torch.cuda.get_device_name(0)
    return next((v for k, v in PEAK_BF16_TFLOPS.items() if k in name), None)


def build_base(out: Path, shape: Shape, device: str) -> None:
    from transformers import LlamaConfig, LlamaForCausalLM

    texts = [" ".join(random.Random(i).choices(WORDS, k=40)) for i in range(200)]
    tok = lm_tokenizer(texts, 1000, LLAMA2_TEMPLATE)
    cfg = LlamaConfig(
        vocab_size=shape.vocab_size,
        hidden_size=shape.hidden_size,
        num_hidden_layers=shape.num_layers,
        intermediate_size=shape.intermediate_size,
        num_attention_heads=shape.num_heads,
        num_key_value_heads=shape.num_kv_heads,
        max_position_embeddings=4096,
        tie_word_embeddings=False,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    torch.manual_seed(0)
    with torch.device(device):
        model = LlamaForCausalLM(cfg)  # initializer_range 0.02: LLaMA-2's weight scale
    model.save_pretrained(out)
    tok.save_pretrained(out)
    del model
    gc.collect()


def write_data(path: Path, tokenizer_dir: Path, n: int, tokens: int) -> int:
    """n chat examples of about `tokens` tokens each (equal lengths: the micro-batch has no padding)."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tokenizer_dir)
    rng = random.Random(0)
    rows = []
    for i in range(n):
        answer = " ".join(rng.choices(WORDS, k=tokens))
        ids = tok(answer, add_special_tokens=False)["input_ids"][: tokens - 24]
        rows.append(
            {
                "messages": [
                    {"role": "user", "content": f"Write about item {i}."},
                    {"role": "assistant", "content": tok.decode(ids)},
                ]
            }
        )
    write_jsonl(path, rows)
    return len(tok.apply_chat_template(rows[0]["messages"], tokenize=True, return_dict=True)["input_ids"])


def run(tmp: Path, name: str, precision: str, lr: float, steps: int, micro_tokens: int, seq: int, threads: int):
    t = default_training(
        max_steps=steps,
        tokens_per_batch=micro_tokens,
        tokens_per_update=micro_tokens,
        max_length=seq + 8,
        save_steps=10**6,
        precision=precision,
        gradient_checkpointing=True,
        warmup_ratio=0.0,
    )
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    t0 = time.time()
    info = train(
        {
            "base": str(tmp / "base"),
            "data": str(tmp / "it.jsonl"),
            "adaptation": "ft",
            "lr": lr,
            "lora": None,
            "training": t,
            "chat_template": LLAMA2_TEMPLATE,
            "output_dir": str(tmp / name),
            "checkpoint_dir": str(tmp / f"ckpt-{name}"),
            "threads": threads,
        }
    )
    info["peak_gb"] = torch.cuda.max_memory_allocated() / 1e9 if torch.cuda.is_available() else None
    info["job_s"] = round(time.time() - t0, 1)
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layers", type=int, default=8, help="decoder layers of LLaMA-2-7B's shape (it has 32)")
    ap.add_argument("--steps", type=int, default=12, help="updates of the throughput run")
    ap.add_argument("--seq", type=int, default=1024, help="tokens per example")
    ap.add_argument("--micro-tokens", type=int, default=8192, help="tokens per micro-batch (the recipe: 8192)")
    ap.add_argument("--peak-tflops", type=float, default=None, help="the GPU's dense bf16 peak (default: by name)")
    ap.add_argument("--tiny", action="store_true", help="a small model on CPU: checks the script, measures nothing")
    ap.add_argument("--out", default=None, help="write the figures as JSON here too")
    args = ap.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.tiny:
        shape = Shape(vocab_size=1000, hidden_size=64, num_layers=2, intermediate_size=172, num_heads=4, num_kv_heads=4)
        args.seq, args.micro_tokens = 64, 256
    else:
        shape = Shape(num_layers=args.layers, num_kv_heads=LLAMA2_7B["num_heads"], **LLAMA2_7B)
    tmp = Path(tempfile.mkdtemp(prefix="xlit-gpu-check-"))
    t0 = time.time()
    build_base(tmp / "base", shape, device)
    seq = write_data(tmp / "it.jsonl", tmp / "base", n=max(64, 4 * args.micro_tokens // args.seq), tokens=args.seq)
    micro_tokens = (args.micro_tokens // seq) * seq
    threads = 1 if device == "cuda" else 2
    print(
        f"device {torch.cuda.get_device_name(0) if device == 'cuda' else 'cpu'}; model {shape.params() / 1e9:.2f}B "
        f"params ({shape.num_layers} layers of LLaMA-2-7B's shape); examples of {seq} tokens, micro-batch "
        f"{micro_tokens // seq} x {seq}; built in {time.time() - t0:.0f} s",
        flush=True,
    )

    figures = {"params": shape.params(), "layers": shape.num_layers, "seq": seq, "micro_tokens": micro_tokens}
    info = run(tmp, "speed", "bf16-mixed", 1e-5, args.steps, micro_tokens, seq, threads)
    est = estimate(shape, "bf16-mixed", None, 1, micro_tokens, True)
    tflops = peak_tflops(args.peak_tflops)
    tps = info["tokens_per_s"]
    figures["bf16_mixed"] = {
        "peak_gb": info["peak_gb"],
        "plan_gb": est["total"] / 1e9,
        "plan_parts_gb": {k: round(v / 1e9, 2) for k, v in est["parts"].items()},
        "plan_error": (est["total"] / 1e9 / info["peak_gb"] - 1) if info["peak_gb"] else None,
        "tokens_per_s": tps,
        "steps": info["steps"],
        "wall_s": info["wall_s"],
        "mfu": 6 * shape.params() * tps / (tflops * 1e12) if tflops and tps else None,
    }
    m = figures["bf16_mixed"]
    print(
        f"bf16-mixed: peak {m['peak_gb'] or float('nan'):.1f} GB allocated, plan {m['plan_gb']:.1f} GB "
        f"({(m['plan_error'] or float('nan')):+.0%}); {tps} tokens/s; MFU "
        f"{(m['mfu'] or float('nan')):.1%} (6PT over {tflops} TFLOPs)",
        flush=True,
    )

    from safetensors.torch import load_file

    base = {k: v.float() for k, v in load_file(tmp / "base" / "model.safetensors").items()}
    figures["changed_at_1e-6"] = {}
    for precision in ("bf16-mixed", "bf16-pure"):
        name = f"small-{precision}"
        run(tmp, name, precision, 1e-6, 3, micro_tokens, seq, threads)
        after = {}
        for f in sorted((tmp / name).glob("model*.safetensors")):
            after.update(load_file(f))
        share = changed_share(base, after)
        figures["changed_at_1e-6"][precision] = share
        print(f"{precision}: {share:.1%} of the weights moved after 3 updates at lr 1e-6", flush=True)
    figures["total_s"] = round(time.time() - t0, 1)
    print(json.dumps(figures, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
