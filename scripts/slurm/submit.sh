#!/usr/bin/env bash
# Submit a peacesim parameter sweep (or benchmark) to Slurm as a job array of N shards plus a
# merge job.
#
#   scripts/slurm/submit.sh SCENARIO OUT N [SBATCH_OPTION...]
#   PEACESIM_COMMAND=benchmark scripts/slurm/submit.sh SUITE OUT N [SBATCH_OPTION...]
#
#   SCENARIO  scenario file with a [sweep] table
#   SUITE     with PEACESIM_COMMAND=benchmark: a benchmark suite file, or `default` for the
#             built-in default suite
#   OUT       output folder on a filesystem that every compute node sees; gets
#               OUT/shard-0 .. OUT/shard-(N-1)   one per array task (sweep_array.sbatch)
#               OUT/merged                       the whole sweep, as `peacesim sweep` writes it
#                                                (or benchmark, as `peacesim benchmark` does)
#               OUT/logs/                        sweep-<array id>_<task>.out, merge-<job id>.out
#   N         number of shards = array tasks (0..N-1). Any N gives the same merged files; pick
#             it so that one shard fits the time limit, e.g. runs × seconds per run / threads / N.
#   SBATCH_OPTION...  passed to both sbatch calls (the array's and the merge's), e.g.
#             --partition=short --account=proj --time=02:00:00; they override the #SBATCH
#             lines of the two scripts.
#
# Environment:
#   PEACESIM_COMMAND      `sweep` (the default) or `benchmark`
#   PEACESIM_THREADS      CPUs per shard = peacesim worker threads (sbatch --cpus-per-task of
#                         the array only; default: the #SBATCH line of sweep_array.sbatch, 4)
#   PEACESIM              the peacesim binary the jobs run (default: `peacesim` on PATH, else
#                         this repository's target/release/peacesim); must be reachable from the
#                         compute nodes at the same path
#   PEACESIM_ARRAY_LIMIT  run at most this many shards at once (sbatch --array=0-(N-1)%LIMIT)
#
# The merge job waits for the array with --dependency=afterok, so it runs only if every shard
# succeeded; if one fails, Slurm cancels the merge (--kill-on-invalid-dep=yes). Fix the cause and
# submit the same command again: finished shards are kept, interrupted ones resume from their
# checkpoint (see sweep_array.sbatch).
#
# Prints the job ids, and at the end two lines for scripts: ARRAY_JOB_ID=<id> MERGE_JOB_ID=<id>.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

die() {
    printf 'submit.sh: error: %s\n' "$*" >&2
    exit 1
}

if (($# < 3)); then
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
    exit 2
fi
scenario=$1 out=$2 n=$3
shift 3

command -v sbatch >/dev/null 2>&1 || die "sbatch not found: run this on a Slurm login node"
[[ $n =~ ^[1-9][0-9]*$ ]] || die "N must be a positive whole number of shards, not '$n'"
PEACESIM_COMMAND=${PEACESIM_COMMAND:-sweep}
[[ $PEACESIM_COMMAND == sweep || $PEACESIM_COMMAND == benchmark ]] ||
    die "PEACESIM_COMMAND must be sweep or benchmark, not '$PEACESIM_COMMAND'"
if [[ $PEACESIM_COMMAND == benchmark && $scenario == default ]]; then
    : # the built-in default suite
else
    [[ -f $scenario && -r $scenario ]] || die "cannot read the file '$scenario'"
fi
[[ -z ${PEACESIM_THREADS:-} || $PEACESIM_THREADS =~ ^[1-9][0-9]*$ ]] ||
    die "PEACESIM_THREADS must be a positive whole number, not '$PEACESIM_THREADS'"
[[ -z ${PEACESIM_ARRAY_LIMIT:-} || $PEACESIM_ARRAY_LIMIT =~ ^[1-9][0-9]*$ ]] ||
    die "PEACESIM_ARRAY_LIMIT must be a positive whole number, not '$PEACESIM_ARRAY_LIMIT'"

# The jobs start in other shells on other machines: pass absolute paths.
if [[ $PEACESIM_COMMAND == benchmark && $scenario == default ]]; then
    SCENARIO=default
else
    SCENARIO=$(realpath -- "$scenario")
fi
OUT=$(realpath -m -- "$out")
if [[ -n ${PEACESIM:-} ]]; then
    bin=$PEACESIM
elif command -v peacesim >/dev/null 2>&1; then
    bin=peacesim
elif [[ -x $repo/target/release/peacesim ]]; then
    bin=$repo/target/release/peacesim
else
    die "no peacesim binary: set PEACESIM, put peacesim on PATH, or run 'cargo build --release'"
fi
[[ $bin == */* ]] || bin=$(command -v -- "$bin") || die "'$bin' is not on PATH"
[[ -x $bin ]] || die "'$bin' is not an executable file"
PEACESIM=$(realpath -- "$bin")
SHARDS=$n
export PEACESIM SCENARIO OUT SHARDS PEACESIM_COMMAND

mkdir -p "$OUT/logs"
if compgen -G "$OUT/shard-*" >/dev/null; then
    echo "submit.sh: note: $OUT already holds shard folders; finished shards are kept and interrupted ones resumed"
fi

array="0-$((n - 1))${PEACESIM_ARRAY_LIMIT:+%$PEACESIM_ARRAY_LIMIT}"
cpus=()
[[ -n ${PEACESIM_THREADS:-} ]] && cpus=(--cpus-per-task="$PEACESIM_THREADS")
# --export=ALL: the jobs get PEACESIM, SCENARIO, OUT and SHARDS (even where SBATCH_EXPORT=NONE).
array_id=$(sbatch --parsable --export=ALL --array="$array" \
    --output="$OUT/logs/sweep-%A_%a.out" "${cpus[@]}" "$@" "$here/sweep_array.sbatch") ||
    die "sbatch of the sweep array failed"
array_id=${array_id%%;*} # --parsable prints "id" or "id;cluster"
echo "submitted $PEACESIM_COMMAND array job $array_id: $n shard(s), tasks ${array_id}_0 .. ${array_id}_$((n - 1)) → $OUT/shard-*"

merge_id=$(sbatch --parsable --export=ALL \
    --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
    --output="$OUT/logs/merge-%j.out" "$@" "$here/merge.sbatch") ||
    die "sbatch of the merge job failed; the array $array_id is queued: cancel it with 'scancel $array_id' or merge by hand later"
merge_id=${merge_id%%;*}
echo "submitted merge job $merge_id: runs when every shard has succeeded → $OUT/merged"
echo "logs: $OUT/logs/   watch: squeue -j $array_id,$merge_id   cancel: scancel $array_id $merge_id"
echo "ARRAY_JOB_ID=$array_id"
echo "MERGE_JOB_ID=$merge_id"
