#!/usr/bin/env bash
# Compares the cost of one baseline run (criterion `run/<regime>`, benches/baseline.rs) of the
# working tree with another commit, side by side: both benchmarks are built first, then run in
# alternating rounds so that both see the same load; the fastest median of each is reported.
#
#   bash scripts/perf/compare.sh 54d30eb            # 3 rounds
#   ROUNDS=5 bash scripts/perf/compare.sh c3d824b
#
# The other commit is built in a temporary worktree with its own target folder (a few minutes).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
rev=${1:?usage: compare.sh COMMIT}
rounds=${ROUNDS:-3}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
bench_binary() { # build the baseline bench in $1 with target $2, print the executable's path
  (cd "$1" && CARGO_TARGET_DIR="$2" cargo bench --bench baseline --no-run --message-format=json 2>/dev/null) |
    python3 -c 'import json,sys
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m["target"]["name"]=="baseline" and m.get("executable"): print(m["executable"])' | tail -1
}
git worktree add --detach "$work/tree" "$rev" >/dev/null
old=$(bench_binary "$work/tree" "$work/target")
new=$(bench_binary "$PWD" "$PWD/target")
[ -x "$old" ] && [ -x "$new" ] || { echo "could not build the benchmarks" >&2; exit 1; }
for r in $(seq "$rounds"); do
  for side in old new; do
    bin=${!side}
    mkdir -p "$work/$side" && cd "$work/$side"
    "$bin" --bench 'run/' --warm-up-time 1 --measurement-time 3 --noplot 2>/dev/null |
      grep -E '^run/' | sed "s/^/$side /" >>"$work/results"
    cd - >/dev/null
  done
done
python3 - "$work/results" "$rev" <<'PY'
import re, sys
best = {}
for line in open(sys.argv[1]):
    m = re.match(r"(old|new) run/(\S+)\s+time:\s+\[\S+ \S+ (\S+) (\S+)", line)
    if not m: continue
    side, regime, value, unit = m.groups()
    us = float(value) * {"ns": 1e-3, "µs": 1, "us": 1, "ms": 1e3}[unit]
    key = (regime, side)
    best[key] = min(best.get(key, float("inf")), us)
print(f"| regime | {sys.argv[2]} | working tree | ratio |")
print("| --- | --- | --- | --- |")
for regime in ["competitive", "hierarchical", "network", "contact_group"]:
    o, n = best.get((regime, "old")), best.get((regime, "new"))
    if o and n:
        print(f"| {regime} | {o:.0f} µs | {n:.0f} µs | {n / o:.2f} |")
PY
