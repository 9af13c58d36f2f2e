#!/usr/bin/env bash
# Integration test of the Slurm scripts on a real one-node Slurm cluster (run by CI):
#
#   bash scripts/slurm/integration-test.sh        (from anywhere; as root)
#
# 1. builds peacesim (cargo build --release) if cargo is there;
# 2. starts the local cluster with local-cluster.sh (installs slurmctld, slurmd, slurm-client
#    and munge with apt-get if missing) unless it already runs, and stops it again on any exit;
#    a cluster that was already running is reused and left running;
# 3. writes a small copy of scenarios/sweep_rotation.toml (replicates = 20 in [sweep]: 1,200 runs)
#    to a temporary folder and submits it with submit.sh as a 4-shard job array plus merge job;
# 4. waits for the jobs the reliable way (`sbatch --wait` reports success even when a dependency
#    failed): polls `squeue` until both are gone, then requires JobState=COMPLETED for all 4
#    array tasks and for the merge job in `scontrol show job`;
# 5. runs the same sweep on this machine without shards and requires the merged sweep_runs.csv,
#    sweep_summary.csv and checkpoint.json (and sensitivity.csv, if any) to be byte-identical;
#    then does the same (3.–5.) with the quick benchmark suite (scenarios/benchmark/quick.toml,
#    PEACESIM_COMMAND=benchmark): benchmark_runs.csv, conditions.csv, leaderboard.csv and
#    checkpoint.json of the merged shards must equal the one-machine benchmark's;
# 6. stops the cluster (if it started it) and checks that it is down.
#
# Exits non-zero with a message on any failure or difference, keeping the temporary folder and
# printing the job logs. Root is required; if Slurm cannot be installed it fails (never skips).
# Environment: PEACESIM_SLURM_DIR (cluster state folder, see local-cluster.sh),
# PEACESIM_SLURM_TEST_TIMEOUT (seconds to wait for the jobs, default 300).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
HERE=scripts/slurm
CLUSTER=$HERE/local-cluster.sh
SHARDS=4
REPLICATES=20
TIMEOUT=${PEACESIM_SLURM_TEST_TIMEOUT:-300}
BIN=$PWD/target/release/peacesim

passed=0
started=0 # 1 once this script has (tried to) start the cluster: then it stops it
tmp=
t0=$SECONDS

say() { printf 'slurm test: %s\n' "$*"; }
pass() {
    passed=$((passed + 1))
    say "ok: $*"
}
fail() {
    printf 'slurm test: FAILED: %s\n' "$*" >&2
    exit 1
}

diagnostics() {
    local f
    if [[ -n $tmp ]]; then
        for f in "$tmp"/cluster/logs/*.out "$tmp"/bench/logs/*.out; do
            [[ -f $f ]] || continue
            printf -- '--- %s ---\n' "$f" >&2
            tail -n 20 "$f" >&2
        done
    fi
    if [[ -n ${SLURM_CONF:-} && -f $SLURM_CONF ]]; then
        for f in "$(dirname "$(dirname "$SLURM_CONF")")"/log/slurm{ctld,d}.log; do
            [[ -s $f ]] || continue
            printf -- '--- last lines of %s ---\n' "$f" >&2
            tail -n 20 "$f" >&2
        done
    fi
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if ((rc != 0)); then
        diagnostics
    fi
    if ((started)); then
        "$CLUSTER" stop || say "warning: stopping the local cluster failed"
    fi
    if [[ -n $tmp ]]; then
        if ((rc == 0)); then
            rm -rf "$tmp"
        else
            say "kept the test folder: $tmp"
        fi
    fi
    if ((rc != 0)); then
        echo "slurm: $passed passed, 1 failed"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'printf "slurm test: FAILED: interrupted\n" >&2; exit 130' INT
trap 'printf "slurm test: FAILED: terminated\n" >&2; exit 143' TERM

[[ $EUID -eq 0 ]] ||
    fail "needs root: it installs Slurm and munge with apt-get and starts their daemons (CI runs as root)"

# ---- 1. the binary ----
if command -v cargo >/dev/null 2>&1; then
    cargo build --release --quiet || fail "cargo build --release failed"
fi
[[ -x $BIN ]] || fail "no $BIN: run 'cargo build --release' first"

# ---- 2. the cluster ----
t_cluster=$SECONDS
if "$CLUSTER" status >/dev/null 2>&1; then
    say "reusing the local cluster that is already running (it will be left running)"
else
    started=1
    "$CLUSTER" start || fail "could not start the local Slurm cluster (see the messages above)"
fi
eval "$("$CLUSTER" env)"
export SLURM_CONF
version=$(sinfo --version 2>/dev/null) || fail "sinfo does not work with $SLURM_CONF"
pass "local cluster up ($version) in $((SECONDS - t_cluster)) s"

# ---- 3. a small sweep, submitted as a job array ----
tmp=$(mktemp -d "${TMPDIR:-/tmp}/peacesim-slurm-test.XXXXXX")
scenario=$tmp/sweep_small.toml
awk -v r="$REPLICATES" '
    /^[ \t]*\[/ { section = $1 }
    section == "[sweep]" && /^[ \t]*replicates[ \t]*=/ { sub(/=[ \t]*[0-9]+/, "= " r); n++ }
    { print }
    END { exit n == 1 ? 0 : 3 }' scenarios/sweep_rotation.toml >"$scenario" ||
    fail "could not set replicates = $REPLICATES in the [sweep] table of scenarios/sweep_rotation.toml"

# Submits COMMAND (sweep or benchmark) on INPUT as $SHARDS array tasks + a merge job into
# $tmp/DIR, waits for both, and compares the merged FILES with the one-machine run's.
slurm_case() {
    local command=$1 input=$2 dir=$3
    shift 3
    local files=("$@") t_jobs submitted array_id merge_id errors queue states total completed
    local merge_state t_local f
    t_jobs=$SECONDS
    submitted=$(PEACESIM=$BIN PEACESIM_THREADS=1 PEACESIM_COMMAND=$command \
        "$HERE/submit.sh" "$input" "$tmp/$dir" "$SHARDS") || fail "submit.sh ($command) failed"
    printf '%s\n' "$submitted"
    array_id=$(sed -n 's/^ARRAY_JOB_ID=//p' <<<"$submitted")
    merge_id=$(sed -n 's/^MERGE_JOB_ID=//p' <<<"$submitted")
    [[ $array_id =~ ^[0-9]+$ && $merge_id =~ ^[0-9]+$ ]] ||
        fail "submit.sh printed no ARRAY_JOB_ID/MERGE_JOB_ID"

    # wait: squeue until both jobs have left the queue, then their final states
    errors=0
    while :; do
        if queue=$(squeue -h -j "$array_id,$merge_id" 2>&1); then
            errors=0
            [[ -z $queue ]] && break
        else
            errors=$((errors + 1))
            ((errors < 10)) || fail "squeue keeps failing: $queue"
        fi
        ((SECONDS - t_jobs < TIMEOUT)) || {
            squeue >&2 || true
            fail "the jobs are still queued or running after $TIMEOUT s"
        }
        sleep 0.5
    done
    states=$(scontrol -o show job "$array_id" | grep -o 'JobState=[A-Z_]*' || true)
    total=$(grep -c . <<<"$states" || true)
    completed=$(grep -c '^JobState=COMPLETED$' <<<"$states" || true)
    [[ $total -eq $SHARDS && $completed -eq $SHARDS ]] ||
        fail "$command array job $array_id: $completed of $SHARDS tasks COMPLETED (states: $(tr '\n' ' ' <<<"$states"))"
    pass "$command array job $array_id: $SHARDS/$SHARDS tasks COMPLETED"
    merge_state=$(scontrol -o show job "$merge_id" | grep -o 'JobState=[A-Z_]*' || true)
    [[ $merge_state == JobState=COMPLETED ]] ||
        fail "merge job $merge_id: ${merge_state:-no state} (expected JobState=COMPLETED)"
    pass "$command merge job $merge_id COMPLETED; jobs took $((SECONDS - t_jobs)) s"

    # the same on one machine, compared byte for byte
    t_local=$SECONDS
    "$BIN" "$command" "$input" --out "$tmp/$dir-local" --quiet --no-plots ||
        fail "the local $command failed"
    t_local=$((SECONDS - t_local))
    if [[ -e $tmp/$dir-local/sensitivity.csv || -e $tmp/$dir/merged/sensitivity.csv ]]; then
        files+=(sensitivity.csv)
    fi
    for f in "${files[@]}"; do
        cmp -- "$tmp/$dir-local/$f" "$tmp/$dir/merged/$f" ||
            fail "$f of the Slurm $command (merged from $SHARDS shards) differs from the one-machine $command"
        pass "$command: $f identical ($(wc -c <"$tmp/$dir-local/$f") bytes)"
    done
    say "$command as $SHARDS Slurm array tasks + merge == one-machine $command (local ${t_local} s)"
}

# ---- 3–5. a sweep, then a benchmark suite, each sharded on Slurm and merged ----
slurm_case sweep "$scenario" cluster sweep_runs.csv sweep_summary.csv checkpoint.json
rows=$(($(wc -l <"$tmp/cluster-local/sweep_runs.csv") - 1))
slurm_case benchmark scenarios/benchmark/quick.toml bench \
    benchmark_runs.csv conditions.csv leaderboard.csv checkpoint.json

# ---- 6. stop the cluster we started, and check that it is down ----
if ((started)); then
    t_stop=$SECONDS
    started=0
    "$CLUSTER" stop || fail "local-cluster.sh stop failed"
    rc=0
    "$CLUSTER" status >/dev/null 2>&1 || rc=$?
    ((rc == 3)) || fail "the local cluster is not fully down after stop (status exit $rc)"
    pass "local cluster stopped in $((SECONDS - t_stop)) s"
fi

say "sweep of $rows runs and the quick benchmark suite, each as $SHARDS Slurm array tasks + merge == one machine; total $((SECONDS - t0)) s"
echo "slurm: $passed passed, 0 failed"
