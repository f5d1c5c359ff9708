"""The vllm judge backend (`backend: vllm`): an open model served by vLLM in the job's own process, on the
generative-JSON path of the API judges (`xlit.judge.core.judge_chat`: the prompt rendered with the judge's
template, a greedy answer of at most `max_tokens`, `parse_answer`, the same answer cache).

The prompt goes through the judge model's chat template as one user turn, or, for a base model without one,
as the plain prompt (`xlit.judge.local.chat_ids`, shared with the transformers `mode: generate` judge, so both
send the same token ids); vLLM receives token ids and its answer is decoded by the same tokenizer
(`xlit.generate.decode`). `gpus` > 1 splits the model over the GPUs (tensor parallel); `max_length` caps the
engine's context (`max_model_len`). Answers are cached after each engine call of `batch_size` requests (unset:
`CHUNK`); an engine call that fails fails its requests and every later one (rows with an `error`: the job fails
after caching what arrived, and its re-run sends only the rest). A greedy answer does not change, so unparsed
answers are not asked again. vLLM is imported (and its engine started) only when some answer is not cached.

vLLM lives in the generation environment: the workflow's judge job hands itself over there (`xlit.vllm_job`,
`xlit.judge.run.run_job`) unless every answer is cached already (`needs_engine`).
"""

from __future__ import annotations

import logging
from typing import Any, Mapping, Sequence

from xlit.judge.core import Item, judge_chat, judge_defaults, one_turn, prompts_of, resolve_model, template_for
from xlit.judge.local import GENERATE_SCHEME, CachedChat, _fingerprint, chat_ids
from xlit.llm import ChatCache, ChatResult, hash_json

log = logging.getLogger("xlit.judge")

#: requests per engine call when `batch_size` is unset (answers are cached after each call)
CHUNK = 256
#: more `vllm.LLM` arguments for this process's judge engines (config `vllm`: gpu_memory_utilization, ...), set by
#: `xlit.judge.run.run_job` from its spec
ENGINE_ARGS: dict[str, Any] = {}


def ident(cfg: Mapping[str, Any], path: str) -> dict:
    """What a vllm judge's cached answer depends on: the model's weights, greedy decoding, max_tokens and
    max_length (the context a long prompt is cut to). Not the GPU count: it changes no greedy answer by design."""
    return {
        "backend": "vllm",
        "model": cfg["model"],
        "weights": _fingerprint(path),
        "scheme": GENERATE_SCHEME,
        "max_tokens": int(cfg.get("max_tokens") or judge_defaults()["max_tokens"]),
        "max_length": cfg.get("max_length"),
    }


def _check_mode(judge: str, cfg: Mapping[str, Any]) -> None:
    if cfg.get("mode", "generate") != "generate":
        raise ValueError(
            f"judges.{judge}.mode: a vllm judge generates its answer (mode: generate), got {cfg['mode']!r}"
        )


def judge(
    items: Sequence[Item], judge: str, cfg: Mapping[str, Any], template: str, cache_dir, base_dir, on_row, reasks: int
) -> list[dict]:
    """Rows for `items` (`reasks` is not used: a greedy answer does not change)."""
    _check_mode(judge, cfg)
    path = resolve_model(cfg["model"], base_dir)
    chat = VLLMJudgeChat(path, cfg, ident(cfg, path))
    return judge_chat(items, judge, template, cache_dir, on_row, 0, chat.key, chat)


def request_keys(cfg: Mapping[str, Any], prompts: Sequence[str], base_dir) -> tuple[list[str], int, int]:
    """(cache key per prompt, model calls per prompt, most completion tokens per call): for `estimate`; needs no
    vLLM (the keys are those of `judge`)."""
    path = resolve_model(cfg["model"], base_dir)
    idn = ident(cfg, path)
    return [hash_json({**idn, "messages": one_turn(p)}) for p in prompts], 1, int(idn["max_tokens"])


def needs_engine(items: Sequence[Item], cfg: Mapping[str, Any], template: str | None, cache, base_dir) -> int:
    """How many of `items`' answers the cache lacks (0: the job runs without vLLM, nothing is asked again)."""
    keys, _, _ = request_keys(cfg, prompts_of(items, template_for(cfg, template)), base_dir)
    return len(cache.missing(list(dict.fromkeys(keys))))


class VLLMJudgeChat(CachedChat):
    """The `send(requests, cache, refresh, on_result)` of `judge_chat` for a vllm judge: cached answers are
    answered from the cache; the rest go to one engine (`xlit.vllm_backend.VLLMChat`, started on first use), in
    calls of `batch_size` requests, each answer cached as its call returns."""

    def __init__(self, path: str, cfg: Mapping[str, Any], ident: Mapping[str, Any]):
        super().__init__(path, cfg, ident)
        self.engine = None

    def _start(self):
        from xlit.vllm_backend import VLLMChat

        self.engine = VLLMChat(
            self.path, gpus=int(self.cfg.get("gpus") or 1), max_length=self.cfg.get("max_length"), **ENGINE_ARGS
        )

    def __call__(self, requests, cache: ChatCache, refresh, on_result) -> None:
        from xlit.generate import decode

        keys, todo = self.uncached(requests, cache, refresh, on_result)
        if not todo:
            return
        if self.engine is None:
            self._start()
        tok, max_tokens, stops = self.engine.tokenizer, int(self.ident["max_tokens"]), list(self.engine.stop_ids)
        encoded = {i: chat_ids(tok, requests[i], self.engine.max_model_len, max_tokens) for i in todo}
        size = int(self.cfg.get("batch_size") or CHUNK)
        failed = None
        for start in range(0, len(todo), size):
            chunk = todo[start : start + size]
            if failed is None:
                try:
                    done = self.engine.complete(
                        [encoded[i] for i in chunk], max_new_tokens=max_tokens, repetition_penalty=1.0
                    )
                except Exception as e:  # the engine's error fails these requests; the job fails after caching
                    failed = f"vLLM: {type(e).__name__}: {e}"
                    log.error("the vLLM judge failed on %d request(s): %s", len(chunk), failed)
                    for i in chunk:
                        on_result(i, ChatResult(error=failed, key=keys[i]))
                    continue
                for i, ids in zip(chunk, done):
                    text, n = decode(tok, ids, stops)
                    res = ChatResult(
                        text=text,
                        usage={"prompt_tokens": len(encoded[i]), "completion_tokens": n},
                        finish_reason="stop" if set(stops) & set(ids) else "length",
                        model=str(self.cfg["model"]),
                        key=keys[i],
                    )
                    cache.put(keys[i], res.record())
                    on_result(i, res)
            else:
                for i in chunk:
                    on_result(i, ChatResult(error=f"not sent: an earlier engine call failed ({failed})", key=keys[i]))
