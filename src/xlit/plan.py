"""A memory plan for training, before anything is submitted: parameters, estimated peak GPU memory per GPU
(weights, gradients, optimizer state, activations), the GPUs a run needs on cards of `cluster.gpu_mem_gb`,
and the tokens per update. `xlit plan CONFIG` prints it; the workflow refuses a config that does not fit.

The estimate is of memory *allocated by PyTorch* at the peak of a training step (what
`torch.cuda.max_memory_allocated` reports); a run fits when it is at most `cluster.usable_share` of the card
(the rest is the CUDA context, allocator fragmentation and communication buffers). `bench/gpu_check.py` compares
it with a measurement. The model is a Llama-shaped decoder (`base_models.<m>.shape`, or the tiny model's
settings, or a local config.json).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .config import ConfigError, runs
from .train import tokens_per_update_target

GPU_COUNTS = (1, 2, 4, 8)  # GPUs of one node a job may ask for
GB = 1e9


@dataclass(frozen=True)
class Shape:
    vocab_size: int
    hidden_size: int
    num_layers: int
    intermediate_size: int
    num_heads: int
    num_kv_heads: int
    tie_embeddings: bool = False

    @property
    def kv_dim(self) -> int:
        return self.hidden_size * self.num_kv_heads // self.num_heads

    def layer_params(self) -> int:
        h, f, kv = self.hidden_size, self.intermediate_size, self.kv_dim
        return 2 * h * h + 2 * h * kv + 3 * h * f + 2 * h  # q, o; k, v; gate, up, down; two norms

    def params(self) -> int:
        embed = self.vocab_size * self.hidden_size * (1 if self.tie_embeddings else 2)
        return embed + self.num_layers * self.layer_params() + self.hidden_size

    def lora_params(self, r: int) -> int:
        """Adapter parameters of LoRA rank r on every linear layer of every decoder layer (`all-linear`)."""
        h, f, kv = self.hidden_size, self.intermediate_size, self.kv_dim
        per_layer = 2 * (h + h) + 2 * (h + kv) + 2 * (h + f) + (f + h)
        return self.num_layers * r * per_layer


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
        )
    return None


def estimate(
    shape: Shape, precision: str, lora_r: int | None, gpus: int, micro_tokens: int, checkpointing: bool
) -> dict:
    """Peak bytes per GPU by part. Full fine-tuning on several GPUs is sharded (FSDP full shard: weights,
    gradients and optimizer state divided by the GPU count, two decoder layers gathered at a time); LoRA
    runs on one GPU."""
    P, layer = shape.params(), shape.layer_params()
    h, f, L, V = shape.hidden_size, shape.intermediate_size, shape.num_layers, shape.vocab_size
    act_bytes = 2 if precision == "bf16-pure" or (lora_r and precision == "bf16-mixed") else 4
    compute_bytes = 4 if precision == "fp32" else 2
    n = 1 if lora_r else gpus
    parts: dict[str, float] = {}
    if lora_r:
        T = shape.lora_params(lora_r)
        parts["weights"] = P * (4 if precision == "fp32" else 2) + T * (2 if precision == "bf16-pure" else 4)
        parts["gradients"] = T * (2 if precision == "bf16-pure" else 4)
        parts["optimizer"] = T * 8
    else:
        w = 2 if precision == "bf16-pure" else 4
        parts["weights"] = P * w / n
        parts["gradients"] = P * w / n
        parts["optimizer"] = P * 8 / n  # AdamW's two moments, fp32 in every mode
        if n > 1:  # gathered layers (current + prefetched) and their gradients before reduce-scatter
            parts["sharding buffers"] = 4 * layer * compute_bytes
        elif precision == "bf16-mixed":  # autocast's bf16 copies of the weights during the forward pass
            parts["bf16 weight copies"] = 2 * P
    per_layer_act = micro_tokens * (8 * h + 4 * f) * act_bytes  # saved tensors of one decoder layer
    if checkpointing:
        parts["activations"] = L * micro_tokens * h * act_bytes + per_layer_act
    else:
        parts["activations"] = L * per_layer_act
    parts["logits"] = micro_tokens * V * (compute_bytes + 8)  # logits, their fp32 upcast and its gradient
    return {
        "parts": parts,
        "total": sum(parts.values()),
        "params": P,
        "trainable": shape.lora_params(lora_r) if lora_r else P,
    }


def plan_run(config: dict, run) -> dict:
    """The plan of one run: estimate at the configured GPU count and the fewest GPUs of one node that fit."""
    t = config["training"]
    m = config["base_models"][run.model]
    shape = shape_of(m)
    lora = run.adaptation == "lora"
    configured = min(int(m["gpus"]), 1) if lora else int(m["gpus"])
    precision = t["precision"]
    if precision == "auto":  # what auto means on the run's device: fp32 on CPU, bf16-mixed on a (bf16) GPU
        precision = "bf16-mixed" if configured else "fp32"
    out = {
        "run": run.name,
        "model": run.model,
        "adaptation": run.adaptation,
        "precision": precision,
        "gpus_configured": configured,
        "tokens_per_update": tokens_per_update_target(t, lora),
        "micro_tokens": max(t["tokens_per_batch"], t["max_length"]),
    }
    if shape is None:
        return {**out, "params": None, "gb_per_gpu": None, "gpus_needed": None}
    cluster = config.get("cluster") or {}
    usable = cluster.get("gpu_mem_gb", 0) * cluster.get("usable_share", 0.9) * GB
    r = config["adaptations"][run.adaptation].get("r") if lora else None

    def est(g):
        return estimate(shape, precision, r, max(1, g), out["micro_tokens"], t["gradient_checkpointing"])

    now = est(configured)
    needed = None
    if usable:
        counts = (1,) if lora else GPU_COUNTS
        needed = next((g for g in counts if est(g)["total"] <= usable), None)
    return {
        **out,
        "params": now["params"],
        "trainable": now["trainable"],
        "gb_per_gpu": now["total"] / GB,
        "parts_gb": {k: v / GB for k, v in now["parts"].items()},
        "gpus_needed": needed,
    }


def plan(config: dict) -> list[dict]:
    return [plan_run(config, run) for run in runs(config).values()]


def check_plan(config: dict, source: str = "config") -> None:
    """Refuse, in one line, a config whose GPU runs do not fit the GPUs they ask for (`cluster.gpu_mem_gb`)."""
    cluster = config.get("cluster") or {}
    if not cluster.get("gpu_mem_gb"):
        return
    for i, row in enumerate(plan(config)):
        if row["params"] is None or row["gpus_configured"] == 0:
            continue  # shape unknown, or a CPU run
        gb = cluster["gpu_mem_gb"]
        if row["gpus_needed"] is None:
            raise ConfigError(
                f"{source}: runs.{i} ({row['run']}): does not fit {max(GPU_COUNTS)} GPUs of {gb} GB "
                f"under {row['precision']} (est. {row['gb_per_gpu']:.1f} GB per GPU on "
                f"{row['gpus_configured']})"
            )
        if row["gpus_configured"] < row["gpus_needed"]:
            raise ConfigError(
                f"{source}: runs.{i} ({row['run']}): needs {row['gpus_needed']} GPUs of {gb} GB under "
                f"{row['precision']} (est. {row['gb_per_gpu']:.1f} GB per GPU on "
                f"{row['gpus_configured']}); base_models.{row['model']}.gpus is "
                f"{config['base_models'][row['model']]['gpus']}"
            )


def format_plan(rows: list[dict], gpu_mem_gb: float | None) -> str:
    head = [
        "run",
        "precision",
        "params",
        "trainable",
        "GB/GPU",
        "GPUs",
        f"GPUs needed ({gpu_mem_gb or '?'} GB)",
        "tokens/update",
    ]
    lines = ["\t".join(head)]
    for r in rows:
        lines.append(
            "\t".join(
                [
                    r["run"],
                    r["precision"],
                    _count(r["params"]),
                    _count(r.get("trainable")),
                    "?" if r["gb_per_gpu"] is None else f"{r['gb_per_gpu']:.1f}",
                    str(r["gpus_configured"]),
                    str(r["gpus_needed"] or ("none" if gpu_mem_gb and r["gb_per_gpu"] else "-")),
                    str(r["tokens_per_update"]),
                ]
            )
        )
    return "\n".join(lines)


def _count(n) -> str:
    if n is None:
        return "?"
    return f"{n / 1e9:.2f}B" if n >= 1e9 else f"{n / 1e6:.1f}M" if n >= 1e5 else str(n)
