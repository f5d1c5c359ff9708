#!/usr/bin/env bash
# Stop the daemons that setup_slurm.sh started, by the PIDs it recorded (never by name).
# Usage: bash tests/slurm/teardown_slurm.sh [STATE_DIR]
# Prints one line per daemon; exit status 0 when every recorded daemon is gone afterwards.
STATE=${1:-/tmp/xlit-slurm/state}
rc=0
# running = exists and is not a zombie (a daemon whose parent is a non-reaping pid 1 stays a zombie)
running() {
  local st
  st=$(awk '{sub(/.*\) /, ""); print $1}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}
for d in slurmd slurmctld slurmdbd mariadbd munged; do
  f="$STATE/$d.pid"
  [ -s "$f" ] || continue
  pid=$(cat "$f")
  if running "$pid"; then
    kill -TERM "$pid"
    for _ in $(seq 1 20); do running "$pid" || break; sleep 0.5; done
    if running "$pid"; then
      kill -KILL "$pid" 2>/dev/null
      sleep 0.5
    fi
  fi
  if running "$pid"; then
    echo "teardown_slurm.sh: $d (pid $pid) still running" >&2
    rc=1
  else
    echo "teardown_slurm.sh: stopped $d (pid $pid)"
    rm -f "$f"
  fi
done
exit $rc
