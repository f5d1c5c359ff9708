"""Greedy generation with repetition penalty through the run's chat template, for every eval set of a
checkpoint in one pass.

A generator (`load_generator`) is the checkpoint loaded once with its tokenizer, behind one method:
`complete(encoded, max_new_tokens=, repetition_penalty=, batch_size=) -> generated token ids per prompt`.
Backends: `hf` (transformers `generate`, left-padded batches of prompts sorted by length) and `vllm`
(`xlit.vllm_backend`, continuous batching, imported only when asked for, in the generation environment
that `make vllm` builds; the workflow's job reaches it through `xlit.vllm_job`). Both receive the same token
ids: prompts are rendered and tokenized here, by the checkpoint's own tokenizer and chat template, and the
generated ids are decoded here too.

`generate_sets(generator, {key: (lang, prompts)}, ...)` answers every (split, language) set in one call,
generating once for prompts that are identical across sets, and returns the rows per set. `run_job(spec)` is
the workflow's `generate` job (its script, or `xlit.vllm_job` in vLLM's environment).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Hashable, Mapping, Sequence

from .basemodel import attn_implementation, model_type
from .chat import choose_pad, stop_token_ids, user_prompt
from .checkpoints import checkpoint_info, merge_dtype
from .constraints import expected_lang
from .settings import unset_default

log = logging.getLogger("xlit.generate")

BACKENDS = ("hf", "vllm")


def load_model(model_dir: str | Path, device: str | None = None, gpus: int = 1, dtype=None, lora: str = "merge"):
    """A trained checkpoint (full model, or a LoRA adapter on its base: `lora` `merge`d into it in the training
    precision's dtype, `xlit.checkpoints.merge_dtype`, or kept as an `adapter`) and its tokenizer, in `dtype`
    (default bf16 on a GPU that has it, else fp32). On CUDA with `gpus` > 1 the layers are spread over the
    visible GPUs (`device_map="auto"`)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model_dir = Path(model_dir)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    info = checkpoint_info(model_dir)
    dtype = dtype or info.get("dtype")  # base_models.<m>.dtype, recorded by training
    if isinstance(dtype, str):
        dtype = getattr(torch, dtype)
    if dtype is None:
        dtype = torch.bfloat16 if device == "cuda" and torch.cuda.is_bf16_supported() else torch.float32
    spread = {"device_map": "auto"} if device == "cuda" and gpus > 1 else {}
    # the attention training used (base_models.<m>.attn_implementation), else the model type's safe default
    spread["attn_implementation"] = info.get("attn_implementation") or attn_implementation(
        model_type(info["base"] if info.get("adapter") else model_dir)
    )
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    if info.get("adapter"):
        from peft import PeftModel

        merge = lora == "merge"
        base_dtype = getattr(torch, merge_dtype(info)) if merge else dtype
        base = AutoModelForCausalLM.from_pretrained(info["base"], dtype=base_dtype, **spread)
        model = PeftModel.from_pretrained(base, model_dir)
        model = (model.merge_and_unload() if merge else model).to(dtype)
        if (model_dir / "generation_config.json").is_file():  # the agreed EOS and pad (xlit.train), not the base's
            from transformers import GenerationConfig

            model.generation_config = GenerationConfig.from_pretrained(model_dir)
    else:
        model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype, **spread)
    if "device_map" not in spread:
        model.to(device)
    model.eval()
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:  # a checkpoint not trained by xlit: an existing non-control pad, else EOS
        pad, new = choose_pad(tokenizer)
        tokenizer.pad_token = tokenizer.eos_token if new else pad
    return model, tokenizer


def render_prompt(tokenizer, instruction: str) -> str:
    """`<s>[INST] {instruction} [/INST]` for the LLaMA-2 template: what the model continues from."""
    return tokenizer.apply_chat_template(user_prompt(instruction), tokenize=False, add_generation_prompt=True)


def encode_prompts(tokenizer, prompts: Sequence[dict]) -> list[list[int]]:
    """Token ids of each prompt's chat-formatted text (the template writes <s> itself)."""
    return [
        tokenizer(render_prompt(tokenizer, p["instruction"]), add_special_tokens=False)["input_ids"] for p in prompts
    ]


def hf_complete(
    model, tokenizer, encoded: Sequence[list[int]], *, max_new_tokens: int, repetition_penalty: float, batch_size: int
) -> list[list[int]]:
    """Greedy continuations (token ids, EOS included when reached) of `encoded`, in batches of prompts of
    similar length (sorted, longest first), left-padded."""
    import torch

    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]), reverse=True)
    out: list[list[int]] = [[] for _ in encoded]
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        batch = tokenizer.pad({"input_ids": [encoded[i] for i in idx]}, return_tensors="pt").to(model.device)
        with torch.no_grad():
            gen = model.generate(
                **batch,
                do_sample=False,
                max_new_tokens=int(max_new_tokens),
                repetition_penalty=float(repetition_penalty),
                pad_token_id=tokenizer.pad_token_id,
                eos_token_id=stop_token_ids(tokenizer, model.generation_config),
            )
        for row, i in zip(gen[:, batch["input_ids"].shape[1] :], idx):
            out[i] = row.tolist()
    return out


class HFGenerator:
    """A transformers model and its tokenizer (`load_model`); `complete` is `hf_complete`."""

    backend = "hf"

    def __init__(self, model, tokenizer):
        self.model, self.tokenizer = model, tokenizer
        self.stop_ids = stop_token_ids(tokenizer, model.generation_config)

    def complete(self, encoded, *, max_new_tokens: int, repetition_penalty: float, batch_size: int):
        return hf_complete(
            self.model,
            self.tokenizer,
            encoded,
            max_new_tokens=max_new_tokens,
            repetition_penalty=repetition_penalty,
            batch_size=batch_size,
        )


def load_generator(
    model_dir: str | Path,
    backend: str = "hf",
    gpus: int = 1,
    device: str | None = None,
    dtype: str | None = None,
    lora: str = "merge",
    **vllm_kw,
):
    """The checkpoint in `model_dir` loaded once by `backend` (`hf` or `vllm`) on `gpus` GPUs, in `dtype`
    (e.g. "float16"; default bf16 on a GPU that has it, else float32). `vllm_kw` go to
    `xlit.vllm_backend.VLLMGenerator` (`tmpdir`: where a LoRA checkpoint is merged) and `vllm.LLM`."""
    if backend == "hf":
        return HFGenerator(*load_model(model_dir, device=device, gpus=gpus, dtype=dtype, lora=lora))
    if backend == "vllm":
        from .vllm_backend import VLLMGenerator

        return VLLMGenerator(model_dir, gpus=gpus, dtype=dtype, lora=lora, **vllm_kw)
    raise ValueError(f"generation.backend: unknown backend {backend!r} (one of {list(BACKENDS)})")


def decode(tokenizer, ids: list[int], stop_ids: Sequence[int] | None = None) -> tuple[str, int]:
    """(response text, number of response tokens): the ids up to the first stop token (`stop_ids`, default the
    tokenizer's EOS), trailing padding dropped."""
    ids = list(ids)
    stops = set(stop_ids or [tokenizer.eos_token_id])
    end = next((n for n, i in enumerate(ids) if i in stops), None)
    if end is not None:
        ids = ids[:end]
    while ids and ids[-1] == tokenizer.pad_token_id:
        ids.pop()
    return tokenizer.decode(ids, skip_special_tokens=True).strip(), len(ids)


def generate_sets(
    generator,
    sets: Mapping[Hashable, tuple[str, Sequence[dict]]],
    *,
    max_new_tokens: int,
    repetition_penalty: float,
    batch_size: int,
) -> dict[Hashable, list[dict]]:
    """Rows `{"id","lang","category","prompt","response","n_tokens"}` for every set `{key: (lang, prompts)}`
    (each set's rows in its prompts' order), from one `complete` call over all distinct prompts; a constraint
    prompt's row also has its `type` and `expect_lang` (`xlit.constraints.expected_lang`)."""
    tok = generator.tokenizer
    keys = list(sets)
    encoded = {k: encode_prompts(tok, sets[k][1]) for k in keys}
    unique = list(dict.fromkeys(tuple(ids) for k in keys for ids in encoded[k]))
    t0 = time.time()
    done = generator.complete(
        [list(u) for u in unique],
        max_new_tokens=max_new_tokens,
        repetition_penalty=repetition_penalty,
        batch_size=batch_size,
    )
    answers = {u: decode(tok, ids, getattr(generator, "stop_ids", None)) for u, ids in zip(unique, done)}
    wall = time.time() - t0
    new_tokens = sum(n for _, n in answers.values())
    log.info(
        "%s: %d sets, %d prompts (%d distinct), %d new tokens in %.1fs (%.1f tokens/s)",
        getattr(generator, "backend", "?"),
        len(keys),
        sum(len(e) for e in encoded.values()),
        len(unique),
        new_tokens,
        wall,
        new_tokens / max(wall, 1e-9),
    )
    out = {}
    for k in keys:
        lang, prompts = sets[k]
        out[k] = []
        for p, ids in zip(prompts, encoded[k]):
            text, n = answers[tuple(ids)]
            row = {
                "id": p["id"],
                "lang": lang,
                "category": p.get("category", ""),
                "prompt": p["instruction"],
                "response": text,
                "n_tokens": n,
            }
            if p.get("type"):  # a constraint prompt: its type, and the language it asks for
                row.update(type=p["type"], expect_lang=expected_lang(p["type"], lang))
            out[k].append(row)
    return out


def generate(
    model, tokenizer, prompts: list[dict], *, max_new_tokens: int, repetition_penalty: float, batch_size: int, lang: str
) -> list[dict]:
    """One row `{"id","lang","category","prompt","response","n_tokens"}` per prompt, in input order, from a
    model and tokenizer already loaded (`load_model`)."""
    return generate_sets(
        HFGenerator(model, tokenizer),
        {lang: (lang, prompts)},
        max_new_tokens=max_new_tokens,
        repetition_penalty=repetition_penalty,
        batch_size=batch_size,
    )[lang]


def read_eval_sets(files: Sequence[tuple[str, str, str]]) -> dict[tuple[str, str], list[dict]]:
    """`{(split, lang): prompts}` from `[(split, lang, path)]`; the files of one split must be aligned by id."""
    from .data import check_aligned, load_prompts

    sets: dict[tuple[str, str], list[dict]] = {}
    by_split: dict[str, dict[str, str]] = {}
    for split, lang, path in files:
        sets[(split, lang)] = load_prompts(path)
        by_split.setdefault(split, {})[lang] = str(path)
    for split, paths in by_split.items():
        check_aligned({lang: sets[(split, lang)] for lang in paths}, paths)
    return sets


def run_job(spec: dict) -> None:
    """The `generate` job: `spec` = {model, prompts (a path per entry of sets), sets ([[split, lang], ...]),
    generation (max_new_tokens, repetition_penalty, batch_size, backend), outputs (a path per entry of sets),
    gpus, and for vLLM engine (`vllm.LLM` arguments) and tmpdir}; writes one JSONL file per set."""
    from .io import write_jsonl

    sets = [tuple(s) for s in spec["sets"]]
    prompts = read_eval_sets([(split, lang, path) for (split, lang), path in zip(sets, spec["prompts"])])
    g = spec["generation"]
    extra = {"tmpdir": spec.get("tmpdir"), **spec.get("engine", {})} if g["backend"] == "vllm" else {}
    lora = g.get("lora") or unset_default("generation", "lora")
    generator = load_generator(spec["model"], backend=g["backend"], gpus=int(spec["gpus"]), lora=lora, **extra)
    rows = generate_sets(
        generator,
        {key: (key[1], prompts[key]) for key in sets},
        max_new_tokens=g["max_new_tokens"],
        repetition_penalty=g["repetition_penalty"],
        batch_size=g["batch_size"],
    )
    for key, path in zip(sets, spec["outputs"]):
        write_jsonl(path, rows[key])
