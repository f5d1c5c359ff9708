#!/usr/bin/env bash
# Start a single-node SLURM "cluster" on localhost for xlit's SLURM end-to-end test.
# Debian 12 (SLURM 22.05), run as root, no systemd. Adapted from ../shared/slurm/setup_slurm.sh.
#
# Usage: bash tests/slurm/setup_slurm.sh [STATE_DIR]
#   - installs slurmctld slurmd slurm-client munge with apt-get if they are missing
#   - writes /etc/slurm/slurm.conf + gres.conf: 1 node "localhost", 1 partition "main" (default),
#     all local CPUs, RAM minus 1 GiB, and ONE fake GPU (gres gpu:fake:1, device file /dev/null)
#   - starts munged, slurmctld, slurmd; their PIDs go to STATE_DIR/{munged,slurmctld,slurmd}.pid
#     (teardown_slurm.sh stops exactly those PIDs)
#   - no accounting (no slurmdbd): the profile uses `slurm-status-command: squeue`, and
#     MinJobAge=600 keeps finished jobs visible to squeue for 10 minutes.
set -euo pipefail
STATE=${1:-/tmp/xlit-slurm/state}
HERE=$(cd "$(dirname "$0")" && pwd)
CPUS=$(nproc)
MEM_MB=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))   # leave 1 GiB headroom

if [ "$(id -u)" != 0 ]; then
  echo "setup_slurm.sh: must run as root (it writes /etc/slurm and starts daemons)" >&2
  exit 2
fi

export DEBIAN_FRONTEND=noninteractive
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
   || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  echo "setup_slurm.sh: installing slurmctld slurmd slurm-client munge (apt-get)"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

# A previous run that was not torn down (e.g. killed with -9): stop its daemons first, by the PIDs
# it recorded (this state dir, and the one the last setup registered in $REGISTRY).
REGISTRY=/run/xlit-slurm-state
bash "$HERE/teardown_slurm.sh" "$STATE" >/dev/null 2>&1 || true
if [ -s "$REGISTRY" ] && [ "$(cat "$REGISTRY")" != "$STATE" ] && [ -d "$(cat "$REGISTRY")" ]; then
  bash "$HERE/teardown_slurm.sh" "$(cat "$REGISTRY")" || true
fi
echo "$STATE" > "$REGISTRY"

# fresh controller state: job ids restart at 1, no jobs left over from a previous run
rm -rf "$STATE/ctld" "$STATE/d"
mkdir -p "$STATE"/{ctld,d,log} /run/munge /etc/slurm
chown munge:munge /run/munge && chmod 0755 /run/munge

# --- munge (Debian's postinst creates /etc/munge/munge.key; create one if it is missing) ---
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create --force
  chown munge:munge /etc/munge/munge.key
fi
rm -f /run/munge/munged.pid
runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid --force
for _ in $(seq 1 20); do [ -s /run/munge/munged.pid ] && break; sleep 0.25; done
cp /run/munge/munged.pid "$STATE/munged.pid"
munge -n | unmunge >/dev/null   # sanity check

# --- slurm.conf: 1 node "localhost", 1 partition "main", 1 fake GPU ---
cat > /etc/slurm/slurm.conf <<EOF
# written by xlit tests/slurm/setup_slurm.sh -- CI only
ClusterName=ci
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
GresTypes=gpu
# keep finished jobs visible to squeue for 10 min (the plugin's squeue status mode needs this)
MinJobAge=600
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MpiDefault=none
MailProg=/bin/true
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB Gres=gpu:fake:1 State=UNKNOWN
PartitionName=main Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

# fake GPU: any existing file works as the device; no NVML/AutoDetect
cat > /etc/slurm/gres.conf <<EOF
AutoDetect=off
NodeName=localhost Name=gpu Type=fake File=/dev/null
EOF

/usr/sbin/slurmctld            # daemonizes, writes $STATE/slurmctld.pid
/usr/sbin/slurmd -N localhost  # daemonizes, writes $STATE/slurmd.pid

ok=0
for _ in $(seq 1 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then ok=1; break; fi
  sleep 0.5
done
scontrol update NodeName=localhost State=RESUME 2>/dev/null || true
sinfo
if [ "$ok" != 1 ]; then
  echo "setup_slurm.sh: node did not become idle; see $STATE/log/" >&2
  exit 1
fi
echo "setup_slurm.sh: SLURM up (state $STATE; pids: munged=$(cat "$STATE/munged.pid")" \
     "slurmctld=$(cat "$STATE/slurmctld.pid") slurmd=$(cat "$STATE/slurmd.pid"))"
