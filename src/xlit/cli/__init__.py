"""`xlit`: the workflow's library from the command line (outside Snakemake).

One parser with a subcommand per module of this package (`COMMANDS`); each module defines `HELP`,
`add_arguments(parser)` and `run(args) -> exit code` (optionally `DESCRIPTION`, shown by `--help`), and
`run_command` reports every expected failure in one line. `python -m xlit.cli` is the same as `xlit`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

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


#: subcommands that read a config's relative paths (data/, results/, cache/) from the current directory
WORKDIR_COMMANDS = ("validate", "plan", "judge")


def main(argv=None) -> int:
    """Exit codes: 0 done; 1 the work failed (e.g. judge requests that still failed after retries: one line,
    the answers that arrived are cached); 2 bad input (config, files, arguments: one line); 130 Ctrl-C;
    141 its output was cut off (`xlit grid C.yaml | head -1`: quietly, as a program killed by SIGPIPE)."""
    try:
        args = build_parser().parse_args(argv)
    except BrokenPipeError:  # `xlit --help | head -1`
        _stdout_to_devnull()
        return 141
    except SystemExit:  # --help printed, or a usage error: flushed here, where a closed pipe is caught
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _stdout_to_devnull()
            return 141
        raise
    if args.command in WORKDIR_COMMANDS:
        root = enclosing_workdir()
        if root is not None:
            print(
                f"xlit: warning: {Path.cwd()} is inside the work directory {root}: the config's relative paths "
                f"(data/, results/, cache/) are read from here, not from there; run it from {root}",
                file=sys.stderr,
            )
    return run_command(args.func, args)


def enclosing_workdir(cwd: str | os.PathLike | None = None) -> Path | None:
    """The work directory (one holding `Snakefile` and `config/`) that `cwd` (default: the current
    directory) lies inside, when `cwd` is not a work directory itself; None otherwise."""
    here = Path(cwd if cwd is not None else os.getcwd()).resolve()
    if _is_workdir(here):
        return None
    return next((d for d in here.parents if _is_workdir(d)), None)


def _is_workdir(d: Path) -> bool:
    return (d / "Snakefile").is_file() and (d / "config").is_dir()


def run_command(func, args) -> int:
    """`func(args)` with every expected failure as one line on stderr and an exit code (see `main`)."""
    from ..judge import JudgeFailed
    from ..llm import EndpointError

    try:
        code = int(func(args) or 0)
        sys.stdout.flush()  # a reader that went away shows here, not at exit
        return code
    except BrokenPipeError:  # before OSError: the reader (`| head`) closed the pipe; nothing to report
        _stdout_to_devnull()
        return 141
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


def _stdout_to_devnull() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush at exit does not fail again (Python's
    recipe for SIGPIPE: https://docs.python.org/3/library/signal.html#note-on-sigpipe)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
