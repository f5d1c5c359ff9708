"""Small, shared file helpers: JSONL/TSV reading with precise errors, atomic writes.

Text that is not valid Unicode is handled once, here, at reading: a lone surrogate (a JSON escape such as
`"\ud800"` without its pair) or a byte sequence that is not UTF-8 becomes U+FFFD in every string
`iter_jsonl`/`read_jsonl`/`iter_jsonl_lines`/`read_text` return, and the count is logged (logger
`xlit.io`), so that LID, the judge, the sheets and the cache keys all see the same, encodable text.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator


class InputError(ValueError):
    """Bad input, with the file, line and field it came from in the message."""

    def __init__(self, path: str | os.PathLike, message: str, line: int | None = None, field: str | None = None):
        where = str(path) + (f":{line}" if line is not None else "")
        what = f"field '{field}': " if field else ""
        super().__init__(f"{where}: {what}{message}")
        self.path, self.line, self.field = str(path), line, field


log = logging.getLogger("xlit.io")

_SURROGATE = re.compile("[\ud800-\udfff]")  # in a Python str: only ever lone (pairs decode to one char)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def clean_text(text: str) -> tuple[str, int]:
    """`text` with every code point UTF-8 cannot encode (lone surrogates) replaced by U+FFFD, and how many."""
    return _SURROGATE.subn("\ufffd", text)


def clean_json(obj: Any) -> tuple[Any, int]:
    """`clean_text` applied to every string (keys too) of a parsed JSON value."""
    if isinstance(obj, str):
        return clean_text(obj)
    if isinstance(obj, list):
        out, n = [], 0
        for v in obj:
            v, k = clean_json(v)
            out.append(v)
            n += k
        return out, n
    if isinstance(obj, dict):
        d, n = {}, 0
        for key, v in obj.items():
            key, k1 = clean_json(key)
            v, k2 = clean_json(v)
            d[key] = v
            n += k1 + k2
        return d, n
    return obj, 0


def _report(path, n: int) -> None:
    if n:
        log.warning(
            "%s: %d invalid code point(s) (lone surrogates or bytes that are not UTF-8) replaced by U+FFFD", path, n
        )


def read_text(path: str | os.PathLike) -> str:
    """A text file's content, with invalid code points replaced (and counted in the log)."""
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        text, n = clean_text(f.read())
    _report(path, n)
    return text


def read_jsonl(path: str | os.PathLike) -> list[Any]:
    """Every non-blank line of a JSONL file, parsed; a bad line raises InputError naming it."""
    return list(iter_jsonl(path))


def iter_jsonl(path: str | os.PathLike) -> Iterator[Any]:
    for _, row in iter_jsonl_lines(path):
        yield row


def iter_jsonl_lines(path: str | os.PathLike) -> Iterator[tuple[int, Any]]:
    """(line number, parsed row) for every non-blank line; invalid code points replaced (see the module)."""
    bad = 0
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(path, f"not valid JSON ({e.msg}, column {e.colno})", line=lineno) from None
                if _SURROGATE.search(line) or ("\\u" in line and _SURROGATE_ESCAPE.search(line)):
                    row, n = clean_json(row)
                    bad += n
                yield lineno, row
    finally:
        _report(path, bad)


def require(row: Any, field: str, path, line: int, kind: type | tuple = str) -> Any:
    """row[field], checked to exist and be of `kind`; otherwise InputError naming file, line, field."""
    if not isinstance(row, dict):
        raise InputError(path, f"expected a JSON object, got {type(row).__name__}", line=line)
    if field not in row:
        raise InputError(path, "missing", line=line, field=field)
    value = row[field]
    if not isinstance(value, kind) or (kind is str and not value.strip()):
        raise InputError(
            path, f"expected a non-empty {getattr(kind, '__name__', kind)}, got {value!r:.60}", line=line, field=field
        )
    return value


def workdir_relative(path: str | os.PathLike) -> str:
    """`path` relative to the working directory when it lies inside it, else as given. Outputs that name a
    workflow file use this, so a work directory copied or moved elsewhere reads its own files, not the
    original's (a relative path resolves against the directory a job runs in)."""
    p = Path(path)
    if not p.is_absolute():
        return str(p)
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; it replaces `path` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; results are meant to be shared
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_jsonl(path: str | os.PathLike, rows: Iterable[Any]) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_json(path: str | os.PathLike, obj: Any) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")


def read_tsv(path: str | os.PathLike) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def write_tsv(path: str | os.PathLike, rows: list[dict[str, Any]], columns: list[str]) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, delimiter="\t", extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({k: _fmt(row.get(k, "")) for k in columns})


def _fmt(v: Any) -> Any:
    if isinstance(v, float):
        return f"{v:.6g}"
    return v
