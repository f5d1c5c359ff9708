"""Constraint prompts (the authors' `modifiers.{lang}.jsonl` + `.types`): prompts with a constraint appended, and an
automatic check per constraint type, derived from the prompts' own wording.

Types (one per line of the `.types` file beside a prompts file, same stem; or a `type` field of the row):
- `lang_xx`: "Answer in <language>": the response's expected language is `xx` (`expected_lang`), checked line by
  line as the Language Confusion Benchmark does (`xlit.surface.line_pass`; a response with no line of 5+ words is
  not checked);
- `num_items_N`: "List N options": exactly N list items (lines starting with `-`, `*`, `+`, `•`, `-->`, `N.` or
  `N)`);
- `markdown_template`: "Use markdown formatting": at least one markdown construct (a `#` heading, a list item, a
  `**bold**` span, a code fence or a table row);
- `html_template`: "Format your answer as an html page": an `<html` element or an `<!doctype html>`;
- `arrow_template`: "Begin each point with the sign -->": at least one line starts with `-->` and no line starts
  with another list marker;
- `cap_template`: "Capitalize each first letter": every word of 4 or more letters starts with an upper-case
  letter (shorter words are left out: title case keeps articles and prepositions lower-case);
- `short` / `long`: "Answer briefly" / "Give a detailed answer": fewer / more words than the same checkpoint's
  answer to the unmodified prompt (the reference split's prompt that the constraint prompt starts with). Not
  checked without that answer, and `long` not checked when that answer already filled `max_new_tokens`;
- `simple_style`, `scientific_style`, `complex_inst`: no sound automatic check: `judged` (never guessed).

A checked row: `{"id","lang","type","check","expect_lang","pass": true/false/None,"detail"}`; `pass` None means
not checked (no line to check, no reference, a judged type). `summarize(rows)` -> a summary per type: `n`,
`n_checked`, `pass_rate` (over checked responses; NaN when none).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from .io import InputError

JUDGED = ("simple_style", "scientific_style", "complex_inst")
TEMPLATES = ("markdown_template", "html_template", "arrow_template", "cap_template")
LENGTHS = ("short", "long")
_TYPE = re.compile(r"^(?:lang_(?P<lang>[a-z]{2,3})|num_items_(?P<n>[1-9][0-9]*))$")
#: results/tables/constraints.tsv: the run fields (xlit.surface.RUN_FIELDS but split and lang), then these
SUMMARY_COLUMNS = ["split", "lang", "type", "check", "n", "n_checked", "pass_rate", "selected"]


def check_kind(ctype: str) -> str:
    """The check a type gets: `lang`, `num_items`, a template's name, `short`/`long`, or `judged`; ValueError
    for a type this module does not know."""
    m = _TYPE.match(ctype)
    if m:
        return "lang" if m["lang"] else "num_items"
    if ctype in TEMPLATES or ctype in LENGTHS:
        return ctype
    if ctype in JUDGED:
        return "judged"
    known = ["lang_xx", "num_items_N", *TEMPLATES, *LENGTHS, *JUDGED]
    raise ValueError(f"unknown constraint type {ctype!r} (known: {', '.join(known)})")


def expected_lang(ctype: str | None, lang: str) -> str:
    """The language a response to a prompt of `lang` and constraint type `ctype` should be in."""
    m = _TYPE.match(ctype or "")
    return m["lang"] if m and m["lang"] else lang


def types_path(prompts_path: str | Path) -> Path:
    """The `.types` file beside a prompts file: `modifiers.fr.jsonl` -> `modifiers.fr.types`."""
    return Path(prompts_path).with_suffix(".types")


def read_types(path: str | Path, n: int | None = None) -> list[str]:
    """One known type per line (blank lines are an error); with `n`, exactly `n` lines (one per prompt)."""
    path = Path(path)
    types = path.read_text(encoding="utf-8").splitlines()
    for line, ctype in enumerate(types, 1):
        try:
            check_kind(ctype.strip())
        except ValueError as e:
            raise InputError(path, str(e), line=line, field="type") from None
    if n is not None and len(types) != n:
        raise InputError(path, f"{len(types)} types for {n} prompts (one type per line, one line per prompt)")
    return [t.strip() for t in types]


# ---- checks ----------------------------------------------------------------------------------------------

_ITEM = re.compile(r"^\s*(?:-->|[-*+•]\s|\d{1,3}[.)]\s)")
_OTHER_ITEM = re.compile(r"^\s*(?:(?!-->)[-*+•]\s|\d{1,3}[.)]\s)")
_MARKDOWN = re.compile(r"^\s{0,3}#{1,6}\s|^\s*(?:[-*+]|\d{1,3}\.)\s|\*\*[^*\n]+\*\*|^\s*```|^\s*\|.*\|\s*$", re.M)
_HTML = re.compile(r"<!doctype\s+html|<html[\s>]", re.I)
_WORD = re.compile(r"[^\W\d_]+")


def list_items(text: str) -> int:
    """Lines that start with a list marker (`-`, `*`, `+`, `•`, `-->`, `1.`, `1)`)."""
    return sum(bool(_ITEM.match(line)) for line in text.splitlines())


def capitalised(text: str) -> bool | None:
    """Every word of 4+ letters starts upper-case; None with no such word."""
    words = [w for w in _WORD.findall(text) if len(w) >= 4]
    return all(w[0].isupper() for w in words) if words else None


def words(text: str) -> int:
    return len(text.split())


def check(
    ctype: str,
    response: str,
    *,
    expect_lang: str,
    lid=None,
    reference: dict | None = None,
    max_new_tokens: int | None = None,
) -> tuple[bool | None, str]:
    """(pass, detail) of one response to a prompt of type `ctype`; pass None when not checked."""
    from .surface import line_pass

    kind = check_kind(ctype)
    if kind == "judged":
        return None, "judged only"
    if kind == "lang":
        passed = line_pass(response, expect_lang, lid)
        return passed, "no line of 5+ words" if passed is None else f"lines in {expect_lang}"
    if kind == "num_items":
        want, got = int(ctype.rsplit("_", 1)[1]), list_items(response)
        return got == want, f"{got} items for {want}"
    if kind == "markdown_template":
        return bool(_MARKDOWN.search(response)), "markdown construct"
    if kind == "html_template":
        return bool(_HTML.search(response)), "<html> element"
    if kind == "arrow_template":
        lines = response.splitlines()
        arrows = sum(line.lstrip().startswith("-->") for line in lines)
        others = sum(bool(_OTHER_ITEM.match(line)) for line in lines)
        return arrows > 0 and others == 0, f"{arrows} --> points, {others} other points"
    if kind == "cap_template":
        passed = capitalised(response)
        return passed, "no word of 4+ letters" if passed is None else "words of 4+ letters capitalised"
    # short / long: against the same checkpoint's answer to the unmodified prompt
    if reference is None:
        return None, "no unmodified answer"
    mine, theirs = words(response), words(reference["response"])
    if kind == "long" and max_new_tokens and reference.get("n_tokens", 0) >= max_new_tokens:
        return None, f"unmodified answer cut at {max_new_tokens} tokens"
    passed = mine < theirs if kind == "short" else mine > theirs
    return passed, f"{mine} words vs {theirs} unmodified"


def find_reference(prompt: str, references: list[dict]) -> dict | None:
    """The reference row whose prompt the constraint prompt starts with (the longest such; whitespace-stripped)."""
    prompt = prompt.strip()
    hits = [r for r in references if r["prompt"].strip() and prompt.startswith(r["prompt"].strip())]
    return max(hits, key=lambda r: len(r["prompt"].strip()), default=None)


def check_rows(
    rows: list[dict], lid, *, references: list[dict] | None = None, max_new_tokens: int | None = None
) -> list[dict]:
    """A checked row per generation row that has a `type` (generation rows of a constraint split: `xlit.generate`
    carries the prompt's type and expected language); `references`: the same checkpoint's answers to the
    unmodified prompts in the same language."""
    out = []
    for row in rows:
        if not row.get("type"):
            continue
        expect = row.get("expect_lang") or expected_lang(row["type"], row["lang"])
        ref = find_reference(row["prompt"], references) if references else None
        passed, detail = check(
            row["type"],
            row["response"],
            expect_lang=expect,
            lid=lid,
            reference=ref,
            max_new_tokens=max_new_tokens,
        )
        out.append(
            {
                "id": row["id"],
                "lang": row["lang"],
                "type": row["type"],
                "check": check_kind(row["type"]),
                "expect_lang": expect,
                "pass": passed,
                "detail": detail,
                **({"reference_id": ref["id"]} if ref else {}),
            }
        )
    return out


def summarize(rows: list[dict]) -> list[dict]:
    """One summary per type, in order of first appearance: `type check n n_checked pass_rate`."""
    by_type: dict[str, list[dict]] = {}
    for r in rows:
        by_type.setdefault(r["type"], []).append(r)
    out = []
    for ctype, group in by_type.items():
        checked = [r["pass"] for r in group if r["pass"] is not None]
        out.append(
            {
                "type": ctype,
                "check": check_kind(ctype),
                "n": len(group),
                "n_checked": len(checked),
                "pass_rate": sum(checked) / len(checked) if checked else math.nan,
            }
        )
    return out


def type_group(ctype: str) -> str:
    """The figure's column of a type: `lang_*` -> `lang`, `num_items_*` -> `num_items`, others as they are."""
    kind = check_kind(ctype)
    return kind if kind in ("lang", "num_items") else ctype


def table_rows(summaries: list[dict], selected: dict[str, str]) -> list[dict]:
    """Rows of results/tables/constraints.tsv from the checkpoints' summaries (`run_job`'s), `selected` = 1 on
    the checkpoints LR selection chose ({run: checkpoint id}); sorted by run, lr, step, split, lang, type."""
    from .names import checkpoint_id, lr_str
    from .surface import RUN_FIELDS

    fields = [f for f in RUN_FIELDS if f not in ("split", "lang")]
    step = any(s.get("step") for s in summaries)
    columns = [*fields, *(["step"] if step else []), *SUMMARY_COLUMNS]
    rows = []
    for s in summaries:
        ckpt = checkpoint_id(lr_str(s["lr"]), s.get("step"))
        row = {k: s.get(k, "") for k in columns}
        row["pass_rate"] = math.nan if s.get("pass_rate") is None else s["pass_rate"]
        row["selected"] = int(selected.get(s["run"]) == ckpt)
        rows.append(row)
    order = {t: i for i, t in enumerate(["lang", "num_items", *TEMPLATES, *LENGTHS, *JUDGED])}
    return sorted(
        rows,
        key=lambda r: (
            r["run"],
            float(r["lr"]),
            float(r.get("step") or 0),
            r["split"],
            r["lang"],
            order[type_group(r["type"])],
            r["type"],
        ),
    )


def run_job(spec: dict) -> None:
    """The `constraints` job: `spec` = {sets ([[split, lang], ...]: the constraint splits' generation files, in
    `generations`), references ({lang: generation file of the reference split} or {}), lid_model, lid_label_map,
    max_new_tokens, rows (output JSONL of checked rows), summary (output JSONL), meta (the run fields)}."""
    import logging

    from .io import write_jsonl
    from .lid import LID
    from .surface import json_safe, read_generations

    log = logging.getLogger("xlit.constraints")
    lid = LID(spec["lid_model"] or None, spec["lid_label_map"] or None)
    refs = {lang: read_generations(path, lang=lang) for lang, path in spec["references"].items()}
    checked, summaries = [], []
    for (split, lang), path in zip(spec["sets"], spec["generations"]):
        rows = check_rows(
            read_generations(path, lang=lang),
            lid,
            references=refs.get(lang),
            max_new_tokens=spec.get("max_new_tokens"),
        )
        if not rows:
            raise InputError(path, "no row has a constraint type (a `.types` file beside the prompts)", field="type")
        checked += [{"split": split, **r} for r in rows]
        for s in summarize(rows):
            summaries.append(json_safe({**spec["meta"], "split": split, "lang": lang, **s}))
            log.info("%s %s %s: %s", split, lang, s["type"], json_safe(s))
    write_jsonl(spec["rows"], json_safe(checked))
    write_jsonl(spec["summary"], summaries)
