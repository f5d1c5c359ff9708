"""Dry-run cost of the paper grid: job counts and wall time of `snakemake -n`, against Snakemake's own
start-up (`snakemake --version`).

    .venv/bin/python bench/dryrun_scale.py [--lr-factor 10] [--repeats 3]

Writes config/paper.yaml with every adaptation's learning-rate list stretched to `lr-factor` times as
many values (log-spaced between its smallest and largest) to a temporary file, then times, best of
`--repeats`: `snakemake --version`, the dry run of config/paper.yaml and the dry run of the stretched
config. Prints the job counts per rule and a JSON summary. Run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def stretched(config: dict, factor: int) -> dict:
    config = json.loads(json.dumps(config))
    for spec in config["adaptations"].values():
        lrs = spec["learning_rates"]
        lo, hi, n = math.log10(min(lrs)), math.log10(max(lrs)), len(lrs) * factor
        spec["learning_rates"] = [float(f"{10 ** (lo + (hi - lo) * i / (n - 1)):.3g}") for i in range(n)]
    return config


def timed(args: list[str], repeats: int) -> tuple[float, str]:
    best, out = math.inf, ""
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
        best = min(best, time.perf_counter() - t0)
        if proc.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")
        out = proc.stdout + proc.stderr
    return best, out


def job_counts(text: str) -> dict[str, int]:
    """The first 'Job stats' table of a dry run."""
    block = text.split("Job stats:", 1)[1]
    counts = {}
    for line in block.splitlines()[3:]:
        m = re.fullmatch(r"(\S+)\s+(\d+)", line.strip())
        if not m:
            break
        counts[m[1]] = int(m[2])
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lr-factor", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    paper = ROOT / "config" / "paper.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / f"paper_x{a.lr_factor}.yaml"
        big.write_text(yaml.safe_dump(stretched(yaml.safe_load(paper.read_text()), a.lr_factor)))
        t_version, _ = timed([SNAKEMAKE, "--version"], a.repeats)
        summary = {"snakemake_version_s": round(t_version, 2)}
        for name, path in (("paper", paper), (f"paper_lr_x{a.lr_factor}", big)):
            t, out = timed([SNAKEMAKE, "-n", "--quiet", "rules", "--configfile", str(path)], a.repeats)
            counts = job_counts(out)
            print(f"{name}: {counts.get('total')} jobs, dry run {t:.2f} s = {t / t_version:.1f}x snakemake --version")
            print("  " + ", ".join(f"{k} {v}" for k, v in counts.items() if k != "total"))
            summary[name] = {"jobs": counts, "dry_run_s": round(t, 2), "x_version": round(t / t_version, 2)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
