"""``xlit agreement A.csv B.csv``: agreement between any two ratings files.

Each file is either a completed rating sheet of the workflow (one row per item: ``item`` and the six
criteria columns, as in ``results/human/sheets/<lang>.csv`` or the rating page's export), read by the
workflow's own import (``xlit.human.load_ratings``, the same checks), or a CSV (TSV if named ``.tsv``) with
columns ``id criterion score`` (optionally ``lang``), one row per rating, scores 0-2, an empty score
meaning not rated. Sheets' items are matched on their ``item``; with ``--keys`` (the sheets' key files,
``results/human/keys/<lang>.csv``) on the checkpoint's (run, lr, lang, id), with a row per language, and
each prompt and response is checked against its key. Other files' items are matched on (lang, id). Prints
the agreement table (per criterion and language, plus ``all``) as aligned text, or TSV with ``--tsv``;
``--out`` also writes the TSV file. Items rated in only one file are left out and counted: a warning,
or an error (exit code 2) when they are more than ``--max-unmatched`` of all items. The same file
given twice is refused.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..agreement import COLUMNS, agreement_table, format_table, ratings_from_human, read_rating_file
from ..human import is_sheet, load_ratings
from ..io import write_tsv

HELP = "agreement (kappa, alpha, matrices) between two ratings files"
DESCRIPTION = __doc__.split("\n\n", 1)[1]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "a", metavar="A.csv", help="first ratings file: a completed rating sheet, or id criterion score [lang]"
    )
    p.add_argument("b", metavar="B.csv", help="second ratings file")
    p.add_argument(
        "--keys",
        action="append",
        default=None,
        metavar="KEY.csv",
        help="a key file of the sheets (results/human/keys/<lang>.csv; repeat for several languages)",
    )
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples for the kappa interval (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.add_argument("--tsv", action="store_true", help="print TSV instead of an aligned table")
    p.add_argument("--out", metavar="FILE.tsv", help="also write the table here")
    p.add_argument(
        "--max-unmatched",
        type=float,
        default=0.2,
        metavar="SHARE",
        help="largest share of items (lang, id) rated in only one file before it is an error (default 0.2)",
    )


def run(args: argparse.Namespace) -> int:
    name_a = os.path.splitext(os.path.basename(args.a))[0]
    name_b = os.path.splitext(os.path.basename(args.b))[0]
    if name_a == name_b:
        name_a, name_b = f"{name_a}(A)", f"{name_b}(B)"
    if os.path.samefile(args.a, args.b):
        print(
            f"xlit agreement: {args.a} and {args.b} are the same file (its agreement with itself is 1)", file=sys.stderr
        )
        return 2
    ra, rb = read_ratings(args.a, name_a, args.keys), read_ratings(args.b, name_b, args.keys)
    ratings = ra + rb
    items_a, items_b = {r["item"] for r in ra}, {r["item"] for r in rb}
    only_a, only_b = items_a - items_b, items_b - items_a
    if only_a or only_b:
        union = len(items_a | items_b)
        first = sorted(only_a or only_b)[0]
        line = (
            f"{len(only_a) + len(only_b)} of {union} items (lang, id) are rated in only one file "
            f"({len(only_a)} only in {args.a}, {len(only_b)} only in {args.b}; e.g. "
            f"{'/'.join(x for x in first if x)}) and left out"
        )
        if (len(only_a) + len(only_b)) / union > args.max_unmatched:
            print(
                f"xlit agreement: {line}: more than --max-unmatched {args.max_unmatched:g}; "
                "do the files rate the same items?",
                file=sys.stderr,
            )
            return 2
        print(f"xlit agreement: warning: {line}", file=sys.stderr)
    if args.n_boot < 0:
        print("xlit agreement: --n-boot must be >= 0", file=sys.stderr)
        return 2
    rows = agreement_table(ratings, [(name_a, name_b)], n_boot=args.n_boot, seed=args.seed)
    if not any(r["n"] for r in rows):
        print("xlit agreement: the two files have no (id, lang, criterion) in common", file=sys.stderr)
    if args.tsv:
        print("\t".join(COLUMNS))
        for r in rows:
            print("\t".join(_cell(r[c]) for c in COLUMNS))
    else:
        print(format_table(rows))
    if args.out:
        write_tsv(args.out, rows, COLUMNS)
    return 0


def read_ratings(path: str, rater: str, keys: list[str] | None) -> list[dict]:
    """Rating rows of one file: a rating sheet through the workflow's import, any other file as one row per
    rating (`xlit.agreement.read_rating_file`)."""
    if not is_sheet(path):
        return read_rating_file(path, rater)
    rows = load_ratings([(rater, path)], keys)
    return [{**r, "rater": rater, "group": None} for r in ratings_from_human(rows)]


def _cell(v) -> str:
    return f"{v:.6g}" if isinstance(v, float) else str(v)
