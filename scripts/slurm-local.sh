#!/usr/bin/env bash
# A one-node Slurm on this machine, for tests of the staged scan under Slurm (Debian 12, root,
# no systemd needed): installs slurm-wlm and munge if missing, makes a munge key, and starts
# munged (as user munge), slurmctld and slurmd in the background with a slurm.conf of this
# machine's CPUs (no cgroups, one partition that may oversubscribe). State and logs go to DIR.
#
#   scripts/slurm-local.sh start DIR    prints nothing; returns once sinfo shows the node idle
#   scripts/slurm-local.sh stop DIR     stops the daemons it started (by their process ids)
#
# Jobs then run with SLURM_CONF=DIR/slurm.conf in the environment (start writes the export
# line to DIR/env).
set -euo pipefail
cmd=${1:?start or stop}
dir=$(realpath -m "${2:?DIR}")
mkdir -p "$dir"

stop() {
  for d in slurmd slurmctld munged; do
    if [ -f "$dir/$d.pid" ]; then
      pid=$(cat "$dir/$d.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do  # gone before the caller removes DIR (slurmctld saves state)
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      rm -f "$dir/$d.pid"
    fi
  done
}

if [ "$cmd" = stop ]; then
  stop
  exit 0
fi
[ "$cmd" = start ] || { echo "slurm-local: start or stop, not '$cmd'" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "slurm-local: run as root (the daemons run as root and munge)" >&2; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "slurm-local: installing slurm-wlm and munge" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

# munge: a key of its own for this test cluster, the daemon as user munge (its files under
# /run/munge, which user munge can reach whatever DIR's permissions).
mkdir -p /run/munge
chown munge:munge /run/munge
m=/run/munge/neardup-$(printf '%s' "$dir" | md5sum | cut -c1-12)
mkdir -p "$m"
chown munge:munge "$m"
chmod 0700 "$m"
key=$m/munge.key
[ -f "$key" ] || { dd if=/dev/urandom of="$key" bs=1 count=1024 2>/dev/null; chown munge:munge "$key"; chmod 0400 "$key"; }
runuser -u munge -- munged --key-file="$key" --socket=/run/munge/munge.socket.2 \
  --pid-file="$m/munged.pid" --log-file="$m/munged.log" --seed-file="$m/munged.seed" --force
cp "$m/munged.pid" "$dir/munged.pid"

host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$dir/state" "$dir/spool"
cat >"$dir/slurm.conf" <<EOF
ClusterName=neardup-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 NodeHostname=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
EOF
export SLURM_CONF=$dir/slurm.conf
echo "export SLURM_CONF=$dir/slurm.conf" >"$dir/env"
slurmctld -D -i -f "$SLURM_CONF" >"$dir/slurmctld.out" 2>&1 &
echo $! >"$dir/slurmctld.pid"
slurmd -D -f "$SLURM_CONF" >"$dir/slurmd.out" 2>&1 &
echo $! >"$dir/slurmd.pid"
for _ in $(seq 1 60); do
  if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
    exit 0
  fi
  sleep 1
done
echo "slurm-local: the node did not come up; see $dir/slurmctld.log and $dir/slurmd.log" >&2
tail -5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
stop
exit 1
