"""`xlit`: the workflow's library from the command line (outside Snakemake).

One parser with a subcommand per module of this package (`COMMANDS`); each module defines `HELP`,
`add_arguments(parser)` and `run(args) -> exit code` (optionally `DESCRIPTION`, shown by `--help`), and
`run_command` reports every expected failure in one line. `python -m xlit.cli` is the same as `xlit`.
"""

from __future__ import annotations

import argparse
import sys

from ..config import ConfigError
from ..io import InputError
from . import agreement, grid, judge, plan, surface, validate

__all__ = ["COMMANDS", "build_parser", "main", "run_command"]

#: subcommand name -> its module, in the order `xlit --help` lists them
COMMANDS = {
    "validate": validate,
    "grid": grid,
    "plan": plan,
    "surface": surface,
    "judge": judge,
    "agreement": agreement,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xlit", description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module in COMMANDS.items():
        p = sub.add_parser(
            name,
            help=module.HELP,
            description=getattr(module, "DESCRIPTION", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(p)
        p.set_defaults(func=module.run)
    return parser


def main(argv=None) -> int:
    """Exit codes: 0 done; 1 the work failed (e.g. judge requests that still failed after retries: one line,
    the answers that arrived are cached); 2 bad input (config, files, arguments: one line); 130 Ctrl-C."""
    args = build_parser().parse_args(argv)
    return run_command(args.func, args)


def run_command(func, args) -> int:
    """`func(args)` with every expected failure as one line on stderr and an exit code (see `main`)."""
    from ..judge import JudgeFailed
    from ..llm import EndpointError

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
