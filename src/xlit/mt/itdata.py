"""Translating IT datasets: every text field segmented, translated through a Translator, reassembled;
quality gates (LID, empty, untranslated, chrF/BLEU against a reference); the `dt` mix.

Formats (as in xlit.data): `dolly` (instruction, context, response translated; id, category kept),
`lima` (every turn of `conversations`), `messages` (every message's content). A translated row is the source
row with its texts replaced, plus `lang` and `source_id` (the source row's id; `id` is kept as is, so the
translations of one example share its id across languages).
"""

from __future__ import annotations

import logging
import random
import re
from pathlib import Path
from typing import Any

from xlit.io import InputError, read_jsonl
from xlit.mt.segment import reassemble, segment
from xlit.settings import section_defaults

#: config translation.lid_threshold (its one default, in the schema)
LID_THRESHOLD = section_defaults("translation")["lid_threshold"]

log = logging.getLogger("xlit.mt")
DOLLY_FIELDS = ("instruction", "context", "response")


def load_source_rows(path: str | Path, fmt: str, max_examples: int | None = None) -> list[dict]:
    """The raw rows of an IT dataset file, validated by xlit.data's loader for `fmt`, each with its `id`
    (the row's own, else `{file stem}-{line}`: the ids xlit.data.load_it_rows gives the English rows)."""
    from xlit.data import LOADERS, _rows_with_lines

    if fmt not in LOADERS:
        raise ValueError(f"unknown IT data format {fmt!r}; expected one of {sorted(LOADERS)}")
    out = []
    for line, row in _rows_with_lines(path):
        LOADERS[fmt](row, path, line)  # raises InputError naming file, line, field
        if not isinstance(row, dict):
            row = {"messages": row}
        rid = row.get("id", f"{Path(path).stem}-{line}")
        out.append({**row, "id": str(rid)})
        if max_examples and len(out) >= max_examples:
            break
    return out


def _texts(row: dict) -> list[tuple[tuple, str]]:
    """(path, text) of every translatable string of a row, in order."""
    if "instruction" in row:
        return [((f,), row.get(f) or "") for f in DOLLY_FIELDS]
    if "conversations" in row:
        return [(("conversations", i), t) for i, t in enumerate(row["conversations"])]
    if "messages" in row:
        return [(("messages", i, "content"), m["content"]) for i, m in enumerate(row["messages"])]
    raise ValueError(f"row {row.get('id')!r}: no instruction/conversations/messages to translate")


def _set(row: dict, path: tuple, value: str) -> None:
    obj: Any = row
    for p in path[:-1]:
        obj = obj[p]
    obj[path[-1]] = value


def _copy(row: dict) -> dict:
    import copy

    return copy.deepcopy(row)


def translate_rows(rows: list[dict], translator, tgt: str, src: str = "en", max_chars: int = 400):
    """Translate every text of every row. Returns (translated rows, segment pairs [(source, output)]).

    All segments of the dataset go to the translator in one call (it dedupes, skips cached ones, batches by
    length and caches batch by batch), then each field is reassembled around its line breaks, list markers
    and code blocks."""
    plans = []
    all_segments: list[str] = []
    for row in rows:
        fields = []
        for path, text in _texts(row):
            seg = segment(text, max_chars=max_chars)
            fields.append((path, seg, len(all_segments)))
            all_segments += seg.segments
        plans.append(fields)
    outs = translator.translate_segments(all_segments, src=src, tgt=tgt)
    result = []
    for row, fields in zip(rows, plans):
        new = _copy(row)
        for path, seg, start in fields:
            _set(new, path, reassemble(seg, outs[start : start + len(seg.segments)]))
        if "instruction" in new:  # Dolly: exactly the Dolly fields, plus ours
            new = {"id": new["id"], **{f: new.get(f) or "" for f in DOLLY_FIELDS}, "category": row.get("category", "")}
        new["lang"] = tgt
        new["source_id"] = row["id"]
        result.append(new)
    return result, list(zip(all_segments, outs))


# ---- quality gates -------------------------------------------------------------------------------

_CODE = re.compile(r"(```|~~~).*?(\1|$)", re.S)


def row_text(row: dict) -> str:
    """A row's text for LID: its fields without fenced code, newlines folded."""
    text = " ".join(t for _, t in _texts(row) if t)
    return " ".join(_CODE.sub(" ", text).split())


def lid_check(rows: list[dict], lang: str, lid=None, threshold: float = LID_THRESHOLD) -> list[bool]:
    """Per row: fastText LID says `lang` with probability >= threshold (rows with no text pass)."""
    if lid is None:
        from xlit.lid import LID

        lid = LID()
    ok = []
    for r in rows:
        text = row_text(r)
        if not any(c.isalpha() for c in text):
            ok.append(True)
            continue
        pred, p = lid.predict(text)
        ok.append(pred == lang and p >= threshold)
    return ok


def _norm(s: str) -> str:
    return " ".join(s.casefold().split())


def segment_gates(pairs: list[tuple[str, str]]) -> dict:
    """empty_share: segments whose translation is empty; untranslated_share: segments of 3+ words whose
    translation equals the source (case and spacing aside), over all segments."""
    n = len(pairs)
    empty = sum(1 for s, o in pairs if s.strip() and not o.strip())
    same = sum(1 for s, o in pairs if len(re.findall(r"[^\W\d_]{2,}", s)) >= 3 and _norm(s) == _norm(o))
    return {"n_segments": n, "empty_share": empty / n if n else 0.0, "untranslated_share": same / n if n else 0.0}


def reference_scores(rows: list[dict], ref_rows: list[dict], lang: str) -> dict:
    """chrF and BLEU (sacrebleu, corpus level) of every translated text against the reference row with the
    same id (field by field); None when no id matches."""
    import sacrebleu

    refs = {str(r.get("id")): r for r in ref_rows if isinstance(r, dict)}
    hyps, gold = [], []
    for r in rows:
        ref = refs.get(str(r.get("source_id", r.get("id"))))
        if ref is None:
            continue
        for (_path, h), (_, g) in zip(_texts(r), _texts(ref)):
            if g.strip():
                hyps.append(h)
                gold.append(g)
    if not hyps:
        return {"chrf": None, "bleu": None, "n_ref_texts": 0}
    tokenize = "zh" if lang == "zh" else ("ja-mecab" if lang == "ja" else "13a")
    try:
        bleu = sacrebleu.corpus_bleu(hyps, [gold], tokenize=tokenize).score
    except Exception:  # e.g. ja-mecab not installed
        bleu = sacrebleu.corpus_bleu(hyps, [gold], tokenize="char").score
    return {"chrf": sacrebleu.corpus_chrf(hyps, [gold]).score, "bleu": bleu, "n_ref_texts": len(hyps)}


def translate_dataset(
    source: str | Path,
    fmt: str,
    tgt: str,
    translator,
    *,
    data: str = "",
    src: str = "en",
    max_examples: int | None = None,
    reference: str | Path | None = None,
    lid=None,
    lid_threshold: float = LID_THRESHOLD,
    drop_failed_lid: bool = False,
    max_chars: int = 400,
) -> tuple[list[dict], dict]:
    """Translate an IT dataset file into `tgt`. Returns (rows to write, quality record). The quality
    record has the translation_quality.tsv columns (data lang n lid_ok_share empty_share untranslated_share
    dropped chrf bleu) and details (segments, cache hits, LID failures)."""
    rows = load_source_rows(source, fmt, max_examples)
    out, pairs = translate_rows(rows, translator, tgt, src=src, max_chars=max_chars)
    kept, q = quality_gates(data, tgt, out, pairs, lid, lid_threshold, drop_failed_lid, reference)
    q["translator"] = dict(translator.stats)
    be = translator.backend
    q["translator"].update({k: getattr(be, k) for k in ("n_truncated", "n_hit_limit", "n_calls") if hasattr(be, k)})
    return kept, q


def quality_gates(
    data: str, tgt: str, out: list[dict], pairs: list, lid, lid_threshold: float, drop_failed_lid: bool, reference
) -> tuple[list[dict], dict[str, Any]]:
    """The checks every translated IT file goes through, machine-translated or given: LID of each row,
    segment gates over (source, translation) pairs, chrF/BLEU against a reference when there is one.
    Returns (rows kept, quality record)."""
    ok = lid_check(out, tgt, lid, lid_threshold)
    failed = [r["id"] for r, k in zip(out, ok) if not k]
    kept = [r for r, k in zip(out, ok) if k] if drop_failed_lid else out
    q: dict[str, Any] = {
        "data": data,
        "lang": tgt,
        "n": len(out),
        "lid_ok_share": (sum(ok) / len(ok)) if ok else 0.0,
        **segment_gates(pairs),
        "dropped": len(out) - len(kept),
    }
    if reference is not None and Path(reference).exists():
        q.update(reference_scores(out, read_jsonl(reference), tgt))
    else:
        q.update({"chrf": None, "bleu": None, "n_ref_texts": 0})
    q["lid_failed"] = len(failed)
    q["lid_failed_ids"] = failed[:50]
    return kept, q


QUALITY_COLUMNS = ["data", "lang", "n", "lid_ok_share", "empty_share", "untranslated_share", "dropped", "chrf", "bleu"]


# ---- given translations (e.g. the authors' released ones) -------------------------------------------


def _given_rows(path: str | Path, english: list[dict], source: str | Path) -> tuple[list[tuple[int, dict, dict]], int]:
    """(line, English row, given row) for every row of a given translation file, aligned by the rows' `source_id`
    or `id`, or, in a file without ids, by position. Returns (triples, rows in the file)."""
    from xlit.data import LOADERS, _rows_with_lines

    rows = []
    for line, row in _rows_with_lines(path):
        LOADERS["auto"](row, path, line)  # raises InputError naming file, line, field
        rows.append((line, row if isinstance(row, dict) else {"messages": row}))
    with_id = [("source_id" in r or "id" in r) for _, r in rows]
    if any(with_id) and not all(with_id):
        line = rows[with_id.index(False)][0]
        raise InputError(path, "some rows carry an id and this one does not", line=line, field="id")
    if rows and not with_id[0]:
        if len(rows) != len(english):
            raise InputError(
                path,
                f"{len(rows)} rows but {len(english)} in the English source {source}: rows "
                "without ids are aligned by position",
            )
        return [(line, en, r) for (line, r), en in zip(rows, english)], len(rows)
    by_id = {r["id"]: r for r in english}
    out, seen = [], set()
    for line, r in rows:
        rid = str(r.get("source_id", r.get("id")))
        if rid not in by_id:
            raise InputError(path, f"id {rid!r} is not an id of the English source {source}", line=line, field="id")
        if rid in seen:
            raise InputError(path, f"duplicate id {rid!r}", line=line, field="id")
        seen.add(rid)
        out.append((line, by_id[rid], r))
    return out, len(rows)


def given_translations(
    source: str | Path,
    fmt: str,
    tgt: str,
    given: str | Path,
    *,
    data: str = "",
    max_examples: int | None = None,
    reference: str | Path | None = None,
    lid=None,
    lid_threshold: float = LID_THRESHOLD,
    drop_failed_lid: bool = False,
) -> tuple[list[dict], dict]:
    """A given translation of an IT dataset into `tgt` (any of the dolly/lima/messages forms, row by row),
    aligned with the English rows and checked like machine output (translate_dataset): the same rows
    (`id` and `source_id` = the English id, `lang`, the English `category` when the row has none), the same
    quality record (LID gate, empty and untranslated texts, chrF/BLEU against a reference, dropped rows),
    plus `missing`: English rows without a translation. Rows beyond `max_examples` English rows are left out."""
    english = load_source_rows(source, fmt)
    triples, n_given = _given_rows(given, english, source)
    keep_ids = {r["id"] for r in english[:max_examples]} if max_examples else None
    out, pairs = [], []
    for _, en, r in triples:
        if keep_ids is not None and en["id"] not in keep_ids:
            continue
        if "instruction" in r:
            row = {"id": en["id"], **{f: r.get(f) or "" for f in DOLLY_FIELDS}}
        else:
            row = {k: v for k, v in r.items() if k in ("conversations", "messages")}
            row = {"id": en["id"], **row}
        row["category"] = r.get("category") or en.get("category", "")
        row["lang"], row["source_id"] = tgt, en["id"]
        out.append(row)
        src_texts, tr_texts = [t for _, t in _texts(en)], [t for _, t in _texts(row)]
        pairs += list(zip(src_texts, tr_texts)) if len(src_texts) == len(tr_texts) else [(row_text(en), row_text(row))]
    n_english = len(keep_ids) if keep_ids is not None else len(english)
    kept, q = quality_gates(data, tgt, out, pairs, lid, lid_threshold, drop_failed_lid, reference)
    q["missing"] = n_english - len(out)
    q["translator"] = {"given": str(given), "rows": n_given}
    return kept, q


# ---- dt mixing -------------------------------------------------------------------------------------


def _as_chat(row: dict, where: str, line: int) -> dict:
    """A translated row (Dolly / LIMA / messages format, or already chat-formatted) as a chat example."""
    from xlit.data import LOADERS

    if "instruction" in row:
        messages, category = LOADERS["dolly"](row, where, line)
    elif "conversations" in row:
        messages, category = LOADERS["lima"](row, where, line)
    elif "messages" in row:
        messages, category = LOADERS["messages"](row, where, line)
        category = row.get("category", category)
    else:
        raise InputError(where, "expected a Dolly, LIMA or messages row", line=line)
    if "lang" not in row:
        raise InputError(where, "missing: translated rows carry their language", line=line, field="lang")
    sid = str(row.get("source_id", row.get("id")))
    return {
        "messages": messages,
        "id": str(row.get("id", sid)),
        "lang": row["lang"],
        "category": category or "",
        "source_id": sid,
    }


def mix_dt(english_rows: list[dict], translated_rows_by_lang: dict[str, list[dict]], seed: int) -> list[dict]:
    """The `dt` training set: the English examples plus every translation of them, shuffled with `seed`.

    `english_rows` are chat examples (xlit.data.load_it_rows); `translated_rows_by_lang` maps any key (a
    language or a file path) to translated rows (translate_it_data's output, or chat examples with `lang`).
    Translations of examples not among `english_rows` (e.g. cut by max_examples) are left out. Every output
    row has `source_id` (the English example's id)."""
    en = [{**r, "source_id": str(r.get("source_id", r["id"]))} for r in english_rows]
    ids = {r["source_id"] for r in en}
    rows = list(en)
    for key in sorted(translated_rows_by_lang):
        kept = 0
        for i, r in enumerate(translated_rows_by_lang[key], 1):
            c = _as_chat(r, str(key), i)
            if c["source_id"] in ids:
                rows.append(c)
                kept += 1
        log.info("dt: %d translated examples from %s", kept, key)
    random.Random(seed).shuffle(rows)
    return rows
