"""GPU generation throughput: transformers `generate` (left-padded batches of 16, as the `hf` backend) against
vLLM (the `vllm` backend), on the paper's workload, with the memory-bandwidth ceiling.

    python bench/gpu_generate.py [--hf-batches 4] [--prompts 113 --langs 4 --new-tokens 512]
    python bench/gpu_generate.py --tiny      # CPU smoke test (tests/test_vllm.py): tiny shapes, a few prompts

No hub access is assumed: the model is a random-init Llama with LLaMA-2-7B's shapes (hidden 4096, 32 layers,
32 heads, MLP 11008, vocabulary 32000) in bf16; transformers builds it on the GPU, vLLM with
`load_format="dummy"` (random weights, no files) from the same config.json. Prompts are random token ids
with AlpacaEval-like lengths (20-250 tokens); every prompt gets exactly `--new-tokens` tokens (`ignore_eos`
in vLLM, `min_new_tokens` in transformers), greedy, repetition penalty 1.2.

- hf: the first `--hf-batches` batches of 16 prompts (longest first, as `hf_complete` orders them), output
  tokens/s extrapolated to the whole workload (each batch makes the same number of tokens);
- vllm: all langs x prompts in one `generate` call (continuous batching), output tokens/s, and the running batch
  it measured: generated tokens per engine step (from vLLM's own step statistics), beside its `max_num_seqs`
  and how many sequences its KV cache holds at the workload's mean length (vLLM is KV-cache bound);
- ceiling: a decoding step reads every weight once and the KV cache of every running sequence, so for a batch
  of B sequences whose context is L tokens on average, steps/s <= HBM bandwidth / (weight bytes + B x L x KV
  bytes per token) and output tokens/s <= B x that. hf reads its padded batch (L = the batch's longest prompt
  + half the new tokens, averaged over the timed batches); vLLM its measured running batch (L = the mean
  prompt + half the new tokens). The compute ceiling (peak bf16 FLOP/s / (2 x parameters) tokens/s) is
  printed beside it; attention FLOPs are left out of it.

Each backend runs in its own process (GPU memory is returned between them); vLLM's in the generation
environment, as the workflow runs it (`xlit.vllm_job.vllm_python`: this interpreter when it has vLLM, else
config `vllm.python`'s default, `.venv-vllm/bin/python`, or `--vllm-python`; `make vllm VLLM_TARGET=cuda`).
Prints one line per figure and a JSON summary. Needs CUDA for real figures; ~3-5 minutes on an H100/H200.
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
#: `--shapes tiny` (`--tiny`): a smoke test of this script, not a figure; head size 32 (vLLM's CPU attention)
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


def kv_bytes_per_token(c: dict) -> int:
    """K and V of every layer for one token, bf16."""
    head_dim = c["hidden_size"] // c["num_attention_heads"]
    return 2 * c["num_hidden_layers"] * c["num_key_value_heads"] * head_dim * 2


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
    timed_widths = [max(map(len, b)) for b in batches[1 : a.hf_batches + 1]]
    return {
        "load_s": round(load_s, 1),
        "timed_batches": a.hf_batches,
        "batch": a.hf_batch,
        "mean_padded_prompt": round(sum(timed_widths) / max(1, len(timed_widths)), 1),
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
            dtype=a.dtype,
            seed=0,
            max_model_len=1024,
            gpu_memory_utilization=a.gpu_memory_utilization,
            enforce_eager=a.tiny,
            disable_log_stats=False,  # the step statistics give the running batch
        )
        load_s = time.perf_counter() - t0
        params = SamplingParams(
            temperature=0.0, max_tokens=a.new_tokens, ignore_eos=True, repetition_penalty=1.2, detokenize=False
        )
        prompts = [TokensPrompt(prompt_token_ids=p) for p in workload(a.langs, a.prompts)]
        llm.generate(prompts[:8], params, use_tqdm=False)  # warm-up
        before = step_stats(llm)
        t0 = time.perf_counter()
        outs = llm.generate(prompts, params, use_tqdm=False)
        wall = time.perf_counter() - t0
        after = step_stats(llm)
        engine = llm.llm_engine.vllm_config
        kv_tokens = engine.cache_config.num_gpu_blocks * engine.cache_config.block_size
    tokens = sum(len(o.outputs[0].token_ids) for o in outs)
    steps = after["steps"] - before["steps"]
    mean_len = sum(len(p["prompt_token_ids"]) for p in prompts) / len(prompts) + a.new_tokens
    return {
        "load_s": round(load_s, 1),
        "tokens": tokens,
        "wall_s": round(wall, 2),
        "tokens_per_s": round(tokens / wall, 1),
        "engine_steps": steps,
        "running_batch": round((after["generated"] - before["generated"]) / steps, 1) if steps else None,
        "max_num_seqs": engine.scheduler_config.max_num_seqs,
        "kv_cache_tokens": kv_tokens,
        "kv_cache_seqs": int(kv_tokens // mean_len),  # sequences of the mean final length the KV cache holds
    }


def step_stats(llm) -> dict:
    """vLLM's engine steps so far and the tokens they generated (its Prometheus metrics)."""
    out = {"steps": 0, "generated": 0}
    for m in llm.get_metrics():
        if m.name == "vllm:iteration_tokens_total":
            out["steps"] += m.count
        elif m.name == "vllm:generation_tokens":
            out["generated"] += m.value
    return out


def python(a, phase: str) -> str:
    """hf: this interpreter; vllm: the generation environment's, as the workflow picks it (xlit.vllm_job)."""
    if phase == "hf":
        return sys.executable
    from xlit.config import section_defaults
    from xlit.vllm_job import vllm_python

    return vllm_python({"vllm": {**section_defaults("vllm"), **({"python": a.vllm_python} if a.vllm_python else {})}})


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
    ap.add_argument("--dtype", default="bfloat16", help="vLLM's dtype (--tiny: float32)")
    ap.add_argument("--gpu-memory-utilization", type=float, default=0.9, help="vLLM's (--tiny: 0.08 of the RAM)")
    ap.add_argument("--vllm-python", help="the generation environment's interpreter (default: as the workflow's)")
    ap.add_argument("--tiny", action="store_true", help="CPU smoke test: tiny shapes, 2 x 8 prompts, 8 new tokens")
    a = ap.parse_args()
    if a.tiny:
        a.shapes, a.device, a.dtype, a.gpu_memory_utilization = "tiny", "cpu", "float32", 0.08
        a.langs, a.prompts, a.new_tokens, a.hf_batch, a.hf_batches = 2, 8, 8, 4, 2
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
        try:
            cmd = [python(a, phase), __file__, "--phase", phase] + [x for x in sys.argv[1:] if x != "--phase"]
        except RuntimeError as e:  # no generation environment
            summary[phase] = {"error": str(e)}
            print(f"{phase}: {e}", flush=True)
            continue
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
    c = shapes(a)
    p = n_params(c)
    weight_gb = 2 * p / 1e9
    kv_per_token = kv_bytes_per_token(c)
    summary["params_b"] = round(p / 1e9, 3)
    summary["kv_kb_per_token"] = round(kv_per_token / 1e3, 1)
    mean_prompt = sum(map(len, workload(a.langs, a.prompts))) / (a.langs * a.prompts)
    if summary["hbm_tbps"]:
        ceiling = {
            "weight_gb": round(weight_gb, 2),
            "weights_only_steps_per_s": round(summary["hbm_tbps"] * 1e12 / (2 * p), 1),
        }
        if summary["bf16_tflops"]:
            ceiling["compute_tokens_per_s"] = round(summary["bf16_tflops"] * 1e12 / (2 * p))
        for phase, context in (("hf", "mean_padded_prompt"), ("vllm", None)):
            r = summary.get(phase, {})
            batch = r.get("batch") if phase == "hf" else r.get("running_batch")
            if "tokens_per_s" not in r or not batch:
                continue
            length = (r[context] if context else mean_prompt) + a.new_tokens / 2
            step_bytes = 2 * p + batch * length * kv_per_token
            bound = batch * summary["hbm_tbps"] * 1e12 / step_bytes
            ceiling[phase] = {
                "batch": batch,
                "mean_context": round(length, 1),
                "kv_gb_per_step": round(batch * length * kv_per_token / 1e9, 2),
                "tokens_per_s": round(bound),
                "share": round(r["tokens_per_s"] / bound, 3),
            }
            print(
                f"{phase}: batch {batch}, mean context {length:.0f} tokens: a step reads {weight_gb:.2f} GB of weights"
                f" + {ceiling[phase]['kv_gb_per_step']} GB of KV cache; ceiling {bound:,.0f} tokens/s on "
                f"{summary['gpu']} ({summary['hbm_tbps']} TB/s); measured {r['tokens_per_s']:,.0f} "
                f"= {ceiling[phase]['share']:.0%}"
            )
        summary["ceiling"] = ceiling
        print(f"compute ceiling {ceiling.get('compute_tokens_per_s', '?')} tokens/s")
    if "tokens_per_s" in summary.get("hf", {}) and "tokens_per_s" in summary.get("vllm", {}):
        summary["vllm_over_hf"] = round(summary["vllm"]["tokens_per_s"] / summary["hf"]["tokens_per_s"], 1)
        print(f"vLLM / hf: {summary['vllm_over_hf']}x")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
