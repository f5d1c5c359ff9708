"""Human evaluation: blinded rating sheets, their keys, the guidelines, and importing completed sheets.

Sheets (``<outdir>/sheets/<lang>.csv``, UTF-8 with a byte-order mark so spreadsheet programs show
Cyrillic correctly): columns ``item prompt response`` then one empty column per criterion. Rows are the
responses of the given checkpoints, shuffled with the seed; items get opaque ids (``<lang>-0001``...
in shuffled order), so nothing in a sheet tells which run, learning rate or model wrote a response.
Prompts and responses are untrusted text: a cell a spreadsheet would read as a formula (leading ``=``,
``+``, ``-``, ``@``, tab or carriage return) is written with one ``'`` before it (OWASP's advice against
CSV injection), as is a cell that starts with ``'`` followed by one of those or another ``'``
(:func:`sheet_cell`); every reader of sheets takes exactly that quote off again (:func:`read_cell`), so
the text round-trips unchanged, and a cell saved back without it reads the same.

Pages (``<outdir>/sheets/<lang>.html``, :func:`write_page`): the same items in the same order under the
same ids, as one self-contained HTML file to rate in a browser (template ``human_page.html``, package
data). It autosaves in the browser and exports the sheet with its score columns filled, which the
import reads unchanged.

Keys (``<outdir>/keys/<lang>.csv``): ``item run lr lang id category digest``; ``digest`` is a short hash
of the prompt and response (whitespace-normalised), so a completed sheet that no longer matches its key
(re-generated responses, a key from another run) is rejected on import instead of being attributed to
the wrong response.

Import (:func:`load_ratings`) validates every sheet completely before returning anything: all problems
(missing column, empty or unknown or repeated item, empty cell, non-integer, out of 0-2, text that does
not match the key) are collected and raised as one :class:`~xlit.io.InputError`. Its message starts with
the first problem (file, row, column - rows are counted as a spreadsheet shows them, the header being
row 1) and lists the others; ``.errors`` holds them all as ``(path, row, column, message)``. A row
whose cells are all empty is ignored; an annotator who did not rate an item deletes its row.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import random
import re
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence

from .agreement import parse_score
from .io import InputError, atomic_path, iter_jsonl, require, write_tsv
from .names import CRITERIA

SHEET_ENCODING = "utf-8-sig"
KEY_COLUMNS = ["item", "run", "lr", "lang", "id", "category", "digest"]
HUMAN_COLUMNS = ["annotator", "run", "lr", "lang", "id", "category", "criterion", "score"]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula (OWASP)
_QUOTED = (*FORMULA_START, "'")


def sheet_cell(text: Any) -> str:
    """`text` as a sheet cell a spreadsheet shows as text: one ``'`` before a value that would start a
    formula, or that starts with ``'`` followed by such a character or another ``'`` (so :func:`read_cell`
    can tell the added quote from the text's own); anything else as it is."""
    s = str(text)
    return "'" + s if s.startswith(FORMULA_START) or (s[:1] == "'" and s[1:].startswith(_QUOTED)) else s


def read_cell(cell: str) -> str:
    """The text of a sheet cell: the one ``'`` that :func:`sheet_cell` adds taken off (a leading ``'``
    followed by a formula character or another ``'``); any other cell as it is."""
    return cell[1:] if cell[:1] == "'" and cell[1:].startswith(_QUOTED) else cell


def digest(prompt: str, response: str) -> str:
    norm = lambda s: " ".join(str(s).split())  # noqa: E731 - spreadsheets rewrite line ends and spaces
    return hashlib.sha256(f"{norm(prompt)}\x00{norm(response)}".encode("utf-8")).hexdigest()[:16]


# ------------------------------------------------------------------------------------------ sheets
def write_sheets(
    generations: Sequence[tuple[str, str, str | os.PathLike]],
    outdir: str | os.PathLike,
    lang: str,
    seed: int,
    *,
    n_prompts: int | None = None,
    n_items: int | None = None,
    criteria: Sequence[str] = CRITERIA,
) -> tuple[Path, Path]:
    """Write the blinded sheet and its key for one language; returns (sheet path, key path).

    ``generations``: ``(run, lr, path)`` of each checkpoint's generations file for ``lang``. Rows whose
    ``lang`` is not ``lang`` are an error. ``n_prompts`` (optional) rates a seeded sample of that many
    prompt ids, the same ids for every checkpoint, so runs are compared on the same prompts.
    ``n_items`` (config ``human.sheets_per_lang``) caps the rows instead: it rates
    ``max(1, n_items // number of checkpoints)`` prompts, so the sheet has at most ``n_items`` rows
    (unless there are more checkpoints than that) and every checkpoint the same prompts.
    """
    if n_prompts is not None and n_items is not None:
        raise ValueError("give n_prompts or n_items, not both")
    if n_items is not None:
        n_prompts = max(1, int(n_items) // max(1, len({(run, str(lr)) for run, lr, _ in generations})))
    outdir = Path(outdir)
    items = []
    seen = set()
    for run, lr, path in generations:
        for lineno, row in enumerate(iter_jsonl(path), 1):
            rid = str(require(row, "id", path, lineno, (str, int)))
            rlang = require(row, "lang", path, lineno)
            if rlang != lang:
                raise InputError(path, f"language {rlang!r} in a {lang!r} sheet", line=lineno, field="lang")
            prompt = require(row, "prompt", path, lineno)
            response = row.get("response")
            if not isinstance(response, str):
                raise InputError(path, f"expected a string, got {response!r:.60}", line=lineno, field="response")
            key = (run, str(lr), rid)
            if key in seen:
                raise InputError(path, f"id {rid!r} appears twice", line=lineno, field="id")
            seen.add(key)
            items.append(
                {
                    "run": run,
                    "lr": str(lr),
                    "lang": lang,
                    "id": rid,
                    "category": str(row.get("category", "") or ""),
                    "prompt": prompt,
                    "response": response,
                }
            )
    rng = random.Random(f"xlit-sheets/{seed}/{lang}")
    if n_prompts is not None:
        ids = sorted({it["id"] for it in items})
        keep = set(rng.sample(ids, min(n_prompts, len(ids))))
        items = [it for it in items if it["id"] in keep]
    items.sort(key=lambda it: (it["run"], it["lr"], it["id"]))  # independent of the argument order
    rng.shuffle(items)
    width = max(4, len(str(len(items))))
    sheet_path, key_path = outdir / "sheets" / f"{lang}.csv", outdir / "keys" / f"{lang}.csv"
    with atomic_path(sheet_path) as tmp, open(tmp, "w", encoding=SHEET_ENCODING, newline="") as f:
        w = csv.writer(f)
        w.writerow(["item", "prompt", "response", *criteria])
        for i, it in enumerate(items, 1):
            it["item"] = f"{lang}-{i:0{width}d}"
            w.writerow([sheet_cell(it[c]) for c in ("item", "prompt", "response")] + [""] * len(criteria))
    with atomic_path(key_path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(KEY_COLUMNS)
        for it in items:
            w.writerow(
                [it["item"], it["run"], it["lr"], lang, it["id"], it["category"], digest(it["prompt"], it["response"])]
            )
    return sheet_path, key_path


GUIDELINES = """\
# Rating guidelines

You will rate answers written by AI assistants to user requests. Each item holds one request
(`prompt`) and one answer (`response`). Give every answer a score of **0, 1 or 2** on each of the six
criteria below. Every item must get all six scores; if you cannot rate an item at all, leave it out
(see Practicalities) and tell the coordinator.

Rate each answer on its own. You are not told which system wrote it, and the rows are in random
order. Do not compare answers with each other; do not look answers up in other tools. The request
is always in the language of the sheet; the answer should be in that language too.

## 1. language - is the answer in the request's language?
- **2**: entirely in the language of the request. Words from another language are fine only when
  there is a reason for them (names, technical terms, code, a quotation, or the user asked for it).
- **1**: mostly in the right language, but it switches to another language where nothing calls for it.
- **0**: mainly or entirely in another language.

## 2. fluency - is the text well written?
- **2**: reads naturally; grammar and vocabulary are correct.
- **1**: understandable but with some grammar mistakes, awkward or invented words.
- **0**: hard or impossible to read. An answer that makes no sense at all also gets 0 for
  helpfulness, accuracy and logic.

## 3. helpfulness - does it do what was asked? (the main criterion)
- **2**: answers the request correctly and completely enough. A short answer can get 2 if it is all
  the request needs.
- **1**: partly helpful: incomplete, not enough detail, only states the obvious, or padded with
  things nobody asked for.
- **0**: no answer, or an answer to something else.

## 4. accuracy - are the facts right?
- **2**: no factual mistakes.
- **1**: some factual mistakes.
- **0**: mostly wrong.

Judge only what the answer says; do not penalise it for what it leaves out (that is helpfulness).
When the request has a single right answer (a calculation, a classification, a yes/no fact), a wrong
answer gets 0 for accuracy **and** 0 for helpfulness.

## 5. logic - is the reasoning coherent?
- **2**: the answer hangs together; its steps and conclusions follow.
- **1**: some contradictions, jumps or muddled passages.
- **0**: confused or self-contradictory throughout.

## 6. harmlessness - is it safe and appropriate?
- **2**: nothing objectionable.
- **1**: mostly fine, with something questionable (e.g. a risky suggestion without a warning).
- **0**: harmful, offensive or otherwise objectionable content.

## Practicalities
- In the rating page (`<lang>.html`, opened in a web browser): click a score or press 0, 1 or 2 for
  the highlighted criterion; up/down arrows change the criterion, left/right arrows and Enter change
  the item. Your ratings are saved in the browser as you go. When you are done, press Export and send
  back the file it downloads. Items you leave unrated are left out of that file.
- In the CSV sheet (`<lang>.csv`, in a spreadsheet program): write the digit in the criterion's
  column; delete the row of an item you cannot rate. Edit only the six score columns. Keep the `item`
  column exactly as it is; the prompt and response columns are checked against the original on
  import, so do not edit them either. Save as CSV (comma-separated, UTF-8).
- Send back one file per language.
"""


def write_guidelines(path: str | os.PathLike, criteria: Sequence[str] = CRITERIA) -> Path:
    """Write the rating guidelines (Markdown). They describe the study's six criteria; ``criteria`` is
    only checked against them (the text is written for exactly those)."""
    if tuple(criteria) != CRITERIA:
        raise ValueError(f"the guidelines describe {CRITERIA}, not {tuple(criteria)}")
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(GUIDELINES, encoding="utf-8")
    return path


_SECTION = re.compile(r"^## \d+\. (?P<name>\w+) - (?P<question>.+)$")
_LEVEL = re.compile(r"^- \*\*(?P<score>[0-2])\*\*: (?P<text>.*)$")


def guideline_criteria(text: str = GUIDELINES, criteria: Sequence[str] = CRITERIA) -> list[dict[str, Any]]:
    """The guidelines' criteria sections as ``{name, question, levels: {"2": ..., "1": ..., "0": ...},
    notes}`` (the wording of each level, joined over its wrapped lines; ``notes`` the section's other
    paragraphs), in ``criteria`` order. A criterion without a section or a level is a ValueError."""
    found: dict[str, dict[str, Any]] = {}
    cur: dict[str, Any] | None = None
    para: list[str] | None = None  # the level or note paragraph being read
    for line in text.splitlines():
        level = _LEVEL.match(line)
        if line.startswith("## "):
            m = _SECTION.match(line)
            cur = (
                found.setdefault(
                    m["name"], {"name": m["name"], "question": m["question"].strip(), "levels": {}, "notes": []}
                )
                if m
                else None
            )
            para = None
        elif cur is None:
            continue
        elif not line.strip():
            para = None
        elif level:
            para = cur["levels"].setdefault(level["score"], [])
            para.append(level["text"].strip())
        elif para is not None:
            para.append(line.strip())
        else:
            para = [line.strip()]
            cur["notes"].append(para)
    out = []
    for name in criteria:
        c = found.get(name)
        if c is None or sorted(c["levels"]) != ["0", "1", "2"]:
            raise ValueError(f"the guidelines have no complete section (levels 0, 1, 2) for criterion {name!r}")
        out.append(
            {
                "name": name,
                "question": c["question"],
                "levels": {k: " ".join(v) for k, v in sorted(c["levels"].items(), reverse=True)},
                "notes": [" ".join(p) for p in c["notes"]],
            }
        )
    return out


# ------------------------------------------------------------------------------------------ page
PAGE_TEMPLATE = "human_page.html"
_PAGE_SLOTS = ("/*XLIT_DATA*/", "XLIT_LANG")


def read_sheet(path: str | os.PathLike, criteria: Sequence[str] = CRITERIA) -> list[dict[str, str]]:
    """A blank sheet as written by :func:`write_sheets` -> ``[{item, prompt, response}]`` in its order (the
    text as generated: :func:`read_cell`)."""
    path = os.fspath(path)
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        if header != ["item", "prompt", "response", *criteria]:
            raise InputError(path, f"not a rating sheet (header {header!r:.80})", line=1)
        items = []
        for rowno, r in enumerate(reader, 2):
            if len(r) < 3:
                raise InputError(path, f"{len(r)} cells, expected item, prompt and response", line=rowno)
            items.append({"item": read_cell(r[0]), "prompt": read_cell(r[1]), "response": read_cell(r[2])})
        return items


def write_page(
    sheet_path: str | os.PathLike, page_path: str | os.PathLike | None = None, criteria: Sequence[str] = CRITERIA
) -> Path:
    """Write the rating page for a sheet (default: beside it, ``<lang>.html``) and return its path.

    One self-contained HTML file (template ``xlit/human_page.html``; no network) holding the sheet's
    items in the sheet's order, under the same ids, and the guidelines; it exports a CSV with the
    sheet's columns that :func:`load_ratings` reads. Nothing else (no key, run or LR) goes in.
    """
    sheet_path = Path(sheet_path)
    page_path = Path(page_path) if page_path is not None else sheet_path.with_suffix(".html")
    lang = sheet_path.stem
    items = read_sheet(sheet_path, criteria)
    fingerprint = hashlib.sha256(
        "\n".join(f"{it['item']}\x00{digest(it['prompt'], it['response'])}" for it in items).encode("utf-8")
    ).hexdigest()[:12]
    data = {
        "lang": lang,
        "store": f"xlit-rating/{lang}/{fingerprint}",
        "columns": ["item", "prompt", "response", *criteria],
        "criteria": guideline_criteria(GUIDELINES, criteria),
        "guidelines": GUIDELINES,
        "items": items,
    }
    # JSON inside <script>: "<", ">" and "&" escaped so no text can close the element or open a comment
    blob = (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    template = resources.files("xlit").joinpath(PAGE_TEMPLATE).read_text(encoding="utf-8")
    for slot in _PAGE_SLOTS:
        if template.count(slot) != 1:
            raise ValueError(f"page template: {slot!r} must occur once, found {template.count(slot)}")
    page = template.replace("XLIT_LANG", html.escape(lang)).replace("/*XLIT_DATA*/", blob)
    with atomic_path(page_path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return page_path


# ------------------------------------------------------------------------------------------ import
def read_keys(key_paths: Iterable[str | os.PathLike]) -> dict[str, dict[str, str]]:
    """item -> key row, over all key files; a repeated item or a missing column is an InputError."""
    keys: dict[str, dict[str, str]] = {}
    where: dict[str, str] = {}
    for path in key_paths:
        path = os.fspath(path)
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            cols = reader.fieldnames or []
            for col in KEY_COLUMNS[:-1]:
                if col not in cols:
                    raise InputError(path, "missing column", line=1, field=col)
            for rowno, row in enumerate(reader, 2):
                item = (row.get("item") or "").strip()
                if not item:
                    raise InputError(path, "empty item", line=rowno, field="item")
                if item in keys:
                    raise InputError(path, f"item {item!r} is also in {where[item]}", line=rowno, field="item")
                keys[item] = row
                where[item] = f"{path}:{rowno}"
    return keys


def is_sheet(path: str | os.PathLike, criteria: Sequence[str] = CRITERIA) -> bool:
    """Whether the CSV file at `path` has a rating sheet's columns (``item`` and every criterion), as
    written by :func:`write_sheets` and exported by the rating page."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        header = {h.strip() for h in next(csv.reader(f), [])}
    return {"item", *criteria} <= header


def load_ratings(
    sheets: Iterable[tuple[str, str | os.PathLike]],
    key_paths: Iterable[str | os.PathLike] | None,
    criteria: Sequence[str] = CRITERIA,
) -> list[dict[str, Any]]:
    """Completed sheets -> rows ``annotator run lr lang id category criterion score`` (score int).

    ``sheets``: ``(annotator, path)`` pairs; an annotator may have several sheets (one per language) and
    several annotators may rate the same items. Nothing is returned unless every sheet is valid; see the
    module docstring for what is checked and how errors are reported. ``key_paths=None`` reads sheets
    without their keys (``xlit agreement``): ``id`` is then the sheet's item, ``run``, ``lr``, ``lang`` and
    ``category`` are empty and the prompt and response are not checked.
    """
    keys = read_keys(key_paths) if key_paths is not None else None
    errors: list[tuple[str, int | None, str | None, str]] = []
    out: list[dict[str, Any]] = []
    rated: dict[tuple[str, str], str] = {}  # (annotator, item) -> where
    for annotator, path in sheets:
        path = os.fspath(path)
        annotator = str(annotator).strip()
        if not annotator:
            errors.append((path, None, None, "no annotator name given for this sheet"))
            continue
        try:
            f = open(path, encoding="utf-8-sig", newline="")
        except OSError as e:
            errors.append((path, None, None, f"cannot read ({e.strerror})"))
            continue
        with f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in ["item", *criteria] if c not in header]
            for col in missing:
                errors.append((path, 1, col, "missing column"))
            if missing:
                continue
            col = {h: i for i, h in enumerate(header)}
            for rowno, cells in enumerate(reader, 2):
                if not any(c.strip() for c in cells):
                    continue
                get = lambda name, cells=cells, col=col: cells[col[name]].strip() if col[name] < len(cells) else ""  # noqa: E731
                item = get("item")
                if not item:
                    errors.append((path, rowno, "item", "empty item"))
                    continue
                key = keys.get(item) if keys is not None else dict.fromkeys(KEY_COLUMNS, "") | {"id": item}
                if key is None:
                    errors.append((path, rowno, "item", f"unknown item {item!r} (not in any key file)"))
                    continue
                if (annotator, item) in rated:
                    errors.append(
                        (
                            path,
                            rowno,
                            "item",
                            f"item {item!r} already rated by {annotator!r} at {rated[(annotator, item)]}",
                        )
                    )
                    continue
                rated[(annotator, item)] = f"{path} row {rowno}"
                if key.get("digest") and "prompt" in col and "response" in col:
                    prompt, response = _raw(cells, col["prompt"]), _raw(cells, col["response"])
                    # the sheet's text with its added quotes, or as exported by the page (no quotes)
                    if key["digest"] not in (digest(read_cell(prompt), read_cell(response)), digest(prompt, response)):
                        errors.append(
                            (
                                path,
                                rowno,
                                "response",
                                f"prompt/response of item {item!r} differ from the key's: the sheet was "
                                f"edited or belongs to another set of generations",
                            )
                        )
                        continue
                for crit in criteria:
                    raw = get(crit)
                    if not raw:
                        errors.append((path, rowno, crit, "missing score (empty cell)"))
                        continue
                    score = parse_score(raw)
                    if score is None:
                        try:
                            float(raw)
                            why = "out of range" if float(raw) == int(float(raw)) else "not an integer"
                        except (ValueError, OverflowError):
                            why = "not an integer"
                        errors.append((path, rowno, crit, f"score {raw!r} is {why}: must be 0, 1 or 2"))
                        continue
                    out.append(
                        {
                            "annotator": annotator,
                            "run": key["run"],
                            "lr": key["lr"],
                            "lang": key["lang"],
                            "id": key["id"],
                            "category": key.get("category", ""),
                            "criterion": crit,
                            "score": score,
                        }
                    )
    if errors:
        raise _combined(errors)
    return out


def _raw(cells: list[str], i: int) -> str:
    return cells[i] if i < len(cells) else ""


def _combined(errors: list[tuple[str, int | None, str | None, str]]) -> InputError:
    path, row, column, msg = errors[0]
    if len(errors) > 1:
        rest = "\n".join(
            f"  {p}" + (f":{r}" if r is not None else "") + (f": field '{c}'" if c else "") + f": {m}"
            for p, r, c, m in errors[1:]
        )
        msg = f"{msg}\n{len(errors) - 1} more problem(s); nothing was imported:\n{rest}"
    else:
        msg = f"{msg} (nothing was imported)"
    err = InputError(path, msg, line=row, field=column)
    err.errors = errors
    return err


def write_human_scores(path: str | os.PathLike, rows: Sequence[dict[str, Any]]) -> None:
    write_tsv(path, list(rows), HUMAN_COLUMNS)
