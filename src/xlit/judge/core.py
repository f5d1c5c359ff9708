"""Running a judge over responses: the openai and transformers backends, rows, tables, cost estimates."""
from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from xlit.io import InputError, iter_jsonl, write_jsonl
from xlit.judge.parse import parse_answer
from xlit.judge.prompt import COMPACT_TEMPLATE, CRITERIA, load_template, markers, render
from xlit.llm import ChatCache, ChatResult, Endpoint, hash_json, request_key, run_chat

log = logging.getLogger("xlit.judge")

SCORE_COLUMNS = ["judge", "run", "lr", "lang", "id", "category", "criterion", "score"]
COST_COLUMNS = ["judge", "run", "lr", "lang", "requests", "cached", "errors", "unparsed", "reasked",
                "missing_scores", "prompt_tokens", "completion_tokens", "cost_usd", "new_cost_usd"]
ESTIMATE_COLUMNS = ["judge", "backend", "model", "files", "responses", "requests", "cached", "to_send",
                    "est_prompt_tokens", "est_completion_tokens", "est_cost_usd", "max_cost_usd"]
#: completion tokens assumed per openai judgment in estimates: a six-key JSON answer is ~35-45 tokens
EST_COMPLETION_TOKENS = 40
#: chat-format overhead per request (role markers), added to the chars/4 estimate of the prompt
EST_OVERHEAD_TOKENS = 8
DEFAULT_MAX_TOKENS = 256
TRANSFORMERS_SCHEME = "next-token-stars-v2"
GENERATE_SCHEME = "greedy-chat-v1"
#: transformers judge modes: `stars` reads 1/2/3 probabilities after a JSON prefix (no generation); `generate`
#: writes the answer greedily and reads it like an API judge's (render, parse, cache: the openai path)
TRANSFORMERS_MODES = ("stars", "generate")
CACHE_SUBDIR = "judge"
#: times an answer that does not parse is asked again (same prompt, cache bypassed) before it is recorded
#: as unparsed; a cached unparsed answer is asked again on the next run too (0: never re-ask)
DEFAULT_REASKS = 1


class JudgeFailed(RuntimeError):
    """More requests failed (after retries) than the tolerance allows; every answer that arrived is cached."""
    one_line = True  # xlit.smk.job logs it without a traceback


@dataclass
class Item:
    id: str
    instruction: str
    response: str
    lang: str = ""
    category: str = ""


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
                    raise InputError(path, "expected a string or a list of chat messages with a user turn",
                                     line=lineno, field=f)
                break
        if instr is None:
            raise InputError(path, "missing (need `instruction` or `prompt`)", line=lineno, field="instruction")
        resp = row.get("response", row.get("output"))
        if not isinstance(resp, str):
            raise InputError(path, "missing or not a string", line=lineno, field="response")
        items.append(Item(id=str(row.get("id", lineno)), instruction=instr, response=resp,
                          lang=str(row.get("lang", "") or ""), category=str(row.get("category", "") or "")))
    return items


def resolve_model(model: str, base_dir: str | os.PathLike = "results/base") -> str:
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


def endpoint_of(cfg: Mapping[str, Any]) -> Endpoint:
    """The openai Endpoint of a judge config (logprobs on unless `logprobs: false`; max_tokens 256)."""
    return Endpoint.from_config(cfg, backend="openai", logprobs=bool(cfg.get("logprobs", True)),
                                max_tokens=cfg.get("max_tokens") or DEFAULT_MAX_TOKENS,
                                temperature=cfg.get("temperature", 0.0))


def template_for(cfg: Mapping[str, Any], template: str | None) -> str:
    """The template a judge renders: the built-in COMPACT_TEMPLATE when its config says `template: compact`,
    else `template` (the config's `judge.prompt`), else the built-in default."""
    if cfg.get("template") == "compact":
        return COMPACT_TEMPLATE
    return template or load_template(None)


def prompts_of(items: Sequence[Item], template: str) -> list[str]:
    ms = markers(template)
    return [render(template, it.instruction, it.response, ms) for it in items]


# ---------------------------------------------------------------------------------------------- rows
def _row(item: Item, judge: str, stars: dict, missing: list, raw, usage, cached: bool, error=None,
         **extra) -> dict:
    row = {"id": item.id, "lang": item.lang, "category": item.category, "judge": judge,
           "scores": {c: stars[c] - 1 for c in CRITERIA if c in stars},
           "stars": {c: stars[c] for c in CRITERIA if c in stars},
           "missing": list(missing), "unparsed": not stars, "raw": raw, "usage": usage,
           "cached": cached, "error": error}
    row.update(extra)
    return row


def judge_items(items: Sequence[Item], judge: str, cfg: Mapping[str, Any], *, template: str | None = None,
                cache_dir: str | os.PathLike | None = "cache", base_dir: str | os.PathLike = "results/base",
                on_row: Callable[[int, dict], Any] | None = None, reasks: int = DEFAULT_REASKS) -> list[dict]:
    """One output row per item (same order). `cfg` is `judges.<judge>` of the config. Requests that fail
    after retries give rows with an `error` (see `check_failures`); an openai answer that does not parse is
    asked again up to `reasks` times (the row's `reasks` says how often, `previous_raw` what came before)."""
    template = template_for(cfg, template)
    backend = cfg.get("backend", "openai")
    if backend == "openai":
        return _judge_openai(items, judge, cfg, template, cache_dir, on_row, reasks)
    if backend == "transformers" and cfg.get("mode", "stars") == "generate":
        return _judge_local_generate(items, judge, cfg, template, cache_dir, base_dir, on_row)
    if backend == "transformers":
        return _judge_transformers(items, judge, cfg, template, cache_dir, base_dir, on_row)
    raise ValueError(f"judges.{judge}.backend: unknown backend {backend!r} (openai or transformers)")


def _judge_openai(items, judge, cfg, template, cache_dir, on_row, reasks: int = DEFAULT_REASKS) -> list[dict]:
    ep = endpoint_of(cfg)
    return _judge_chat(items, judge, template, cache_dir, on_row, reasks, lambda msgs: request_key(ep, msgs),
                       lambda reqs, cache, refresh, on_result: run_chat(reqs, ep, cache, refresh=refresh,
                                                                        on_result=on_result))


def _judge_chat(items, judge, template, cache_dir, on_row, reasks, key, send) -> list[dict]:
    """The generative-JSON judge path (openai, and transformers `mode: generate`): render each prompt, send
    it as a one-turn chat through `send(requests, cache, refresh, on_result)` (cached answers are not sent;
    `refresh` keys are sent again), parse each answer with `parse_answer`, ask unparsed ones again."""
    requests = [[{"role": "user", "content": p}] for p in prompts_of(items, template)]
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
            row = _row(items[i], judge, parsed.stars, parsed.missing, res.text, res.usage, res.cached,
                       logprobs=res.logprobs)
        else:
            row = _row(items[i], judge, {}, list(CRITERIA), None, res.usage, False, error=res.error,
                       logprobs=None)
        if i in previous:  # the answers that did not parse are kept for inspection, their tokens counted
            usages = [u for _, u in previous[i] if u] + ([row["usage"]] if row["usage"] else [])
            row.update(reasks=len(previous[i]), previous_raw=[t for t, _ in previous[i]],
                       usage={k: sum(int(u.get(k) or 0) for u in usages)
                              for k in ("prompt_tokens", "completion_tokens")} if usages else None)
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
            send([requests[i] for i in todo], cache, keys, lambda j, res: make(todo[j], res, last))
            if not again:
                break
            todo = sorted(set(again))
    finally:
        cache.close()
    return rows  # type: ignore[return-value]


# --------------------------------------------------------------------------------- transformers backend
def _fingerprint(path: str) -> Any:
    """Identity of local weights (name, size, mtime of each weight/config file); a hub id as is."""
    p = Path(path)
    if not p.is_dir():
        return path
    files = sorted(f for f in p.iterdir() if f.suffix in (".safetensors", ".bin", ".json", ".model"))
    return [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]


class LocalJudge:
    """A causal LM whose star rating per criterion is the most probable of the tokens "1", "2", "3" after
    the chat-formatted judge prompt and the assistant prefix `{"<criterion>": `. The six sequences of one
    response share everything up to the criterion name: that prefix is run once (batched over responses,
    left padding) and its KV cache is reused for the six short suffixes. The probabilities are renormalised
    over the three candidates; `mass` is their share of the whole next-token distribution (how sure the
    model is that a digit comes next). A prompt longer than the model's context keeps its first quarter and
    its end (`truncated`)."""

    def __init__(self, path: str, batch_size: int = 8, max_length: int | None = None, device: str | None = None):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.torch = torch
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        dtype = torch.bfloat16 if self.device.startswith("cuda") else torch.float32
        self.tok = AutoTokenizer.from_pretrained(path)
        self.model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype).to(self.device).eval()
        limits = [getattr(self.model.config, "max_position_embeddings", None), max_length]
        self.max_length = min(x for x in limits + [1 << 20] if x)
        self.batch_size = max(1, int(batch_size))
        self.pad_id = self.tok.pad_token_id if self.tok.pad_token_id is not None else self.tok.eos_token_id

    def chat_text(self, prompt: str) -> str:
        msgs = [{"role": "user", "content": prompt}]
        if getattr(self.tok, "chat_template", None):
            return self.tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
        return prompt + "\n\n"

    def sequence(self, chat: str, criterion: str) -> tuple[list[int], list[int]]:
        """Token ids of the whole prompt up to the score, and the ids of the candidate tokens 1/2/3."""
        text = chat + ' {"' + criterion + '": '
        bos = self.tok.bos_token
        special = not (bos and chat.startswith(bos))
        encs = [self.tok(text + c, add_special_tokens=special)["input_ids"] for c in "123"]
        n = 0
        while all(len(e) > n for e in encs) and len({e[n] for e in encs}) == 1:
            n += 1
        if not all(len(e) > n for e in encs):
            raise ValueError("the tokenizer cannot tell the scores 1, 2, 3 apart")
        return encs[0][:n], [e[n] for e in encs]

    def split(self, seqs: list[list[int]]) -> tuple[list[int], list[list[int]], bool]:
        """(shared prefix, per-sequence suffixes, truncated?) with prefix + longest suffix <= max_length."""
        n = 0
        shortest = min(len(s) for s in seqs)
        while n < shortest - 1 and len({s[n] for s in seqs}) == 1:
            n += 1
        prefix, suffixes = seqs[0][:n], [s[n:] for s in seqs]
        budget = self.max_length - max(len(s) for s in suffixes)
        if budget < 8:
            raise ValueError(f"max_length {self.max_length} leaves no room for the prompt")
        truncated = len(prefix) > budget
        if truncated:
            head = budget // 4
            prefix = prefix[:head] + prefix[len(prefix) - (budget - head):]
        return prefix, suffixes, truncated

    def score(self, groups: list[tuple[list[int], list[list[int]], list[list[int]]]]) -> list[list[tuple[list[float], float]]]:
        """For each group (prefix, suffixes, candidates per suffix): [(probs over 1/2/3, mass)] per suffix.
        All groups must have the same number of suffixes."""
        torch = self.torch
        k = len(groups[0][1])
        prefixes = [g[0] for g in groups]
        width = max(len(p) for p in prefixes)
        ids = torch.full((len(groups), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(groups), width), dtype=torch.long)
        for r, p in enumerate(prefixes):
            ids[r, width - len(p):] = torch.tensor(p, dtype=torch.long)
            mask[r, width - len(p):] = 1
        pos = (mask.cumsum(-1) - 1).clamp(min=0)
        sufs = [s for g in groups for s in g[1]]
        swidth = max(len(s) for s in sufs)
        sids = torch.full((len(sufs), swidth), self.pad_id, dtype=torch.long)
        smask = torch.zeros((len(sufs), swidth), dtype=torch.long)
        for r, s in enumerate(sufs):
            sids[r, swidth - len(s):] = torch.tensor(s, dtype=torch.long)
            smask[r, swidth - len(s):] = 1
        lens = torch.tensor([len(p) for p in prefixes]).repeat_interleave(k)
        spos = lens[:, None] + (smask.cumsum(-1) - 1).clamp(min=0)
        full_mask = torch.cat([mask.repeat_interleave(k, dim=0), smask], dim=1)
        dev = self.device
        with torch.inference_mode():
            out = self.model(input_ids=ids.to(dev), attention_mask=mask.to(dev), position_ids=pos.to(dev),
                             use_cache=True, logits_to_keep=1)
            cache = out.past_key_values
            cache.batch_repeat_interleave(k)
            out = self.model(input_ids=sids.to(dev), attention_mask=full_mask.to(dev), position_ids=spos.to(dev),
                             past_key_values=cache, use_cache=True, logits_to_keep=1)
            logp = torch.log_softmax(out.logits[:, -1, :].float(), dim=-1).cpu()
        cands = [c for g in groups for c in g[2]]
        res = []
        for r, cand in enumerate(cands):
            lp = logp[r, cand]
            res.append((torch.softmax(lp, dim=-1).tolist(), float(lp.exp().sum())))
        return [res[i * k:(i + 1) * k] for i in range(len(groups))]


def _generate_ident(cfg: Mapping[str, Any], path: str) -> dict:
    return {"backend": "transformers", "mode": "generate", "model": cfg["model"], "weights": _fingerprint(path),
            "scheme": GENERATE_SCHEME, "max_tokens": int(cfg.get("max_tokens") or DEFAULT_MAX_TOKENS),
            "max_length": cfg.get("max_length")}


class LocalChat:
    """A local causal LM answering one-turn chats greedily (through its own chat template), behind the
    `send(requests, cache, refresh, on_result)` interface of `_judge_chat`; loaded on first use only (a
    fully cached run loads nothing). Answers are cached under `hash_json(ident + messages)`. A prompt
    longer than the context keeps its first quarter and its end, like `LocalJudge`."""

    def __init__(self, path: str, cfg: Mapping[str, Any], ident: Mapping[str, Any]):
        self.path, self.cfg, self.ident = path, cfg, dict(ident)
        self.model = self.tok = None

    def key(self, messages) -> str:
        return hash_json({**self.ident, "messages": messages})

    def _load(self):
        from xlit.generate import load_model

        self.model, self.tok = load_model(self.path)
        limits = [getattr(self.model.config, "max_position_embeddings", None), self.cfg.get("max_length")]
        self.max_length = min(x for x in limits + [1 << 20] if x)

    def _encode(self, messages) -> list[int]:
        text = self.tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        ids = self.tok(text, add_special_tokens=False)["input_ids"]
        budget = max(8, self.max_length - int(self.ident["max_tokens"]))
        if len(ids) > budget:
            head = budget // 4
            ids = ids[:head] + ids[len(ids) - (budget - head):]
        return ids

    def __call__(self, requests, cache: ChatCache, refresh, on_result) -> None:
        from xlit.generate import decode, hf_complete

        refresh = set(refresh)
        keys = [self.key(m) for m in requests]
        todo = []
        for i, k in enumerate(keys):
            rec = None if k in refresh else cache.get(k)
            if rec is not None:
                on_result(i, ChatResult.from_record(k, rec))
            else:
                todo.append(i)
        if not todo:
            return
        if self.model is None:
            self._load()
        encoded = [self._encode(requests[i]) for i in todo]
        bs = int(self.cfg.get("batch_size") or 8)
        for start in range(0, len(todo), bs):
            chunk = list(range(start, min(start + bs, len(todo))))
            done = hf_complete(self.model, self.tok, [encoded[j] for j in chunk],
                               max_new_tokens=int(self.ident["max_tokens"]), repetition_penalty=1.0, batch_size=bs)
            for j, ids in zip(chunk, done):
                text, n = decode(self.tok, ids)
                i = todo[j]
                res = ChatResult(text=text, usage={"prompt_tokens": len(encoded[j]), "completion_tokens": n},
                                 finish_reason="stop" if self.tok.eos_token_id in ids else "length",
                                 model=str(self.cfg["model"]), key=keys[i])
                cache.put(keys[i], res.record())
                on_result(i, res)


def _judge_local_generate(items, judge, cfg, template, cache_dir, base_dir, on_row) -> list[dict]:
    """transformers `mode: generate`: the openai path's rendering, parsing and cache, with a local model
    answering greedily. Greedy answers do not change when asked again, so unparsed ones are not re-asked."""
    path = resolve_model(cfg["model"], base_dir)
    chat = LocalChat(path, cfg, _generate_ident(cfg, path))
    return _judge_chat(items, judge, template, cache_dir, on_row, 0, chat.key, chat)


def _judge_transformers(items, judge, cfg, template, cache_dir, base_dir, on_row) -> list[dict]:
    path = resolve_model(cfg["model"], base_dir)
    prompts = prompts_of(items, template)
    ident = {"backend": "transformers", "model": cfg["model"], "weights": _fingerprint(path),
             "scheme": TRANSFORMERS_SCHEME, "max_length": cfg.get("max_length")}
    keys = [hash_json({**ident, "messages": [{"role": "user", "content": p}]}) for p in prompts]
    cache = cache_for(cache_dir)
    rows: list[dict | None] = [None] * len(items)

    def emit(i, rec, cached):
        stars = rec["stars"]
        row = _row(items[i], judge, stars, [c for c in CRITERIA if c not in stars], json.dumps(stars),
                   rec["usage"], cached, probs=rec["probs"], mass=rec["mass"], truncated=rec["truncated"])
        rows[i] = row
        if on_row is not None:
            on_row(i, row)

    try:
        todo = []
        for i, k in enumerate(keys):
            rec = cache.get(k)
            if rec is not None:
                emit(i, rec, True)
            else:
                todo.append(i)
        if not todo:
            return rows  # type: ignore[return-value]
        lj = LocalJudge(path, batch_size=int(cfg.get("batch_size") or 8), max_length=cfg.get("max_length"))
        groups = {}
        for i in todo:
            chat = lj.chat_text(prompts[i])
            seqs = [lj.sequence(chat, c) for c in CRITERIA]
            prefix, suffixes, truncated = lj.split([s[0] for s in seqs])
            groups[i] = (prefix, suffixes, [s[1] for s in seqs], truncated)
        order = sorted(todo, key=lambda i: len(groups[i][0]))  # similar lengths together: less padding
        for b in range(0, len(order), lj.batch_size):
            chunk = order[b:b + lj.batch_size]
            scored = lj.score([groups[i][:3] for i in chunk])
            for i, per_crit in zip(chunk, scored):
                prefix, suffixes, _, truncated = groups[i]
                rec = {"stars": {}, "probs": {}, "mass": {}, "truncated": truncated,
                       "usage": {"prompt_tokens": sum(len(prefix) + len(s) for s in suffixes),
                                 "completion_tokens": 0}}
                for c, (probs, mass) in zip(CRITERIA, per_crit):
                    rec["stars"][c] = 1 + max(range(3), key=lambda j: probs[j])
                    rec["probs"][c] = [round(p, 6) for p in probs]
                    rec["mass"][c] = round(mass, 6)
                cache.put(keys[i], rec)
                emit(i, rec, False)
    finally:
        cache.close()
    return rows  # type: ignore[return-value]


# ------------------------------------------------------------------------------------ tables and cost
def price(cfg: Mapping[str, Any], prompt_tokens: float, completion_tokens: float) -> float:
    return (prompt_tokens * float(cfg.get("price_in_per_mtok") or 0)
            + completion_tokens * float(cfg.get("price_out_per_mtok") or 0)) / 1e6


def score_rows(rows: Iterable[dict], judge: str, run: str, lr: str, lang: str) -> list[dict]:
    """Long-format rows for judge_scores.tsv; missing criteria are left out (they are no score)."""
    out = []
    for r in rows:
        for c in CRITERIA:
            if c in r.get("scores", {}):
                out.append({"judge": judge, "run": run, "lr": lr, "lang": r.get("lang") or lang, "id": r["id"],
                            "category": r.get("category", ""), "criterion": c, "score": r["scores"][c]})
    return out


def cost_row(rows: Sequence[dict], cfg: Mapping[str, Any], judge: str, run: str, lr: str, lang: str) -> dict:
    """Tokens and cost of one job. cost_usd: all answers at the configured prices (each paid once, whenever
    it was fetched); new_cost_usd: the answers this job fetched (not from the cache)."""
    def tok(r, k):
        return int((r.get("usage") or {}).get(k) or 0)

    pin = sum(tok(r, "prompt_tokens") for r in rows)
    pout = sum(tok(r, "completion_tokens") for r in rows)
    new = [r for r in rows if not r.get("cached")]
    return {"judge": judge, "run": run, "lr": lr, "lang": lang, "requests": len(rows),
            "cached": sum(bool(r.get("cached")) for r in rows), "errors": sum(bool(r.get("error")) for r in rows),
            "unparsed": sum(bool(r.get("unparsed")) and not r.get("error") for r in rows),
            "reasked": sum(bool(r.get("reasks")) for r in rows),
            "missing_scores": sum(len(r.get("missing") or []) for r in rows),
            "prompt_tokens": pin, "completion_tokens": pout, "cost_usd": round(price(cfg, pin, pout), 6),
            "new_cost_usd": round(price(cfg, sum(tok(r, "prompt_tokens") for r in new),
                                        sum(tok(r, "completion_tokens") for r in new)), 6)}


def parse_job_path(path: str | os.PathLike) -> tuple[str, str, str, str]:
    """(judge, run, lr, lang) from `.../judge/<judge>/<run>/lr<lr>/<lang>.jsonl`."""
    p = Path(path)
    parts = p.parts
    if len(parts) < 4 or not parts[-2].startswith("lr") or p.suffix != ".jsonl":
        raise InputError(p, "expected a path like judge/<judge>/<run>/lr<lr>/<lang>.jsonl")
    return parts[-4], parts[-3], parts[-2][2:], p.stem


def summary(rows: Sequence[dict]) -> dict:
    """Mean score per criterion (over rows that have it) and counts."""
    means = {}
    for c in CRITERIA:
        vals = [r["scores"][c] for r in rows if c in r.get("scores", {})]
        means[c] = round(sum(vals) / len(vals), 4) if vals else None
    return {"n": len(rows), "cached": sum(bool(r.get("cached")) for r in rows),
            "errors": sum(bool(r.get("error")) for r in rows),
            "unparsed": sum(bool(r.get("unparsed")) and not r.get("error") for r in rows),
            "missing_scores": sum(len(r.get("missing") or []) for r in rows), "means": means}


def check_failures(rows: Sequence[dict], max_error_share: float = 0.0, judge: str = "", source: str = "") -> int:
    """Raise JudgeFailed (one line: how many failed, the first error, that the rest is cached) when the share
    of rows with an `error` exceeds `max_error_share`; below it, log a warning. Returns the error count.
    Call it before writing a job's output, so that a failed job leaves no output and is run again; every
    answer that arrived is already in the cache, so the re-run sends only the failed requests."""
    errors = [r for r in rows if r.get("error")]
    if not errors:
        return 0
    what = f"{source}: " if source else ""
    what += f"judge {judge}: " if judge else ""
    first = " ".join(str(errors[0]["error"]).split())  # one line even when a server sent a page
    first = first if len(first) <= 300 else first[:297] + "..."
    line = f"{what}{len(errors)} of {len(rows)} requests failed after retries (first: {first})"
    if len(errors) / len(rows) > max_error_share:
        raise JudgeFailed(f"{line}; the {len(rows) - len(errors)} answers that arrived are cached: re-run to "
                          f"send only the failed ones (tolerance judge.max_error_share={max_error_share:g})")
    log.warning("%s; within judge.max_error_share=%g: kept as rows without scores", line, max_error_share)
    return len(errors)


def judge_file(responses: str | os.PathLike, out: str | os.PathLike | None, judge: str, cfg: Mapping[str, Any], *,
               template: str | None = None, cache_dir: str | os.PathLike | None = "cache",
               base_dir: str | os.PathLike = "results/base", lang: str = "", max_error_share: float = 0.0,
               reasks: int = DEFAULT_REASKS, on_row: Callable[[int, dict], Any] | None = None) -> list[dict]:
    """One judge job: read `responses`, judge them, fail (JudgeFailed, nothing written) when more requests
    failed than `max_error_share` allows, else write the rows to `out` (when given) and return them.
    `lang` fills rows without a language. `xlit judge` calls this; the workflow's `judge` rule `judge_files`."""
    return judge_files([(responses, out, lang)], judge, cfg, template=template, cache_dir=cache_dir,
                       base_dir=base_dir, max_error_share=max_error_share, reasks=reasks, on_row=on_row)[0]


def judge_files(jobs: Sequence[tuple[str | os.PathLike, str | os.PathLike | None, str]], judge: str,
                cfg: Mapping[str, Any], *, template: str | None = None, cache_dir: str | os.PathLike | None = "cache",
                base_dir: str | os.PathLike = "results/base", max_error_share: float = 0.0,
                reasks: int = DEFAULT_REASKS, on_row: Callable[[int, dict], Any] | None = None) -> list[list[dict]]:
    """`judge_file` for several `(responses, out, lang)` at once (e.g. every language of a checkpoint): all
    their items go through one `judge_items` call, so a transformers judge is loaded once and batches across
    files, and openai requests share one pool. Failures are checked per file before anything is written: a
    file over `max_error_share` raises JudgeFailed and no file is written. Returns the rows per file."""
    per_file = [read_responses(src) for src, _, _ in jobs]
    items = [it for its in per_file for it in its]
    log.info("judge %s (%s %s): %d responses from %s", judge, cfg.get("backend"), cfg.get("model"), len(items),
             ", ".join(str(src) for src, _, _ in jobs))
    rows = judge_items(items, judge, cfg, template=template, cache_dir=cache_dir, base_dir=base_dir,
                       on_row=on_row, reasks=reasks)
    out, start = [], 0
    for (src, _, lang), its in zip(jobs, per_file):
        chunk, start = rows[start:start + len(its)], start + len(its)
        for r in chunk:
            r["lang"] = r["lang"] or lang
        check_failures(chunk, max_error_share, judge, str(src))
        out.append(chunk)
    for (_, dst, _), chunk in zip(jobs, out):
        if dst is not None:
            write_jsonl(dst, chunk)
    return out


# ---------------------------------------------------------------------------------------- estimate
def est_tokens(text: str) -> int:
    """chars/4, rounded up: OpenAI's rule of thumb for English; an underestimate for Cyrillic (~x1.5-2)."""
    return math.ceil(len(text) / 4)


def estimate(files: Sequence[str | os.PathLike], judges: Mapping[str, Mapping[str, Any]],
             template: str | None = None, cache_dir: str | os.PathLike | None = "cache",
             base_dir: str | os.PathLike = "results/base") -> list[dict]:
    """Per judge: requests the files need, how many the cache already answers, and the estimated tokens
    and cost of the rest. Exact for the cache check (same keys as a real run); tokens by `est_tokens`
    plus EST_OVERHEAD_TOKENS per request in, EST_COMPLETION_TOKENS out (max_cost_usd: max_tokens out)."""
    items = [it for f in files for it in read_responses(f)]
    out = []
    cache = cache_for(cache_dir)
    try:
        for name, cfg in judges.items():
            prompts = prompts_of(items, template_for(cfg, template))
            backend = cfg.get("backend", "openai")
            if backend == "openai":
                ep = endpoint_of(cfg)
                keys = [request_key(ep, [{"role": "user", "content": p}]) for p in prompts]
                per_item = 1
                max_out = ep.max_tokens or DEFAULT_MAX_TOKENS
                est_out = min(EST_COMPLETION_TOKENS, max_out)
            elif cfg.get("mode", "stars") == "generate":
                chat = LocalChat(resolve_model(cfg["model"], base_dir), cfg,
                                 _generate_ident(cfg, resolve_model(cfg["model"], base_dir)))
                keys = [chat.key([{"role": "user", "content": p}]) for p in prompts]
                per_item, max_out = 1, int(chat.ident["max_tokens"])
                est_out = min(EST_COMPLETION_TOKENS, max_out)
            else:
                path = resolve_model(cfg["model"], base_dir)
                ident = {"backend": "transformers", "model": cfg["model"], "weights": _fingerprint(path),
                         "scheme": TRANSFORMERS_SCHEME, "max_length": cfg.get("max_length")}
                keys = [hash_json({**ident, "messages": [{"role": "user", "content": p}]}) for p in prompts]
                per_item, max_out, est_out = len(CRITERIA), 0, 0
            uniq = dict.fromkeys(keys)
            missing = cache.missing(list(uniq))
            todo_prompts = {k: p for k, p in zip(keys, prompts) if k in missing}
            tin = sum(per_item * (est_tokens(p) + EST_OVERHEAD_TOKENS) for p in todo_prompts.values())
            n = len(todo_prompts)
            out.append({"judge": name, "backend": backend, "model": cfg.get("model", ""), "files": len(files),
                        "responses": len(items), "requests": len(uniq), "cached": len(uniq) - len(missing),
                        "to_send": n, "est_prompt_tokens": tin, "est_completion_tokens": n * est_out,
                        "est_cost_usd": round(price(cfg, tin, n * est_out), 4),
                        "max_cost_usd": round(price(cfg, tin, n * max_out), 4)})
    finally:
        cache.close()
    return out
