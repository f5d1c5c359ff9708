"""`xlit judge`: judge any responses file outside the workflow, or estimate what judging would cost.

    xlit judge --config CONFIG.yaml [--judge NAME] [--out OUT] [--cache-dir DIR] RESPONSES.jsonl...
    xlit judge --estimate --config CONFIG.yaml [--judge NAME] FILES...

RESPONSES rows need `instruction` (or `prompt`) and `response`. Results: one JSONL row per response
(to --out: a file for one input, a directory for several; without --out, JSONL on stdout) and a summary
(mean 0-2 score per criterion, counts, tokens, cost) on stderr. The config may be a full workflow config
or a small file with just `judges:` (and optionally `judge:` and `cache_dir:`), checked against the same
schema. Requests still failing after retries (beyond judge.max_error_share) end the command with exit
code 1 and one line, after every answer that arrived is cached (a re-run sends only the failed ones);
Ctrl-C says how many answers are cached and exits with 130.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..config import ConfigError, load_judges, section_defaults
from ..paths import BASE_DIR

HELP = "rate responses with an LLM judge (or --estimate the cost)"
DESCRIPTION = __doc__


def add_arguments(p: argparse.ArgumentParser) -> None:
    default = section_defaults("judge")  # the schema's: what an unset judge.max_error_share / reask_unparsed means
    p.add_argument("--config", required=True, help="YAML config with a `judges` section")
    p.add_argument("--judge", help="judge name from `judges` (needed when there are several)")
    p.add_argument("--estimate", action="store_true", help="print requests and estimated cost; send nothing")
    p.add_argument("--out", help="output JSONL file (one input) or directory (several inputs)")
    p.add_argument("--cache-dir", help="cache directory (default: the config's cache_dir, else `cache`)")
    p.add_argument("--base-dir", default=BASE_DIR, help="where base-model names resolve (source.json)")
    p.add_argument(
        "--max-error-share",
        type=float,
        default=None,
        help=f"share of requests that may fail after retries (default: judge.max_error_share, "
        f"{default['max_error_share']:g})",
    )
    p.add_argument(
        "--reask",
        type=int,
        default=None,
        metavar="N",
        help="times an unparsed answer is asked again, cached ones too (default: judge.reask_unparsed, "
        f"{default['reask_unparsed']}; 0 keeps unparsed answers)",
    )
    p.add_argument("files", nargs="+", help="responses JSONL files")


def load_config(path: str) -> dict:
    """A judges-only file or a full workflow config, checked against the same schema (xlit.config.load_judges)."""
    return load_judges(path)


def _pick(config: dict, name: str | None, path: str) -> tuple[str, dict]:
    judges = config["judges"]
    if name is None:
        if len(judges) > 1:
            raise ConfigError(f"{path}: several judges ({', '.join(judges)}): choose one with --judge")
        name = next(iter(judges))
    if name not in judges:
        raise ConfigError(f"{path}: judges.{name}: not defined (defined: {', '.join(judges)})")
    return name, judges[name]


def run(args: argparse.Namespace) -> int:
    from ..judge import ESTIMATE_COLUMNS, cost_row, estimate, judge_file, load_template, read_responses, summary

    config = load_config(args.config)
    judge_section = config["judge"]  # the schema's defaults filled in (load_judges)
    template = load_template(judge_section.get("prompt"), judge_section.get("placeholders"))
    cache_dir = args.cache_dir or config.get("cache_dir") or "cache"
    if args.estimate:
        judges = config["judges"] if args.judge is None else dict([_pick(config, args.judge, args.config)])
        rows = estimate(args.files, judges, template, cache_dir, args.base_dir)
        print("\t".join(ESTIMATE_COLUMNS))
        for r in rows:
            print("\t".join(str(r[c]) for c in ESTIMATE_COLUMNS))
        return 0
    name, cfg = _pick(config, args.judge, args.config)
    max_error_share = judge_section["max_error_share"] if args.max_error_share is None else args.max_error_share
    reasks = judge_section["reask_unparsed"] if args.reask is None else args.reask
    outs = _out_paths(args.files, args.out)
    for f in args.files:  # bad input fails before anything is sent
        read_responses(f)
    for f, out in zip(args.files, outs):
        try:
            rows = judge_file(
                f,
                out,
                name,
                cfg,
                template=template,
                cache_dir=cache_dir,
                base_dir=args.base_dir,
                max_error_share=max_error_share,
                reasks=reasks,
            )
        except KeyboardInterrupt:  # what the cache holds now (the same keys a re-run looks up)
            e = estimate(args.files, {name: cfg}, template, cache_dir, args.base_dir)[0]
            print(
                f"interrupted: {e['cached']} of {e['requests']} answers cached (a re-run sends only the rest)",
                file=sys.stderr,
            )
            return 130
        if out is None:
            for r in rows:
                sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        s = summary(rows)
        c = cost_row(rows, cfg, name, "", "", "")
        means = " ".join(f"{k}={'NA' if v is None else f'{v:.2f}'}" for k, v in s["means"].items())
        print(
            f"{f}: {s['n']} responses, {s['cached']} from cache, {s['errors']} errors, {s['unparsed']} "
            f"unparsed, {s['missing_scores']} missing scores; tokens in {c['prompt_tokens']} out "
            f"{c['completion_tokens']}; cost ${c['cost_usd']:.4f} (new ${c['new_cost_usd']:.4f})\n  means 0-2: "
            f"{means}" + (f"\n  -> {out}" if out else ""),
            file=sys.stderr,
        )
    return 0


def _out_paths(files: list[str], out: str | None) -> list[Path | None]:
    if out is None:
        return [None] * len(files)
    if len(files) == 1 and not out.endswith("/") and not Path(out).is_dir():
        return [Path(out)]
    return [Path(out) / (Path(f).stem + ".judge.jsonl") for f in files]
