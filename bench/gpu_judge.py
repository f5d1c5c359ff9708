"""GPU throughput of the open judge on vLLM (`judges.<name>.backend: vllm`): one checkpoint's judge job, as the
workflow runs it, on a random-init judge-sized model; then the same job again with every answer cached.

    python bench/gpu_judge.py [--gpus 1] [--langs 4 --prompts 113] [--max-tokens 256] [--max-length 4096]
    python bench/gpu_judge.py --tiny      # CPU smoke test (tests/test_gpu_judge.py): tiny shapes, 16 responses

No hub access is assumed. The judge is a random-init Llama with Llama-3.1-8B-Instruct's shapes (hidden 4096, 32
layers, 32 heads, 8 KV heads, MLP 14336, vocabulary 128256, llama3 RoPE) that vLLM builds with
`load_format="dummy"` (random weights, no files) from a config.json written here, in bf16; its tokenizer is built
here too: word level (one token per word or punctuation run), Llama-3's special tokens at their ids and its chat
template (one user turn, `<|eot_id|>` ends it). The responses are synthetic (instruction, response) pairs of
paper-like lengths (instructions 50-150 tokens, responses 200-600), `--langs` files of `--prompts` each (a
checkpoint's test split); each prompt is xlit's DEFAULT_TEMPLATE rendered over one pair (`xlit.judge.render`, via
the judge itself). Random weights never parse as a JSON rating, and rarely stop early: every answer is about
`max_tokens` long (the judge's default, 256), an upper bound for a real judge's answer.

The job is the workflow's (workflow/scripts/judge.py): `hand_over_needed(spec)`, then the hand-over's child side
(`xlit.vllm_job.run_spec`: `xlit.judge.job.run_job`) in the generation environment with the hand-over's
interpreter (`vllm_python`: this one when it has vLLM, else config `vllm.python`'s default `.venv-vllm/bin/python`,
or `--vllm-python`), environment (`child_env`) and engine arguments (config `vllm`, plus `load_format: dummy`).
That child is this script (`--phase vllm`), so that it can time the engine start (`VLLMJudgeChat._start`), the
engine calls (`VLLMChat.complete`) and the answer-cache writes (`ChatCache.put`) around the unchanged job. The
answer cache is a fresh tmp directory. Then the outputs are removed and the job runs again here, as judge.py runs
it when `hand_over_needed` is False: every answer from the cache and no engine (checked, and reported).

Figures (one `name: value` block, then a JSON summary line):
- engine_start_s: `vllm.LLM(...)` of the judge (weights, torch.compile, CUDA graphs, KV cache);
- judge_s: the rest of the job (tokenising, engine calls, cache and output writes); responses_per_s,
  prompt_tokens_per_s and generated_tokens_per_s are over judge_s, job_responses_per_s over the whole wall_s
  (the child's process: interpreter, imports, engine start, job);
- cache_writes_per_s: answers written to the answer cache (one file each) per second spent writing them;
- cached_rerun_s, cached_rerun_engines (engines started: must be 0), cached_rerun_from_cache.

What a GPU run should show (defaults: 452 responses of ~960 prompt tokens, 256 generated tokens each; rough
expectations, not measurements): on one H100 an engine start of ~1-2 minutes, then the job in tens of seconds:
~10-40 responses/s, ~10-40k prompt tokens/s and ~3-10k generated tokens/s (decoding is bound by reading the 16 GB
of weights and the KV cache each step; the KV cache holds a few hundred of these sequences at once). Cache writes
should run at thousands per second (far from the bottleneck), and the cached re-run take seconds with no engine.
With `--gpus 2` (tensor parallel) the job should be faster but less than twice. Needs CUDA and vLLM's CUDA build
(`make vllm VLLM_TARGET=cuda`) for real figures; ~3-5 minutes on an H100/H200.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LLAMA31_8B = dict(
    vocab_size=128256,
    hidden_size=4096,
    intermediate_size=14336,
    num_hidden_layers=32,
    num_attention_heads=32,
    num_key_value_heads=8,
    head_dim=128,
    max_position_embeddings=131072,
    rms_norm_eps=1e-5,
    rope_theta=500000.0,
    rope_scaling={
        "rope_type": "llama3",
        "factor": 8.0,
        "low_freq_factor": 1.0,
        "high_freq_factor": 4.0,
        "original_max_position_embeddings": 8192,
    },
    tie_word_embeddings=False,
    torch_dtype="bfloat16",
)
#: `--tiny`: a smoke test of this script, not a figure; head size 32 (vLLM's CPU attention)
TINY = {
    **LLAMA31_8B,
    "vocab_size": 2048,
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "num_key_value_heads": 1,
    "head_dim": 32,
    "max_position_embeddings": 2048,
    "rope_scaling": {**LLAMA31_8B["rope_scaling"], "original_max_position_embeddings": 256},
}
#: Llama-3's first special tokens, at vocab_size - 256 + i (128000... for the 8B)
SPECIALS = [
    "<|begin_of_text|>",
    "<|end_of_text|>",
    "<|reserved_special_token_0|>",
    "<|reserved_special_token_1|>",
    "<|finetune_right_pad_id|>",
    "<|reserved_special_token_2|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eom_id|>",
    "<|eot_id|>",
]
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n"
    "{{ m['content'] | trim }}<|eot_id|>{% endfor %}"
    "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}"
)


def build_model(out: Path, shapes: dict) -> int:
    """config.json (no weights: vLLM's `load_format: dummy`), generation_config.json and a word-level tokenizer
    with the chat template: the template's words and punctuation, then synthetic words `w<i>`, then the specials.
    Returns how many synthetic words there are."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    from xlit.judge import DEFAULT_TEMPLATE

    out.mkdir(parents=True)
    base = shapes["vocab_size"] - 256
    sid = {s: base + i for i, s in enumerate(SPECIALS)}
    eos = [sid["<|end_of_text|>"], sid["<|eom_id|>"], sid["<|eot_id|>"]]
    cfg = {
        **shapes,
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_act": "silu",
        "bos_token_id": sid["<|begin_of_text|>"],
        "eos_token_id": eos,
    }
    (out / "config.json").write_text(json.dumps(cfg, indent=1))
    gen = {"bos_token_id": cfg["bos_token_id"], "eos_token_id": eos, "do_sample": False}
    (out / "generation_config.json").write_text(json.dumps(gen, indent=1))
    pre = pre_tokenizers.Whitespace()
    pieces = list(
        dict.fromkeys(["[UNK]", "user", "assistant"] + [p for p, _ in pre.pre_tokenize_str(DEFAULT_TEMPLATE)])
    )
    words = pieces + [f"w{i}" for i in range(base - len(pieces))]
    vocab = {w: i for i, w in enumerate(words)}
    vocab.update({f"<|reserved_{i}|>": base + i for i in range(len(SPECIALS), 256)})
    vocab.update(sid)
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre
    tok.add_special_tokens(SPECIALS)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|begin_of_text|>",
        eos_token="<|eot_id|>",
        pad_token="<|finetune_right_pad_id|>",
        unk_token="[UNK]",
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(out)
    return base - len(pieces)


def write_responses(d: Path, a, n_words: int) -> list[list[str]]:
    """`a.langs` files of `a.prompts` synthetic (instruction, response) pairs: [[responses, out, lang], ...]."""
    from xlit.io import write_jsonl

    rng = random.Random(0)
    lo, hi = (10, 30) if a.tiny else (50, 150)

    def text(n: int) -> str:
        return " ".join(f"w{rng.randrange(n_words)}" for _ in range(n))

    files = []
    for k in range(a.langs):
        lang = f"l{k}"
        rows = [
            {
                "id": f"test-{i:03d}",
                "lang": lang,
                "prompt": text(rng.randint(lo, hi)),
                "response": text(rng.randint(4 * lo, 4 * hi)),
            }
            for i in range(a.prompts)
        ]
        write_jsonl(d / "gen" / f"{lang}.jsonl", rows)
        files.append([str(d / "gen" / f"{lang}.jsonl"), str(d / "judge" / f"{lang}.jsonl"), lang])
    return files


def child(spec_file: str) -> None:
    """`--phase vllm`, in the generation environment: the hand-over's child side (`run_spec`) with timers around
    the engine start, the engine calls and the cache writes; prints RESULT {...}."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr)
    from xlit.judge import vllm_judge
    from xlit.llm import ChatCache
    from xlit.vllm_backend import VLLMChat
    from xlit.vllm_job import exit_now, run_spec

    t = {"engine_start_s": 0.0, "engines": 0, "engine_s": 0.0, "engine_calls": 0, "prompt_tokens": 0}
    t.update(generated_tokens=0, cache_writes=0, cache_write_s=0.0)
    start, complete, put = vllm_judge.VLLMJudgeChat._start, VLLMChat.complete, ChatCache.put
    engine = []

    def timed_start(self):
        t0 = time.perf_counter()
        start(self)
        t["engine_start_s"] += time.perf_counter() - t0
        t["engines"] += 1
        engine.append(self.engine)

    def timed_complete(self, encoded, **kw):
        t0 = time.perf_counter()
        out = complete(self, encoded, **kw)
        t["engine_s"] += time.perf_counter() - t0
        t["engine_calls"] += 1
        t["prompt_tokens"] += sum(map(len, encoded))
        t["generated_tokens"] += sum(map(len, out))
        return out

    def timed_put(self, key, value):
        t0 = time.perf_counter()
        put(self, key, value)
        t["cache_write_s"] += time.perf_counter() - t0
        t["cache_writes"] += 1

    vllm_judge.VLLMJudgeChat._start, VLLMChat.complete, ChatCache.put = timed_start, timed_complete, timed_put
    code = 0
    try:
        spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
        t0 = time.perf_counter()
        run_spec(spec)
        t["job_s"] = time.perf_counter() - t0
        if engine:
            vc = engine[0].llm.llm_engine.vllm_config
            t["max_num_seqs"] = vc.scheduler_config.max_num_seqs
            t["kv_cache_tokens"] = vc.cache_config.num_gpu_blocks * vc.cache_config.block_size
            t["max_model_len"] = engine[0].max_model_len
            from vllm.platforms import current_platform

            t["device"] = current_platform.get_device_name() if current_platform.is_cuda_alike() else "cpu"
        print("RESULT " + json.dumps(t), flush=True)
    except Exception:
        logging.getLogger("gpu_judge").exception("the judge job failed")
        code = 1
    exit_now(code)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--phase", choices=["vllm"], help=argparse.SUPPRESS)
    ap.add_argument("--spec", help=argparse.SUPPRESS)
    ap.add_argument("--gpus", type=int, default=1, help="the judge's `gpus`: tensor parallel over them")
    ap.add_argument("--langs", type=int, default=4, help="response files (a checkpoint's languages)")
    ap.add_argument("--prompts", type=int, default=113, help="responses per file")
    ap.add_argument("--max-tokens", type=int, help="the judge's max_tokens (default: the schema's, 256)")
    ap.add_argument("--max-length", type=int, default=4096, help="the judge's max_length (the engine's max_model_len)")
    ap.add_argument("--batch-size", type=int, help="the judge's batch_size: requests per engine call (default 256)")
    ap.add_argument("--gpu-memory-utilization", type=float, help="config vllm's (default 0.9; --tiny: 0.08 of the RAM)")
    ap.add_argument("--threads", type=int, help="the job's threads (OMP_NUM_THREADS of vLLM's CPU worker)")
    ap.add_argument("--vllm-python", help="the generation environment's interpreter (default: as the workflow's)")
    ap.add_argument("--timeout", type=int, default=480, help="seconds the first (engine) run may take")
    ap.add_argument("--tiny", action="store_true", help="CPU smoke test: tiny shapes, 2 x 8 responses, 8 tokens")
    a = ap.parse_args()
    if a.phase:
        child(a.spec)
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr)
    if a.tiny:
        a.langs, a.prompts, a.max_tokens, a.max_length = 2, 8, 8, 1024
        a.gpu_memory_utilization, a.threads = a.gpu_memory_utilization or 0.08, a.threads or 1
    sys.path.insert(0, str(ROOT / "src"))
    from xlit.io import read_jsonl
    from xlit.judge import vllm_judge
    from xlit.judge.job import hand_over_needed, run_job
    from xlit.settings import section_defaults
    from xlit.vllm_job import child_env, engine_args, vllm_python

    shapes = TINY if a.tiny else LLAMA31_8B
    vcfg = {**section_defaults("vllm"), "enforce_eager": bool(a.tiny)}
    if a.gpu_memory_utilization:
        vcfg["gpu_memory_utilization"] = a.gpu_memory_utilization
    vcfg["python"] = a.vllm_python or vcfg["python"]
    if not Path(vcfg["python"]).is_absolute() and not Path(vcfg["python"]).exists():
        vcfg["python"] = str(ROOT / vcfg["python"])  # the default is relative to the project
    config = {"vllm": vcfg}
    n = a.langs * a.prompts
    f: dict = {"model": ("tiny" if a.tiny else "llama3.1-8b") + " shapes, random init", "responses": n}
    with tempfile.TemporaryDirectory(prefix="gpu-judge-") as tmp:
        d = Path(tmp)
        model = d / "model"
        files = write_responses(d, a, build_model(model, shapes))
        cfg = {"backend": "vllm", "model": str(model), "max_length": a.max_length, "gpus": a.gpus}
        cfg.update({k: v for k, v in (("max_tokens", a.max_tokens), ("batch_size", a.batch_size)) if v})
        spec = {  # as workflow/scripts/judge.py builds it
            "judge": "bench",
            "cfg": cfg,
            "template": None,  # the built-in DEFAULT_TEMPLATE
            "files": files,
            "members": [[] for _ in files],
            "cache_dir": str(d / "cache"),
            "base_dir": str(d),
            "max_error_share": 0.0,
            "reasks": 1,
            "run": "bench",
            "lr": "0",
            "threads": a.threads,
            "gpus": a.gpus,
        }
        if not hand_over_needed(spec):
            sys.exit("gpu_judge: a fresh cache holds every answer: nothing to measure")
        # as xlit.vllm_job.hand_over: the job, its engine arguments (plus random weights), the child's environment
        handed = {**spec, "job": "judge", "engine": {**engine_args(config), "load_format": "dummy"}}
        (d / "spec.json").write_text(json.dumps(handed, indent=1))
        cmd = [vllm_python(config), __file__, "--phase", "vllm", "--spec", str(d / "spec.json")]
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd, stdout=subprocess.PIPE, text=True, timeout=a.timeout, env={**os.environ, **child_env(handed)}
            )
        except subprocess.TimeoutExpired:
            sys.exit(f"gpu_judge: the judge job timed out after {a.timeout}s")
        wall = time.perf_counter() - t0
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if proc.returncode or line is None:
            sys.exit(f"{proc.stdout[-3000:]}\ngpu_judge: the judge job failed (exit {proc.returncode}; stderr above)")
        r = json.loads(line[7:])
        rows = [row for _, out, _ in files for row in read_jsonl(out)]
        if len(rows) != n or r["engines"] != 1 or r["cache_writes"] != n:
            sys.exit(f"gpu_judge: {len(rows)} rows of {n}, {r['engines']} engines, {r['cache_writes']} cache writes")
        judge_s = r["job_s"] - r["engine_start_s"]
        f.update(
            device=r.get("device"),
            tensor_parallel=a.gpus,
            max_model_len=r.get("max_model_len"),
            max_num_seqs=r.get("max_num_seqs"),
            kv_cache_tokens=r.get("kv_cache_tokens"),
            mean_prompt_tokens=round(r["prompt_tokens"] / n, 1),
            mean_generated_tokens=round(r["generated_tokens"] / n, 1),
            parsed_answers=sum(not row["missing"] for row in rows),
            wall_s=round(wall, 2),
            engine_start_s=round(r["engine_start_s"], 3),
            judge_s=round(judge_s, 3),
            engine_s=round(r["engine_s"], 3),
            engine_calls=r["engine_calls"],
            responses_per_s=round(n / judge_s, 2),
            prompt_tokens_per_s=round(r["prompt_tokens"] / judge_s, 1),
            generated_tokens_per_s=round(r["generated_tokens"] / judge_s, 1),
            job_responses_per_s=round(n / wall, 2),
            cache_writes=r["cache_writes"],
            cache_write_s=round(r["cache_write_s"], 3),
            cache_writes_per_s=round(r["cache_writes"] / max(r["cache_write_s"], 1e-9), 1),
        )

        # the re-run with every answer cached: as judge.py, here, without handing over; no engine may start
        for _, out, _ in files:
            Path(out).unlink()
        started = []
        start = vllm_judge.VLLMJudgeChat._start
        vllm_judge.VLLMJudgeChat._start = lambda self: (started.append(1), start(self))[1]
        t0 = time.perf_counter()
        handed_again = hand_over_needed(spec)
        if not handed_again:
            again = [row for rows_ in run_job(spec) for row in rows_]
        cached_s = time.perf_counter() - t0
        vllm_judge.VLLMJudgeChat._start = start
        if handed_again:
            sys.exit("gpu_judge: the re-run would hand over to vLLM: answers are missing from the cache")
        f.update(
            cached_rerun_s=round(cached_s, 3),
            cached_rerun_engines=len(started),
            cached_rerun_from_cache=sum(bool(row["cached"]) for row in again),
        )
    for k, v in f.items():
        print(f"{k}: {v}")
    print(json.dumps(f))
    if started or f["cached_rerun_from_cache"] != n:
        sys.exit("gpu_judge: the cached re-run started an engine or asked again")


if __name__ == "__main__":
    main()
