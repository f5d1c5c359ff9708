"""Checks for tests/slurm/run_e2e.sh: read what the harness recorded under WORKDIR/logs, write
WORKDIR/report.json, exit 1 when a check failed.

Usage: python check_e2e.py WORKDIR PROFILE_YAML

The sbatch command lines come from snakemake's --verbose output ("sbatch call: ..."), each job's
resources from snakemake's own job listing in the same log, the final job states from
`squeue --states=all` (the test cluster keeps finished jobs for 10 minutes).
"""

import json
import os
import re
import sys
from pathlib import Path

import yaml

DEMO_RULES = ["demo_world", "build_base", "prepare_it_data", "train"]
GPU_MODEL = "fake"  # the site file written by run_e2e.sh
TRAIN_RUN, TRAIN_LR = "tiny-en_demo-dolly_en_ft", "0.0003"
TRAIN_TARGET = f"results/models/{TRAIN_RUN}/lr{TRAIN_LR}"

RE_SBATCH = re.compile(r"sbatch call: (sbatch .*)")
RE_SUBMITTED = re.compile(r"Job (\d+) has been submitted with SLURM jobid (\d+)(?: \(log: (\S+)\))?")
RE_RULE = re.compile(r"^(?:local)?rule (\w+):\s*$")


def merged(base: dict, over: dict) -> dict:
    """`over` merged into `base` key by key, as Snakemake merges --configfile files."""
    out = dict(base)
    for k, v in over.items():
        out[k] = merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def plan_mem_mb(proj: Path) -> int:
    """The train job's host memory as the workflow asks for it: the plan's figure for the merged config."""
    from xlit.config import runs, validate
    from xlit.plan import train_mem_mb

    cfg = merged(*(yaml.safe_load(read(proj / f)) for f in ("config/config.yaml", "tests/slurm/gpu.yaml")))
    cfg = validate(cfg)
    return train_mem_mb(cfg, runs(cfg)[TRAIN_RUN])


def read(path):
    p = Path(path)
    return p.read_text(errors="replace") if p.exists() else ""


def sbatch_flags(call):
    """The part of an sbatch call before --wrap, as a dict of the flags the checks need."""
    head = call.split(" --wrap=", 1)[0]
    flags = {"raw": head}
    for key, pattern in {
        "comment": r"--comment (\S+)",
        "partition": r" -p (\S+)",
        "time": r" -t (\S+)",
        "mem": r" --mem (\d+)",
        "gpus": r" --gpus=(\S+)",
        "gres": r" --gres=(\S+)",
        "cpus_per_task": r"--cpus-per-task=(\d+)",
        "cpus_per_gpu": r"--cpus-per-gpu=(\d+)",
        "nice": r"--nice=(\S+)",
        "nodes": r"--nodes=(\d+)",
    }.items():
        m = re.search(pattern, head)
        flags[key] = m.group(1).strip("'") if m else None
    flags["requeue"] = " --requeue" in head
    comment = flags["comment"] or ""
    flags["rule"] = re.sub(r"^rule_", "", comment).split("_wildcards_")[0]
    return flags


def parse_log(text):
    """Jobs as snakemake listed them (jobid -> rule, threads, resources) and the submissions
    (sbatch flags + SLURM job id), in log order."""
    jobs = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = RE_RULE.match(lines[i])
        if not m:
            i += 1
            continue
        block = {"rule": m.group(1), "threads": 1, "resources": {}}
        i += 1
        while i < len(lines) and lines[i].startswith("    "):
            key, _, val = lines[i].strip().partition(": ")
            if key == "jobid":
                block["jobid"] = int(val)
            elif key == "threads":
                block["threads"] = int(val)
            elif key == "wildcards":
                block["wildcards"] = val
            elif key == "resources":
                for item in val.split(", "):
                    k, _, v = item.partition("=")
                    block["resources"][k] = int(v) if v.isdigit() else v
            i += 1
        if "jobid" in block:
            jobs.setdefault(block["jobid"], block)
    # Submissions run in parallel threads, so "sbatch call" and "has been submitted" lines
    # interleave: pair them by the SLURM log directory that both name (one per rule+wildcards).
    calls = []
    submissions = []
    for line in lines:
        m = RE_SBATCH.search(line)
        if m:
            flags = sbatch_flags(m.group(1))
            out = re.search(r"--output (\S+)", flags["raw"])
            flags["logdir"] = os.path.dirname(out.group(1).strip("'")) if out else None
            calls.append(flags)
            continue
        m = RE_SUBMITTED.search(line)
        if m:
            logdir = os.path.dirname(m.group(3)) if m.group(3) else None
            for flags in calls:
                if "slurm_jobid" not in flags and flags["logdir"] == logdir:
                    flags["snakemake_jobid"] = int(m.group(1))
                    flags["slurm_jobid"] = m.group(2)
                    submissions.append(flags)
                    break
    return jobs, submissions


def parse_squeue(text):
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].isdigit():
            out[parts[0]] = {"state": parts[1], "line": line.strip()}
    return out


def parse_scontrol(text):
    """`scontrol -d show job` records: job id -> {JobState, JOB_GRES, TresPerJob, ...}."""
    out = {}
    for rec in re.split(r"\n\s*\n", text):
        m = re.search(r"JobId=(\d+)", rec)
        if not m:
            continue
        out[m.group(1)] = dict(re.findall(r"(?:^|\s)(\w+)=(\S*)", rec))
    return out


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not running any more
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Report:
    def __init__(self):
        self.checks = []

    def check(self, name, ok, detail=""):
        self.checks.append({"name": name, "ok": bool(ok), "detail": detail})
        print(f"  [{'ok' if ok else 'FAIL'}] {name}" + (f": {detail}" if detail and not ok else ""))
        return ok


def main(workdir, profile_path):
    w = Path(workdir)
    logs = w / "logs"
    rep = Report()
    profile = yaml.safe_load(Path(profile_path).read_text())
    retries = int(profile.get("retries", 0))

    def rc(name):
        t = read(logs / f"{name}.rc").strip()
        return int(t) if t else None

    def seconds(name):
        t = read(logs / f"{name}.seconds").strip()
        return float(t) if t else None

    squeue = parse_squeue(read(logs / "squeue.txt"))
    scontrol = parse_scontrol(read(logs / "scontrol_jobs.txt"))

    # ---------------------------------------------------------------- 1. demo slice
    print("demo slice (demo_world -> build_base -> prepare_it_data -> train on the fake GPU):")
    demo_log = read(logs / "demo.log")
    jobs, subs = parse_log(demo_log)
    rep.check("demo: snakemake exited 0", rc("demo") == 0, f"rc={rc('demo')}")
    by_rule = {}
    for s in subs:
        by_rule.setdefault(s["rule"], []).append(s)
    rep.check(
        "demo: each rule submitted once through sbatch",
        sorted(by_rule) == sorted(DEMO_RULES) and all(len(v) == 1 for v in by_rule.values()),
        f"submitted: { {k: len(v) for k, v in by_rule.items()} }",
    )
    demo_jobs = []
    for s in subs:
        job = jobs.get(s["snakemake_jobid"], {})
        res = job.get("resources", {})
        gpu = int(res.get("gpu", 0) or 0)
        threads = job.get("threads", 1)
        state = squeue.get(s["slurm_jobid"], {}).get("state")
        tres = squeue.get(s["slurm_jobid"], {}).get("line", "")
        demo_jobs.append(
            {
                "rule": s["rule"],
                "slurm_jobid": s["slurm_jobid"],
                "state": state,
                "mem_mb": res.get("mem_mb"),
                "runtime": res.get("runtime"),
                "gpu": gpu,
                "threads": threads,
                "sbatch": s["raw"],
                "squeue": tres,
            }
        )
        r = s["rule"]
        rep.check(
            f"demo: {r}: --mem = mem_mb",
            s["mem"] is not None and int(s["mem"]) == res.get("mem_mb"),
            f"--mem {s['mem']} vs mem_mb={res.get('mem_mb')}",
        )
        rep.check(
            f"demo: {r}: -t = runtime",
            s["time"] is not None and int(s["time"]) == res.get("runtime"),
            f"-t {s['time']} vs runtime={res.get('runtime')}",
        )
        rep.check(
            f"demo: {r}: --gpus = {GPU_MODEL}:gpu",
            s["gpus"] == f"{GPU_MODEL}:{gpu}",
            f"--gpus={s['gpus']} vs gpu={gpu}",
        )
        rep.check(
            f"demo: {r}: --cpus-per-task = threads",
            s["cpus_per_task"] is not None and int(s["cpus_per_task"]) == threads,
            f"--cpus-per-task={s['cpus_per_task']} vs threads={threads}",
        )
        rep.check(
            f"demo: {r}: partition, extra flags (env over site file), --nodes=1, --requeue",
            s["partition"] == "main" and s["nice"] == "2" and s["nodes"] == "1" and s["requeue"],
            f"-p {s['partition']} --nice={s['nice']} --nodes={s['nodes']} requeue={s['requeue']}",
        )
        rep.check(f"demo: {r}: COMPLETED in SLURM", state == "COMPLETED", f"state={state}")
        job_gres = scontrol.get(s["slurm_jobid"], {}).get("JOB_GRES", "")
        demo_jobs[-1]["job_gres"] = job_gres
        want = f"gpu:{GPU_MODEL}:{gpu}" if gpu > 0 else "(null)"
        rep.check(
            f"demo: {r}: SLURM allocated a GPU iff the rule asked for one (JOB_GRES)",
            job_gres == want,
            f"JOB_GRES={job_gres!r}, expected {want!r}",
        )
        slurm_log = read(Path(s["logdir"] or "") / f"{s['slurm_jobid']}.log")
        cuda = re.search(r"'CUDA_VISIBLE_DEVICES': '([^']*)'", slurm_log)
        demo_jobs[-1]["cuda_visible_devices"] = cuda.group(1) if cuda else None
        rep.check(
            f"demo: {r}: the job saw CUDA_VISIBLE_DEVICES iff it asked for a GPU",
            (cuda is not None and cuda.group(1) == "0") if gpu > 0 else cuda is None,
            f"CUDA_VISIBLE_DEVICES={demo_jobs[-1]['cuda_visible_devices']}",
        )
    train = by_rule.get("train", [{}])[0]
    train_job = jobs.get(train.get("snakemake_jobid"), {})
    cfg = yaml.safe_load(read(w / "proj" / "config" / "config.yaml")) or {}
    tiny_en = (cfg.get("base_models") or {}).get("tiny-en", {})
    rep.check(
        "demo: train is GPU-tagged (gpu=1 from tests/slurm/gpu.yaml) -> --gpus=fake:1",
        train.get("gpus") == f"{GPU_MODEL}:1" and train_job.get("resources", {}).get("gpu") == 1,
        f"--gpus={train.get('gpus')}",
    )
    mem = plan_mem_mb(w / "proj")
    rep.check(
        "demo: train's --mem is the plan's host memory for a 1-GPU job, -t tiny-en's runtime from the config",
        train.get("mem") == str(mem) and train.get("time") == str(tiny_en.get("runtime")),
        f"--mem {train.get('mem')} -t {train.get('time')} vs {mem}/{tiny_en.get('runtime')}",
    )
    log = read(w / "proj" / "logs" / "train" / f"{TRAIN_RUN}_lr{TRAIN_LR}.log")
    rep.check(
        "demo: train ran on the CPU under XLIT_FAKE_GPUS=1, and its log says so",
        "XLIT_FAKE_GPUS=1" in log,
        log[-300:],
    )
    out = w / "proj" / TRAIN_TARGET
    rep.check("demo: the trained checkpoint exists", out.is_dir() and any(out.iterdir()), str(out))

    # ---------------------------------------------------------------- 2. second invocation
    print("second invocation:")
    again = read(logs / "demo_again.log")
    _, subs2 = parse_log(again)
    rep.check("again: snakemake exited 0", rc("demo_again") == 0, f"rc={rc('demo_again')}")
    rep.check("again: nothing submitted", not subs2 and "sbatch call" not in again, f"{len(subs2)} submissions")
    rep.check("again: snakemake says nothing to be done", "Nothing to be done" in again)

    # ---------------------------------------------------------------- 3. failure and retries
    print(f"failure and retries (profile retries: {retries}):")
    retry_log = read(logs / "retry.log")
    _, rsubs = parse_log(retry_log)
    flaky = [s for s in rsubs if s["rule"] == "flaky"]
    broken = [s for s in rsubs if s["rule"] == "broken"]
    rep.check(
        "retry: snakemake exits non-zero because `broken` never succeeds",
        rc("retry") not in (0, None, 124, 137),
        f"rc={rc('retry')}",
    )
    rep.check(
        "retry: flaky submitted twice (failed once, then succeeded)", len(flaky) == 2, f"{len(flaky)} submissions"
    )
    rep.check(
        "retry: flaky's 2nd attempt got more memory and time (200->400 MB, 2->4 min)",
        [(s["mem"], s["time"]) for s in flaky] == [("200", "2"), ("400", "4")],
        str([(s["mem"], s["time"]) for s in flaky]),
    )
    flaky_states = [squeue.get(s["slurm_jobid"], {}).get("state") for s in flaky]
    rep.check(
        "retry: flaky's SLURM jobs FAILED then COMPLETED", flaky_states == ["FAILED", "COMPLETED"], str(flaky_states)
    )
    rep.check(
        "retry: flaky's output written by attempt 2", read(w / "retry" / "out" / "flaky.txt").startswith("ok attempt=2")
    )
    rep.check(f"retry: broken submitted 1 + {retries} times", len(broken) == retries + 1, f"{len(broken)} submissions")
    broken_states = [squeue.get(s["slurm_jobid"], {}).get("state") for s in broken]
    rep.check(
        "retry: every broken SLURM job FAILED",
        broken_states and all(x == "FAILED" for x in broken_states),
        str(broken_states),
    )
    # snakemake empties a rule's log before each attempt; the SLURM job logs keep every attempt
    attempts = []
    for s_ in broken:
        slog = read(Path(s_["logdir"] or "") / f"{s_['slurm_jobid']}.log")
        m = re.search(r"echo attempt=(\d+) job=", slog)
        attempts.append(int(m.group(1)) if m else None)
    rep.check(
        "retry: broken's SLURM jobs ran attempts 1..retries+1", attempts == list(range(1, retries + 2)), str(attempts)
    )
    rep.check(
        "retry: the failure is reported (Error in rule broken, SLURM job id, exit status)",
        "Error in rule broken" in retry_log and re.search(r"SLURM-job '\d+' failed", retry_log) is not None,
    )
    rep.check("retry: broken's output is absent", not (w / "retry" / "out" / "broken.txt").exists())

    # ---------------------------------------------------------------- 4. daemons stopped by PID
    print("teardown:")
    pids = {}
    for d in ("munged", "slurmctld", "slurmd"):
        t = read(logs / f"{d}.pid").strip()
        pids[d] = int(t) if t.isdigit() else None
    rep.check("teardown: pids recorded for munged, slurmctld, slurmd", all(pids.values()), str(pids))
    alive = {d: p for d, p in pids.items() if p and pid_alive(p)}
    rep.check(
        "teardown: exit 0 and the recorded daemons are gone",
        read(logs / "teardown.rc").strip() == "0" and not alive,
        f"still alive: {alive}",
    )

    timings = json.loads(read(logs / "timings.json") or "{}")
    timings.update({name: seconds(name) for name in ("demo", "demo_again", "retry")})
    report = {
        "ok": all(c["ok"] for c in rep.checks),
        "n_checks": len(rep.checks),
        "failed": [c for c in rep.checks if not c["ok"]],
        "checks": rep.checks,
        "timings_s": timings,
        "retries": retries,
        "demo_jobs": demo_jobs,
        "retry_jobs": [
            {
                "rule": s["rule"],
                "slurm_jobid": s["slurm_jobid"],
                "mem": s["mem"],
                "time": s["time"],
                "state": squeue.get(s["slurm_jobid"], {}).get("state"),
            }
            for s in rsubs
        ],
        "daemon_pids": pids,
    }
    (w / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"{sum(c['ok'] for c in rep.checks)}/{len(rep.checks)} checks passed; report: {w / 'report.json'}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
