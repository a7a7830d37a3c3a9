#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for gaaf-repro's Slurm
# integration test (`cargo xtask ci` runs it where it can).
#
#   scripts/slurm/local-cluster.sh start   # install if needed, configure, start
#   scripts/slurm/local-cluster.sh stop    # stop the daemons
#
# Needs root and Debian's `slurm-wlm` and `munge` packages (installed with
# apt-get when missing). Exit status 3 means "cannot here" (no root, no
# packages): callers skip, with the one line this prints.
#
# Measured facts this follows (Slurm 22.05 from Debian 12): munge with a
# generated key (`munged --force`, as root); slurmctld and slurmd as root;
# proctrack/linuxproc and task/none (no systemd, no cgroup delegation in a
# container); select/cons_tres with CR_Core; cgroup.conf with cgroup/v1 and
# IgnoreSystemd=yes, without which slurmd fails to start. The node is this
# host at 127.0.0.1, with the CPUs and memory `slurmd -C` finds.
set -euo pipefail

CONF_DIR=/etc/slurm
STATE=/var/spool/slurmctld
SPOOL=/var/spool/slurmd
LOGS=/var/log/slurm

cannot() {
  echo "SKIPPED: local Slurm cluster: $*"
  exit 3
}

install() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null; then
    return
  fi
  command -v apt-get >/dev/null || cannot "no slurmctld/slurmd/munged and no apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1; } ||
    cannot "apt-get install slurm-wlm munge failed"
}

configure() {
  local host node
  host=$(hostname -s)
  mkdir -p "$CONF_DIR" "$STATE" "$SPOOL" "$LOGS" /etc/munge /run/munge /var/lib/munge /var/log/munge
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  chmod 0400 /etc/munge/munge.key
  # munged runs as root here (--force): its files are root's.
  chown -R root:root /etc/munge /run/munge /var/lib/munge /var/log/munge
  chmod 0700 /etc/munge /var/lib/munge /var/log/munge
  # What slurmd finds on this machine: "NodeName=... CPUs=... RealMemory=...".
  node=$(slurmd -C | head -n 1 | sed -e "s/^NodeName=[^ ]*/NodeName=$host NodeAddr=127.0.0.1/")
  cat >"$CONF_DIR/slurm.conf" <<CONF
ClusterName=gaaf-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobRequeue=1
MinJobAge=3600
StateSaveLocation=$STATE
SlurmdSpoolDir=$SPOOL
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
$node State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  cat >"$CONF_DIR/cgroup.conf" <<CONF
CgroupPlugin=cgroup/v1
IgnoreSystemd=yes
CONF
}

start() {
  [ "$(id -u)" = 0 ] || cannot "needs root"
  install
  configure
  stop_daemons
  # munged refuses to run as root without --force.
  munged --force
  slurmctld
  slurmd
  for _ in $(seq 1 60); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qx 'idle'; then
      echo "local Slurm cluster up: $(sinfo -h -o '%P %D %c CPUs %T')"
      return
    fi
    sleep 1
  done
  echo "local Slurm cluster did not come up; logs:" >&2
  tail -n 20 "$LOGS/slurmctld.log" "$LOGS/slurmd.log" >&2 || true
  exit 1
}

stop_daemons() {
  for d in slurmd slurmctld munged; do
    pkill -x "$d" 2>/dev/null || true
  done
  for _ in $(seq 1 20); do
    pgrep -x slurmd >/dev/null || pgrep -x slurmctld >/dev/null || pgrep -x munged >/dev/null || return 0
    sleep 0.5
  done
  for d in slurmd slurmctld munged; do
    pkill -9 -x "$d" 2>/dev/null || true
  done
}

case "${1:-}" in
  start) start ;;
  stop)
    scancel --user "$(id -un)" 2>/dev/null || true
    stop_daemons
    echo "local Slurm cluster stopped"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
