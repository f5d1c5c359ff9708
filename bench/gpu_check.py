"""GPU check of training at paper scale, through the launch the workflow uses (a few minutes, no hub access).

A random-init Llama with LLaMA-2-7B's layer shapes (fewer layers, `--layers`) is fine-tuned by xlit's own `train()`
under `xlit.train.launch` (accelerate, one process per GPU: FSDP2 full sharding for `--gpus` > 1), on synthetic
instruction data whose lengths follow a Dolly-like spread, so that the length-grouped micro-batches of at most
`--micro-tokens` padded tokens, the accumulation of the recipe's update (81,920 tokens) and per-micro-batch gradient
reduce-scatter all run. It prints:
- peak memory allocated per GPU (each rank's `torch.cuda.max_memory_allocated`) against `xlit.plan`'s estimate for
  the same shape, precision, GPU count and micro-batch (the plan should be within 20 %);
- steady-state speed: the first `--warmup` updates (CUDA context, kernel selection, allocator growth) are not timed;
  each timed update is bracketed by `torch.cuda.synchronize()`; real and padded tokens per second, and model FLOPs
  utilisation (6 x params x padded tokens/s over the GPUs' dense bf16 peak; the recomputed forward of activation
  checkpointing is not counted, by convention);
- the share of weights that moved after 3 updates at lr 1e-6 under bf16-mixed and bf16-pure, read from the trainer's
  weights at the end of training, one process (bf16-mixed should keep them: >= 95 %; bf16-pure, the authors' regime,
  loses most).

    python bench/gpu_check.py --gpus 2             # on a node with 2 GPUs: FSDP, as the paper's 7B FT jobs
    python bench/gpu_check.py --gpus 1 --layers 4  # one GPU
    python bench/gpu_check.py --tiny               # CPU smoke test: a small model, 2 ranks, FSDP forced over gloo

`accelerate launch` runs this file again as each rank's entry, with the spec file as its only argument.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from xlit.chat import LLAMA2_TEMPLATE  # noqa: E402
from xlit.config import default_training  # noqa: E402
from xlit.io import write_jsonl  # noqa: E402
from xlit.plan import Shape, estimate  # noqa: E402
from xlit.train import launch, train  # noqa: E402

LLAMA2_7B = dict(vocab_size=32000, hidden_size=4096, intermediate_size=11008, num_heads=32)
TINY = dict(vocab_size=1000, hidden_size=64, num_layers=2, intermediate_size=172, num_heads=2, num_kv_heads=2)
PEAK_BF16_TFLOPS = {"H200": 989.0, "H100": 989.0, "A100": 312.0, "L40S": 362.0, "A6000": 155.0}
WORDS = (
    "river mill spring capital France answer question model language study water light stone bridge "
    "garden morning winter letter window market story"
).split()
log = logging.getLogger("gpu_check")


# ---- each rank (accelerate launch runs this file with the spec) ----


class Probe:
    """Trainer callbacks of one rank: synchronised update times and tokens, and the final (master) weights."""

    def __init__(self, warmup: int, keep_weights: bool):
        from transformers import TrainerCallback

        probe = self
        self.warmup, self.keep_weights = warmup, keep_weights
        self.steps: list[dict] = []
        self.weights = None

        class CB(TrainerCallback):
            def on_step_begin(self, args, state, control, **kw):
                probe.sync()
                probe.t0 = time.perf_counter()

            def on_step_end(self, args, state, control, train_dataloader=None, **kw):
                probe.sync()
                sampler = getattr(train_dataloader, "batch_sampler", None)
                sampler = getattr(sampler, "batch_sampler", sampler)  # accelerate's pass-through wrapper
                probe.steps.append(
                    {
                        "step": state.global_step,
                        "s": time.perf_counter() - probe.t0,
                        "tokens": state.num_input_tokens_seen,
                        "padded": sampler.padded_tokens(state.global_step),
                    }
                )

            def on_train_end(self, args, state, control, model=None, **kw):
                if probe.keep_weights:
                    probe.weights = {k: v.detach().cpu() for k, v in model.state_dict().items()}

        self.callback = CB()

    @staticmethod
    def sync():
        if torch.cuda.is_available():
            torch.cuda.synchronize()

    def figures(self) -> dict:
        timed = [s for s in self.steps if s["step"] > self.warmup]
        first = next((s for s in self.steps if s["step"] == self.warmup), None)
        wall = sum(s["s"] for s in timed)
        out = {"timed_steps": len(timed), "timed_s": round(wall, 3)}
        if timed and first and wall:
            out["tokens_per_s"] = (timed[-1]["tokens"] - first["tokens"]) / wall
            out["padded_tokens_per_s"] = (timed[-1]["padded"] - first["padded"]) / wall
        if torch.cuda.is_available():
            out["peak_gib"] = torch.cuda.max_memory_allocated() / 2**30
        return out


def worker(spec_file: str) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    spec = json.loads(Path(spec_file).read_text())
    bench = spec.pop("bench")
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and not torch.cuda.is_available():
        sys.path.insert(0, str(ROOT / "tests"))
        from fsdp_cpu_entry import force_cpu_fsdp

        force_cpu_fsdp()  # --tiny: accelerate's FSDP path over gloo
    probe = Probe(bench["warmup"], bench["keep_weights"])
    info = train(spec, callbacks=[probe.callback])
    rank = int(os.environ.get("RANK", "0"))
    result = {"rank": rank, **probe.figures(), "info": {k: v for k, v in info.items() if k != "loss_history"}}
    if probe.weights is not None:
        from safetensors.torch import load_file

        from xlit.optim import changed_share

        base = {k: v.float() for k, v in load_file(Path(spec["base"]) / "model.safetensors").items()}
        result["changed_share"] = changed_share(base, {k: v for k, v in probe.weights.items() if k in base})
    Path(bench["out"], f"rank{rank}.json").write_text(json.dumps(result))


# ---- the parent: builds the model and data, launches, reports ----


def build_base(out: Path, shape: Shape) -> None:
    from transformers import LlamaConfig, LlamaForCausalLM

    from xlit.demo import lm_tokenizer

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
    LlamaForCausalLM(cfg).save_pretrained(out)  # initializer_range 0.02: LLaMA-2's weight scale
    tok.save_pretrained(out)


def write_data(path: Path, n: int, max_tokens: int) -> list[int]:
    """n chat examples whose answers have a Dolly-like spread of lengths (log-normal, median ~max/8)."""
    rng = random.Random(0)
    rows, lengths = [], []
    for i in range(n):
        k = int(min(max_tokens - 32, max(8, rng.lognormvariate(math.log(max_tokens / 8), 0.9))))
        lengths.append(k)
        answer = " ".join(rng.choices(WORDS, k=k))
        rows.append(
            {
                "messages": [
                    {"role": "user", "content": f"Write about item {i}."},
                    {"role": "assistant", "content": answer},
                ]
            }
        )
    write_jsonl(path, rows)
    return lengths


def run(tmp: Path, name: str, gpus: int, precision: str, lr: float, steps: int, warmup: int, args) -> list[dict]:
    t = default_training(
        max_steps=steps,
        tokens_per_batch=args.micro_tokens,
        tokens_per_update=args.update_tokens,
        max_length=args.max_length,
        save_steps=10**6,
        precision=precision,
        gradient_checkpointing=True,
        warmup_ratio=0.0,
    )
    out = tmp / f"probe-{name}"
    out.mkdir()
    spec = {
        "base": str(tmp / "base"),
        "data": str(tmp / "it.jsonl"),
        "adaptation": "ft",
        "lr": lr,
        "lora": None,
        "training": t,
        "chat_template": LLAMA2_TEMPLATE,
        "output_dir": str(tmp / name),
        "checkpoint_dir": str(tmp / f"ckpt-{name}"),
        "threads": 2 if args.tiny else 8 * gpus,
        "bench": {"out": str(out), "warmup": warmup, "keep_weights": name.startswith("small")},
    }
    Path(spec["checkpoint_dir"]).mkdir()
    if gpus > 1:
        launch(spec, gpus, log, script=__file__)
    else:
        from xlit.smk import run_logged

        spec_file = Path(spec["checkpoint_dir"]) / "spec.json"
        spec_file.write_text(json.dumps(spec))
        run_logged([sys.executable, __file__, str(spec_file)], log)
    return [json.loads(p.read_text()) for p in sorted(out.glob("rank*.json"))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gpus", type=int, default=None, help="GPUs (processes); default: all visible, 2 with --tiny")
    ap.add_argument("--layers", type=int, default=8, help="decoder layers of LLaMA-2-7B's shape (it has 32)")
    ap.add_argument("--steps", type=int, default=8, help="timed updates")
    ap.add_argument("--warmup", type=int, default=2, help="updates before timing starts")
    ap.add_argument("--micro-tokens", type=int, default=8192, help="padded tokens per micro-batch (the recipe: 8192)")
    ap.add_argument("--update-tokens", type=int, default=81920, help="tokens per update (the recipe: 81920 for FT)")
    ap.add_argument("--max-length", type=int, default=2048)
    ap.add_argument("--peak-tflops", type=float, default=None, help="one GPU's dense bf16 peak (default: by name)")
    ap.add_argument("--tiny", action="store_true", help="a small model on CPU: checks the script, measures nothing")
    ap.add_argument("--out", default=None, help="write the figures as JSON here too")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    cuda = torch.cuda.is_available()
    if args.tiny:
        shape = Shape(**TINY)
        args.micro_tokens, args.update_tokens, args.max_length = 256, 1024, 128
        args.steps, args.warmup = min(args.steps, 3), 1
        gpus = args.gpus or 2
    else:
        if not cuda:
            sys.exit("no CUDA here: run it on a GPU node, or --tiny for the CPU smoke test")
        shape = Shape(num_layers=args.layers, num_kv_heads=LLAMA2_7B["num_heads"], **LLAMA2_7B)
        gpus = args.gpus or torch.cuda.device_count()
    tmp = Path(tempfile.mkdtemp(prefix="xlit-gpu-check-"))
    t0 = time.time()
    build_base(tmp / "base", shape)
    n = max(64, 4 * args.update_tokens // (args.max_length // 8))
    lengths = write_data(tmp / "it.jsonl", n, args.max_length)
    device = torch.cuda.get_device_name(0) if cuda else "cpu"
    print(
        f"device {gpus} x {device}; model {shape.params() / 1e9:.2f}B params ({shape.num_layers} layers); {n} "
        f"examples, answer lengths median {sorted(lengths)[n // 2]} words; micro-batches <= {args.micro_tokens} "
        f"padded tokens, {args.update_tokens} per update; built in {time.time() - t0:.0f} s",
        flush=True,
    )
    figures = {"gpus": gpus, "device": device, "params": shape.params(), "layers": shape.num_layers}
    ranks = run(tmp, "speed", gpus, "bf16-mixed", 1e-5, args.warmup + args.steps, args.warmup, args)
    info = ranks[0]["info"]
    est = estimate(shape, "bf16-mixed", None, gpus, args.micro_tokens, True)
    peak = max((r.get("peak_gib") or 0) for r in ranks) or None
    tflops = args.peak_tflops or next((v for k, v in PEAK_BF16_TFLOPS.items() if k in device), None)
    tps, ptps = ranks[0].get("tokens_per_s"), ranks[0].get("padded_tokens_per_s")
    plan_gib = est["total"] / 2**30
    figures["bf16_mixed"] = {
        "sharding": info["sharding"],
        "gradient_accumulation": info["gradient_accumulation"],
        "padded_tokens_per_update": info["padded_tokens_per_update"],
        "tokens_per_update": info["tokens_per_update"],
        "peak_gib_per_gpu": peak,
        "plan_gib_per_gpu": plan_gib,
        "plan_parts_gib": {k: round(v / 2**30, 2) for k, v in est["parts"].items()},
        "plan_error": plan_gib / peak - 1 if peak else None,
        "timed_steps": ranks[0]["timed_steps"],
        "tokens_per_s": tps,
        "padded_tokens_per_s": ptps,
        "mfu": 6 * shape.params() * ptps / (gpus * tflops * 1e12) if tflops and ptps else None,
    }
    m = figures["bf16_mixed"]
    nan = float("nan")
    print(
        f"bf16-mixed on {gpus} ({m['sharding']}), accumulation {m['gradient_accumulation']}, "
        f"{m['padded_tokens_per_update']} padded / {m['tokens_per_update']} real tokens per update: peak "
        f"{peak or nan:.1f} GiB allocated per GPU, plan {plan_gib:.1f} GiB ({m['plan_error'] or nan:+.0%}); "
        f"{m['timed_steps']} steady updates: {tps or nan:.0f} tokens/s ({ptps or nan:.0f} padded); MFU "
        f"{m['mfu'] or nan:.1%} (6PT over {gpus} x {tflops} TFLOP/s)",
        flush=True,
    )
    figures["changed_at_1e-6"] = {}
    for precision in ("bf16-mixed", "bf16-pure"):
        share = run(tmp, f"small-{precision}", 1, precision, 1e-6, 3, 0, args)[0]["changed_share"]
        figures["changed_at_1e-6"][precision] = share
        print(f"{precision}: {share:.1%} of the weights moved after 3 updates at lr 1e-6", flush=True)
    figures["total_s"] = round(time.time() - t0, 1)
    print(json.dumps(figures, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1].endswith(".json"):
        worker(sys.argv[1])
    else:
        main()
