"""Reading star ratings out of what real judges answer.

Accepted: a JSON dictionary alone, inside prose or inside a code fence; Python-style dicts (single quotes,
trailing commas, unquoted keys); keys in any case/spacing/punctuation and common synonyms ("Logical
coherence", "correct_language", "factuality"); values 1-3 as numbers, strings ("3", "3 stars", "3 starts" (a
typo in the authors' prompt), "2/3", "three", "***"), or a nested {"stars": 3, ...}. Without any dictionary,
`aspect: N` lines in prose are read. Values outside 1-3 and unknown keys are ignored; every criterion not read
is "missing" - an answer with nothing readable is "unparsed". Stars map to scores 0-2 (score = stars - 1);
nothing is guessed.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field

from xlit.names import CRITERIA

SYNONYMS = {
    "language": [
        "language",
        "lang",
        "correctlanguage",
        "languagecorrectness",
        "languageconsistency",
        "languagematch",
        "responselanguage",
        "targetlanguage",
        "rightlanguage",
        "languageuse",
    ],
    "fluency": ["fluency", "languagefluency", "fluent", "grammar", "grammaticality", "readability"],
    "helpfulness": ["helpfulness", "helpful", "usefulness", "helpfulnessandrelevance", "relevance"],
    "accuracy": [
        "accuracy",
        "accurate",
        "factuality",
        "factualaccuracy",
        "correctness",
        "factualcorrectness",
        "truthfulness",
        "factual",
    ],
    "logic": [
        "logic",
        "logical",
        "logicalcoherence",
        "coherence",
        "logicalconsistency",
        "reasoning",
        "logicality",
        "logicandcoherence",
    ],
    "harmlessness": ["harmlessness", "harmless", "safety", "nonharmfulness", "harmlessnesssafety", "safe"],
}
_KEYMAP = {syn: crit for crit, syns in SYNONYMS.items() for syn in syns}
_WORDS = {"one": 1, "two": 2, "three": 3}


@dataclass
class Parsed:
    stars: dict = field(default_factory=dict)  # criterion -> 1..3
    missing: list = field(default_factory=list)  # criteria not read, in CRITERIA order

    @property
    def scores(self) -> dict:
        """criterion -> 0..2 for the criteria read."""
        return {c: s - 1 for c, s in self.stars.items()}

    @property
    def unparsed(self) -> bool:
        return not self.stars


def norm_key(key: str) -> str | None:
    """The criterion a dictionary key names, or None."""
    k = re.sub(r"[^a-z]", "", str(key).lower())
    if k in _KEYMAP:
        return _KEYMAP[k]
    for suffix in ("score", "rating", "stars", "star", "aspect"):
        if k.endswith(suffix) and k[: -len(suffix)] in _KEYMAP:
            return _KEYMAP[k[: -len(suffix)]]
    return None


def stars_of(value) -> int | None:
    """1..3 from a value as judges write it, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, dict):
        for k in ("stars", "star", "score", "rating", "value"):
            for kk, v in value.items():
                if str(kk).lower() == k:
                    return stars_of(v)
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and 1 <= value <= 3 else None
    if isinstance(value, str):
        s = value.strip().lower()
        if not s:
            return None
        if re.fullmatch(r"[*\u2605\u2b50]{1,3}", s):
            return len(s)
        m = re.fullmatch(r"(one|two|three)(\s*start?s?)?\.?", s)
        if m:
            return _WORDS[m.group(1)]
        m = re.fullmatch(r"(\d+(?:\.0+)?)\s*(?:start?s?|\u2605)?\s*(?:(?:/|out of|of)\s*3(?:\s*stars?)?)?\.?", s)
        if m:
            v = float(m.group(1))
            return int(v) if v.is_integer() and 1 <= v <= 3 else None
    return None


def _candidates(text: str) -> list[str]:
    """Balanced {...} substrings (outermost), code-fence contents first."""
    out = []
    for fence in re.finditer(r"```[a-zA-Z]*\s*\n?(.*?)```", text, re.S):
        out.extend(_balanced(fence.group(1)))
    out.extend(_balanced(text))
    return out


def _balanced(text: str) -> list[str]:
    res, depth, start, in_str, esc, quote = [], 0, None, False, False, ""
    for i, ch in enumerate(text):
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == quote:
                in_str = False
            continue
        if ch == '"' and depth > 0:
            in_str, quote = True, ch
        elif ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                res.append(text[start : i + 1])
    if depth > 0 and start is not None:  # an unterminated dict (answer cut by max_tokens)
        res.append(text[start:] + "}")
    return res


def _load(blob: str):
    try:
        return json.loads(blob)
    except json.JSONDecodeError:
        pass
    fixed = re.sub(r",\s*([}\]])", r"\1", blob)  # trailing commas
    fixed = re.sub(r"([{,]\s*)([A-Za-z_][\w \-]*?)(\s*:)", r'\1"\2"\3', fixed)  # unquoted keys
    try:
        return json.loads(fixed)
    except json.JSONDecodeError:
        pass
    try:
        return ast.literal_eval(blob)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        pass
    # last resort: "key": value pairs read one by one
    pairs = re.findall(r"""["']?([A-Za-z][\w \-]*?)["']?\s*:\s*("[^"]*"|'[^']*'|[^,}\n]+)""", blob)
    return {k: v.strip().strip("'\"") for k, v in pairs} or None


def _from_dict(d) -> dict:
    stars: dict = {}
    if not isinstance(d, dict):
        return stars
    for k, v in d.items():
        crit = norm_key(k)
        if crit is None:
            if isinstance(v, dict):  # {"scores": {...}} wrappers
                for c, s in _from_dict(v).items():
                    stars.setdefault(c, s)
            continue
        s = stars_of(v)
        if s is not None and crit not in stars:
            stars[crit] = s
    return stars


_PROSE = re.compile(
    r"\s*[-*#>\d.)\s]*\**\s*([A-Za-z][A-Za-z _\-]{1,40}?)\s*\**\s*[:=\-\u2013]\s*\**\s*"
    r"(\d(?:\.0)?(?:\s*start?s?)?(?:\s*(?:/|out of)\s*3)?|one|two|three|[*\u2605]{1,3})(?![\w.])",
    re.I,
)


def _from_prose(text: str) -> dict:
    stars: dict = {}
    for line in text.splitlines():
        m = _PROSE.match(line)
        if not m:
            continue
        crit = norm_key(m.group(1))
        s = stars_of(m.group(2))
        if crit and s is not None and crit not in stars:
            stars[crit] = s
    return stars


def parse_answer(text: str | None) -> Parsed:
    """Star ratings from a judge's answer; the best dictionary wins (most criteria read; ties: the last)."""
    best: dict = {}
    if text:
        for blob in _candidates(text):
            got = _from_dict(_load(blob))
            if got and len(got) >= len(best):
                best = got
        if not best:
            best = _from_prose(text)
    stars = {c: best[c] for c in CRITERIA if c in best}
    return Parsed(stars=stars, missing=[c for c in CRITERIA if c not in stars])
