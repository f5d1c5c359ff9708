"""GPU generation throughput: transformers `generate` (left-padded batches of 16, as the `hf` backend) against
vLLM (the `vllm` backend), on the paper's workload, with the memory-bandwidth ceiling.

    python bench/gpu_generate.py [--hf-batches 4] [--prompts 113 --langs 4 --new-tokens 512]
    python bench/gpu_generate.py --shapes tiny --device cpu --skip vllm --new-tokens 8   # smoke test, no GPU

No hub access is assumed: the model is a random-init Llama with LLaMA-2-7B's shapes (hidden 4096, 32 layers,
32 heads, MLP 11008, vocabulary 32000) in bf16; transformers builds it on the GPU, vLLM with
`load_format="dummy"` (random weights, no files) from the same config.json. Prompts are random token ids
with AlpacaEval-like lengths (20-250 tokens); every prompt gets exactly `--new-tokens` tokens (`ignore_eos`
in vLLM, `min_new_tokens` in transformers), greedy, repetition penalty 1.2.

- hf: the first `--hf-batches` batches of 16 prompts (longest first, as `hf_complete` orders them), output
  tokens/s extrapolated to the whole workload (each batch makes the same number of tokens);
- vllm: all langs x prompts in one `generate` call (continuous batching), output tokens/s;
- ceiling: a decoding step reads every weight once, so steps/s <= HBM bandwidth / weight bytes and output
  tokens/s <= that x the batch (16 for hf; vLLM's running batch, at most its max_num_seqs, 256). KV-cache
  reads and compute are ignored, so the ceiling is loose at large batches; the compute ceiling
  (peak bf16 FLOP/s / (2 x parameters) tokens/s) is printed beside it.

Each backend runs in its own process (GPU memory is returned between them). Prints one line per figure and
a JSON summary. Needs CUDA, torch, transformers and vLLM (`pip install -e ".[vllm]"`); ~3-5 minutes on an H100/H200.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

LLAMA2_7B = dict(
    vocab_size=32000,
    hidden_size=4096,
    intermediate_size=11008,
    num_hidden_layers=32,
    num_attention_heads=32,
    num_key_value_heads=32,
    max_position_embeddings=4096,
    rms_norm_eps=1e-5,
    bos_token_id=1,
    eos_token_id=2,
    tie_word_embeddings=False,
    torch_dtype="bfloat16",
)
#: `--shapes tiny`: a smoke test of this script (e.g. `--shapes tiny --device cpu --skip vllm`), not a figure
TINY = {
    **LLAMA2_7B,
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "num_key_value_heads": 2,
}
#: (name fragment, HBM TB/s, dense bf16 TFLOP/s) of common GPUs; --hbm-tbps / --tflops override
GPUS = [
    ("H200", 4.8, 989),
    ("H100 NVL", 3.9, 835),
    ("H100 PCIe", 2.0, 756),
    ("H100", 3.35, 989),
    ("A100-SXM4-80GB", 2.039, 312),
    ("A100 80GB PCIe", 1.935, 312),
    ("A100", 1.555, 312),
    ("L40S", 0.864, 362),
    ("A10", 0.6, 125),
]


def n_params(c: dict) -> int:
    h, i, v, n = c["hidden_size"], c["intermediate_size"], c["vocab_size"], c["num_hidden_layers"]
    per_layer = 4 * h * h + 3 * h * i + 2 * h  # attention, MLP, two norms
    return n * per_layer + 2 * v * h + h  # embeddings, LM head, final norm


def workload(langs: int, prompts: int, seed: int = 0) -> list[list[int]]:
    rng = random.Random(seed)
    return [[1] + [rng.randrange(3, 32000) for _ in range(rng.randint(20, 250))] for _ in range(langs * prompts)]


def run_hf(a) -> dict:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(**{k: v for k, v in shapes(a).items() if k != "torch_dtype"}, pad_token_id=0)
    t0 = time.perf_counter()
    torch.set_default_dtype(torch.bfloat16)
    with torch.device(a.device):
        model = LlamaForCausalLM(cfg).eval()
    torch.set_default_dtype(torch.float32)
    load_s = time.perf_counter() - t0
    prompts = sorted(workload(a.langs, a.prompts), key=len, reverse=True)
    batches = [prompts[i : i + a.hf_batch] for i in range(0, len(prompts), a.hf_batch)]
    timed, tokens = 0.0, 0
    for b, batch in enumerate(batches[: a.hf_batches + 1]):
        width = max(map(len, batch))
        ids = torch.tensor([[0] * (width - len(p)) + p for p in batch], device=a.device)
        mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in batch], device=a.device)
        sync(a)
        t0 = time.perf_counter()
        with torch.no_grad():
            out = model.generate(
                input_ids=ids,
                attention_mask=mask,
                do_sample=False,
                max_new_tokens=a.new_tokens,
                min_new_tokens=a.new_tokens,
                repetition_penalty=1.2,
                pad_token_id=0,
                eos_token_id=2,
            )
        sync(a)
        wall = time.perf_counter() - t0
        made = (out.shape[1] - width) * len(batch)
        print(
            f"hf batch {b}: {len(batch)} x {out.shape[1] - width} tokens in {wall:.1f}s"
            + (" (warm-up, not counted)" if b == 0 else ""),
            file=sys.stderr,
            flush=True,
        )
        if b:  # the first batch warms up kernels and the allocator
            timed, tokens = timed + wall, tokens + made
    return {
        "load_s": round(load_s, 1),
        "timed_batches": a.hf_batches,
        "tokens": tokens,
        "wall_s": round(timed, 2),
        "tokens_per_s": round(tokens / timed, 1),
        "workload_s_est": round(a.langs * a.prompts * a.new_tokens / (tokens / timed), 1),
        "peak_mem_gb": round(torch.cuda.max_memory_allocated() / 2**30, 1) if a.device == "cuda" else None,
    }


def shapes(a) -> dict:
    return TINY if a.shapes == "tiny" else LLAMA2_7B


def sync(a) -> None:
    if a.device == "cuda":
        import torch

        torch.cuda.synchronize()


def run_vllm(a) -> dict:
    from vllm import LLM, SamplingParams
    from vllm.inputs import TokensPrompt

    with tempfile.TemporaryDirectory() as d:
        cfg = {**shapes(a), "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu"}
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(cfg, f)
        t0 = time.perf_counter()
        llm = LLM(
            model=d,
            load_format="dummy",
            skip_tokenizer_init=True,
            dtype="bfloat16",
            seed=0,
            max_model_len=1024,
            gpu_memory_utilization=0.9,
        )
        load_s = time.perf_counter() - t0
        params = SamplingParams(
            temperature=0.0, max_tokens=a.new_tokens, ignore_eos=True, repetition_penalty=1.2, detokenize=False
        )
        prompts = [TokensPrompt(prompt_token_ids=p) for p in workload(a.langs, a.prompts)]
        llm.generate(prompts[:8], params, use_tqdm=False)  # warm-up
        t0 = time.perf_counter()
        outs = llm.generate(prompts, params, use_tqdm=False)
        wall = time.perf_counter() - t0
    tokens = sum(len(o.outputs[0].token_ids) for o in outs)
    try:
        max_num_seqs = llm.llm_engine.vllm_config.scheduler_config.max_num_seqs
    except AttributeError:
        max_num_seqs = None
    return {
        "load_s": round(load_s, 1),
        "tokens": tokens,
        "wall_s": round(wall, 2),
        "tokens_per_s": round(tokens / wall, 1),
        "max_num_seqs": max_num_seqs,
    }


def gpu_figures(a) -> dict:
    import torch

    name = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
    known = next(((bw, tf) for frag, bw, tf in GPUS if frag.lower() in name.lower()), (None, None))
    return {"gpu": name, "hbm_tbps": a.hbm_tbps or known[0], "bf16_tflops": a.tflops or known[1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--phase", choices=["hf", "vllm"], help=argparse.SUPPRESS)
    ap.add_argument("--langs", type=int, default=4)
    ap.add_argument("--prompts", type=int, default=113)
    ap.add_argument("--new-tokens", type=int, default=512)
    ap.add_argument("--hf-batch", type=int, default=16)
    ap.add_argument("--hf-batches", type=int, default=4, help="timed hf batches (after one warm-up batch)")
    ap.add_argument("--hbm-tbps", type=float, help="HBM bandwidth, TB/s (default: from the GPU's name)")
    ap.add_argument("--tflops", type=float, help="dense bf16 TFLOP/s (default: from the GPU's name)")
    ap.add_argument("--skip", choices=["hf", "vllm"], action="append", default=[])
    ap.add_argument("--shapes", choices=["llama2-7b", "tiny"], default="llama2-7b")
    ap.add_argument("--device", default="cuda", help="hf phase only (cpu: smoke test)")
    a = ap.parse_args()
    if a.phase:
        print("RESULT " + json.dumps(run_hf(a) if a.phase == "hf" else run_vllm(a)), flush=True)
        return
    summary = {
        "workload": {"prompts": a.langs * a.prompts, "new_tokens": a.new_tokens, "shapes": a.shapes, "dtype": "bf16"}
    }
    summary.update(gpu_figures(a))
    for phase in ("hf", "vllm"):
        if phase in a.skip:
            continue
        cmd = [sys.executable, __file__, "--phase", phase] + [x for x in sys.argv[1:] if x != "--phase"]
        t0 = time.perf_counter()
        try:  # at most 3.5 + 4.5 minutes in all
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout={"hf": 210, "vllm": 270}[phase])
        except subprocess.TimeoutExpired:
            summary[phase] = {"error": "timed out"}
            print(f"{phase}: timed out", flush=True)
            continue
        line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
        if proc.returncode or line is None:
            summary[phase] = {"error": f"exit {proc.returncode}"}
            print(f"{phase}: failed (exit {proc.returncode}); its stderr is above", flush=True)
            continue
        summary[phase] = {**json.loads(line[7:]), "process_s": round(time.perf_counter() - t0, 1)}
        print(f"{phase}: {summary[phase]['tokens_per_s']:,.0f} output tokens/s ({summary[phase]})", flush=True)
    p = n_params(shapes(a))
    weight_gb = 2 * p / 1e9
    summary["params_b"] = round(p / 1e9, 3)
    if summary["hbm_tbps"]:
        steps = summary["hbm_tbps"] * 1e12 / (2 * p)
        summary["ceiling"] = {
            "weight_gb": round(weight_gb, 2),
            "steps_per_s": round(steps, 1),
            "hf_batch16_tokens_per_s": round(steps * a.hf_batch),
            "batch256_tokens_per_s": round(steps * 256),
        }
        if summary["bf16_tflops"]:
            summary["ceiling"]["compute_tokens_per_s"] = round(summary["bf16_tflops"] * 1e12 / (2 * p))
        c = summary["ceiling"]
        print(
            f"ceiling on {summary['gpu']}: {weight_gb:.1f} GB of weights / {summary['hbm_tbps']} TB/s = "
            f"{c['steps_per_s']} steps/s: {c['hf_batch16_tokens_per_s']:,} tokens/s at batch 16, "
            f"{c['batch256_tokens_per_s']:,} at batch 256; "
            f"compute ceiling {c.get('compute_tokens_per_s', '?')} tokens/s"
        )
        for phase, batch in (("hf", a.hf_batch), ("vllm", 256)):
            if "tokens_per_s" in summary.get(phase, {}):
                print(
                    f"{phase}: {summary[phase]['tokens_per_s'] / (steps * batch):.0%} "
                    f"of the batch-{batch} bandwidth ceiling"
                )
    if "tokens_per_s" in summary.get("hf", {}) and "tokens_per_s" in summary.get("vllm", {}):
        summary["vllm_over_hf"] = round(summary["vllm"]["tokens_per_s"] / summary["hf"]["tokens_per_s"], 1)
        print(f"vLLM / hf: {summary['vllm_over_hf']}x")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
