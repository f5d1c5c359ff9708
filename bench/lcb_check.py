"""xlit's language-confusion measures on the Language Confusion Benchmark's released completions (Marchisio et al.
2024; for-ai/language-confusion `outputs/<model>.csv`, fetched by hand: nothing is downloaded here).

For each (task, language) of a model's completions it prints, with xlit's code (`xlit.surface`): the share that one
fastText call on the whole response calls the expected language (`correct_lang`), the line pass rate (LPR), the
word pass rate (WPR, non-Latin scripts) and LCPR, and the responses the line check skips.

    python bench/lcb_check.py OUTPUTS_DIR/llama-3-instruct.csv [--task crosslingual] [--lang fr]
"""

import argparse
import csv
import math
import sys
from collections import defaultdict

from xlit.lid import LID
from xlit.surface import response_features, summarize


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", help="the benchmark's outputs/<model>.csv (columns completion task source language)")
    ap.add_argument("--task", help="monolingual or crosslingual (default both)")
    ap.add_argument("--lang", action="append", help="languages to keep (default all)")
    args = ap.parse_args(argv)
    csv.field_size_limit(sys.maxsize)
    lid = LID()
    known = lid.languages()
    groups = defaultdict(list)
    with open(args.csv, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if args.task and row["task"] != args.task or args.lang and row["language"] not in args.lang:
                continue
            if row["language"] in known:
                groups[(row["task"], row["language"])].append(row["completion"])
    print(f"{'task':<13} {'lang':<4} {'n':>5} {'whole-LID':>9} {'LPR':>6} {'WPR':>6} {'LCPR':>6} {'skipped':>7}")
    for (task, lang), texts in sorted(groups.items()):
        rows = [response_features(t, lang, lid) for t in texts]
        s = summarize(rows)
        skipped = sum(r["line_pass"] is None for r in rows)
        wpr = "" if math.isnan(s["word_pass_rate"]) else f"{100 * s['word_pass_rate']:.1f}"
        print(
            f"{task:<13} {lang:<4} {len(texts):>5} {100 * s['correct_lang']:>9.1f} {100 * s['line_pass_rate']:>6.1f} "
            f"{wpr:>6} {100 * s['lcpr']:>6.1f} {skipped:>7}"
        )


if __name__ == "__main__":
    main()
