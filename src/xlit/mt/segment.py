"""Split a field into translatable segments and put the translations back in the same structure.

`segment(text)` returns a `Segmented`: `parts` is the text as a list of literal strings (line breaks,
blank lines, list markers, indentation, the whitespace between sentences, fenced code blocks, segments with
no letters) and integer slots; `segments[slot]` is the sentence to translate. `reassemble(seg, outs)` joins
the parts with `outs[slot]` in each slot, so an identity translator gives back the input exactly.

Order of splitting: fenced code blocks (``` or ~~~, kept verbatim, not translated) -> lines (every line
break kept) -> list/heading/quote marker -> sentences -> clauses/words when a sentence is longer than
`max_chars` (so a model with a token limit never silently truncates a long sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A line's leading structure: indentation, then an optional bullet / number / heading / quote marker.
_MARKER = re.compile(r"^(\s*(?:(?:[-*•+‣◦]|\d{1,3}[.)]|[a-z][.)]|[A-Z]\)|\(\w{1,3}\)|#{1,6}|>)\s+)?)")
# A sentence boundary: end punctuation, optional closing quotes/brackets, whitespace, then a likely start.
_BOUNDARY = re.compile(r"(?<=[.!?…])([\"'”’»)\]]*)(\s+)(?=[\"'“‘«(\[¿¡]?[0-9A-ZÀ-ÖØ-ÞА-ЯЁΑ-Ω])")
_CJK_BOUNDARY = re.compile(r"(?<=[。！？])(\s*)")
_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "sr",
    "jr",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "inc",
    "ltd",
    "co",
    "no",
    "fig",
    "vol",
    "approx",
    "dept",
    "est",
    "u.s",
    "u.k",
    "a.m",
    "p.m",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mt",
    "ft",
    "gen",
    "gov",
    "sen",
    "rep",
}
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class Segmented:
    parts: list = field(default_factory=list)  # str (literal) or int (slot into segments)
    segments: list = field(default_factory=list)

    def add_lit(self, s: str) -> None:
        if not s:
            return
        if self.parts and isinstance(self.parts[-1], str):
            self.parts[-1] += s
        else:
            self.parts.append(s)

    def add_seg(self, s: str) -> None:
        if not any(c.isalpha() for c in s):  # numbers, punctuation, symbols: nothing to translate
            self.add_lit(s)
            return
        self.parts.append(len(self.segments))
        self.segments.append(s)


def segment(text: str, max_chars: int = 400) -> Segmented:
    out = Segmented()
    in_code, fence = False, ""
    for line, nl in _lines(text):
        m = _FENCE.match(line)
        if in_code:
            out.add_lit(line + nl)
            if m and m.group(1) == fence:
                in_code = False
            continue
        if m:
            in_code, fence = True, m.group(1)
            out.add_lit(line + nl)
            continue
        _segment_line(line, out, max_chars)
        out.add_lit(nl)
    return out


def reassemble(seg: Segmented, translations: list[str]) -> str:
    if len(translations) != len(seg.segments):
        raise ValueError(f"{len(translations)} translations for {len(seg.segments)} segments")
    return "".join(p if isinstance(p, str) else _clean(translations[p]) for p in seg.parts)


def _clean(t: str) -> str:
    # A translation must not introduce structure of its own (an LLM's line breaks would break lists).
    return re.sub(r"\s*\n\s*", " ", t.strip())


def _lines(text: str):
    pieces = re.split(r"(\r\n|\n|\r)", text)
    for i in range(0, len(pieces), 2):
        yield pieces[i], pieces[i + 1] if i + 1 < len(pieces) else ""


def _segment_line(line: str, out: Segmented, max_chars: int) -> None:
    marker = _MARKER.match(line).group(1)
    rest = line[len(marker) :]
    out.add_lit(marker)
    body = rest.rstrip()
    trail = rest[len(body) :]
    for kind, piece in _sentences(body):
        if kind == "lit":
            out.add_lit(piece)
        else:
            for k2, p2 in _split_long(piece, max_chars):
                out.add_lit(p2) if k2 == "lit" else out.add_seg(p2)
    out.add_lit(trail)


def _sentences(body: str):
    """('seg', sentence) and ('lit', whitespace between sentences), in order."""
    if not body:
        return
    start = 0
    cuts = []
    for m in _BOUNDARY.finditer(body):
        end = m.start(2)  # sentence ends after closing quotes (group 1)
        if _is_abbrev(body[start:end]):
            continue
        cuts.append((end, m.end(2)))
    for m in _CJK_BOUNDARY.finditer(body):
        if m.end() < len(body):
            cuts.append((m.start(1), m.end(1)))
    cuts.sort()
    for end, nxt in cuts:
        if end <= start:
            continue
        yield "seg", body[start:end]
        yield "lit", body[end:nxt]
        start = nxt
    if start < len(body):
        yield "seg", body[start:]


def _is_abbrev(sentence: str) -> bool:
    m = re.search(r"(\S+)\.[\"'”’»)\]]*$", sentence)
    if not m:
        return False
    word = m.group(1).lstrip("([\"'“«").lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())  # initials: "J. K. Rowling"


def _split_long(s: str, max_chars: int):
    """A sentence over max_chars: cut after clause punctuation, then between words (never inside one)."""
    if len(s) <= max_chars:
        yield "seg", s
        return
    pieces = re.split(r"(?<=[,;:])(\s+)", s)
    if max(len(p) for p in pieces[::2]) > max_chars:
        pieces = re.split(r"(\s+)", s)
    buf = ""
    for i in range(0, len(pieces), 2):
        p = pieces[i]
        gap = pieces[i - 1] if i else ""
        if buf and len(buf) + len(gap) + len(p) > max_chars:
            yield "seg", buf
            yield "lit", gap
            buf = p
        else:
            buf = buf + gap + p if buf else p
    if buf:
        yield "seg", buf
