"""Translation backends. Each has

    context(src, tgt) -> dict            everything that changes the output (the segment cache keys on it)
    translate_batch(segments, src, tgt) -> list[str]   one model call for a batch, no caching

`hf`: any seq2seq model transformers loads with AutoModelForSeq2SeqLM (NLLB-200, M2M100, MADLAD-400,
Marian/OPUS-MT, xlit's tiny demo translator); the family's language codes come from `xlit.mt.codes`.
`openai`: a chat model behind any OpenAI-compatible endpoint, through `xlit.llm.run_chat` (the judge's
concurrency, retry and cache machinery).
The model is loaded on the first batch, so a run whose segments are all cached never loads it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from xlit.mt import codes
from xlit.names import LANG_NAMES  # noqa: F401  (the prompt of an LLM translator names languages)

log = logging.getLogger("xlit.mt")


def model_key(cfg: dict, src: str, tgt: str, model_dir: str | Path | None) -> str:
    """The model's identity in cache keys: the weights' fingerprint for the tiny translator (so a rebuilt
    one never reuses old translations), else the configured model id/path for the pair."""
    d = Path(model_dir) if model_dir else Path(codes.model_for(cfg, src, tgt))
    meta = d / codes.TINY_META
    if meta.exists():
        import json

        return "tiny:" + json.loads(meta.read_text())["fingerprint"]
    return codes.model_for(cfg, src, tgt)


class HFBackend:
    name = "hf"

    def __init__(self, cfg: dict, model_dir: str | Path | None = None, device: str | None = None):
        self.cfg = cfg
        self.model_dir = str(model_dir) if model_dir else None
        if cfg.get("model") == "tiny" and not self.model_dir:
            raise ValueError("translation.model 'tiny' needs the built translator's directory (model_dir)")
        self.family = codes.family_of(cfg, self.model_dir)
        self.max_length = int(cfg.get("max_length", 256))
        self.num_beams = int(cfg.get("num_beams", 1))
        self.device = device
        self._models: dict[str, tuple[Any, Any]] = {}
        self._specs: dict[tuple, codes.LangSpec] = {}
        self.n_truncated = 0  # source segments longer than max_length tokens (cut: logged)
        self.n_hit_limit = 0  # outputs that reached max_length new tokens (probably cut or looping)
        self.n_calls = 0
        self.last_ids = None

    def path_for(self, src: str, tgt: str) -> str:
        return self.model_dir or codes.model_for(self.cfg, src, tgt)

    def context(self, src: str, tgt: str) -> dict:
        return {
            "backend": "hf",
            "model": model_key(self.cfg, src, tgt, self.model_dir),
            "family": self.family,
            "src": src,
            "tgt": tgt,
            "num_beams": self.num_beams,
            "max_length": self.max_length,
            "lang_codes": dict(sorted((self.cfg.get("lang_codes") or {}).items())),
        }

    def load(self, src: str, tgt: str):
        path = self.path_for(src, tgt)
        if path not in self._models:
            import torch
            from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

            dev = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
            dtype = torch.bfloat16 if dev.startswith("cuda") and torch.cuda.is_bf16_supported() else torch.float32
            log.info("loading translation model %s (%s) on %s", path, self.family, dev)
            tok = AutoTokenizer.from_pretrained(path)
            model = AutoModelForSeq2SeqLM.from_pretrained(path, dtype=dtype).to(dev).eval()
            self._models[path] = (tok, model)
        return self._models[path]

    def translate_batch(self, segments: list[str], src: str, tgt: str) -> list[str]:
        import torch

        tok, model = self.load(src, tgt)
        key = (self.path_for(src, tgt), src, tgt)
        if key not in self._specs:  # get_vocab() of a 256k vocabulary is not free: once per pair
            self._specs[key] = codes.lang_spec(self.cfg, src, tgt, self.model_dir, vocab=tok.get_vocab())
        spec = self._specs[key]
        if spec.src_lang is not None:
            tok.src_lang = spec.src_lang
        texts = [spec.prefix + s for s in segments]
        lengths = [len(x) for x in tok(texts, add_special_tokens=True)["input_ids"]]
        over = [s for s, n in zip(segments, lengths) if n > self.max_length]
        if over:
            self.n_truncated += len(over)
            log.warning(
                "%d segment(s) longer than max_length=%d tokens are cut (raise translation.max_length "
                "or lower the segmenter's max_chars); first: %.80r",
                len(over),
                self.max_length,
                over[0],
            )
        enc = tok(texts, return_tensors="pt", padding=True, truncation=True, max_length=self.max_length)
        enc = {k: v.to(model.device) for k, v in enc.items() if k in ("input_ids", "attention_mask")}
        # max_length (decoder tokens, counting the start token and a forced language token) rather than
        # max_new_tokens: hub generation configs set max_length, and giving both warns on every batch
        gen: dict[str, Any] = {"max_length": self.max_length + 1, "num_beams": self.num_beams, "do_sample": False}
        if spec.forced_bos is not None:
            gen["forced_bos_token_id"] = tok.convert_tokens_to_ids(spec.forced_bos)
            gen["max_length"] += 1
        with torch.inference_mode():
            out = model.generate(**enc, **gen)
        self.n_calls += 1
        self.last_ids = (enc["input_ids"].cpu(), out.cpu())  # for inspection (tests, debugging)
        if out.shape[1] >= gen["max_length"]:  # rows that ran to the limit without ending
            ends = {t for t in (tok.eos_token_id, tok.pad_token_id) if t is not None}
            self.n_hit_limit += sum(int(row[-1]) not in ends for row in out)
        return [t.strip() for t in tok.batch_decode(out, skip_special_tokens=True, clean_up_tokenization_spaces=False)]


PROMPT = (
    "Translate the following text from {src_name} into {tgt_name}. Keep names, numbers and formatting. "
    "Answer with the translation only, without notes, quotes or explanations.\n\n"
    "<text>\n{text}\n</text>"
)
PROMPT_VERSION = "v1"


class OpenAIBackend:
    """A chat model as translator, one request per segment, through xlit.llm (shared with the judge).

    Its answers also land in xlit.llm's chat cache (`{cache_dir}/llm`), so a job killed mid-batch loses no
    paid request; the segment cache above it records whole batches."""

    name = "openai"

    def __init__(self, cfg: dict, cache_dir: str | Path | None = None):
        from xlit import llm

        ep = dict(cfg.get("endpoint") or {})
        if cfg.get("model") and "model" not in ep:
            ep["model"] = cfg["model"]
        # the key it sends, if any, is xlit.llm.api_key's rule (api_key_env, else OPENAI_API_KEY for OpenAI only)
        self.endpoint = llm.Endpoint.from_config(ep, entry="translation.endpoint")
        self.chat_cache = llm.ChatCache(Path(cache_dir) / "llm" if cache_dir is not None else None)
        self.n_calls = 0
        self.n_failed = 0

    def context(self, src: str, tgt: str) -> dict:
        return {
            "backend": "openai",
            "model": self.endpoint.model,
            "src": src,
            "tgt": tgt,
            "params": self.endpoint.params(),
            "prompt": PROMPT_VERSION,
        }

    @staticmethod
    def messages(segment: str, src: str, tgt: str) -> list[dict]:
        return [
            {
                "role": "user",
                "content": PROMPT.format(
                    src_name=LANG_NAMES.get(src, src), tgt_name=LANG_NAMES.get(tgt, tgt), text=segment
                ),
            }
        ]

    def translate_batch(self, segments: list[str], src: str, tgt: str) -> list[str]:
        from xlit import llm

        results = llm.run_chat([self.messages(s, src, tgt) for s in segments], self.endpoint, self.chat_cache)
        self.n_calls += 1
        failed = [(s, r.error) for s, r in zip(segments, results) if not r.ok]
        if failed:
            self.n_failed += len(failed)
            raise RuntimeError(
                f"{len(failed)} of {len(segments)} translation request(s) to "
                f"{self.endpoint.model} failed; first: {failed[0][1]} (segment {failed[0][0]!r:.60}); "
                "everything answered so far is cached: re-run to resume"
            )
        return [clean_llm_answer(r.text or "", s) for s, r in zip(segments, results)]


def clean_llm_answer(text: str, source: str = "") -> str:
    """The answer without the prompt's <text> tags and without quotes the source did not have."""
    t = text.strip()
    for tag in ("<text>", "</text>"):
        t = t.replace(tag, "")
    t = t.strip()
    quoted = source.strip()[:1] in "\"'«“" and source.strip() != ""
    if not quoted and len(t) >= 2 and (t[0], t[-1]) in (('"', '"'), ("'", "'"), ("«", "»"), ("“", "”")):
        t = t[1:-1].strip()
    return t


def make_backend(cfg: dict, model_dir: str | Path | None = None, cache_dir: str | Path | None = None):
    backend = cfg.get("backend", "hf")
    if backend == "hf":
        return HFBackend(cfg, model_dir)
    if backend == "openai":
        return OpenAIBackend(cfg, cache_dir)
    raise ValueError(f"translation.backend {backend!r} is not one of hf, openai")
