#!/usr/bin/env bash
# Measures the figures of the README's Performance table on this machine, one right after the
# other, and prints them. Build first: `cargo build --release`. Takes about 5 minutes.
#
#   bash scripts/perf/measure.sh            # whole commands: run, sweep, trace, validate, memory
#   TRIES=5 bash scripts/perf/measure.sh    # more tries of each (the fastest is reported)
#
# Per-run cost and the cost per agent-step are criterion benchmarks (`cargo bench --bench
# baseline`, `cargo bench --bench scale`); the fresh clone's test time is measured by
# scripts/perf/test-time.sh. Needs GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BIN=${BIN:-./target/release/peacesim}
TRIES=${TRIES:-3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }

# best WALL USER SYS MAXRSS_KB of $TRIES tries of a command (fastest wall time).
best() {
  local line best_line="" best_wall=""
  for _ in $(seq "$TRIES"); do
    rm -rf "$WORK/out"
    line=$(/usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1)
    local wall=${line%% *}
    if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then
      best_wall=$wall best_line=$line
    fi
  done
  echo "$best_line"
}
row() { # label, then the output of best
  read -r wall user sys rss <<<"$2"
  printf '| %s | %s s | %s s | %.0f MB |\n' "$1" "$wall" "$(awk "BEGIN{print $user+$sys}")" "$(awk "BEGIN{print $rss/1024}")"
}

echo "machine: $(nproc) cores, $(uname -srm), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $BIN ($(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo
echo "| command | wall (fastest of $TRIES) | CPU (user + sys) | peak memory |"
echo "| --- | --- | --- | --- |"
for t in 1 2; do
  row "\`peacesim run --quiet --threads $t\` (3,000 runs, figures, report)" \
    "$(best "$BIN" run --quiet --threads "$t" --out "$WORK/out")"
done
# A 100,020-run sweep: the rotation sweep (20 points × 3 regimes) at 1,667 replicates.
sed 's/^replicates = 200 /replicates = 1667/' scenarios/sweep_rotation.toml >"$WORK/sweep100k.toml"
grep -q '^replicates = 1667' "$WORK/sweep100k.toml" || { echo "could not set the sweep's replicates" >&2; exit 1; }
for t in 1 2; do
  row "\`peacesim sweep\` 100,020 runs, \`--no-plots --threads $t\`" \
    "$(best "$BIN" sweep "$WORK/sweep100k.toml" --quiet --no-plots --threads "$t" --out "$WORK/out")"
done
row "\`peacesim trace scenarios/training_parallel_processes.toml --regime network --replicate 98\`" \
  "$(best "$BIN" trace scenarios/training_parallel_processes.toml --regime network --replicate 98 --out "$WORK/out")"
row "\`peacesim validate\`" "$(best "$BIN" validate --out "$WORK/out")"
