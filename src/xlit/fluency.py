"""The reference LM of the fluency feature (`FluencyLM`, transformers; `xlit.vllm_backend.VLLMFluency` is the same
on vLLM): per-text summed NLL and perplexity. Chosen by `xlit.surface.load_fluency`; low in the library, so that
the vLLM backend builds on it without importing `xlit.surface`."""

from __future__ import annotations

import math

from .checkpoints import resolve_model_dir
from .settings import section_defaults

#: config surface.fluency_batch_size (its one default, in the schema)
BATCH_SIZE = section_defaults("surface")["fluency_batch_size"]


class FluencyLM:
    """A reference causal LM scoring texts: per-text summed NLL over the response tokens.

    Each text is tokenized without special tokens, prefixed with BOS (when the tokenizer has one) and
    truncated to `max_length` tokens; the loss covers every token after BOS, as
    `model(ids, labels=ids).loss` would on that one text. Batches are right-padded with an attention
    mask (texts sorted by length to waste little padding); log-probabilities are computed in float32."""

    def __init__(self, model_dir, device: str | None = None, dtype=None, max_length: int | None = None):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        model_dir = resolve_model_dir(model_dir)
        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if dtype is None:
            dtype = (
                torch.bfloat16 if str(device).startswith("cuda") and torch.cuda.is_bf16_supported() else torch.float32
            )
        self.device = torch.device(device)
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype).to(self.device).eval()
        limit = getattr(self.model.config, "max_position_embeddings", None) or 2048
        self.max_length = min(max_length or limit, limit)
        self.pad_id = self.tokenizer.pad_token_id
        if self.pad_id is None:
            self.pad_id = self.tokenizer.eos_token_id if self.tokenizer.eos_token_id is not None else 0
        self.tokens_scored = 0

    def encode(self, text: str) -> list[int]:
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        bos = self.tokenizer.bos_token_id
        if bos is not None:
            ids = [bos] + ids
        return ids[: self.max_length]

    def nll(self, texts: list[str], batch_size: int = BATCH_SIZE) -> list[tuple[float, int]]:
        """(summed NLL in nats, number of scored tokens) per text; (nan, 0) for blank text or text with
        fewer than 2 tokens including BOS."""
        import torch
        import torch.nn.functional as F

        out: list[tuple[float, int]] = [(math.nan, 0)] * len(texts)
        encoded = {i: self.encode(t) for i, t in enumerate(texts) if t.strip()}
        todo = sorted((i for i, ids in encoded.items() if len(ids) >= 2), key=lambda i: -len(encoded[i]))
        for start in range(0, len(todo), batch_size):
            idx = todo[start : start + batch_size]
            width = len(encoded[idx[0]])
            ids = torch.full((len(idx), width), self.pad_id, dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            for row, i in enumerate(idx):
                seq = encoded[i]
                ids[row, : len(seq)] = torch.tensor(seq)
                mask[row, : len(seq)] = 1
            with torch.inference_mode():
                logits = self.model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).logits
                for row, i in enumerate(idx):
                    n = len(encoded[i])
                    target = ids[row, 1:n].to(self.device)
                    loss = F.cross_entropy(logits[row, : n - 1].float(), target, reduction="sum")
                    out[i] = (loss.item(), n - 1)
                    self.tokens_scored += n - 1
        return out

    def ppl(self, texts: list[str], batch_size: int = BATCH_SIZE) -> list[float]:
        return [math.exp(s / n) if n else math.nan for s, n in self.nll(texts, batch_size)]
