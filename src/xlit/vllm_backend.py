"""vLLM for generation (`generation.backend: vllm`) and for the fluency perplexities
(`surface.fluency_backend: vllm`). The optional extra `pip install -e ".[vllm]"` (CUDA only); this module
is imported only when one of those settings asks for it.

Generation matches the `hf` backend (`xlit.generate.hf_complete`) by construction where it can:
- the prompts are the same token ids (rendered by the checkpoint's chat template and tokenized in
  `xlit.generate`), passed to vLLM as `TokensPrompt`s; the generated ids are decoded in `xlit.generate`;
- greedy decoding (`temperature=0`), `max_tokens` = max_new_tokens, stop at the tokenizer's EOS;
- `repetition_penalty`: vLLM applies the same CTRL-style penalty as transformers'
  `RepetitionPenaltyLogitsProcessor` (a logit of a token already seen is divided by the penalty when
  positive and multiplied by it when negative; each token once, however often it occurred), over the
  same tokens: the prompt's and those generated so far. Where they differ: transformers penalises
  every id in its input, which in a left-padded batch includes the padding token, and for a tokenizer
  without one (LLaMA-2) `load_model` pads with EOS, so rows of a batch that were padded have their EOS
  penalised; vLLM never pads. Greedy outputs can therefore differ for prompts shorter than the longest
  of their batch, at the step where EOS competes with another token.
- LoRA checkpoints are served as adapters on their base model (`enable_lora`, one `LoRARequest`), not
  merged (the `hf` backend merges); the base named in `xlit_checkpoint.json` must be loadable by vLLM.
- With more than one GPU the model is split over them (tensor parallel).
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

from .surface import FluencyLM, resolve_model_dir

log = logging.getLogger("xlit.vllm")

#: LoRA ranks vLLM accepts for `max_lora_rank`; an adapter's rank is rounded up to the next one
LORA_RANKS = (8, 16, 32, 64, 128, 256, 320, 512)


def _dtype(dtype: str | None) -> str:
    """bf16 where the GPU has it (as the hf backend), else fp16; an explicit choice as given."""
    if dtype:
        return dtype
    import torch

    return "bfloat16" if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else "float16"


def make_llm(
    model: str,
    *,
    tokenizer: str | None = None,
    gpus: int = 1,
    dtype: str | None = None,
    lora_rank: int | None = None,
    seed: int = 0,
    **kw,
):
    """A `vllm.LLM` over `gpus` GPUs (tensor parallel)."""
    from vllm import LLM

    args = dict(
        model=str(model),
        tokenizer=str(tokenizer or model),
        tensor_parallel_size=max(1, int(gpus)),
        dtype=_dtype(dtype),
        seed=seed,
        **kw,
    )
    if lora_rank:
        args.update(
            enable_lora=True, max_loras=1, max_lora_rank=next((r for r in LORA_RANKS if r >= lora_rank), lora_rank)
        )
    log.info("vLLM %s", args)
    return LLM(**args)


class VLLMGenerator:
    """A checkpoint served by vLLM; `complete` has the signature of `xlit.generate.hf_complete` (the batch
    size is vLLM's business: it schedules every prompt at once)."""

    backend = "vllm"

    def __init__(self, model_dir: str | Path, gpus: int = 1, dtype: str | None = None, **llm_kw):
        from transformers import AutoTokenizer

        from .generate import checkpoint_info

        model_dir = Path(model_dir)
        info = checkpoint_info(model_dir)
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.lora = None
        if info.get("adapter"):
            from vllm.lora.request import LoRARequest

            rank = int(json.loads((model_dir / "adapter_config.json").read_text())["r"])
            self.llm = make_llm(
                info["base"], tokenizer=str(model_dir), gpus=gpus, dtype=dtype, lora_rank=rank, **llm_kw
            )
            self.lora = LoRARequest("xlit-adapter", 1, str(model_dir))
        else:
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
            stop_token_ids=None if ignore_eos else [self.tokenizer.eos_token_id],
            detokenize=False,
        )
        outs = self.llm.generate(
            [TokensPrompt(prompt_token_ids=list(ids)) for ids in encoded],
            params,
            lora_request=self.lora,
            use_tqdm=False,
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
