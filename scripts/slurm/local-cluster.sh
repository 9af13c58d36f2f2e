#!/usr/bin/env bash
# A throwaway one-node Slurm cluster on this machine (loopback only), for trying the job-array
# scripts beside this file and for the CI integration test. Not for production use.
#
#   scripts/slurm/local-cluster.sh start    install Slurm + munge if missing, start the daemons
#   scripts/slurm/local-cluster.sh stop     cancel every job, wait for the queue to empty, stop
#                                           the daemons this script started (and nothing else)
#   scripts/slurm/local-cluster.sh status   say whether it runs (exit 0 running, 3 stopped,
#                                           1 partly running)
#   scripts/slurm/local-cluster.sh env      print `export SLURM_CONF=...`; use it as
#                                           eval "$(scripts/slurm/local-cluster.sh env)"
#                                           before sbatch/squeue/scontrol talk to this cluster
#
# Needs root (Debian/Ubuntu: apt-get, runuser; the daemons run as root, munged as munge).
# Everything the cluster writes (slurm.conf, state, spool, pid files, logs) lives in one private
# folder: $PEACESIM_SLURM_DIR, default /tmp/peacesim-slurm. Nothing is written to /etc/slurm.
# The Slurm ports 6817 (slurmctld) and 6818 (slurmd) must be free.
#
# Processes are only ever stopped by the PIDs in the pid files of this folder (checked against
# the process name first, so a recycled PID is never hit); never by name. munged is stopped only
# if this script started it; a munged that was already running is reused and left alone.
#
# The settings were measured on Debian 12 with Slurm 22.05: no cgroups
# (proctrack/linuxproc, task/none), no accounting, a node line from `slurmd -C`, named localhost
# at 127.0.0.1, and an immediate scheduler (batch_sched_delay=0,sched_min_interval=0).
set -euo pipefail

DIR=${PEACESIM_SLURM_DIR:-/tmp/peacesim-slurm}
CONF=$DIR/etc/slurm.conf
RUN=$DIR/run
LOG=$DIR/log
CTLD_PIDFILE=$RUN/slurmctld.pid
SLURMD_PIDFILE=$RUN/slurmd.pid
OUR_MUNGED_PIDFILE=$RUN/munged.pid    # exists only while a munged that we started runs
MUNGE_KEY=/etc/munge/munge.key
SYSTEM_MUNGED_PIDFILE=/run/munge/munged.pid
PORTS=(6817 6818)
PACKAGES=(slurmctld slurmd slurm-client munge)

# The daemons live in /usr/sbin, which a non-login root shell may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
# Every Slurm client below talks to this cluster only.
export SLURM_CONF="$CONF"

say() { printf 'local-cluster: %s\n' "$*"; }
die() {
    printf 'local-cluster: error: %s\n' "$*" >&2
    exit 1
}

need_root() {
    [[ $EUID -eq 0 ]] || die "must run as root (it installs packages and starts daemons as root and munge); try: sudo $0 $*"
}

# pid_if_alive PIDFILE NAME: prints the PID in PIDFILE if that process is alive and is NAME.
pid_if_alive() {
    local file=$1 name=$2 pid comm
    [[ -r $file ]] || return 1
    pid=$(tr -dc '0-9' <"$file")
    [[ -n $pid ]] || return 1
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
    [[ $comm == "$name" ]] || return 1
    printf '%s\n' "$pid"
}

ctld_pid() { pid_if_alive "$CTLD_PIDFILE" slurmctld; }
slurmd_pid() { pid_if_alive "$SLURMD_PIDFILE" slurmd; }
our_munged_pid() { pid_if_alive "$OUR_MUNGED_PIDFILE" munged; }

munge_works() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

# port_busy PORT: true if something listens on TCP PORT.
port_busy() {
    local port=$1
    if command -v ss >/dev/null 2>&1; then
        [[ -n $(ss -Htln "sport = :$port" 2>/dev/null) ]]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
    fi
}

# stop_pid PID NAME: SIGTERM, wait up to 15 s, then SIGKILL. Only for PIDs from our pid files.
stop_pid() {
    local pid=$1 name=$2 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 150; i++)); do
        [[ -d /proc/$pid ]] || {
            say "stopped $name (pid $pid)"
            return 0
        }
        sleep 0.1
    done
    say "$name (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        [[ -d /proc/$pid ]] || return 0
        sleep 0.1
    done
    say "warning: $name (pid $pid) is still there"
}

install_if_missing() {
    local missing=() cmd
    for cmd in slurmctld slurmd sbatch squeue scontrol scancel sinfo munged munge unmunge; do
        command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
    done
    ((${#missing[@]} == 0)) && return 0
    say "installing ${PACKAGES[*]} (missing: ${missing[*]})"
    command -v apt-get >/dev/null 2>&1 ||
        die "cannot install Slurm: no apt-get on this machine. Install ${PACKAGES[*]} (Slurm + munge) by hand."
    export DEBIAN_FRONTEND=noninteractive
    # On a machine without systemd the packages' postinst prints "policy-rc.d denied": harmless.
    if ! apt-get install -y --no-install-recommends "${PACKAGES[@]}" >"$LOG/apt.log" 2>&1; then
        say "apt-get install failed; retrying after apt-get update"
        apt-get update >>"$LOG/apt.log" 2>&1 || true
        apt-get install -y --no-install-recommends "${PACKAGES[@]}" >>"$LOG/apt.log" 2>&1 || {
            tail -n 20 "$LOG/apt.log" >&2
            die "apt-get install ${PACKAGES[*]} failed (full log: $LOG/apt.log). Slurm is needed; install it by hand or give the machine access to the Debian archive."
        }
    fi
    for cmd in "${missing[@]}"; do
        command -v "$cmd" >/dev/null 2>&1 || die "still missing after install: $cmd"
    done
}

start_munge() {
    if munge_works; then
        say "munge already works here; reusing it (it will not be stopped by this script)"
        return 0
    fi
    if [[ ! -s $MUNGE_KEY ]]; then
        say "creating $MUNGE_KEY"
        mkdir -p "$(dirname "$MUNGE_KEY")"
        mungekey --create --keyfile="$MUNGE_KEY"
    fi
    chown munge:munge "$MUNGE_KEY"
    chmod 400 "$MUNGE_KEY"
    install -d -o munge -g munge -m 755 /run/munge
    rm -f "$SYSTEM_MUNGED_PIDFILE"
    runuser -u munge -- /usr/sbin/munged || die "munged did not start (see /var/log/munge/munged.log)"
    local i pid=
    for ((i = 0; i < 50; i++)); do
        if pid=$(pid_if_alive "$SYSTEM_MUNGED_PIDFILE" munged) && munge_works; then
            break
        fi
        pid=
        sleep 0.1
    done
    [[ -n $pid ]] || die "munged started but 'munge -n | unmunge' fails (see /var/log/munge/munged.log)"
    printf '%s\n' "$pid" >"$OUR_MUNGED_PIDFILE"
    say "started munged (pid $pid)"
}

write_conf() {
    # The node's hardware as slurmd sees it: "NodeName=x CPUs=2 Boards=1 ... RealMemory=7951".
    # slurmd -C reads slurm.conf first, so write a minimal one before asking it.
    printf 'ClusterName=peacesim\nSlurmctldHost=localhost\n' >"$CONF"
    local hw
    hw=$(slurmd -C 2>/dev/null | head -n 1 | sed -E 's/^NodeName=[^ ]+ *//')
    [[ $hw == *CPUs=* ]] || die "cannot read the node's hardware from 'slurmd -C' (got: '$hw')"
    cat >"$CONF" <<EOF
# Generated by scripts/slurm/local-cluster.sh: a one-node cluster on loopback. Do not edit;
# it is rewritten by every start.
ClusterName=peacesim
SlurmctldHost=localhost
SlurmctldPort=6817
SlurmdPort=6818
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
# No cgroups on this machine: plain process tracking, no task binding, no accounting.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# Finished jobs stay visible to scontrol for 10 min (the integration test reads their states).
MinJobAge=600
# Schedule at once instead of every ~3 s.
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$CTLD_PIDFILE
SlurmdPidFile=$SLURMD_PIDFILE
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=main Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
}

show_logs() {
    local f
    for f in "$LOG/slurmctld.log" "$LOG/slurmd.log"; do
        [[ -s $f ]] || continue
        printf -- '--- last lines of %s ---\n' "$f" >&2
        tail -n 15 "$f" >&2
    done
}

# Stops what this script started: jobs first (their slurmstepd would outlive slurmd), then
# slurmd, slurmctld, and munged if we started it.
stop_all() {
    local pid i users
    if [[ -f $CONF ]] && ctld_pid >/dev/null; then
        users=$(squeue -h -o %u 2>/dev/null | sort -u) || true
        if [[ -n $users ]]; then
            say "cancelling the jobs of: $(echo "$users" | tr '\n' ' ')"
            for u in $users; do scancel --user="$u" 2>/dev/null || true; done
        fi
        for ((i = 0; i < 600; i++)); do
            [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break
            sleep 0.1
        done
        if [[ -n $(squeue -h -o %i 2>/dev/null) ]]; then
            say "warning: the queue is still not empty after 60 s; stopping the daemons anyway"
            squeue >&2 || true
        fi
    fi
    if pid=$(slurmd_pid); then stop_pid "$pid" slurmd; fi
    if pid=$(ctld_pid); then stop_pid "$pid" slurmctld; fi
    if pid=$(our_munged_pid); then stop_pid "$pid" munged; fi
    rm -f "$CTLD_PIDFILE" "$SLURMD_PIDFILE" "$OUR_MUNGED_PIDFILE"
}

cmd_start() {
    need_root start
    local c d
    c=$(ctld_pid) || c=
    d=$(slurmd_pid) || d=
    if [[ -n $c && -n $d ]]; then
        say "already running from $DIR (slurmctld pid $c, slurmd pid $d); reusing it"
        say "clients: export SLURM_CONF=$CONF"
        return 0
    fi
    if [[ -n $c || -n $d ]]; then
        die "partly running from $DIR (slurmctld pid ${c:-none}, slurmd pid ${d:-none}); run '$0 stop' first"
    fi
    local t0=$SECONDS
    mkdir -p "$DIR/etc" "$DIR/state" "$DIR/spool" "$RUN" "$LOG"
    install_if_missing
    local port
    for port in "${PORTS[@]}"; do
        if port_busy "$port"; then
            die "TCP port $port is in use (another Slurm? see: ss -ltnp 'sport = :$port'). Slurm needs ports 6817 and 6818 free."
        fi
    done
    # A fresh cluster each start: no jobs or node states from an earlier run.
    rm -rf "${DIR:?}/state" "${DIR:?}/spool"
    mkdir -p "$DIR/state" "$DIR/spool"
    rm -f "$LOG/slurmctld.log" "$LOG/slurmd.log"

    # From here on, a failure stops whatever was started.
    trap 'status=$?; if ((status != 0)); then show_logs; say "start failed; stopping what was started"; stop_all; fi' EXIT

    start_munge
    write_conf

    slurmctld -f "$CONF" || die "slurmctld did not start"
    local i
    for ((i = 0; i < 200; i++)); do
        scontrol ping 2>/dev/null | grep -q 'is UP' && break
        sleep 0.1
    done
    scontrol ping 2>/dev/null | grep -q 'is UP' || die "slurmctld does not answer 'scontrol ping' after 20 s"
    say "started slurmctld (pid $(ctld_pid || echo '?'))"

    slurmd -f "$CONF" -N localhost || die "slurmd did not start"
    local state=
    for ((i = 0; i < 300; i++)); do
        state=$(sinfo -h -N -n localhost -o %T 2>/dev/null | head -n 1)
        [[ $state == idle ]] && break
        sleep 0.1
    done
    [[ $state == idle ]] || {
        scontrol show node localhost >&2 || true
        die "the node is '$state', not idle, 30 s after slurmd started"
    }
    say "started slurmd (pid $(slurmd_pid || echo '?')); node localhost is idle"
    trap - EXIT
    say "running from $DIR in $((SECONDS - t0)) s; clients: export SLURM_CONF=$CONF"
}

cmd_stop() {
    need_root stop
    if ! ctld_pid >/dev/null && ! slurmd_pid >/dev/null && ! our_munged_pid >/dev/null; then
        say "not running (no live daemon in $RUN)"
        return 0
    fi
    stop_all
    say "stopped"
}

cmd_status() {
    local c d m
    c=$(ctld_pid) || c=
    d=$(slurmd_pid) || d=
    m=$(our_munged_pid) || m=
    if [[ -n $c && -n $d ]]; then
        say "running from $DIR: slurmctld pid $c, slurmd pid $d, munged: ${m:+pid $m, ours}${m:-not ours (left alone)}"
        say "clients: export SLURM_CONF=$CONF"
        sinfo 2>/dev/null || true
        return 0
    fi
    if [[ -z $c && -z $d ]]; then
        say "not running${m:+ (but our munged, pid $m, is: run stop)}"
        return 3
    fi
    say "partly running from $DIR: slurmctld pid ${c:-none}, slurmd pid ${d:-none}; run stop"
    return 1
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
env) printf 'export SLURM_CONF=%q\n' "$CONF" ;;
*)
    echo "usage: $0 start|stop|status|env   (state folder: \$PEACESIM_SLURM_DIR, now $DIR)" >&2
    exit 2
    ;;
esac
