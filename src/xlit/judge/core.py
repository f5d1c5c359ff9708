"""What every judge backend shares: the input (`Item`, `read_responses`), the model a name points to
(`resolve_model`), the template a judge renders, the answer cache, output rows, and the generative-JSON path
(`judge_chat`: render, send, parse, ask again, cache) that `openai` and transformers `mode: generate` use."""

from __future__ import annotations

import functools
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from xlit import settings  # the schema and its defaults (below xlit.config: no import circle)
from xlit.io import InputError, iter_jsonl
from xlit.judge.parse import parse_answer
from xlit.judge.prompt import COMPACT_TEMPLATE, load_template, markers, render
from xlit.llm import ChatCache
from xlit.names import CRITERIA, LANG_NAMES
from xlit.paths import BASE_DIR

log = logging.getLogger("xlit.judge")

CACHE_SUBDIR = "judge"


@functools.cache
def judge_defaults() -> dict[str, Any]:
    """Every judge setting's default (`judges.<name>` in the schema): `default`, which a validated config has
    filled in, and `x-default`, which an unset key means (max_tokens, batch_size, mode). The backends read
    them here, so that a judge config used outside the workflow (a test, the library) means the same."""
    props = settings._schema()["properties"]["judges"]["additionalProperties"]["properties"]
    return {
        k: p["default"] if "default" in p else p["x-default"]
        for k, p in props.items()
        if {"default", "x-default"} & set(p)
    }


#: the `judge` section's defaults (the schema's): reask_unparsed (times an answer that does not parse is asked
#: again, cache bypassed, a cached unparsed one too; 0: never) and max_error_share
JUDGE_SECTION_DEFAULTS = settings.section_defaults("judge")
DEFAULT_REASKS = JUDGE_SECTION_DEFAULTS["reask_unparsed"]
DEFAULT_MAX_ERROR_SHARE = JUDGE_SECTION_DEFAULTS["max_error_share"]


@dataclass
class Item:
    id: str
    instruction: str
    response: str
    lang: str = ""
    category: str = ""
    expect_lang: str = ""  # a constraint prompt asking for another language (xlit.constraints): that language


# --------------------------------------------------------------------------------------------- inputs
def _text_of_prompt(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # chat messages: the last user turn
        for m in reversed(value):
            if isinstance(m, dict) and m.get("role") == "user" and isinstance(m.get("content"), str):
                return m["content"]
    return None


def read_responses(path: str | os.PathLike) -> list[Item]:
    """Rows with `instruction` (or `prompt`: a string or a list of chat messages) and `response`
    (or `output`); optional `id` (default: the line number), `lang`, `category`."""
    items = []
    lineno = 0
    for lineno, row in enumerate(iter_jsonl(path), 1):
        if not isinstance(row, dict):
            raise InputError(path, f"expected a JSON object, got {type(row).__name__}", line=lineno)
        instr = None
        for f in ("instruction", "prompt"):
            if f in row:
                instr = _text_of_prompt(row[f])
                if instr is None:
                    raise InputError(
                        path, "expected a string or a list of chat messages with a user turn", line=lineno, field=f
                    )
                break
        if instr is None:
            raise InputError(path, "missing (need `instruction` or `prompt`)", line=lineno, field="instruction")
        resp = row.get("response", row.get("output"))
        if not isinstance(resp, str):
            raise InputError(path, "missing or not a string", line=lineno, field="response")
        items.append(
            Item(
                id=str(row.get("id", lineno)),
                instruction=instr,
                response=resp,
                lang=str(row.get("lang", "") or ""),
                category=str(row.get("category", "") or ""),
                expect_lang=str(row.get("expect_lang", "") or ""),
            )
        )
    return items


def resolve_model(model: str, base_dir: str | os.PathLike = BASE_DIR) -> str:
    """A local directory as is; a base-model name through `<base_dir>/<name>/source.json`; else a hub id."""
    if os.path.isdir(model):
        return model
    src = Path(base_dir) / model / "source.json"
    if src.exists():
        path = json.loads(src.read_text(encoding="utf-8")).get("path")
        if not path:
            raise InputError(src, "missing", field="path")
        return str(path)
    return model


def cache_for(cache_dir: str | os.PathLike | None) -> ChatCache:
    return ChatCache(None if cache_dir is None else Path(cache_dir) / CACHE_SUBDIR)


def template_for(cfg: Mapping[str, Any], template: str | None) -> str:
    """The template a judge renders: the built-in COMPACT_TEMPLATE when its config says `template: compact`,
    else `template` (the config's `judge.prompt`), else the built-in default."""
    if cfg.get("template") == "compact":
        return COMPACT_TEMPLATE
    return template or load_template(None)


#: appended to the judge prompt of a response whose prompt asks for another language than its own (only then: every
#: other prompt renders byte for byte as before, so cached answers stay valid)
EXPECTED_LANG_NOTE = (
    "\n\nFor the language aspect, the expected language of the submission is {name}: the task asks for it."
)


def prompts_of(items: Sequence[Item], template: str) -> list[str]:
    """The judge prompt of each item; for an item whose expected language is not its prompt's (`Item.expect_lang`),
    EXPECTED_LANG_NOTE naming it."""
    ms = markers(template)
    out = []
    for it in items:
        prompt = render(template, it.instruction, it.response, ms)
        if it.expect_lang and it.expect_lang != it.lang:
            prompt += EXPECTED_LANG_NOTE.format(name=LANG_NAMES.get(it.expect_lang, it.expect_lang))
        out.append(prompt)
    return out


def one_turn(prompt: str) -> list[dict]:
    """The chat a judge is sent: the rendered prompt as one user turn."""
    return [{"role": "user", "content": prompt}]


# ---------------------------------------------------------------------------------------------- rows
def make_row(item: Item, judge: str, stars: dict, missing: list, raw, usage, cached: bool, error=None, **extra) -> dict:
    """One output row (see the package docstring); `extra`: the backend's own fields."""
    row = {
        "id": item.id,
        "lang": item.lang,
        "category": item.category,
        "judge": judge,
        "scores": {c: stars[c] - 1 for c in CRITERIA if c in stars},
        "stars": {c: stars[c] for c in CRITERIA if c in stars},
        "missing": list(missing),
        "unparsed": not stars,
        "raw": raw,
        "usage": usage,
        "cached": cached,
        "error": error,
    }
    row.update(extra)
    return row


def judge_chat(items, judge, template, cache_dir, on_row, reasks, key, send) -> list[dict]:
    """The generative-JSON judge path (openai, and transformers `mode: generate`): render each prompt, send
    it as a one-turn chat through `send(requests, cache, refresh, on_result)` (cached answers are not sent;
    `refresh` keys are sent again), parse each answer with `parse_answer`, ask unparsed ones again."""
    requests = [one_turn(p) for p in prompts_of(items, template)]
    rows: list[dict | None] = [None] * len(items)
    previous: dict[int, list] = {}  # unparsed answers already seen, per item
    again: list[int] = []  # items whose answer did not parse: asked once more (up to `reasks` rounds)

    def make(i, res, last_round):
        if res.ok:
            parsed = parse_answer(res.text)
            if parsed.unparsed and not last_round:
                previous.setdefault(i, []).append((res.text, None if res.cached else res.usage))
                again.append(i)
                return
            row = make_row(
                items[i], judge, parsed.stars, parsed.missing, res.text, res.usage, res.cached, logprobs=res.logprobs
            )
        else:
            row = make_row(items[i], judge, {}, list(CRITERIA), None, res.usage, False, error=res.error, logprobs=None)
        if i in previous:  # the answers that did not parse are kept for inspection, their tokens counted
            usages = [u for _, u in previous[i] if u] + ([row["usage"]] if row["usage"] else [])
            row.update(
                reasks=len(previous[i]),
                previous_raw=[t for t, _ in previous[i]],
                usage={k: sum(int(u.get(k) or 0) for u in usages) for k in ("prompt_tokens", "completion_tokens")}
                if usages
                else None,
            )
        rows[i] = row
        if on_row is not None:
            on_row(i, row)

    cache = cache_for(cache_dir)
    try:
        todo = list(range(len(items)))
        for rnd in range(max(0, reasks) + 1):
            again.clear()
            last = rnd == max(0, reasks)
            keys = [key(requests[i]) for i in todo] if rnd else ()
            if rnd:
                log.info("asking %d unparsed answer(s) again (round %d of %d)", len(todo), rnd, reasks)
            send(
                [requests[i] for i in todo], cache, keys, lambda j, res, todo=todo, last=last: make(todo[j], res, last)
            )
            if not again:
                break
            todo = sorted(set(again))
    finally:
        cache.close()
    return rows  # type: ignore[return-value]
