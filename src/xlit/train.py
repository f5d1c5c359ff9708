"""Instruction tuning with trl's SFTTrainer: full fine-tuning or LoRA (peft), loss on assistant tokens only.

`train(spec)` is the one entry point; `python -m xlit.train SPEC.json` runs it (this is what
`accelerate launch --num_processes N` starts for multi-GPU full fine-tuning).
"""
from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

log = logging.getLogger("xlit.train")

CHECKPOINT_INFO = "xlit_checkpoint.json"


def resolve_base(source_json: str | Path) -> str:
    return json.loads(Path(source_json).read_text())["path"]


def _use_bf16(setting) -> bool:
    import torch

    if setting == "auto":
        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    return bool(setting)


def _last_checkpoint(checkpoint_dir: Path) -> str | None:
    ckpts = sorted(checkpoint_dir.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[-1]))
    complete = [c for c in ckpts if (c / "trainer_state.json").exists()]
    return str(complete[-1]) if complete else None


def _checkpoint_step(path: str) -> int:
    return int(json.loads((Path(path) / "trainer_state.json").read_text())["global_step"])


def batch_size_for(tokenizer, rows: list[dict], tokens_per_batch: int, max_length: int) -> int:
    """Examples per micro-batch so that a micro-batch holds about `tokens_per_batch` tokens."""
    sample = rows[: min(len(rows), 500)]
    lengths = [min(max_length, len(tokenizer.apply_chat_template(r["messages"], tokenize=True,
                                                                  return_dict=True)["input_ids"]))
               for r in sample]
    mean = sum(lengths) / max(1, len(lengths))
    return max(1, min(len(rows), int(tokens_per_batch // max(1.0, mean))))


def train(spec: dict, callbacks=None) -> dict:
    """Train one (run, learning rate). Keys of `spec`:
    base (model path), data (JSONL of {"messages": ...}), adaptation (ft|lora), lr, lora (r, alpha,
    dropout, target_modules), training (the config's `training` section), output_dir (final model),
    checkpoint_dir (trainer checkpoints, kept for resuming), threads (CPU threads).
    """
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    from .io import read_jsonl, write_json

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
    bf16 = _use_bf16(t["bf16"])
    lora = spec["adaptation"] == "lora"
    accumulation = (t.get("lora_gradient_accumulation") or t["gradient_accumulation"]) if lora \
        else t["gradient_accumulation"]
    batch_size = batch_size_for(tokenizer, rows, t["tokens_per_batch"], t["max_length"])
    lr = float(spec["lr"])
    scheduler, sched_kwargs = t["scheduler"], {}
    if scheduler == "linear" and t["final_lr_ratio"] > 0:
        # linear decay to lr * final_lr_ratio (the released recipe: 1e-5 -> 1e-6)
        scheduler, sched_kwargs = "polynomial", {"lr_end": lr * t["final_lr_ratio"], "power": 1.0}
    checkpoint_dir = Path(spec["checkpoint_dir"])
    args = SFTConfig(
        output_dir=str(checkpoint_dir),
        learning_rate=lr,
        adam_beta1=t["adam_beta1"], adam_beta2=t["adam_beta2"], weight_decay=t["weight_decay"],
        lr_scheduler_type=scheduler, lr_scheduler_kwargs=sched_kwargs,
        warmup_steps=float(t["warmup_ratio"]), max_grad_norm=t["max_grad_norm"],
        max_steps=t["max_steps"] or -1, num_train_epochs=t["epochs"] or 1,
        per_device_train_batch_size=batch_size, gradient_accumulation_steps=accumulation,
        max_length=t["max_length"], assistant_only_loss=True, packing=False,
        bf16=bf16, fp16=False, activation_checkpointing=t["gradient_checkpointing"],
        save_strategy="steps", save_steps=t["save_steps"], save_total_limit=2,
        logging_steps=max(1, min(10, (t["max_steps"] or 100) // 10)), report_to=[],
        seed=t["seed"], data_seed=t["seed"], dataloader_num_workers=0,
        use_cpu=not torch.cuda.is_available(), include_num_input_tokens_seen="non_padding",
    )
    model = AutoModelForCausalLM.from_pretrained(spec["base"], dtype=torch.bfloat16 if bf16 else torch.float32)
    peft_config = None
    if lora:
        from peft import LoraConfig

        lc = spec["lora"]
        peft_config = LoraConfig(r=lc["r"], lora_alpha=lc["alpha"], lora_dropout=lc["dropout"],
                                 target_modules=lc["target_modules"], task_type="CAUSAL_LM")
    dataset = Dataset.from_list([{"messages": r["messages"]} for r in rows])
    trainer = SFTTrainer(model=model, args=args, train_dataset=dataset, processing_class=tokenizer,
                         peft_config=peft_config, callbacks=callbacks)
    resume = _last_checkpoint(checkpoint_dir)
    if resume:
        log.info("resuming from %s", resume)
    t0 = time.time()
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
    if trainer.accelerator.is_main_process:
        trainer.save_model(str(out))
        tokenizer.save_pretrained(str(out))
        tokens = trainer.state.num_input_tokens_seen or None
        info = {
            "base": spec["base"], "adaptation": spec["adaptation"], "lr": lr, "adapter": lora,
            "steps": trainer.state.global_step, "train_loss": result.training_loss,
            "per_device_batch_size": batch_size, "gradient_accumulation": accumulation, "bf16": bf16,
            "resumed_from": resume, "wall_s": round(wall, 2), "processes": trainer.accelerator.num_processes,
            "tokens_seen": tokens, "tokens_per_s": round(tokens / wall, 1) if tokens and wall else None,
            "loss_history": [h["loss"] for h in trainer.state.log_history if "loss" in h],
        }
        write_json(out / CHECKPOINT_INFO, info)
        log.info("trained %s: %s", out, {k: v for k, v in info.items() if k != "loss_history"})
        return info
    return {}


def launch_command(spec_file: str | Path, processes: int) -> list[str]:
    """`accelerate launch` of this module on one node, one process per GPU (without GPUs the processes
    run data-parallel on CPU over gloo, which is how the tests exercise this path)."""
    return [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", str(processes),
            "--num_machines", "1", "--mixed_precision", "no", "-m", "xlit.train", str(spec_file)]


def main(argv=None):
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    argv = argv if argv is not None else sys.argv[1:]
    spec = json.loads(Path(argv[0]).read_text())
    train(spec)


if __name__ == "__main__":
    main()
