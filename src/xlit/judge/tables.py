"""Tables of judge results (`score_rows`, `cost_row`, `summary`) and what judging would cost (`estimate`)."""

from __future__ import annotations

import math
import os
from typing import Any, Iterable, Mapping, Sequence

from xlit.judge.core import cache_for, prompts_of, read_responses, template_for
from xlit.judge.run import backend_of
from xlit.names import CRITERIA
from xlit.paths import BASE_DIR

SCORE_COLUMNS = ["judge", "run", "lr", "lang", "id", "category", "criterion", "score"]
COST_COLUMNS = [
    "judge",
    "run",
    "lr",
    "lang",
    "requests",
    "cached",
    "errors",
    "unparsed",
    "reasked",
    "missing_scores",
    "prompt_tokens",
    "completion_tokens",
    "cost_usd",
    "new_cost_usd",
]
ESTIMATE_COLUMNS = [
    "judge",
    "backend",
    "model",
    "files",
    "responses",
    "requests",
    "cached",
    "to_send",
    "est_prompt_tokens",
    "est_completion_tokens",
    "est_cost_usd",
    "max_cost_usd",
]
#: completion tokens assumed per openai judgment in estimates: a six-key JSON answer is ~35-45 tokens
EST_COMPLETION_TOKENS = 40
#: chat-format overhead per request (role markers), added to the chars/4 estimate of the prompt
EST_OVERHEAD_TOKENS = 8


def price(cfg: Mapping[str, Any], prompt_tokens: float, completion_tokens: float) -> float:
    return (
        prompt_tokens * float(cfg.get("price_in_per_mtok") or 0)
        + completion_tokens * float(cfg.get("price_out_per_mtok") or 0)
    ) / 1e6


def score_rows(rows: Iterable[dict], judge: str, run: str, lr: str, lang: str) -> list[dict]:
    """Long-format rows for judge_scores.tsv; missing criteria are left out (they are no score)."""
    out = []
    for r in rows:
        for c in CRITERIA:
            if c in r.get("scores", {}):
                out.append(
                    {
                        "judge": judge,
                        "run": run,
                        "lr": lr,
                        "lang": r.get("lang") or lang,
                        "id": r["id"],
                        "category": r.get("category", ""),
                        "criterion": c,
                        "score": r["scores"][c],
                    }
                )
    return out


def cost_row(rows: Sequence[dict], cfg: Mapping[str, Any], judge: str, run: str, lr: str, lang: str) -> dict:
    """Tokens and cost of one job. cost_usd: all answers at the configured prices (each paid once, whenever
    it was fetched); new_cost_usd: the answers this job fetched (not from the cache)."""

    def tok(r, k):
        return int((r.get("usage") or {}).get(k) or 0)

    pin = sum(tok(r, "prompt_tokens") for r in rows)
    pout = sum(tok(r, "completion_tokens") for r in rows)
    new = [r for r in rows if not r.get("cached")]
    return {
        "judge": judge,
        "run": run,
        "lr": lr,
        "lang": lang,
        "requests": len(rows),
        "cached": sum(bool(r.get("cached")) for r in rows),
        "errors": sum(bool(r.get("error")) for r in rows),
        "unparsed": sum(bool(r.get("unparsed")) and not r.get("error") for r in rows),
        "reasked": sum(bool(r.get("reasks")) for r in rows),
        "missing_scores": sum(len(r.get("missing") or []) for r in rows),
        "prompt_tokens": pin,
        "completion_tokens": pout,
        "cost_usd": round(price(cfg, pin, pout), 6),
        "new_cost_usd": round(
            price(cfg, sum(tok(r, "prompt_tokens") for r in new), sum(tok(r, "completion_tokens") for r in new)), 6
        ),
    }


def summary(rows: Sequence[dict]) -> dict:
    """Mean score per criterion (over rows that have it) and counts."""
    means = {}
    for c in CRITERIA:
        vals = [r["scores"][c] for r in rows if c in r.get("scores", {})]
        means[c] = round(sum(vals) / len(vals), 4) if vals else None
    return {
        "n": len(rows),
        "cached": sum(bool(r.get("cached")) for r in rows),
        "errors": sum(bool(r.get("error")) for r in rows),
        "unparsed": sum(bool(r.get("unparsed")) and not r.get("error") for r in rows),
        "missing_scores": sum(len(r.get("missing") or []) for r in rows),
        "means": means,
    }


# ---------------------------------------------------------------------------------------- estimate
def est_tokens(text: str) -> int:
    """chars/4, rounded up: OpenAI's rule of thumb for English; an underestimate for Cyrillic (~x1.5-2)."""
    return math.ceil(len(text) / 4)


def estimate(
    files: Sequence[str | os.PathLike],
    judges: Mapping[str, Mapping[str, Any]],
    template: str | None = None,
    cache_dir: str | os.PathLike | None = "cache",
    base_dir: str | os.PathLike = BASE_DIR,
) -> list[dict]:
    """Per judge: requests the files need, how many the cache already answers, and the estimated tokens
    and cost of the rest. Exact for the cache check (same keys as a real run); tokens by `est_tokens`
    plus EST_OVERHEAD_TOKENS per request in, EST_COMPLETION_TOKENS out (max_cost_usd: max_tokens out)."""
    items = [it for f in files for it in read_responses(f)]
    out = []
    cache = cache_for(cache_dir)
    try:
        for name, cfg in judges.items():
            prompts = prompts_of(items, template_for(cfg, template))
            keys, per_item, max_out = backend_of(name, cfg).request_keys(cfg, prompts, base_dir)
            est_out = min(EST_COMPLETION_TOKENS, max_out)
            uniq = dict.fromkeys(keys)
            missing = cache.missing(list(uniq))
            todo_prompts = {k: p for k, p in zip(keys, prompts) if k in missing}
            tin = sum(per_item * (est_tokens(p) + EST_OVERHEAD_TOKENS) for p in todo_prompts.values())
            n = len(todo_prompts)
            out.append(
                {
                    "judge": name,
                    "backend": cfg.get("backend", "openai"),
                    "model": cfg.get("model", ""),
                    "files": len(files),
                    "responses": len(items),
                    "requests": len(uniq),
                    "cached": len(uniq) - len(missing),
                    "to_send": n,
                    "est_prompt_tokens": tin,
                    "est_completion_tokens": n * est_out,
                    "est_cost_usd": round(price(cfg, tin, n * est_out), 4),
                    "max_cost_usd": round(price(cfg, tin, n * max_out), 4),
                }
            )
    finally:
        cache.close()
    return out
