"""Instruction tuning with trl's SFTTrainer: full fine-tuning or LoRA (peft), loss on assistant tokens only.

`train(spec)` is the one entry point; `python -m xlit.train SPEC.json` runs it (this is what
`accelerate launch --num_processes N` starts for multi-GPU full fine-tuning).
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import time
from pathlib import Path

log = logging.getLogger("xlit.train")

CHECKPOINT_INFO = "xlit_checkpoint.json"


def resolve_base(source_json: str | Path) -> str:
    return json.loads(Path(source_json).read_text())["path"]


PRECISIONS = ("auto", "fp32", "bf16-mixed", "bf16-pure")


def resolve_precision(setting: str) -> str:
    """The training precision a setting means on this machine (`training.precision`):
    fp32: fp32 weights, optimizer state and compute;
    bf16-mixed: fp32 master weights and optimizer state, bf16 compute (autocast; CPU autocast off a GPU);
    bf16-pure: bf16 weights, fp32 AdamW moments, each update computed in fp32 and rounded back into the
      bf16 weight (the authors' released recipe; updates under half a bf16 ulp are lost, see xlit.optim);
    auto: bf16-mixed where the GPU supports bf16, else fp32."""
    import torch

    if setting not in PRECISIONS:
        raise ValueError(f"training.precision: expected one of {list(PRECISIONS)}, got {setting!r}")
    if setting == "auto":
        return "bf16-mixed" if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else "fp32"
    return setting


def model_dtype(precision: str, lora: bool):
    """The dtype the base model is loaded in. A LoRA base is frozen, so under bf16-mixed it needs no fp32
    master copy: it is loaded in bf16 and only the adapters (upcast to fp32 by peft) are trained in fp32."""
    import torch

    if precision == "bf16-pure" or (precision == "bf16-mixed" and lora):
        return torch.bfloat16
    return torch.float32


def processes() -> int:
    """Training processes of this job (`accelerate launch` sets WORLD_SIZE; 1 when run directly)."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def tokens_per_update_target(t: dict, lora: bool) -> int:
    return int(t["lora_tokens_per_update"] or t["tokens_per_update"]) if lora else int(t["tokens_per_update"])


def _last_checkpoint(checkpoint_dir: Path) -> str | None:
    ckpts = sorted(checkpoint_dir.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[-1]))
    complete = [c for c in ckpts if (c / "trainer_state.json").exists()]
    return str(complete[-1]) if complete else None


def _checkpoint_step(path: str) -> int:
    return int(json.loads((Path(path) / "trainer_state.json").read_text())["global_step"])


def mean_length(tokenizer, rows: list[dict], max_length: int) -> float:
    """Mean tokens per example (chat-formatted, truncated at max_length) over up to 500 examples."""
    sample = rows[: min(len(rows), 500)]
    lengths = [
        min(max_length, len(tokenizer.apply_chat_template(r["messages"], tokenize=True, return_dict=True)["input_ids"]))
        for r in sample
    ]
    return max(1.0, sum(lengths) / max(1, len(lengths)))


def batch_plan(
    mean_tokens: float, n_examples: int, tokens_per_batch: int, tokens_per_update: int, n_processes: int
) -> dict:
    """Split the recipe's tokens per update into micro-batch x accumulation x processes.

    The update's size is the recipe's whatever the GPU count: `examples_per_update` (tokens_per_update /
    mean example length) is fixed first; then the fewest accumulation steps whose micro-batches stay within
    `tokens_per_batch` tokens per process and split the update exactly; where no split is exact, the fewest
    accumulation steps and the micro-batch that reaches at least the update's size."""
    examples = max(1, round(tokens_per_update / mean_tokens))
    micro_max = max(1, min(n_examples, int(tokens_per_batch // mean_tokens)))
    least = max(1, math.ceil(examples / (micro_max * n_processes)))
    exact = [a for a in range(least, min(examples, 4 * least) + 1) if examples % (a * n_processes) == 0]
    accumulation = exact[0] if exact else least
    micro = max(1, math.ceil(examples / (accumulation * n_processes)))
    return {
        "per_device_batch_size": micro,
        "gradient_accumulation": accumulation,
        "processes": n_processes,
        "examples_per_update": micro * accumulation * n_processes,
        "mean_example_tokens": round(mean_tokens, 1),
    }


def sharding_args(n_processes: int, lora: bool, model, activation_checkpointing: bool) -> dict:
    """Trainer arguments for FSDP2 full sharding of full fine-tuning over several processes (weights, gradients
    and optimizer state split across GPUs, one decoder layer gathered at a time, activation checkpointing done
    by FSDP, one consolidated checkpoint saved at the end). LoRA, and a single process, are not sharded.
    Accelerate turns FSDP on only for GPU-type devices: several CPU processes run the same arguments as DDP."""
    if lora or n_processes < 2:
        return {}
    layers = list(getattr(model, "_no_split_modules", None) or [])
    return {
        "fsdp": True,
        "fsdp_config": {
            "version": 2,
            "reshard_after_forward": True,
            "auto_wrap_policy": "TRANSFORMER_BASED_WRAP",
            "transformer_layer_cls_to_wrap": layers,
            "state_dict_type": "FULL_STATE_DICT",
            "activation_checkpointing": bool(activation_checkpointing),
            "cpu_ram_efficient_loading": False,
        },
    }


def train(spec: dict, callbacks=None) -> dict:
    """Train one (run, learning rate). Keys of `spec`:
    base (model path), data (JSONL of {"messages": ...}), adaptation (ft|lora), lr, lora (r, alpha,
    dropout, target_modules), training (the config's `training` section), output_dir (final model),
    checkpoint_dir (trainer checkpoints, kept for resuming), threads (CPU threads), step_dirs (optional
    {step: dir}: the model after that many updates, laid out like the final one; `selection.steps`).
    """
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    from .io import read_jsonl

    t = spec["training"]
    if spec.get("threads"):
        torch.set_num_threads(int(spec["threads"]))
    rows = read_jsonl(spec["data"])
    if not rows:
        raise ValueError(f"{spec['data']}: no training examples")
    tokenizer = AutoTokenizer.from_pretrained(spec["base"])
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if spec.get("chat_template"):
        tokenizer.chat_template = spec["chat_template"]
    lora = spec["adaptation"] == "lora"
    precision = resolve_precision(t["precision"])
    n_proc = processes()
    target = tokens_per_update_target(t, lora)
    plan = batch_plan(mean_length(tokenizer, rows, t["max_length"]), len(rows), t["tokens_per_batch"], target, n_proc)
    lr = float(spec["lr"])
    scheduler, sched_kwargs = t["scheduler"], {}
    if scheduler == "linear" and t["final_lr_ratio"] > 0:
        # linear decay to lr * final_lr_ratio (the released recipe: 1e-5 -> 1e-6)
        scheduler, sched_kwargs = "polynomial", {"lr_end": lr * t["final_lr_ratio"], "power": 1.0}
    model = AutoModelForCausalLM.from_pretrained(spec["base"], dtype=model_dtype(precision, lora))
    sharding = sharding_args(n_proc, lora, model, t["gradient_checkpointing"])
    checkpoint_dir = Path(spec["checkpoint_dir"])
    args = SFTConfig(
        output_dir=str(checkpoint_dir),
        learning_rate=lr,
        adam_beta1=t["adam_beta1"],
        adam_beta2=t["adam_beta2"],
        weight_decay=t["weight_decay"],
        lr_scheduler_type=scheduler,
        lr_scheduler_kwargs=sched_kwargs,
        warmup_steps=float(t["warmup_ratio"]),
        max_grad_norm=t["max_grad_norm"],
        max_steps=t["max_steps"] or -1,
        num_train_epochs=t["epochs"] or 1,
        per_device_train_batch_size=plan["per_device_batch_size"],
        gradient_accumulation_steps=plan["gradient_accumulation"],
        max_length=t["max_length"],
        assistant_only_loss=True,
        packing=False,
        # bf16-mixed: autocast over fp32 weights; bf16-pure: the weights themselves are bf16, no autocast
        bf16=precision == "bf16-mixed",
        fp16=False,
        activation_checkpointing=t["gradient_checkpointing"] and not sharding,
        save_strategy="steps",
        save_steps=t["save_steps"],
        save_total_limit=2,
        logging_steps=max(1, min(10, (t["max_steps"] or 100) // 10)),
        report_to=[],
        seed=t["seed"],
        data_seed=t["seed"],
        dataloader_num_workers=0,
        use_cpu=not torch.cuda.is_available(),
        include_num_input_tokens_seen="non_padding",
        **sharding,
    )
    optimizer = None
    if precision == "bf16-pure":
        # fp32 moments and fp32 update arithmetic over bf16 weights (the released recipe)
        from .optim import AdamWFP32State

        optimizer = (AdamWFP32State, {"lr": lr, "betas": (t["adam_beta1"], t["adam_beta2"]), "eps": args.adam_epsilon})
    if lora:
        from peft import LoraConfig, get_peft_model
        from transformers import set_seed

        lc = spec["lora"]
        # the adapters' random init comes before the trainer seeds anything: seed it, or two runs of one
        # configuration start from different adapters (seen in the demo: LoRA answers differed run to run)
        set_seed(t["seed"])
        peft_config = LoraConfig(
            r=lc["r"],
            lora_alpha=lc["alpha"],
            lora_dropout=lc["dropout"],
            target_modules=lc["target_modules"],
            task_type="CAUSAL_LM",
        )
        # adapters in fp32 (peft's upcast) except under bf16-pure, where they are bf16 like every trained weight
        model = get_peft_model(model, peft_config, autocast_adapter_dtype=precision != "bf16-pure")
    dataset = Dataset.from_list([{"messages": r["messages"]} for r in rows])
    steps = StepSaver({int(k): v for k, v in (spec.get("step_dirs") or {}).items()}, checkpoint_dir)
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
        callbacks=[*(callbacks or []), steps.callback()],
        optimizer_cls_and_kwargs=optimizer,
    )
    resume = _last_checkpoint(checkpoint_dir)
    if resume:
        log.info("resuming from %s", resume)
    t0 = time.time()
    describe = {
        "base": spec["base"],
        "adaptation": spec["adaptation"],
        "lr": lr,
        "adapter": lora,
        "precision": precision,
        "precision_setting": t["precision"],
        "compute_dtype": "bf16"
        if trainer.accelerator.mixed_precision == "bf16" or model_dtype(precision, lora) == torch.bfloat16
        else "fp32",
        "sharding": "fsdp" if trainer.is_fsdp_enabled else ("ddp" if n_proc > 1 else "none"),
        **plan,
        "tokens_per_update_target": target,
        "resumed_from": resume,
    }
    steps.bind(trainer, lambda: _checkpoint_info(trainer, describe, time.time() - t0))
    if resume and t["max_steps"] and _checkpoint_step(resume) >= t["max_steps"]:
        # killed after the last checkpoint but before the final save: nothing left to train
        from transformers.trainer_callback import TrainerState

        trainer.state = TrainerState.load_from_json(str(Path(resume) / "trainer_state.json"))
        trainer._load_from_checkpoint(resume)
        losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
        result = type("R", (), {"training_loss": sum(losses) / max(1, len(losses))})()
    else:
        result = trainer.train(resume_from_checkpoint=resume)
    wall = time.time() - t0
    out = Path(spec["output_dir"])
    info = {**_checkpoint_info(trainer, describe, wall), "train_loss": result.training_loss}
    if not _save_model(trainer, out, info):
        return {}
    log.info("trained %s: %s", out, {k: v for k, v in info.items() if k != "loss_history"})
    steps.publish()
    return info


def _save_model(trainer, out: Path, info: dict) -> bool:
    """A model as the workflow keeps it (the final one and each of selection.steps'): weights or LoRA adapter
    (every process: FSDP gathers the consolidated weights collectively), then, on the main process only, the
    tokenizer and `xlit_checkpoint.json`. True on the main process."""
    from .io import write_json

    trainer.save_model(str(out))
    if not trainer.accelerator.is_main_process:
        return False
    trainer.processing_class.save_pretrained(str(out))
    write_json(out / CHECKPOINT_INFO, info)
    return True


def _checkpoint_info(trainer, describe: dict, wall: float) -> dict:
    """`xlit_checkpoint.json` of the model as it is now: `describe` (the recipe) plus steps, loss and speed."""
    tokens = trainer.state.num_input_tokens_seen or None  # summed over processes
    steps = trainer.state.global_step
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    return {
        **describe,
        "steps": steps,
        "train_loss": sum(losses) / len(losses) if losses else None,
        "tokens_per_update": round(tokens / steps, 1) if tokens and steps else None,
        "wall_s": round(wall, 2),
        "tokens_seen": tokens,
        "tokens_per_s": round(tokens / wall, 1) if tokens and wall else None,
        "loss_history": losses,
    }


class StepSaver:
    """Saves the model after each of `step_dirs`' steps like the final one (weights or LoRA adapter, tokenizer,
    `xlit_checkpoint.json`), first under `checkpoint_dir/step-N` (not a workflow output: it survives a killed
    job, and a resumed one finds it), then `publish()` links it into its output directory."""

    def __init__(self, step_dirs: dict[int, str], checkpoint_dir: Path):
        self.step_dirs, self.checkpoint_dir = step_dirs, Path(checkpoint_dir)
        self.trainer = self.info = None

    def bind(self, trainer, info) -> None:
        self.trainer, self.info = trainer, info

    def saved(self, step: int) -> Path:
        return self.checkpoint_dir / f"step-{step}"

    def callback(self):
        """The trainer callback that saves after each update whose number is in `step_dirs`."""
        from transformers import TrainerCallback

        saver = self

        class OnStep(TrainerCallback):
            def on_step_end(self, args, state, control, **kwargs):
                saver.save(state.global_step)

        return OnStep()

    def save(self, step: int) -> None:
        if step not in self.step_dirs:
            return
        import shutil

        tmp = self.checkpoint_dir / f".step-{step}.partial"
        if self.trainer.accelerator.is_main_process:
            shutil.rmtree(tmp, ignore_errors=True)
        if _save_model(self.trainer, tmp, self.info()):
            shutil.rmtree(self.saved(step), ignore_errors=True)
            tmp.rename(self.saved(step))
            log.info("saved the model after step %d: %s", step, self.saved(step))

    def publish(self) -> None:
        """Hard-link (copy across file systems) every saved step into its output directory."""
        import shutil

        for step, out in sorted(self.step_dirs.items()):
            src = self.saved(step)
            if not (src / CHECKPOINT_INFO).exists():
                raise RuntimeError(
                    f"{src}: the model after step {step} was not saved (training ran "
                    f"{self.trainer.state.global_step} steps)"
                )
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(src, out, copy_function=_link_or_copy)


def _link_or_copy(src, dst):
    import shutil

    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def launch_command(spec_file: str | Path, processes: int) -> list[str]:
    """`accelerate launch` of this module on one node, one process per GPU. `train` shards full fine-tuning
    over them with FSDP (`sharding_args`); without GPUs accelerate runs the processes data-parallel on CPU over
    gloo, which is how the tests exercise this path (the batch split and the launch; not the sharding)."""
    return [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        "--multi_gpu",
        "--num_processes",
        str(processes),
        "--num_machines",
        "1",
        "--mixed_precision",
        "no",
        "-m",
        "xlit.train",
        str(spec_file),
    ]


def main(argv=None):
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    argv = argv if argv is not None else sys.argv[1:]
    spec = json.loads(Path(argv[0]).read_text())
    train(spec)


if __name__ == "__main__":
    main()
