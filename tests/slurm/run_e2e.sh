#!/usr/bin/env bash
# xlit's SLURM end-to-end test: a real single-node SLURM on localhost, part of the demo submitted
# through `snakemake --profile slurm`, assertions, daemons stopped by PID.
#
# Usage (root, Debian 12; installs slurmctld slurmd slurm-client munge with apt-get if missing):
#   bash tests/slurm/run_e2e.sh [WORKDIR]            # default WORKDIR: /tmp/xlit-slurm-e2e
# Env:
#   XLIT_SNAKEMAKE          snakemake to use (default: <repo>/.venv/bin/snakemake, else PATH)
#   XLIT_SLURM_E2E_TIMEOUT  seconds allowed for each snakemake invocation (default 900)
# Writes WORKDIR/report.json (what tests/test_slurm_e2e.py asserts on) and WORKDIR/logs/*.
# Exit status 0 only when every check passed and the daemons were stopped.
#
# What runs (each SLURM job costs ~15 s of scheduling/polling overhead, so few jobs):
#   1. the demo's first training job, tiny-en_demo-dolly_en_ft at lr 3e-4, with the override
#      tests/slurm/gpu.yaml (tiny-en: gpus 1) so that `train` asks for the fake GPU:
#      demo_world -> build_base -> prepare_it_data -> train    (4 SLURM jobs)
#   2. the same command again: must submit nothing
#   3. tests/slurm/retry/Snakefile: `flaky` fails once then succeeds, `broken` always fails;
#      both must be retried as the profile's `retries:` says, `broken` must be reported
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
W=${1:-/tmp/xlit-slurm-e2e}
mkdir -p "$W"
W=$(cd "$W" && pwd)
STATE="$W/slurm-state"
LOGS="$W/logs"
PROJ="$W/proj"
RETRY="$W/retry"
TMO=${XLIT_SLURM_E2E_TIMEOUT:-900}
SNAKEMAKE=${XLIT_SNAKEMAKE:-$REPO/.venv/bin/snakemake}
[ -x "$SNAKEMAKE" ] || SNAKEMAKE=$(command -v snakemake || true)
if [ -z "$SNAKEMAKE" ] || [ ! -x "$SNAKEMAKE" ]; then
  echo "run_e2e.sh: no snakemake (set XLIT_SNAKEMAKE or create $REPO/.venv)" >&2
  exit 2
fi
PY=$(dirname "$SNAKEMAKE")/python
[ -x "$PY" ] || PY=python3

rm -rf "$LOGS" "$PROJ" "$RETRY" "$W/report.json"
mkdir -p "$LOGS"
now() { date +%s.%N; }
T0=$(now)

# ---------------------------------------------------------------- SLURM up; down on any exit
SMK_PID=""
cleanup() {
  # a snakemake still running (the harness was interrupted): stop it by its pid
  # (SMK_PID is `timeout`, which passes the TERM on to snakemake; snakemake then scancels its jobs;
  # `timeout -k 30` kills snakemake if it has not exited 30 s later)
  if [ -n "$SMK_PID" ] && kill -0 "$SMK_PID" 2>/dev/null; then
    kill -TERM "$SMK_PID" 2>/dev/null
    for _ in $(seq 1 90); do kill -0 "$SMK_PID" 2>/dev/null || break; sleep 0.5; done
  fi
  # jobs still queued/running on our private controller (e.g. after a timeout): cancel them by id
  if [ -s "$STATE/slurmctld.pid" ] && kill -0 "$(cat "$STATE/slurmctld.pid")" 2>/dev/null; then
    ids=$(squeue -h -t PENDING,RUNNING,CONFIGURING,COMPLETING -o %i 2>/dev/null | tr '\n' ' ')
    if [ -n "${ids// }" ]; then
      echo "run_e2e.sh: cancelling leftover SLURM jobs $ids"
      # shellcheck disable=SC2086
      scancel $ids 2>/dev/null || true
      sleep 3
    fi
  fi
  bash "$HERE/teardown_slurm.sh" "$STATE"
}
trap 'cleanup > "$LOGS/teardown_trap.log" 2>&1' EXIT
trap 'echo "run_e2e.sh: interrupted" >&2; exit 143' TERM
trap 'echo "run_e2e.sh: interrupted" >&2; exit 130' INT

bash "$HERE/setup_slurm.sh" "$STATE" > "$LOGS/setup_slurm.log" 2>&1
setup_rc=$?
cat "$LOGS/setup_slurm.log"
if [ $setup_rc != 0 ]; then
  echo "run_e2e.sh: SLURM setup failed (rc $setup_rc); logs in $STATE/log" >&2
  exit 1
fi
for d in munged slurmctld slurmd; do cp "$STATE/$d.pid" "$LOGS/$d.pid"; done
T_SLURM=$(now)

# ---------------------------------------------------------------- a scratch copy of the project
# (the checkout's results/ stay untouched, and the first run always starts from nothing)
# The project's files as git sees them (tracked + untracked, not ignored: no results/, no .venv);
# without git, the files the workflow needs.
mkdir -p "$PROJ"
if ! (cd "$REPO" && git ls-files -z -co --exclude-standard 2>/dev/null | grep -zv '^slurm/site.yaml$' \
        | tar --null -T - -cf - 2>/dev/null) | tar -C "$PROJ" -xf - 2>/dev/null \
   || [ ! -f "$PROJ/Snakefile" ]; then
  rm -rf "$PROJ"; mkdir -p "$PROJ/slurm" "$PROJ/tests/slurm"
  cp -r "$REPO/Snakefile" "$REPO/workflow" "$REPO/config" "$PROJ/"
  [ -d "$REPO/envs" ] && cp -r "$REPO/envs" "$PROJ/"
  cp "$REPO/slurm/profile.yaml" "$PROJ/slurm/"
  cp "$HERE/gpu.yaml" "$PROJ/tests/slurm/"
fi
rm -f "$PROJ/slurm/site.yaml"     # never a developer's own site settings

# Site settings as a user would give them: a site file (partition, GPU model, extra flags) and an
# environment variable that takes precedence over the file (XLIT_SLURM_EXTRA).
cat > "$W/site.yaml" <<'EOF'
partition: main
gpu_model: fake
extra: --nice=1
EOF
export XLIT_SLURM_SITE="$W/site.yaml"
export XLIT_SLURM_EXTRA="--nice=2"
unset XLIT_SLURM_PARTITION XLIT_SLURM_ACCOUNT XLIT_SLURM_GPU_MODEL XLIT_SLURM_QOS XLIT_SLURM_CONSTRAINT
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
# The test cluster's GPU is fake (gres "fake", no CUDA): GPU-tagged jobs run on the CPU and say so in their log
# (xlit.smk.require_gpus; without it they fail at once, as on a real node without a usable GPU).
export XLIT_FAKE_GPUS=1
export HF_HOME="$W/hf-home"

# CI-cluster specifics, on the command line (they override nothing in the profile):
#  - no accounting here, so job states come from squeue (MinJobAge=600 keeps finished jobs listed)
#  - poll soon after submission instead of the plugin's 40 s
#  - the node has $(nproc) CPUs; GPU rules ask 8 threads per GPU, capped here
CI_ARGS=(--slurm-status-command squeue --slurm-init-seconds-before-status-checks 2
         --max-threads "$(nproc)" --slurm-keep-successful-logs --verbose)
TARGET=results/models/tiny-en_demo-dolly_en_ft/lr0.0003

run_smk() {  # run_smk NAME DIR ARGS... ; records rc and seconds
  local name=$1 dir=$2; shift 2
  local t1 t2 rc
  t1=$(now)
  # in the background + wait, so that a TERM/INT to this script is handled at once
  (cd "$dir" && exec timeout -k 30 "$TMO" "$SNAKEMAKE" --profile slurm "$@") > "$LOGS/$name.log" 2>&1 &
  SMK_PID=$!
  wait "$SMK_PID"
  rc=$?
  SMK_PID=""
  t2=$(now)
  echo "$rc" > "$LOGS/$name.rc"
  awk -v a="$t1" -v b="$t2" 'BEGIN {printf "%.1f\n", b - a}' > "$LOGS/$name.seconds"
  echo "run_e2e.sh: $name rc=$rc in $(cat "$LOGS/$name.seconds") s (log $LOGS/$name.log)"
}

# 1. the demo slice, with train on the fake GPU
run_smk demo "$PROJ" --configfile config/config.yaml tests/slurm/gpu.yaml "${CI_ARGS[@]}" "$TARGET"
# 2. again: nothing to do, nothing submitted (pointless when the first run failed)
if [ "$(cat "$LOGS/demo.rc")" = 0 ]; then
  run_smk demo_again "$PROJ" --configfile config/config.yaml tests/slurm/gpu.yaml "${CI_ARGS[@]}" "$TARGET"
else
  echo "run_e2e.sh: demo failed, second invocation skipped; tail of $LOGS/demo.log:" >&2
  tail -n 40 "$LOGS/demo.log" >&2
fi
# 3. failure and retries (the profile's retries/keep-going apply)
mkdir -p "$RETRY/workflow" "$RETRY/slurm"
cp "$HERE/retry/Snakefile" "$RETRY/workflow/Snakefile"
cp "$REPO/slurm/profile.yaml" "$RETRY/slurm/"
run_smk retry "$RETRY" "${CI_ARGS[@]}"

squeue --states=all -h -O "JobID:12,State:14,TimeLimit:12,MinMemory:10,tres-alloc:60,Comment:80" \
  > "$LOGS/squeue.txt" 2>&1
scontrol -d show job > "$LOGS/scontrol_jobs.txt" 2>&1
T_RUNS=$(now)

# ---------------------------------------------------------------- daemons down (by PID), then check
cleanup > "$LOGS/teardown.log" 2>&1
echo "$?" > "$LOGS/teardown.rc"
cat "$LOGS/teardown.log"
trap - EXIT
T_END=$(now)
awk -v a="$T0" -v b="$T_SLURM" -v c="$T_RUNS" -v d="$T_END" 'BEGIN {
  printf "{\"slurm_setup\": %.1f, \"workflows\": %.1f, \"teardown\": %.1f, \"total\": %.1f}\n",
         b - a, c - b, d - c, d - a }' > "$LOGS/timings.json"

"$PY" "$HERE/check_e2e.py" "$W" "$REPO/slurm/profile.yaml"
rc=$?
echo "run_e2e.sh: timings $(cat "$LOGS/timings.json")"
if [ $rc = 0 ]; then echo "SLURM E2E OK"; else echo "SLURM E2E FAILED (report: $W/report.json)" >&2; fi
exit $rc
