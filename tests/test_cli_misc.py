"""A newcomer's small traps (issue 21): output cut off by `| head` exits quietly, `xlit` run from a
sub-directory of the work directory warns, and the paper config's downloads are git-ignored."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from xlit.cli import enclosing_workdir, main

ROOT = Path(__file__).resolve().parents[1]


def run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    """`python -m xlit.cli ARGS` writing into a pipe whose reader is already gone (`| head -0`, without the
    race: the read end is closed before the command starts)."""
    r, w = os.pipe()
    os.close(r)
    try:
        return subprocess.run(
            [sys.executable, "-m", "xlit.cli", *args],
            stdout=w,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    finally:
        os.close(w)


@pytest.mark.parametrize(
    "args",
    [["grid", "config/config.yaml"], ["--help"], ["grid", "--help"]],
    ids=["grid", "help", "subcommand help"],
)
def test_broken_pipe_exits_quietly(args):
    res = run_into_closed_pipe(*args)
    assert res.stderr == "", res.stderr  # before: "error: Broken pipe", exit 2
    # 141 as a program killed by SIGPIPE; argparse's help swallows the error itself and exits 0
    assert res.returncode == (0 if "--help" in args else 141)


def test_broken_pipe_through_head():
    """The shell pipe as a person types it: whatever the timing, no message and no error exit."""
    cmd = f"{sys.executable} -m xlit.cli grid config/paper.yaml | head -1"
    res = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 0 and res.stderr == "", res.stderr
    assert res.stdout.split("\t")[0] == "run"


def workdir(tmp_path: Path) -> Path:
    wd = tmp_path / "study"
    (wd / "config").mkdir(parents=True)
    (wd / "Snakefile").write_text("# a work directory\n")
    shutil.copy(ROOT / "config" / "config.yaml", wd / "config" / "config.yaml")
    return wd


def test_enclosing_workdir(tmp_path):
    wd = workdir(tmp_path)
    (wd / "config" / "sub").mkdir()
    assert enclosing_workdir(wd) is None  # the work directory itself
    assert enclosing_workdir(wd / "config") == wd.resolve()
    assert enclosing_workdir(wd / "config" / "sub") == wd.resolve()
    assert enclosing_workdir(tmp_path) is None  # outside any work directory
    assert enclosing_workdir(ROOT / "src" / "xlit") == ROOT


def test_run_from_a_subdirectory_warns_in_one_line(tmp_path, monkeypatch, capsys):
    wd = workdir(tmp_path)
    conf = str(wd / "config" / "config.yaml")
    monkeypatch.chdir(wd / "config")
    main(["validate", conf])
    err = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(err) == 1, err
    assert err[0].startswith(f"xlit: warning: {wd.resolve() / 'config'} is inside the work directory {wd.resolve()}")
    assert err[0].endswith(f"run it from {wd.resolve()}")
    monkeypatch.chdir(wd)  # from the work directory itself: no warning
    main(["validate", conf])
    assert "warning" not in capsys.readouterr().err
    monkeypatch.chdir(wd / "config")  # a command that reads no relative path: no warning
    assert main(["grid", conf]) == 0
    assert "warning" not in capsys.readouterr().err


def test_downloads_are_git_ignored_and_only_they():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    downloads = yaml.safe_load((ROOT / "config" / "paper.yaml").read_text(encoding="utf-8"))["downloads"]
    assert {"data/it/dolly/dolly.fr.jsonl", "data/alpaca_eval/alpaca_eval.json"} <= set(downloads)

    def ignored(path: str) -> bool:
        res = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT)
        assert res.returncode in (0, 1), path
        return res.returncode == 0

    for path in downloads:
        assert ignored(path), f"{path} (config/paper.yaml downloads:) is not git-ignored"
    for path in ("data/judge/my_prompt.txt", "data/it/my_set.jsonl", "data/prompts/mine/en.jsonl"):
        assert not ignored(path), f"{path}: hand-made data must not be ignored"
