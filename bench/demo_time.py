"""The demo's wall time from a fresh clone: `python bench/demo_time.py [--cores 2] [--keep DIR]`.

Clones the repository's HEAD into a temporary folder, runs `snakemake --cores N` there (offline, this
interpreter's environment), and prints the wall time, the job count, the job-seconds per rule (from
`benchmarks/`), and the share of the job-seconds that is Python start-up: each job's interpreter start and
imports, estimated as the measured import time of its kind (torch + transformers + peft + trl for the rules
that load a model, xlit alone for the others) times the number of jobs of that kind.
"""

import argparse
import collections
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: rules whose script loads torch and a model (the others read and write tables)
MODEL_RULES = {"build_base", "build_translator", "train", "translate_it_data", "generate", "surface", "judge",
               "train_judge", "translate_valid"}  # fmt: skip


def import_seconds(modules: str, repeat: int = 3) -> float:
    """Best-of-`repeat` wall time of a fresh interpreter importing `modules` (snakemake's script runner too)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import snakemake.script, {modules}"], check=True)
        best = min(best, time.perf_counter() - t)
    return best


def job_seconds(workdir: Path) -> dict[str, list[float]]:
    """Per rule, the wall seconds of each job (`benchmarks/<rule>[/...].tsv`, column `s`)."""
    out = collections.defaultdict(list)
    for path in (workdir / "benchmarks").rglob("*.tsv"):
        rule = path.relative_to(workdir / "benchmarks").parts[0].removesuffix(".tsv")
        with open(path, encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        out[rule].append(float(rows[-1]["s"]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--keep", help="clone into this folder and keep it (default: a temporary one)")
    a = ap.parse_args()
    tmp = None if a.keep else tempfile.TemporaryDirectory(prefix="xlit-demo-")
    work = Path(a.keep or tmp.name) / "xlit"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(work)], check=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(work / "src")}
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "snakemake", "--cores", str(a.cores), "all", "--quiet"], cwd=work,
                   env=env, check=True)  # fmt: skip
    wall = time.perf_counter() - t
    jobs = job_seconds(work)
    n = sum(len(v) for v in jobs.values())
    total = sum(sum(v) for v in jobs.values())
    heavy, light = import_seconds("torch, transformers, peft, trl"), import_seconds("xlit")
    startup = sum(len(v) * (heavy if rule in MODEL_RULES else light) for rule, v in jobs.items())
    print(f"demo on {a.cores} cores from a fresh clone: {wall / 60:.1f} min wall, {n} jobs, "
          f"{total:.0f} job-seconds ({total / wall:.2f} cores busy on average)")  # fmt: skip
    for rule, v in sorted(jobs.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {rule:22s} {len(v):3d} jobs {sum(v):7.1f} s")
    print(f"start-up: {heavy:.1f} s per model job, {light:.1f} s per table job: {startup:.0f} s, "
          f"{startup / total:.0%} of the job-seconds")  # fmt: skip
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
