"""A plan for training, before anything is submitted: per run, the peak GPU memory per GPU, the GPUs needed on
cards of `cluster.gpu_mem_gb` GiB, the host RAM of the job (the `train` rule's `mem_mb`) and the disk it writes.
`xlit plan CONFIG` prints it; the workflow refuses a config that does not fit (`check_plan`, one line).

GPU memory is what PyTorch allocates at the peak of a step (`torch.cuda.max_memory_allocated`), in GiB (2^30
bytes; an "80 GB" H100 has 80 GiB); a run fits at most `cluster.usable_share` of the card (the rest: CUDA
context, NCCL, fragmentation). Counted for a Llama-shaped decoder (P parameters, L layers, hidden h, MLP f, key
and value width kv, vocabulary V), a micro-batch of T padded tokens (rows x longest row S), n GPUs sharding a
full fine-tuning (FSDP2 full shard; LoRA and one GPU: n = 1), weights of w bytes, compute (matmul) dtype of c
bytes and a residual stream of r bytes (`Regime`; bf16-mixed under FSDP computes in bf16 from its gathered
weights, r = 2). Term by term:

- weights w P / n, gradients w P / n (reduce-scattered after every micro-batch: `sync_each_batch`, never a
  full-size gradient), optimizer 8 P / n (AdamW's two fp32 moments, in every precision). LoRA: the frozen base
  (P x its bytes) plus the adapters' weights, gradients and moments.
- activations kept through the step: with checkpointing each decoder layer's input (L r T h) and the boolean
  attention mask (T S); without it, every layer's saved tensors (below).
- the working set, the largest of three moments:
  - the backward of one decoder layer: its forward recomputed (`layer_saved`: RMSNorms' fp32 copies and
    normalised outputs, q k v after RoPE and the attention output (sdpa's flash / memory-efficient kernels save
    no S x S matrix, only the log-sum-exp), gate, SiLU, up and their product (4 c T f); LoRA: the adapters'
    inputs instead of the frozen layers'), the sdpa mask in the compute dtype (T S c), the gradients in flight
    (the residual stream's two, 2 r T h, and the largest of the MLP's 3 c T f and the attention's
    c T (2h + 2kv) + 4 T h), and under FSDP five layers of buffers in the compute dtype (the current and the
    prefetched layer, an all-gather output, the unsharded gradients, a reduce-scatter input);
  - the LM head: trl's fused head (`trl.trainer.utils.add_fused_lm_head`, `ChunkedLogProbFunction`) never
    builds the [T, V] logits: it projects tiles of at most 4,096 tokens x 32,768 vocabulary entries (into one
    buffer of that size, c bytes, whatever V) into running log-sum-exp statistics and recomputes them in the
    backward; it saves the hidden states (r T h), accumulates their gradient in fp32 (4 T h, then cast) and,
    for full fine-tuning, the head's weight gradient in fp32 (4 V h, then cast; under FSDP the head is
    gathered and reduce-scattered too);
  - bf16-mixed on one GPU: autocast's bf16 copies of every weight, held until the forward ends (2 P).
`layer_saved` is exactly what the installed transformers/peft save (tests/test_plan.py counts it with
autograd's saved-tensor hooks) and the whole estimate is within 5% of a peak measured on CPU (torch's
MemTracker); kernels' workspaces and the embedding's backward are left out.

Host RAM (the `train` job's `mem_mb`): rank 0 holds the whole model on the CPU once, when loading (the others
build it on the meta device) and when the final model is gathered and cast for saving; plus
`cluster.process_mem_gb` per process. Disk: a trainer checkpoint holds one copy of the weights and the fp32
moments (sharded under FSDP); two are kept while a run trains and a third is written before the oldest goes,
then all are removed once the final model (bf16, or fp32 under fp32; LoRA: the adapter) is saved; the
`selection.steps` models stay beside it.

Micro-batches: `xlit.train.token_batches` caps rows x longest row at `training.tokens_per_batch`, so no
micro-batch exceeds max(tokens_per_batch, max_length) padded tokens: the check uses that bound. `xlit plan`
also reads a run's IT data when the workflow has written it (`xlit.paths.it_data_file`) and reports the largest
micro-batch and the 99th percentile of that data (tokenised with the base's tokenizer when it is on this
machine, else `CHARS_PER_TOKEN`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from .settings import ConfigError, learning_rates, runs, selection_steps
from .train import precision_for, tokens_per_update_target

GPU_COUNTS = (1, 2, 4, 8)  # GPUs of one node a job may ask for
GIB = 2**30
HEAD_TILE = (4096, 32768)  # trl's fused LM head: its projection buffer, tokens x vocabulary entries
#: the estimate without a tokenizer: UTF-8 bytes per token (LLaMA-2's tokenizer averages ~4 on English and
#: French, ~4.5 on Russian: this over-counts a little), plus a few tokens per message ([INST], BOS, EOS)
CHARS_PER_TOKEN = 3.5
TOKENS_PER_MESSAGE = 6


@dataclass(frozen=True)
class Shape:
    vocab_size: int
    hidden_size: int
    num_layers: int
    intermediate_size: int
    num_heads: int
    num_kv_heads: int
    tie_embeddings: bool = False
    qkv_bias: bool = False  # Qwen2/2.5: biases on the q, k and v projections

    @property
    def kv_dim(self) -> int:
        return self.hidden_size * self.num_kv_heads // self.num_heads

    def layer_params(self) -> int:
        h, f, kv = self.hidden_size, self.intermediate_size, self.kv_dim
        bias = h + 2 * kv if self.qkv_bias else 0
        return 2 * h * h + 2 * h * kv + 3 * h * f + 2 * h + bias  # q, o; k, v; gate, up, down; two norms

    def params(self) -> int:
        embed = self.vocab_size * self.hidden_size * (1 if self.tie_embeddings else 2)
        return embed + self.num_layers * self.layer_params() + self.hidden_size

    def lora_layer_params(self, r: int) -> int:
        h, f, kv = self.hidden_size, self.intermediate_size, self.kv_dim
        return r * (2 * (h + h) + 2 * (h + kv) + 2 * (h + f) + (f + h))

    def lora_params(self, r: int) -> int:
        """Adapter parameters of LoRA rank r on every linear layer of every decoder layer (`all-linear`)."""
        return self.num_layers * self.lora_layer_params(r)


def shape_of(model_cfg: dict) -> Shape | None:
    """A base model's shape: `shape:` in its config, a tiny model's settings, or a local config.json."""
    if "shape" in model_cfg:
        s = model_cfg["shape"]
        return Shape(
            s["vocab_size"],
            s["hidden_size"],
            s["num_layers"],
            s["intermediate_size"],
            s["num_heads"],
            s.get("num_kv_heads") or s["num_heads"],
            s.get("tie_embeddings", False),
            bool(s.get("qkv_bias", False)),
        )
    if "tiny" in model_cfg:
        t = model_cfg["tiny"]
        return Shape(
            t["vocab_size"],
            t["hidden_size"],
            t["num_layers"],
            4 * t["hidden_size"],
            t["num_heads"],
            t["num_heads"],
            True,
        )
    local = Path(str(model_cfg.get("hf", ""))) / "config.json"
    if local.is_file():
        c = json.loads(local.read_text())
        return Shape(
            c["vocab_size"],
            c["hidden_size"],
            c["num_hidden_layers"],
            c["intermediate_size"],
            c["num_attention_heads"],
            c.get("num_key_value_heads") or c["num_attention_heads"],
            bool(c.get("tie_word_embeddings", False)),
            c.get("model_type") == "qwen2",
        )
    return None


@dataclass(frozen=True)
class Regime:
    """Bytes per element of a training configuration: `weight` (full fine-tuning: the stored master weight;
    LoRA: the frozen base), `adapter` (LoRA), `compute` (matmul outputs), `residual` (the residual stream),
    `shards` (FSDP GPUs), `autocast` (fp32 weights cast to bf16 per op), `copies` (LoRA: each adapter casts its
    input to the adapter's dtype and back)."""

    lora: bool
    shards: int
    weight: int
    adapter: int
    compute: int
    residual: int
    autocast: bool
    copies: bool


def regime(precision: str, lora: bool, gpus: int) -> Regime:
    c = 4 if precision == "fp32" else 2
    if lora:  # one GPU; the base in bf16 unless fp32 (xlit.train.model_dtype), adapters fp32 unless bf16-pure
        adapter = 2 if precision == "bf16-pure" else 4
        return Regime(True, 1, c, adapter, c, c, False, adapter != c)
    n = max(1, gpus)
    w = 2 if precision == "bf16-pure" else 4
    # bf16-mixed: under FSDP the gathered weights are bf16 (MixedPrecisionPolicy), on one GPU autocast casts
    mixed_alone = precision == "bf16-mixed" and n == 1
    return Regime(False, n, w, 0, c, 4 if mixed_alone else c, mixed_alone, False)


def layer_saved(shape: Shape, tokens: int, rg: Regime, lora_r: int = 0) -> int:
    """Bytes one decoder layer's forward saves for its backward besides its input and its weights (no
    attention mask; sdpa without an S x S matrix)."""
    h, f, kv, T = shape.hidden_size, shape.intermediate_size, shape.kv_dim, tokens
    c, r = rg.compute, rg.residual
    b = 2 * (4 * T * h + 4 * T)  # each RMSNorm: its input in fp32 and the inverse RMS
    if r == 4:
        b -= 4 * T * h  # the first one's fp32 input is the layer's input itself
    b += c * T * (2 * h + 2 * kv) + 4 * T * shape.num_heads  # q, k after RoPE, v, attention output; log-sum-exp
    b += 4 * c * T * f  # gate, SiLU(gate), up, their product
    if rg.lora:  # frozen linears and norms save nothing of their own; the adapters save their inputs
        b += c * T * h * (6 if rg.copies else 2) + 7 * c * T * lora_r  # (LoRA A's outputs, read by B)
        if rg.copies:
            b += c * shape.lora_layer_params(lora_r)  # autocast's bf16 copies of the fp32 adapters
    else:
        b += 2 * r * T * h  # the normalised activations (the norms' weight gradients)
        b += c * T * h * (5 if rg.autocast else 2)  # the norms' outputs, cast per linear under autocast
        if rg.autocast:
            b += c * (shape.layer_params() - 2 * h)  # autocast's bf16 copies of the layer's linear weights
    return b


def estimate(
    shape: Shape,
    precision: str,
    lora_r: int | None,
    gpus: int,
    micro_tokens: int,
    checkpointing: bool,
    longest: int | None = None,
) -> dict:
    """Peak bytes per GPU by part (the module docstring derives each) for micro-batches of `micro_tokens`
    padded tokens whose longest row is `longest` (default: one row). Full fine-tuning on several GPUs is
    sharded (FSDP2); LoRA runs on one GPU."""
    rg = regime(precision, bool(lora_r), 1 if lora_r else gpus)
    P, layer, n = shape.params(), shape.layer_params(), rg.shards
    h, f, kv, L, V = shape.hidden_size, shape.intermediate_size, shape.kv_dim, shape.num_layers, shape.vocab_size
    T, S, c, r = micro_tokens, min(longest or micro_tokens, micro_tokens), rg.compute, rg.residual
    parts: dict[str, float] = {}
    if lora_r:
        A = shape.lora_params(lora_r)
        parts["weights"] = P * rg.weight + A * rg.adapter
        parts["gradients"] = A * rg.adapter
        parts["optimizer"] = A * 8
    else:
        parts["weights"] = P * rg.weight / n
        parts["gradients"] = P * rg.weight / n
        parts["optimizer"] = P * 8 / n
    saved = layer_saved(shape, T, rg, lora_r or 0)
    mask = T * S  # the boolean [rows, 1, S, S] mask, made once per forward
    if checkpointing:
        parts["activations"] = L * r * T * h + mask
    else:
        parts["activations"] = L * (saved + T * S * c + (r * T * h if r == 4 else 0)) + mask
    buffers = 5 * layer * c if n > 1 else 0
    moments = {
        "layer backward": (saved + T * S * c if checkpointing else 0)
        + 2 * r * T * h
        + max(3 * c * T * f, c * T * (2 * h + 2 * kv) + 4 * T * h)
        + buffers,
    }
    tile = min(T, HEAD_TILE[0]) * HEAD_TILE[1] * c  # allocated 32,768 wide whatever V
    head = 4 * T * h + 4 * T + r * T * h + tile + (4 + r) * T * h  # final norm, saved hidden, tile, its gradient
    if r != c:
        head += c * min(T, HEAD_TILE[0]) * h  # a chunk of hidden states cast to the compute dtype
    if not lora_r:
        held = c if n > 1 else rg.weight  # the head's weight as the fused head reads it
        head += r * T * h + 4 * V * h + (held * V * h if held != 4 else 0)  # normalised (norm weight); head grad
        if held != c:
            head += c * V * h  # the weight cast to the compute dtype
        if n > 1:
            head += 2 * c * V * h + 2 * layer * c  # gathered head, reduce-scatter input, prefetched layer
    moments["LM head"] = head
    if rg.autocast:
        moments["bf16 weight copies"] = c * P + tile
    phase = max(moments, key=moments.get)
    parts["working set"] = moments[phase]
    return {
        "parts": parts,
        "total": sum(parts.values()),
        "phase": phase,
        "moments": moments,
        "params": P,
        "trainable": shape.lora_params(lora_r) if lora_r else P,
    }


def host_bytes(shape: Shape, precision: str, lora: bool, processes: int, process_gib: float) -> float:
    """Host RAM of a training job: rank 0's largest copy of the model on the CPU (loading it in its training
    dtype; under FSDP, gathering the final model in its master dtype and casting it to the saved dtype) plus
    `process_gib` per process."""
    P = shape.params()
    rg = regime(precision, lora, processes)
    model = P * rg.weight  # xlit.train.model_dtype: LoRA's base and bf16-pure in bf16, else fp32
    if not lora:
        saved = save_bytes(precision)
        model = max(model, P * (rg.weight + (saved if saved != rg.weight else 0)) if rg.shards > 1 else P * saved)
    return model + processes * process_gib * GIB


def save_bytes(precision: str) -> int:
    """Bytes per weight of a saved fully fine-tuned model (`xlit.train.save_dtype`): bf16 unless fp32."""
    return 4 if precision == "fp32" else 2


def disk_bytes(shape: Shape, precision: str, lora_r: int | None, saved_steps: int) -> dict:
    """A training job's disk: `checkpoint` (one trainer checkpoint: weights and fp32 moments), `model` (the
    final model or a step's), `peak` (while it trains: three checkpoints while the newest is written before the
    oldest is removed, or two and the final model being saved, plus the step models) and `kept` (after it)."""
    if lora_r:
        A, adapter = shape.lora_params(lora_r), regime(precision, True, 1).adapter
        ckpt, model = A * (adapter + 8), A * adapter
    else:
        P = shape.params()
        ckpt, model = P * (regime(precision, False, 1).weight + 8), P * save_bytes(precision)
    peak = max(3 * ckpt + saved_steps * model, 2 * ckpt + (saved_steps + 1) * model)
    return {"checkpoint": ckpt, "model": model, "peak": peak, "kept": (saved_steps + 1) * model}


def train_gpus(config: dict, run) -> int:
    """GPUs of a training job (the `train` rule's `gpu`): the model's count for full fine-tuning, one for LoRA."""
    gpus = int(config["base_models"][run.model]["gpus"])
    return min(gpus, 1) if run.adaptation == "lora" else gpus


def job_precision(config: dict, gpus: int) -> str:
    """The precision the train job will resolve (`xlit.train.precision_for`, as `resolve_precision` at run time):
    a job with GPUs on a GPU that supports bf16 (the A100/H100 class `cluster` describes), else on the CPU."""
    return precision_for(config["training"]["precision"], bf16_gpu=gpus > 0)


def train_mem_mb(config: dict, run) -> int:
    """The `train` job's memory request (SLURM MB, i.e. MiB): the plan's host RAM for a GPU job whose shape is
    known, else `base_models.<m>.mem_mb` (CPU training, as the demo's)."""
    m = config["base_models"][run.model]
    gpus, shape = train_gpus(config, run), shape_of(m)
    if not gpus or shape is None:
        return int(m["mem_mb"])
    lora = run.adaptation == "lora"
    gib = host_bytes(shape, job_precision(config, gpus), lora, gpus, config["cluster"]["process_mem_gb"]) / GIB
    return int(math.ceil(gib)) * 1024


# ---- micro-batches of a run's IT data ---------------------------------------------------------------------
def _local_tokenizer(config: dict, model: str):
    """The base's tokenizer if it is on this machine (the workflow's `source.json`, a local directory, a built
    tiny model, or the hub cache; nothing is downloaded), else None."""
    from .checkpoints import read_source
    from .paths import base_model_dir, base_source

    m = config["base_models"][model]
    candidates = [base_model_dir(model)] if "tiny" in m else []
    if Path(base_source(model)).is_file():
        candidates.insert(0, read_source(base_source(model)))
    if "hf" in m:
        candidates.append(str(m["hf"]))
    for path in candidates:
        if "tiny" in m and not Path(path).is_dir():
            continue
        try:
            from transformers import AutoTokenizer

            return AutoTokenizer.from_pretrained(path, local_files_only=True)
        except (OSError, ValueError):
            continue
    return None


def example_lengths(rows: list[dict], max_length: int, tokenizer=None, chat_template: str | None = None) -> list[int]:
    """Tokens per training example as `xlit.train` feeds them (chat template, cut at `max_length`): counted by
    `tokenizer` when given (the template rendered, then tokenised in one batch without added special tokens, as
    `apply_chat_template(tokenize=True)` does), else estimated from UTF-8 bytes (`CHARS_PER_TOKEN`,
    `TOKENS_PER_MESSAGE`)."""
    if tokenizer is not None:
        from .chat import rendered_lengths, with_template

        counts = rendered_lengths(with_template(tokenizer, chat_template), [r["messages"] for r in rows])
    else:
        counts = [
            math.ceil(sum(len(str(m.get("content", "")).encode("utf-8")) for m in r["messages"]) / CHARS_PER_TOKEN)
            + TOKENS_PER_MESSAGE * len(r["messages"])
            for r in rows
        ]
    return [min(n, max_length) for n in counts]


def micro_batches(lengths: list[int], tokens_per_batch: int) -> dict:
    """Padded tokens (rows x longest row) of `xlit.train.token_batches`' micro-batches: the largest, its
    longest row, the 99th percentile (nearest rank) and the count."""
    from .train import padded_tokens, token_batches

    batches = token_batches(lengths, tokens_per_batch)
    padded = sorted((padded_tokens(b, lengths), max(lengths[i] for i in b)) for b in batches)
    return {
        "max": padded[-1][0],
        "longest": padded[-1][1],
        "p99": padded[max(0, math.ceil(0.99 * len(padded)) - 1)][0],
        "batches": len(batches),
        "examples": len(lengths),
    }


def data_micro_batches(config: dict, run, _cache: dict | None = None) -> dict | None:
    """`micro_batches` of a run's IT data file if the workflow has written it (relative to the working
    directory), with `source` naming how lengths were counted; None without the file."""
    from .chat import get_template
    from .io import read_jsonl
    from .paths import it_data_file

    path = Path(it_data_file(run.data, run.strategy))
    if not path.is_file():
        return None
    key = (run.model, str(path))
    if _cache is not None and key in _cache:
        return _cache[key]
    t = config["training"]
    template = get_template(config["base_models"][run.model]["chat_template"])
    tok = _local_tokenizer(config, run.model)
    lengths = example_lengths(read_jsonl(path), t["max_length"], tok, template)
    out = (
        {**micro_batches(lengths, t["tokens_per_batch"]), "source": "tokenizer" if tok else "bytes"}
        if lengths
        else None
    )
    if _cache is not None:
        _cache[key] = out
    return out


# ---- the plan of a config ---------------------------------------------------------------------------------
def plan_run(config: dict, run, data: dict | None = None) -> dict:
    """The plan of one run at its configured GPU count: GPU memory (at the data's largest micro-batch when
    `data` is given, else at the bound), the fewest GPUs of one node that fit at the bound, host RAM, disk."""
    t, m = config["training"], config["base_models"][run.model]
    lora = run.adaptation == "lora"
    gpus = train_gpus(config, run)
    precision = job_precision(config, gpus)
    bound = max(t["tokens_per_batch"], t["max_length"])
    out = {
        "run": run.name,
        "model": run.model,
        "adaptation": run.adaptation,
        "precision": precision,
        "gpus_configured": gpus,
        "tokens_per_update": tokens_per_update_target(t, lora),
        "micro_tokens": data["max"] if data else bound,
        "micro_p99": data["p99"] if data else None,
        "micro_source": data["source"] if data else "bound",
        "lrs": len(learning_rates(config, run)),
        "mem_mb": train_mem_mb(config, run),
    }
    shape = shape_of(m)
    if shape is None:
        return {**out, "params": None, "trainable": None, "gib_per_gpu": None, "gpus_needed": None}
    cluster = config["cluster"]
    usable = (cluster.get("gpu_mem_gb") or 0) * cluster["usable_share"] * GIB
    r = config["adaptations"][run.adaptation]["r"] if lora else None
    ckpt = t["gradient_checkpointing"]

    def est(g, tokens, longest):
        return estimate(shape, precision, r, max(1, g), tokens, ckpt, longest=longest)

    at_bound = lambda g: est(g, bound, min(bound, t["max_length"]))  # noqa: E731
    now = est(gpus, data["max"], data["longest"]) if data else at_bound(gpus)
    needed = None
    if usable:
        needed = next((g for g in ((1,) if lora else GPU_COUNTS) if at_bound(g)["total"] <= usable), None)
    disk = disk_bytes(shape, precision, r, len([s for s in selection_steps(config) if s < (t["max_steps"] or 0)]))
    return {
        **out,
        "params": now["params"],
        "trainable": now["trainable"],
        "gib_per_gpu": now["total"] / GIB,
        "gib_per_gpu_bound": at_bound(gpus)["total"] / GIB,
        "parts_gib": {k: v / GIB for k, v in now["parts"].items()},
        "phase": now["phase"],
        "gpus_needed": needed,
        "host_gib": out["mem_mb"] / 1024,
        "disk_gib": {k: v / GIB for k, v in disk.items()},
    }


def plan(config: dict, read_data: bool = False) -> list[dict]:
    """Every run's plan; `read_data`: use a run's IT data file where the workflow has written it."""
    cache: dict = {}
    return [
        plan_run(config, run, data_micro_batches(config, run, cache) if read_data else None)
        for run in runs(config).values()
    ]


def check_plan(config: dict, source: str = "config") -> None:
    """Refuse, in one line, a config whose GPU runs do not fit the GPUs they ask for (`cluster.gpu_mem_gb`), at
    the micro-batch bound (no data is read: this runs at every Snakemake start)."""
    gib = config["cluster"].get("gpu_mem_gb")
    if not gib:
        return
    for i, row in enumerate(plan(config)):
        if row["params"] is None or row["gpus_configured"] == 0:
            continue  # shape unknown, or a CPU run
        where = (
            f"under {row['precision']} (est. {row['gib_per_gpu']:.1f} GiB per GPU on {row['gpus_configured']}, "
            f"micro-batches of {row['micro_tokens']} padded tokens)"
        )
        if row["gpus_needed"] is None:
            most = 1 if row["adaptation"] == "lora" else max(GPU_COUNTS)
            raise ConfigError(f"{source}: runs.{i} ({row['run']}): does not fit {most} GPU(s) of {gib} GiB {where}")
        if row["gpus_configured"] < row["gpus_needed"]:
            raise ConfigError(
                f"{source}: runs.{i} ({row['run']}): needs {row['gpus_needed']} GPUs of {gib} GiB {where}; "
                f"base_models.{row['model']}.gpus is {config['base_models'][row['model']]['gpus']}"
            )


def format_plan(rows: list[dict], gpu_mem_gb: float | None) -> str:
    head = ["run", "precision", "params", "trainable", "micro-batch", "GiB/GPU", "GPUs"]
    head += [f"needed ({gpu_mem_gb or '?'} GiB)", "host GiB", "LRs", "disk GiB/job", "kept GiB/job", "tokens/update"]
    lines = ["\t".join(head)]
    for r in rows:
        micro = str(r["micro_tokens"])
        if r["micro_p99"] is not None:
            micro += f" (p99 {r['micro_p99']}, {r['micro_source']})"
        disk = r.get("disk_gib") or {}
        cells = [r["run"], r["precision"], _count(r["params"]), _count(r.get("trainable")), micro]
        cells += [_gib(r["gib_per_gpu"]), str(r["gpus_configured"])]
        cells += [str(r["gpus_needed"] or ("none" if gpu_mem_gb and r["gib_per_gpu"] else "-")), f"{r['host_gib']:.0f}"]
        cells += [str(r["lrs"]), _gib(disk.get("peak")), _gib(disk.get("kept")), str(r["tokens_per_update"])]
        lines.append("\t".join(cells))
    return "\n".join(lines)


def disk_totals(rows: list[dict]) -> dict:
    """The grid's disk in GiB: `kept` (every job's models), `one_at_a_time` (plus the largest job's extra while
    it trains), `all_at_once` (every job at its peak), `jobs`."""
    known = [r for r in rows if r.get("disk_gib")]
    kept = sum(r["lrs"] * r["disk_gib"]["kept"] for r in known)
    extra = max((r["disk_gib"]["peak"] - r["disk_gib"]["kept"] for r in known), default=0.0)
    return {
        "jobs": sum(r["lrs"] for r in rows),
        "kept": kept,
        "one_at_a_time": kept + extra,
        "all_at_once": sum(r["lrs"] * r["disk_gib"]["peak"] for r in known),
    }


def _gib(x) -> str:
    return "?" if x is None else f"{x:.0f}" if x >= 100 else f"{x:.1f}" if x >= 1 else f"{x:.2g}"


def _count(n) -> str:
    if n is None:
        return "?"
    return f"{n / 1e9:.2f}B" if n >= 1e9 else f"{n / 1e6:.1f}M" if n >= 1e5 else str(n)
