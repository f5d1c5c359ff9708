"""The transformers judge backend (`backend: transformers`): a local causal LM in one of two modes.

`stars` (the default, `LocalJudge`): the probabilities of "1", "2", "3" after a JSON prefix per criterion,
no generation. `generate` (`LocalChat`): the model writes its answer greedily and it goes through the
generative-JSON path (`xlit.judge.core.judge_chat`) like an API judge's answer. torch and transformers are
imported only when a model is loaded (a fully cached run loads nothing).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, Sequence

from xlit.judge.core import (
    Item,
    cache_for,
    judge_chat,
    judge_defaults,
    make_row,
    one_turn,
    prompts_of,
    resolve_model,
)
from xlit.llm import ChatCache, ChatResult, hash_json
from xlit.names import CRITERIA

TRANSFORMERS_SCHEME = "next-token-stars-v2"
GENERATE_SCHEME = "greedy-chat-v1"
#: transformers judge modes: `stars` reads 1/2/3 probabilities after a JSON prefix (no generation); `generate`
#: writes the answer greedily and reads it like an API judge's (render, parse, cache: the openai path)
TRANSFORMERS_MODES = ("stars", "generate")


def _generates(cfg: Mapping[str, Any]) -> bool:
    return cfg.get("mode", judge_defaults()["mode"]) == "generate"


def judge(
    items: Sequence[Item], judge: str, cfg: Mapping[str, Any], template: str, cache_dir, base_dir, on_row, reasks: int
) -> list[dict]:
    """Rows for `items` in the judge's mode (`reasks` is not used: a greedy answer does not change)."""
    path = resolve_model(cfg["model"], base_dir)
    if _generates(cfg):
        chat = local_chat(cfg, path)
        return judge_chat(items, judge, template, cache_dir, on_row, 0, chat.key, chat)
    return _judge_stars(items, judge, cfg, template, cache_dir, path, on_row)


def request_keys(cfg: Mapping[str, Any], prompts: Sequence[str], base_dir) -> tuple[list[str], int, int]:
    """(cache key per prompt, model calls per prompt, most completion tokens per call): for `estimate`."""
    path = resolve_model(cfg["model"], base_dir)
    if _generates(cfg):
        chat = local_chat(cfg, path)
        return [chat.key(one_turn(p)) for p in prompts], 1, int(chat.ident["max_tokens"])
    return _stars_keys(cfg, path, prompts), len(CRITERIA), 0


# ------------------------------------------------------------------------------------------ stars
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

    def __init__(
        self, path: str, batch_size: int | None = None, max_length: int | None = None, device: str | None = None
    ):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.torch = torch
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        dtype = torch.bfloat16 if self.device.startswith("cuda") else torch.float32
        self.tok = AutoTokenizer.from_pretrained(path)
        self.model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype).to(self.device).eval()
        limits = [getattr(self.model.config, "max_position_embeddings", None), max_length]
        self.max_length = min(x for x in limits + [1 << 20] if x)
        self.batch_size = max(1, int(batch_size or judge_defaults()["batch_size"]))
        self.pad_id = self.tok.pad_token_id if self.tok.pad_token_id is not None else self.tok.eos_token_id

    def chat_text(self, prompt: str) -> str:
        if getattr(self.tok, "chat_template", None):
            return self.tok.apply_chat_template(one_turn(prompt), tokenize=False, add_generation_prompt=True)
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
            prefix = prefix[:head] + prefix[len(prefix) - (budget - head) :]
        return prefix, suffixes, truncated

    def _left_pad(self, seqs: list[list[int]]):
        """(ids, attention mask) of `seqs` padded on the left to the longest."""
        torch = self.torch
        width = max(len(x) for x in seqs)
        ids = torch.full((len(seqs), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(seqs), width), dtype=torch.long)
        for r, x in enumerate(seqs):
            ids[r, width - len(x) :] = torch.tensor(x, dtype=torch.long)
            mask[r, width - len(x) :] = 1
        return ids, mask

    def score(
        self, groups: list[tuple[list[int], list[list[int]], list[list[int]]]]
    ) -> list[list[tuple[list[float], float]]]:
        """For each group (prefix, suffixes, candidates per suffix): [(probs over 1/2/3, mass)] per suffix.
        All groups must have the same number of suffixes."""
        torch = self.torch
        k = len(groups[0][1])
        prefixes = [g[0] for g in groups]
        ids, mask = self._left_pad(prefixes)
        pos = (mask.cumsum(-1) - 1).clamp(min=0)
        sids, smask = self._left_pad([s for g in groups for s in g[1]])
        lens = torch.tensor([len(p) for p in prefixes]).repeat_interleave(k)
        spos = lens[:, None] + (smask.cumsum(-1) - 1).clamp(min=0)
        full_mask = torch.cat([mask.repeat_interleave(k, dim=0), smask], dim=1)
        dev = self.device
        with torch.inference_mode():
            out = self.model(
                input_ids=ids.to(dev),
                attention_mask=mask.to(dev),
                position_ids=pos.to(dev),
                use_cache=True,
                logits_to_keep=1,
            )
            cache = out.past_key_values
            cache.batch_repeat_interleave(k)
            out = self.model(
                input_ids=sids.to(dev),
                attention_mask=full_mask.to(dev),
                position_ids=spos.to(dev),
                past_key_values=cache,
                use_cache=True,
                logits_to_keep=1,
            )
            logp = torch.log_softmax(out.logits[:, -1, :].float(), dim=-1).cpu()
        cands = [c for g in groups for c in g[2]]
        res = []
        for r, cand in enumerate(cands):
            lp = logp[r, cand]
            res.append((torch.softmax(lp, dim=-1).tolist(), float(lp.exp().sum())))
        return [res[i * k : (i + 1) * k] for i in range(len(groups))]


def _stars_keys(cfg: Mapping[str, Any], path: str, prompts: Sequence[str]) -> list[str]:
    ident = {
        "backend": "transformers",
        "model": cfg["model"],
        "weights": _fingerprint(path),
        "scheme": TRANSFORMERS_SCHEME,
        "max_length": cfg.get("max_length"),
    }
    return [hash_json({**ident, "messages": one_turn(p)}) for p in prompts]


def _judge_stars(items, judge, cfg, template, cache_dir, path, on_row) -> list[dict]:
    prompts = prompts_of(items, template)
    keys = _stars_keys(cfg, path, prompts)
    cache = cache_for(cache_dir)
    rows: list[dict | None] = [None] * len(items)

    def emit(i, rec, cached):
        stars = rec["stars"]
        row = make_row(
            items[i],
            judge,
            stars,
            [c for c in CRITERIA if c not in stars],
            json.dumps(stars),
            rec["usage"],
            cached,
            probs=rec["probs"],
            mass=rec["mass"],
            truncated=rec["truncated"],
        )
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
        batch_size = cfg.get("batch_size") or judge_defaults()["batch_size"]
        lj = LocalJudge(path, batch_size=int(batch_size), max_length=cfg.get("max_length"))
        groups = {}
        for i in todo:
            chat = lj.chat_text(prompts[i])
            seqs = [lj.sequence(chat, c) for c in CRITERIA]
            prefix, suffixes, truncated = lj.split([s[0] for s in seqs])
            groups[i] = (prefix, suffixes, [s[1] for s in seqs], truncated)
        order = sorted(todo, key=lambda i: len(groups[i][0]))  # similar lengths together: less padding
        for b in range(0, len(order), lj.batch_size):
            chunk = order[b : b + lj.batch_size]
            scored = lj.score([groups[i][:3] for i in chunk])
            for i, per_crit in zip(chunk, scored):
                prefix, suffixes, _, truncated = groups[i]
                rec = {
                    "stars": {},
                    "probs": {},
                    "mass": {},
                    "truncated": truncated,
                    "usage": {"prompt_tokens": sum(len(prefix) + len(s) for s in suffixes), "completion_tokens": 0},
                }
                for c, (probs, mass) in zip(CRITERIA, per_crit):
                    rec["stars"][c] = 1 + max(range(3), key=lambda j: probs[j])
                    rec["probs"][c] = [round(p, 6) for p in probs]
                    rec["mass"][c] = round(mass, 6)
                cache.put(keys[i], rec)
                emit(i, rec, False)
    finally:
        cache.close()
    return rows  # type: ignore[return-value]


# --------------------------------------------------------------------------------------- generate
def chat_ids(tok, messages, max_length: int, max_tokens: int) -> list[int]:
    """The token ids a generating judge continues from (transformers `mode: generate` and `backend: vllm` alike):
    the one-turn chat through the tokenizer's chat template, or, for a base model without one, the judge's
    plain prompt and a blank line (as `LocalJudge.chat_text`), with the tokenizer's own special tokens. A prompt
    longer than `max_length - max_tokens` keeps its first quarter and its end."""
    if getattr(tok, "chat_template", None):
        text = tok.apply_chat_template(list(messages), tokenize=False, add_generation_prompt=True)
        ids = tok(text, add_special_tokens=False)["input_ids"]
    else:
        ids = tok(messages[-1]["content"] + "\n\n")["input_ids"]
    budget = max(8, int(max_length) - int(max_tokens))
    if len(ids) > budget:
        head = budget // 4
        ids = ids[:head] + ids[len(ids) - (budget - head) :]
    return list(ids)


def local_chat(cfg: Mapping[str, Any], path: str) -> LocalChat:
    """The `generate` mode's model (loaded on first use) and its cache identity."""
    return LocalChat(
        path,
        cfg,
        {
            "backend": "transformers",
            "mode": "generate",
            "model": cfg["model"],
            "weights": _fingerprint(path),
            "scheme": GENERATE_SCHEME,
            "max_tokens": int(cfg.get("max_tokens") or judge_defaults()["max_tokens"]),
            "max_length": cfg.get("max_length"),
        },
    )


class CachedChat:
    """What the `send(requests, cache, refresh, on_result)` of a local judge model (transformers `LocalChat`,
    vLLM `xlit.judge.vllm_judge.VLLMJudgeChat`) shares: answers cached under `hash_json(ident + messages)`, and
    `uncached`, which answers the cached requests and returns the others (the model is loaded only for them)."""

    def __init__(self, path: str, cfg: Mapping[str, Any], ident: Mapping[str, Any]):
        self.path, self.cfg, self.ident = path, cfg, dict(ident)

    def key(self, messages) -> str:
        return hash_json({**self.ident, "messages": messages})

    def uncached(self, requests, cache: ChatCache, refresh, on_result) -> tuple[list[str], list[int]]:
        """(the key of every request, the indices of those the cache lacks or `refresh` names); each cached one
        is passed to `on_result` first."""
        refresh = set(refresh)
        keys = [self.key(m) for m in requests]
        todo = []
        for i, k in enumerate(keys):
            rec = None if k in refresh else cache.get(k)
            if rec is not None:
                on_result(i, ChatResult.from_record(k, rec))
            else:
                todo.append(i)
        return keys, todo


class LocalChat(CachedChat):
    """A local causal LM answering one-turn chats greedily (through its own chat template), behind the
    `send(requests, cache, refresh, on_result)` interface of `judge_chat`; loaded on first use only (a
    fully cached run loads nothing). Answers are cached under `hash_json(ident + messages)`. A prompt
    longer than the context keeps its first quarter and its end, like `LocalJudge`."""

    def __init__(self, path: str, cfg: Mapping[str, Any], ident: Mapping[str, Any]):
        super().__init__(path, cfg, ident)
        self.model = self.tok = None

    def _load(self):
        from xlit.generate import load_model

        self.model, self.tok = load_model(self.path)
        limits = [getattr(self.model.config, "max_position_embeddings", None), self.cfg.get("max_length")]
        self.max_length = min(x for x in limits + [1 << 20] if x)

    def _encode(self, messages) -> list[int]:
        return chat_ids(self.tok, messages, self.max_length, int(self.ident["max_tokens"]))

    def __call__(self, requests, cache: ChatCache, refresh, on_result) -> None:
        from xlit.chat import stop_token_ids
        from xlit.generate import decode, hf_complete

        keys, todo = self.uncached(requests, cache, refresh, on_result)
        if not todo:
            return
        if self.model is None:
            self._load()
        encoded = [self._encode(requests[i]) for i in todo]
        stops = stop_token_ids(self.tok, self.model.generation_config)  # where hf_complete stopped (and vLLM stops)
        bs = int(self.cfg.get("batch_size") or judge_defaults()["batch_size"])
        for start in range(0, len(todo), bs):
            chunk = list(range(start, min(start + bs, len(todo))))
            done = hf_complete(
                self.model,
                self.tok,
                [encoded[j] for j in chunk],
                max_new_tokens=int(self.ident["max_tokens"]),
                repetition_penalty=1.0,
                batch_size=bs,
            )
            for j, ids in zip(chunk, done):
                text, n = decode(self.tok, ids, stops)
                i = todo[j]
                res = ChatResult(
                    text=text,
                    usage={"prompt_tokens": len(encoded[j]), "completion_tokens": n},
                    finish_reason="stop" if set(stops) & set(ids) else "length",
                    model=str(self.cfg["model"]),
                    key=keys[i],
                )
                cache.put(keys[i], res.record())
                on_result(i, res)
