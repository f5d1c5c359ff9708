"""`xlit`: the workflow's library from the command line (outside Snakemake)."""
from __future__ import annotations

import argparse
import importlib
import sys

from .config import ConfigError, checkpoints, load, runs
from .io import InputError

SUBCOMMANDS = ("cli_surface", "cli_judge", "cli_agreement")


def _validate(args) -> int:
    cfg = load(args.config)
    print(f"{args.config}: valid; {len(runs(cfg))} runs, {len(checkpoints(cfg))} checkpoints")
    return 0


def _grid(args) -> int:
    cfg = load(args.config)
    print("run\tmodel\tdata\tstrategy\tadaptation\tlr")
    for name, lr in checkpoints(cfg):
        r = runs(cfg)[name]
        print(f"{name}\t{r.model}\t{r.data}\t{r.strategy}\t{r.adaptation}\t{lr}")
    return 0


def _plan(args) -> int:
    from .plan import format_plan, plan

    cfg = load(args.config)
    gb = (cfg.get("cluster") or {}).get("gpu_mem_gb")
    print(format_plan(plan(cfg), gb))
    print(f"# GB/GPU: estimated peak memory allocated per GPU at the configured GPU count (training.precision, "
          f"FSDP full shard for full fine-tuning on several GPUs, activations of a {cfg['training']['tokens_per_batch']}"
          f"-token micro-batch{' with checkpointing' if cfg['training']['gradient_checkpointing'] else ''}); "
          f"a run fits when it is at most {(cfg.get('cluster') or {}).get('usable_share', 0.9):.0%} of a GPU")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xlit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check a config file against the schema")
    p.add_argument("config")
    p.set_defaults(func=_validate)
    p = sub.add_parser("grid", help="list the (run, learning rate) checkpoints a config trains")
    p.add_argument("config")
    p.set_defaults(func=_grid)
    p = sub.add_parser("plan", help="memory plan of training: GB per GPU, GPUs needed, tokens per update")
    p.add_argument("config")
    p.set_defaults(func=_plan)
    for name in SUBCOMMANDS:
        importlib.import_module(f"xlit.{name}").add_parser(sub)
    return parser


def main(argv=None) -> int:
    """Exit codes: 0 done; 1 the work failed (e.g. judge requests that still failed after retries: one line,
    the answers that arrived are cached); 2 bad input (config, files, arguments: one line); 130 Ctrl-C."""
    args = build_parser().parse_args(argv)
    return run_command(args.func, args)


def run_command(func, args) -> int:
    """`func(args)` with every expected failure as one line on stderr and an exit code (see `main`)."""
    from .judge import JudgeFailed
    from .llm import EndpointError

    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except JudgeFailed as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except (ConfigError, InputError, EndpointError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a missing or unreadable file
        where = f"{e.filename}: " if e.filename else ""
        print(f"error: {where}{e.strerror or e}", file=sys.stderr)
        return 2
    except ValueError as e:  # a bad argument value the library rejects (e.g. an unknown language code)
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
