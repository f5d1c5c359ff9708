"""Instruction-tuning data and evaluation prompts: loaders for the formats the study meets.

IT formats (each example becomes `{"messages": [...], "id", "lang", "category"}`):
- `dolly`: databricks-dolly-15k rows `instruction, context, response, category`; the context, when
  present, follows the instruction after a blank line.
- `lima`: GAIR/lima rows `conversations: [user, assistant, user, ...]`; multi-turn kept as multi-turn.
- `messages`: `{"messages": [{"role", "content"}, ...]}` or a bare list of messages per line.
- `auto`: each row read in whichever of the three forms it has.

Eval prompts: `{"id", "instruction", "category"}` JSONL, or one list of chat messages per line
(the released multilingual prompt sets), whose ids are then the 1-based line numbers.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

from .io import InputError, clean_json, iter_jsonl_lines, read_text, require

log = logging.getLogger("xlit.data")

ROLES = ("system", "user", "assistant")


def _rows_with_lines(path: str | Path):
    """(line number, row) for JSONL files, or for a JSON file holding a list."""
    path = Path(path)
    if path.suffix == ".json":
        text = read_text(path)  # invalid code points replaced (xlit.io)
        if text.lstrip()[:1] == "[":
            try:
                rows = json.loads(text)
            except json.JSONDecodeError as e:
                raise InputError(path, f"not valid JSON ({e.msg})", line=e.lineno) from None
            rows, n = clean_json(rows)
            if n:
                log.warning("%s: %d lone surrogate(s) replaced by U+FFFD", path, n)
            yield from ((i + 1, r) for i, r in enumerate(rows))  # item index stands in for the line
            return
    yield from iter_jsonl_lines(path)


def check_messages(messages, path, line) -> list[dict]:
    if not isinstance(messages, list) or not messages:
        raise InputError(path, "expected a non-empty list of chat messages", line=line, field="messages")
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ROLES or not isinstance(m.get("content"), str):
            raise InputError(
                path,
                f"message {i} must be {{'role': one of {ROLES}, 'content': str}}, got {m!r:.80}",
                line=line,
                field="messages",
            )
    return [{"role": m["role"], "content": m["content"]} for m in messages]


def _from_dolly(row, path, line):
    instruction = require(row, "instruction", path, line)
    response = require(row, "response", path, line)
    context = row.get("context") or ""
    if not isinstance(context, str):
        raise InputError(path, "expected a string", line=line, field="context")
    user = instruction.strip() + (f"\n\n{context.strip()}" if context.strip() else "")
    return [{"role": "user", "content": user}, {"role": "assistant", "content": response}], row.get("category", "")


def _from_lima(row, path, line):
    turns = require(row, "conversations", path, line, kind=list)
    if not turns or not all(isinstance(t, str) for t in turns):
        raise InputError(path, "expected a list of strings (user, assistant, ...)", line=line, field="conversations")
    if len(turns) % 2:
        turns = turns[:-1]  # a trailing user turn has no response to learn from
        if not turns:
            raise InputError(
                path, "a conversation needs at least one user and one assistant turn", line=line, field="conversations"
            )
    roles = ["user", "assistant"] * (len(turns) // 2)
    return [{"role": r, "content": t} for r, t in zip(roles, turns)], row.get("source", "")


def _from_messages(row, path, line):
    messages = row.get("messages") if isinstance(row, dict) else row
    messages = check_messages(messages, path, line)
    if messages[-1]["role"] != "assistant":
        raise InputError(path, "the last message must be the assistant's", line=line, field="messages")
    return messages, (row.get("category", "") if isinstance(row, dict) else "")


def _from_any(row, path, line):
    """`auto`: each row in its own form (a released file whose exact form is not documented)."""
    if isinstance(row, list) or (isinstance(row, dict) and "messages" in row):
        return _from_messages(row, path, line)
    if isinstance(row, dict) and "conversations" in row:
        return _from_lima(row, path, line)
    if isinstance(row, dict) and "instruction" in row:
        return _from_dolly(row, path, line)
    raise InputError(path, "expected a Dolly (instruction), LIMA (conversations) or messages row", line=line)


LOADERS = {"dolly": _from_dolly, "lima": _from_lima, "messages": _from_messages, "auto": _from_any}


def load_it_rows(path: str | Path, fmt: str, lang: str = "en", max_examples: int | None = None) -> list[dict]:
    """An IT dataset file as chat-formatted examples; a malformed line raises InputError (file, line, field)."""
    if fmt not in LOADERS:
        raise ValueError(f"unknown IT data format {fmt!r}; expected one of {sorted(LOADERS)}")
    out = []
    for line, row in _rows_with_lines(path):
        messages, category = LOADERS[fmt](row, path, line)
        rid = row.get("id", f"{Path(path).stem}-{line}") if isinstance(row, dict) else f"{Path(path).stem}-{line}"
        out.append({"messages": messages, "id": str(rid), "lang": lang, "category": category or ""})
        if max_examples and len(out) >= max_examples:
            break
    return out


def fetch_hf_dataset(hf_id: str, out_path: str | Path) -> Path:
    """Download a hub dataset's train split to a local JSONL (real runs; the demo never calls this)."""
    from datasets import load_dataset

    from .io import write_jsonl

    ds = load_dataset(hf_id, split="train")
    write_jsonl(out_path, ({"id": f"{hf_id.split('/')[-1]}-{i}", **row} for i, row in enumerate(ds)))
    return Path(out_path)


def shuffle(rows: list, seed: int) -> list:
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    return rows


# ---- evaluation prompts ---------------------------------------------------------------------------


def load_prompts(path: str | Path) -> list[dict]:
    """Eval prompts as `{"id", "instruction", "category"}`, from either accepted form, with `"type"` for a
    constraint prompt: a row's `type` field, or the line of the `.types` file beside the prompts file
    (`xlit.constraints`: one type per line, as the authors' release ships them)."""
    from .constraints import check_kind, read_types, types_path

    out, ids = [], set()
    for line, row in _rows_with_lines(path):
        if isinstance(row, list) or (isinstance(row, dict) and "messages" in row):
            messages = check_messages(row if isinstance(row, list) else row["messages"], path, line)
            users = [m for m in messages if m["role"] == "user"]
            if len(users) != 1:
                raise InputError(path, "expected exactly one user message", line=line, field="messages")
            rid = str(row.get("id", line)) if isinstance(row, dict) else str(line)
            item = {
                "id": rid,
                "instruction": users[0]["content"],
                "category": row.get("category", "") if isinstance(row, dict) else "",
            }
        else:
            item = {
                "id": str(require(row, "id", path, line, kind=(str, int))),
                "instruction": require(row, "instruction", path, line),
                "category": str(row.get("category", "")),
            }
        if isinstance(row, dict) and row.get("type"):
            try:
                check_kind(str(row["type"]))
                item["type"] = str(row["type"])
            except ValueError as e:
                raise InputError(path, str(e), line=line, field="type") from None
        if item["id"] in ids:
            raise InputError(path, f"duplicate id {item['id']!r}", line=line, field="id")
        ids.add(item["id"])
        out.append(item)
    if not out:
        raise InputError(path, "no prompts")
    if types_path(path).exists():
        for item, ctype in zip(out, read_types(types_path(path), len(out))):
            item["type"] = ctype
    return out


def check_aligned(prompts_by_lang: dict[str, list[dict]], paths: dict[str, str]) -> None:
    """Prompt files of one split must hold the same ids in every language."""
    langs = list(prompts_by_lang)
    ref = {p["id"] for p in prompts_by_lang[langs[0]]}
    for lang in langs[1:]:
        ids = {p["id"] for p in prompts_by_lang[lang]}
        if ids != ref:
            extra, missing = sorted(ids - ref)[:5], sorted(ref - ids)[:5]
            raise InputError(
                paths[lang], f"ids not aligned with {paths[langs[0]]}: extra {extra}, missing {missing}", field="id"
            )
