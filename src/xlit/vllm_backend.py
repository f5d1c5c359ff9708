"""vLLM for generation (`generation.backend: vllm`) and for the fluency perplexities
(`surface.fluency_backend: vllm`), imported only when one of those settings asks for it, in the generation
environment (`make vllm`: vLLM's CPU build, or `VLLM_TARGET=cuda`; see `xlit.vllm_job`).

Generation matches the `hf` backend (`xlit.generate.hf_complete`) by construction where it can:
- the prompts are the same token ids (rendered by the checkpoint's chat template and tokenized in
  `xlit.generate`), passed to vLLM as `TokensPrompt`s; the generated ids are decoded in `xlit.generate`;
- greedy decoding (`temperature=0`), `max_tokens` = max_new_tokens, stop at the same tokens
  (`xlit.chat.stop_token_ids`: the checkpoint's EOS, which training made the chat template's end of turn);
- `repetition_penalty`: vLLM applies the same CTRL-style penalty as transformers'
  `RepetitionPenaltyLogitsProcessor` (a logit of a token already seen is divided by the penalty when
  positive and multiplied by it when negative; each token once, however often it occurred), over the
  same tokens: the prompt's and those generated so far. Where they differ: transformers penalises
  every id in its input, which in a left-padded batch includes the padding token (never EOS in a checkpoint
  trained by xlit: `xlit.chat.choose_pad`); vLLM never pads. Greedy outputs can therefore differ for prompts
  shorter than the longest of their batch, at the step where the pad token competes with another token.
- a LoRA checkpoint is merged into its base (peft `merge_and_unload`, in the training precision's dtype, as
  the authors' release loads it) in a job-local temporary directory, and vLLM serves the merged model
  (`generation.lora: adapter`: the base, with the adapter applied by vLLM);
- the dtype is the hf backend's: bfloat16 on a GPU that has it, else float32 (vLLM's own "auto" would run a
  float32 checkpoint in bfloat16 on a CPU). It is read from vLLM's platform (NVML), not from torch.cuda:
  nothing initialises CUDA before `vllm.LLM(...)`, which would make vLLM start its engine with `spawn`;
- with more than one GPU the model is split over them (tensor parallel).

vLLM lives in its own environment (`make vllm`); the workflow's jobs reach it through `xlit.vllm_job`.
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
import time
from pathlib import Path

from .chat import stop_token_ids
from .checkpoints import checkpoint_info, merge_dtype, resolve_model_dir
from .fluency import FluencyLM

log = logging.getLogger("xlit.vllm")
#: the LoRA ranks vLLM accepts for `max_lora_rank`; an adapter's rank is rounded up to the next one
LORA_RANKS = (8, 16, 32, 64, 128, 256, 320, 512)


def _dtype(dtype: str | None) -> str:
    """As the hf backend: bf16 on a GPU that has it, else float32; an explicit choice as given. vLLM's platform
    answers from NVML: torch.cuda is never initialised here."""
    if dtype:
        return dtype
    from vllm.platforms import current_platform

    return "bfloat16" if current_platform.is_cuda_alike() and current_platform.has_device_capability(80) else "float32"


def make_llm(model: str, *, gpus: int = 1, dtype: str | None = None, seed: int = 0, **kw):
    """A `vllm.LLM` over `gpus` GPUs (tensor parallel); `kw`: more `vllm.LLM` arguments (config `vllm`)."""
    from vllm import LLM

    args = dict(model=str(model), tensor_parallel_size=max(1, int(gpus)), dtype=_dtype(dtype), seed=seed, **kw)
    log.info("vLLM %s", args)
    llm = LLM(**args)
    ENGINES.append(llm)
    return llm


#: every `vllm.LLM` this process started, for `shutdown_engines`
ENGINES: list = []


def shutdown_engines() -> None:
    """Stop every engine this process started, waiting for its engine process (vLLM's `MPClient.shutdown`), so
    that the interpreter can leave without vLLM's own teardown (`xlit.vllm_job.exit_now`)."""
    while ENGINES:
        core = getattr(getattr(ENGINES.pop(), "llm_engine", None), "engine_core", None)
        if hasattr(core, "shutdown"):
            core.shutdown()


def merge_lora(model_dir: str | Path, out_dir: str | Path) -> Path:
    """The LoRA checkpoint `model_dir` merged into its base (`xlit_checkpoint.json`'s `base`) with peft's
    `merge_and_unload`, in the training precision's dtype (`xlit.checkpoints.merge_dtype`), saved with the
    checkpoint's tokenizer to `out_dir`."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    t0 = time.time()
    info = checkpoint_info(model_dir)
    base = AutoModelForCausalLM.from_pretrained(info["base"], dtype=merge_dtype(info))
    # on the CPU: peft would otherwise load the adapter onto a GPU, initialising CUDA before vllm.LLM()
    merged = PeftModel.from_pretrained(base, str(model_dir), torch_device="cpu").merge_and_unload()
    merged.save_pretrained(out_dir)
    if (Path(model_dir) / "generation_config.json").is_file():  # the agreed EOS and pad, not the base's
        from transformers import GenerationConfig

        GenerationConfig.from_pretrained(model_dir).save_pretrained(out_dir)
    AutoTokenizer.from_pretrained(model_dir).save_pretrained(out_dir)
    log.info("LoRA %s merged into its base (%s) in %s, %.1fs", model_dir, merged.dtype, out_dir, time.time() - t0)
    return Path(out_dir)


def _generation_config(model_dir):
    """The checkpoint's `generation_config.json` (a LoRA checkpoint trained by xlit has its own), else None."""
    if not (Path(model_dir) / "generation_config.json").is_file():
        return None
    from transformers import GenerationConfig

    return GenerationConfig.from_pretrained(model_dir)


class VLLMGenerator:
    """A checkpoint served by vLLM; `complete` has the signature of `xlit.generate.hf_complete` (the batch
    size is vLLM's business: it schedules every prompt at once)."""

    backend = "vllm"

    def __init__(
        self,
        model_dir: str | Path,
        gpus: int = 1,
        dtype: str | None = None,
        tmpdir: str | None = None,
        lora: str = "merge",
        **llm_kw,
    ):
        from transformers import AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self._merged = self.lora_request = None
        info = checkpoint_info(model_dir)
        self.stop_ids = stop_token_ids(self.tokenizer, _generation_config(model_dir))  # as the hf backend's
        dtype = dtype or info.get("dtype")  # base_models.<m>.dtype, recorded by training
        if info.get("adapter") and lora == "adapter":  # the base, with the adapter applied by vLLM
            from vllm.lora.request import LoRARequest

            rank = int(json.loads((Path(model_dir) / "adapter_config.json").read_text(encoding="utf-8"))["r"])
            max_rank = next((r for r in LORA_RANKS if r >= rank), rank)
            llm_kw.update(enable_lora=True, max_loras=1, max_lora_rank=max_rank)
            self.lora_request = LoRARequest("xlit-adapter", 1, str(model_dir))
            model_dir = info["base"]
        elif info.get("adapter"):
            self._merged = tempfile.TemporaryDirectory(prefix="xlit-merged-", dir=tmpdir)
            model_dir = merge_lora(model_dir, self._merged.name)
        self.llm = make_llm(str(model_dir), gpus=gpus, dtype=dtype, **llm_kw)

    def complete(
        self,
        encoded,
        *,
        max_new_tokens: int,
        repetition_penalty: float,
        batch_size: int | None = None,
        ignore_eos: bool = False,
    ) -> list[list[int]]:
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt

        params = SamplingParams(
            temperature=0.0,
            max_tokens=int(max_new_tokens),
            repetition_penalty=float(repetition_penalty),
            ignore_eos=ignore_eos,
            stop_token_ids=None if ignore_eos else list(self.stop_ids),
            detokenize=False,
        )
        outs = self.llm.generate(
            [TokensPrompt(prompt_token_ids=list(ids)) for ids in encoded],
            params,
            use_tqdm=False,
            **({"lora_request": self.lora_request} if self.lora_request else {}),
        )
        return [list(o.outputs[0].token_ids) for o in outs]


class VLLMFluency(FluencyLM):
    """`FluencyLM` (same texts, same BOS + tokens, same truncation) with the summed NLL read from vLLM's
    prompt log-probabilities (`prompt_logprobs=0`: the log-probability of each actual prompt token, in
    float32 from the model's logits) instead of a transformers forward pass."""

    def __init__(self, model_dir, gpus: int = 1, dtype: str | None = None, max_length: int | None = None, **llm_kw):
        from transformers import AutoConfig, AutoTokenizer

        model_dir = resolve_model_dir(model_dir)
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        limit = getattr(AutoConfig.from_pretrained(model_dir), "max_position_embeddings", None) or 2048
        self.max_length = min(max_length or limit, limit)
        self.llm = make_llm(model_dir, gpus=gpus, dtype=dtype, max_model_len=self.max_length, **llm_kw)
        self.pad_id = None
        self.tokens_scored = 0

    def nll(self, texts: list[str], batch_size: int = 8) -> list[tuple[float, int]]:
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt

        out: list[tuple[float, int]] = [(math.nan, 0)] * len(texts)
        encoded = {i: self.encode(t) for i, t in enumerate(texts) if t.strip()}
        todo = [i for i, ids in encoded.items() if len(ids) >= 2]
        if not todo:
            return out
        params = SamplingParams(max_tokens=1, temperature=0.0, prompt_logprobs=0, detokenize=False)
        results = self.llm.generate([TokensPrompt(prompt_token_ids=encoded[i]) for i in todo], params, use_tqdm=False)
        for i, res in zip(todo, results):
            ids = encoded[i]
            lps = res.prompt_logprobs  # [None, {token_id: Logprob, ...}, ...]: position j scores ids[j]
            out[i] = (-sum(lps[j][ids[j]].logprob for j in range(1, len(ids))), len(ids) - 1)
            self.tokens_scored += len(ids) - 1
        return out


class VLLMChat(VLLMGenerator):
    """A judge's model on vLLM (`judges.<name>.backend: vllm`, `xlit.judge.vllm_judge`): `VLLMGenerator`'s greedy
    `complete` (the same stop tokens as generation) over `gpus` GPUs (tensor parallel), its engine's context capped at
    the judge's `max_length` (`max_model_len`; unset: the model's). `max_model_len` is the context the engine took,
    which the judge fits each prompt and its answer into."""

    def __init__(self, model_dir, gpus: int = 1, max_length: int | None = None, dtype: str | None = None, **llm_kw):
        from transformers import AutoConfig

        limit = getattr(AutoConfig.from_pretrained(model_dir), "max_position_embeddings", None)
        limits = [int(x) for x in (limit, max_length) if x]
        if limits:
            llm_kw["max_model_len"] = min(limits)
        super().__init__(model_dir, gpus=gpus, dtype=dtype, **llm_kw)
        config = getattr(getattr(self.llm, "llm_engine", None), "model_config", None)
        self.max_model_len = int(getattr(config, "max_model_len", None) or llm_kw.get("max_model_len") or 1 << 20)
