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

from .basemodel import attn_implementation, model_type, prepare_model
from .chat import align_tokens, check_agreement, check_loss_mask, rendered_lengths, with_template
from .checkpoints import CHECKPOINT_INFO
from .settings import unset_default

log = logging.getLogger("xlit.train")

PRECISIONS = ("auto", "fp32", "bf16-mixed", "bf16-pure")


def precision_for(setting: str, bf16_gpu: bool) -> str:
    """The one decision of what `training.precision` means on a device (`bf16_gpu`: a GPU that supports bf16):
    fp32: fp32 weights, optimizer state and compute;
    bf16-mixed: fp32 master weights and optimizer state, bf16 compute (autocast; CPU autocast off a GPU);
    bf16-pure: bf16 weights, fp32 AdamW moments, each update computed in fp32 and rounded back into the
      bf16 weight (the authors' released recipe; updates under half a bf16 ulp are lost, see xlit.optim);
    auto: bf16-mixed on a GPU that supports bf16, else fp32.
    The job asks it at run time (`resolve_precision`), the plan (`xlit.plan.job_precision`) beforehand."""
    if setting not in PRECISIONS:
        raise ValueError(f"training.precision: expected one of {list(PRECISIONS)}, got {setting!r}")
    if setting == "auto":
        return "bf16-mixed" if bf16_gpu else "fp32"
    return setting


def resolve_precision(setting: str) -> str:
    """The training precision a setting means on this machine (`precision_for`); the device is asked only
    for `auto`."""
    if setting != "auto":
        return precision_for(setting, False)
    import torch

    return precision_for(setting, torch.cuda.is_available() and torch.cuda.is_bf16_supported())


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


def token_batches(lengths: list[int], tokens_per_batch: int) -> list[list[int]]:
    """Length-grouped micro-batches capped by padded tokens, as the release counts them: the examples sorted
    by length (longest first, ties in index order), cut greedily so that rows x longest row <= tokens_per_batch.
    An example longer than the budget is a batch of its own. Returns index lists; the composition is fixed,
    the order is shuffled per epoch by `TokenBudgetSampler`."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    for i in order:
        # sorted longest first, so a batch's first row is its longest
        if batches and (len(batches[-1]) + 1) * lengths[batches[-1][0]] <= tokens_per_batch:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def padded_tokens(batch: list[int], lengths: list[int]) -> int:
    return len(batch) * max(lengths[i] for i in batch)


def batch_plan(tokens_per_batch: int, tokens_per_update: int, n_processes: int) -> dict:
    """The recipe's update as the release makes it: micro-batches of at most `tokens_per_batch` padded tokens
    per process, `gradient_accumulation` of them per process and update, whatever the GPU count (the release's
    8,192 x 10 for FT and 8,192 x 4 for LoRA: 5 and 2 micro-batches per GPU on 2 GPUs)."""
    accumulation = max(1, math.ceil(tokens_per_update / (tokens_per_batch * n_processes)))
    return {
        "tokens_per_batch": tokens_per_batch,
        "gradient_accumulation": accumulation,
        "processes": n_processes,
        "micro_batches_per_update": accumulation * n_processes,
        "padded_tokens_per_update_budget": accumulation * n_processes * tokens_per_batch,
    }


def token_budget_sampler_class():
    """`TokenBudgetSampler`, built on transformers' `BatchRebalanceSampler` so that the Trainer passes it as
    the DataLoader's batch sampler and accelerate leaves its sharding alone (it is rank-aware itself)."""
    import torch
    from transformers.trainer_pt_utils import BatchRebalanceSampler

    class TokenBudgetSampler(BatchRebalanceSampler):
        """Each epoch: the fixed `token_batches` in a seeded random order, cut into updates of
        accumulation x processes micro-batches (a last incomplete update is dropped); process r takes the
        micro-batches r, r + processes, ... of each update."""

        def __init__(self, lengths, tokens_per_batch, accumulation, processes, rank, seed):
            self.lengths = list(lengths)
            self.batches = token_batches(self.lengths, tokens_per_batch)
            self.accumulation, self.processes, self.rank, self.seed = accumulation, processes, rank, seed
            self.per_update = accumulation * processes
            self.updates = len(self.batches) // self.per_update
            if not self.updates:
                raise ValueError(
                    f"{len(self.lengths)} training examples make {len(self.batches)} micro-batches of at most "
                    f"{tokens_per_batch} tokens: fewer than one update ({self.per_update} micro-batches)"
                )
            self.epoch = 0

        def __len__(self):
            return self.updates * self.accumulation

        def epoch_updates(self, epoch: int) -> list[list[int]]:
            """The updates of an epoch, each a list of micro-batch numbers (all processes')."""
            g = torch.Generator().manual_seed(self.seed + epoch)
            order = torch.randperm(len(self.batches), generator=g).tolist()
            return [order[u * self.per_update : (u + 1) * self.per_update] for u in range(self.updates)]

        def __iter__(self):
            for update in self.epoch_updates(self.epoch):
                for b in update[self.rank :: self.processes]:
                    yield self.batches[b]

        def padded_tokens(self, steps: int) -> int:
            """Padded tokens (rows x longest row, all processes) of the first `steps` updates: what the release
            counts as an update's tokens. Computed from the schedule, so a resumed run counts the same."""
            total, epoch = 0, 0
            while steps > 0:
                for update in self.epoch_updates(epoch)[:steps]:
                    total += sum(padded_tokens(self.batches[b], self.lengths) for b in update)
                steps -= self.updates
                epoch += 1
            return total

    return TokenBudgetSampler


def sft_trainer_class():
    """trl's SFTTrainer whose training batches come from `TokenBudgetSampler` (a padded-token budget per
    micro-batch, `trainer.xlit_tokens_per_batch`)."""
    from trl import SFTTrainer

    Sampler = token_budget_sampler_class()

    class XlitSFTTrainer(SFTTrainer):
        def _get_train_sampler(self, train_dataset=None):
            ds = train_dataset if train_dataset is not None else self.train_dataset
            return Sampler(
                [len(ids) for ids in ds["input_ids"]],
                self.xlit_tokens_per_batch,
                self.args.gradient_accumulation_steps,
                max(1, self.args.world_size),
                self.args.process_index,
                self.args.data_seed if self.args.data_seed is not None else self.args.seed,
            )

    return XlitSFTTrainer


def layer_classes(base: str) -> list[str]:
    """The decoder layer classes of a model (`_no_split_modules`), read from a copy built on the meta device."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(base))
    return list(getattr(model, "_no_split_modules", None) or [])


def sharding_args(n_processes: int, lora: bool, layers: list[str], activation_checkpointing: bool) -> dict:
    """Trainer arguments for FSDP2 full sharding of full fine-tuning over several processes: weights, gradients
    and optimizer state split across GPUs, one decoder layer gathered at a time, activation checkpointing done
    by FSDP. LoRA, and a single process, are not sharded.

    - Gradients are reduce-scattered after every micro-batch (`sync_each_batch`). Without it the Trainer runs
      every micro-batch but the last under `no_sync`, and FSDP2 then keeps a full-size gradient on every rank
      until the update (+13.5 GB per GPU for 7B in bf16); syncing costs one reduce-scatter per micro-batch.
    - Trainer checkpoints are sharded (SHARDED_STATE_DICT): each rank writes its part of the weights and of
      the optimizer state, one copy of the model, nothing gathered; `_save_model` gathers the final model.
    - Memory-efficient loading: rank 0 reads the weights, the other ranks build the model on the meta device
      and receive their shards from rank 0.
    Accelerate turns FSDP on only for GPU-type devices; tests/fsdp_cpu_entry.py forces it on CPU over gloo."""
    if lora or n_processes < 2:
        return {}
    return {
        "fsdp": True,
        "fsdp_config": {
            "version": 2,
            "reshard_after_forward": True,
            "auto_wrap_policy": "TRANSFORMER_BASED_WRAP",
            "transformer_layer_cls_to_wrap": layers,
            "state_dict_type": "SHARDED_STATE_DICT",
            "activation_checkpointing": bool(activation_checkpointing),
            "cpu_ram_efficient_loading": True,
        },
        "accelerator_config": {"gradient_accumulation_kwargs": {"sync_each_batch": True}},
    }


def drop_too_long(rows: list[dict], tokenizer, max_length: int, too_long: str) -> tuple[list[dict], int]:
    """`training.too_long`: `skip` leaves out every example longer than `max_length` tokens (its chat template
    rendered, as training tokenises it), as the release does; `truncate` keeps them all (trl cuts them). Returns
    the rows kept and how many were left out (logged)."""
    if too_long != "skip":
        return rows, 0
    lengths = rendered_lengths(tokenizer, [r["messages"] for r in rows])
    kept = [r for r, n in zip(rows, lengths) if n <= max_length]
    log.info(
        "%d of %d examples longer than max_length %d tokens skipped (training.too_long: skip)",
        len(rows) - len(kept),
        len(rows),
        max_length,
    )
    if not kept:
        raise ValueError(f"training.too_long: skip: every one of the {len(rows)} examples is over {max_length} tokens")
    return kept, len(rows) - len(kept)


def train(spec: dict, callbacks=None) -> dict:
    """Train one (run, learning rate). Keys of `spec`:
    base (model path), data (JSONL of {"messages": ...}), adaptation (ft|lora), lr, lora (r, alpha,
    dropout, target_modules), training (the config's `training` section), output_dir (final model),
    checkpoint_dir (trainer checkpoints, kept for resuming), threads (CPU threads), step_dirs (optional
    {step: dir}: the model after that many updates, laid out like the final one; `selection.steps`),
    attn_implementation and dtype (optional: `base_models.<m>`'s; the dtype is recorded for generation).
    """
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig

    from .io import read_jsonl

    t = spec["training"]
    if spec.get("threads"):
        torch.set_num_threads(int(spec["threads"]))
    rows = read_jsonl(spec["data"])
    if not rows:
        raise ValueError(f"{spec['data']}: no training examples")
    tokenizer = AutoTokenizer.from_pretrained(spec["base"])
    with_template(tokenizer, spec.get("chat_template"))
    # the template's end of turn is EOS, the pad is neither EOS nor a control token, the loss ends at that token
    tokens = {**align_tokens(tokenizer), **check_loss_mask(tokenizer)}
    too_long = t.get("too_long") or unset_default("training", "too_long")
    rows, skipped = drop_too_long(rows, tokenizer, t["max_length"], too_long)
    lora = spec["adaptation"] == "lora"
    precision = resolve_precision(t["precision"])
    n_proc = processes()
    target = tokens_per_update_target(t, lora)
    plan = batch_plan(t["tokens_per_batch"], target, n_proc)
    lr = float(spec["lr"])
    scheduler, sched_kwargs = t["scheduler"], {}
    if scheduler == "linear" and t["final_lr_ratio"] > 0:
        # linear decay to lr * final_lr_ratio (the released recipe: 1e-5 -> 1e-6)
        scheduler, sched_kwargs = "polynomial", {"lr_end": lr * t["final_lr_ratio"], "power": 1.0}
    sharding = sharding_args(n_proc, lora, layer_classes(spec["base"]), t["gradient_checkpointing"])
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
        per_device_train_batch_size=1,  # unused: TokenBudgetSampler makes the micro-batches (tokens_per_batch)
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
    if sharding:
        # before the model is loaded: transformers reads these to load on rank 0 only (the others on meta)
        os.environ.update(ACCELERATE_USE_FSDP="true", FSDP_CPU_RAM_EFFICIENT_LOADING="true")
    # args.device starts the process group (memory-efficient loading needs it before the model is loaded)
    log.info(
        "process %d of %d on %s, %d threads", args.process_index, args.world_size, args.device, torch.get_num_threads()
    )
    attn = attn_implementation(model_type(spec["base"]), spec.get("attn_implementation"))
    model = AutoModelForCausalLM.from_pretrained(
        spec["base"], dtype=model_dtype(precision, lora), attn_implementation=attn
    )
    tokens.update(prepare_model(model, tokenizer, tokens, lora))
    check_agreement(tokenizer, model.generation_config)  # EOS, generation_config and the stop tokens: one
    log.info("chat tokens: %s; attention: %s", {k: v for k, v in tokens.items() if k != "masked"}, attn)
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
    trainer = sft_trainer_class()(
        model=model,
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
        callbacks=[*(callbacks or []), steps.callback()],
        optimizer_cls_and_kwargs=optimizer,
    )
    trainer.xlit_tokens_per_batch = int(t["tokens_per_batch"])
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
        "too_long": too_long,
        "skipped_too_long": skipped,
        "resumed_from": resume,
        "attn_implementation": attn,
        "chat_tokens": tokens,
        **({"dtype": spec["dtype"]} if spec.get("dtype") else {}),
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
    # the final model is saved: the trainer checkpoints (GBs per run at paper scale) have served their purpose
    import shutil

    shutil.rmtree(checkpoint_dir, ignore_errors=True)
    log.info("removed the trainer checkpoints under %s", checkpoint_dir)
    return info


def save_dtype(precision: str):
    """The dtype a fully fine-tuned model is saved in: bf16 when it trained in bf16 (as the release saves, and
    as it is served), fp32 when it trained in fp32. Master weights stay in the trainer checkpoints."""
    import torch

    return torch.float32 if precision == "fp32" else torch.bfloat16


def _save_model(trainer, out: Path, info: dict) -> bool:
    """A model as the workflow keeps it (the final one and each of selection.steps'): the LoRA adapter, or the
    consolidated weights in `save_dtype` (under FSDP every process takes part in the gather; rank 0 holds the
    model, never the optimizer), then, on the main process only, the tokenizer and `xlit_checkpoint.json`.
    True on the main process."""
    import torch

    from .io import write_json

    if info["adapter"]:
        trainer.save_model(str(out))
        if trainer.accelerator.is_main_process:  # the agreed EOS and pad: the base's own would not stop
            trainer.accelerator.unwrap_model(trainer.model).generation_config.save_pretrained(str(out))
    else:
        dtype = save_dtype(info["precision"])
        state = trainer.accelerator.get_state_dict(trainer.model)  # FSDP: gathered on rank 0 (CPU), {} elsewhere
        model = trainer.accelerator.unwrap_model(trainer.model)
        tied = getattr(model, "all_tied_weights_keys", None) or {}  # tied copies are not saved twice
        state = {k: v.to(dtype) if torch.is_floating_point(v) else v for k, v in state.items() if k not in tied}
        config = model.config
        trained_dtype, config.dtype = config.dtype, dtype
        try:
            trainer._save(str(out), state_dict=state)
        finally:
            config.dtype = trained_dtype
    if not trainer.accelerator.is_main_process:
        return False
    trainer.processing_class.save_pretrained(str(out))
    write_json(out / CHECKPOINT_INFO, info)
    return True


def _checkpoint_info(trainer, describe: dict, wall: float) -> dict:
    """`xlit_checkpoint.json` of the model as it is now: `describe` (the recipe) plus steps, loss and speed."""
    tokens = trainer.state.num_input_tokens_seen or None  # summed over processes
    steps = trainer.state.global_step
    padded = trainer._get_train_sampler().padded_tokens(steps)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    return {
        **describe,
        "steps": steps,
        "train_loss": sum(losses) / len(losses) if losses else None,
        # per update, the release's way (padding counted, all processes) and real tokens only
        "padded_tokens_per_update": round(padded / steps, 1) if steps else None,
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


def free_port() -> int:
    """A TCP port free on this node now: two multi-GPU jobs on one node must not both take accelerate's 29500."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch_command(spec_file: str | Path, processes: int, port: int | None = None, script: str | None = None):
    """`accelerate launch` of this module (or of `script`) on one node, one process per GPU, on a free port.
    `train` shards full fine-tuning over them with FSDP (`sharding_args`)."""
    entry = [str(script)] if script else ["-m", "xlit.train"]
    return [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        "--multi_gpu",
        "--num_processes",
        str(processes),
        "--num_machines",
        "1",
        "--main_process_port",
        str(port or free_port()),
        "--mixed_precision",
        "no",
        *entry,
        str(spec_file),
    ]


def launch(spec: dict, processes: int, log, script: str | None = None) -> None:
    """Train `spec` over `processes` processes (`launch_command`): the job's CPU threads divided among the
    ranks, every rank's output in the job's log (`xlit.smk.run_logged`)."""
    from .io import write_json
    from .smk import run_logged

    threads = max(1, int(spec.get("threads") or 1) // processes)
    spec_file = Path(spec["checkpoint_dir"]) / "spec.json"
    write_json(spec_file, {**spec, "threads": threads})
    run_logged(launch_command(spec_file, processes, script=script), log, env={"OMP_NUM_THREADS": str(threads)})


def main(argv=None):
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    argv = argv if argv is not None else sys.argv[1:]
    spec = json.loads(Path(argv[0]).read_text())
    train(spec)


if __name__ == "__main__":
    main()
