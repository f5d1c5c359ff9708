"""The openai judge backend (`backend: openai`): any OpenAI-compatible chat endpoint, through `xlit.llm`
(concurrency, retries, cache, key hygiene), on the generative-JSON path (`xlit.judge.core.judge_chat`).
Imports neither torch nor transformers."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from xlit.judge.core import Item, judge_chat, judge_defaults, one_turn
from xlit.llm import Endpoint, request_key, run_chat


def endpoint_of(cfg: Mapping[str, Any], name: str | None = None) -> Endpoint:
    """The openai Endpoint of a judge config (an unset temperature, logprobs or max_tokens: the schema's default,
    `judge_defaults`); `name`, the judge's entry in `judges`, is what a missing key's error names. Which key it
    sends, if any, is `xlit.llm.api_key`'s rule: `api_key_env`, else OPENAI_API_KEY for OpenAI's own API only."""
    default = judge_defaults()
    return Endpoint.from_config(
        cfg,
        entry=f"judges.{name}" if name else None,
        backend="openai",
        logprobs=bool(cfg.get("logprobs", default["logprobs"])),
        max_tokens=cfg.get("max_tokens") or default["max_tokens"],
        temperature=cfg.get("temperature", default["temperature"]),
    )


def judge(
    items: Sequence[Item], judge: str, cfg: Mapping[str, Any], template: str, cache_dir, base_dir, on_row, reasks: int
) -> list[dict]:
    """Rows for `items`; an answer that does not parse is asked again up to `reasks` times."""
    ep = endpoint_of(cfg, judge)
    return judge_chat(
        items,
        judge,
        template,
        cache_dir,
        on_row,
        reasks,
        lambda msgs: request_key(ep, msgs),
        lambda reqs, cache, refresh, on_result: run_chat(reqs, ep, cache, refresh=refresh, on_result=on_result),
    )


def request_keys(cfg: Mapping[str, Any], prompts: Sequence[str], base_dir) -> tuple[list[str], int, int]:
    """(cache key per prompt, requests per prompt, most completion tokens per request): for `estimate`."""
    ep = endpoint_of(cfg)
    return [request_key(ep, one_turn(p)) for p in prompts], 1, ep.max_tokens
