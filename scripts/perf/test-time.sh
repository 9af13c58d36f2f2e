#!/usr/bin/env bash
# Times a fresh clone's `cargo test --release` (the README's test command): the repository at a
# commit is cloned into a temporary folder with an empty target folder, and the whole command
# (build and tests) is timed. Dependencies come from the local Cargo registry, as on a machine
# that has fetched them once. Takes 5–8 minutes on a 2-core machine.
#
#   bash scripts/perf/test-time.sh            # HEAD
#   bash scripts/perf/test-time.sh c3d824b    # another commit, to compare on the same machine
#
# Needs GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
rev=${1:-HEAD}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet --no-checkout . "$work/clone"
git -C "$work/clone" checkout --quiet "$(git rev-parse "$rev")"
cd "$work/clone"
/usr/bin/time -f "%e s wall, %U s user, %S s sys" -o "$work/time" \
  cargo test --release --quiet >"$work/log" 2>&1 || { tail -30 "$work/log"; exit 1; }
echo "$(git rev-parse --short HEAD): fresh clone's cargo test --release: $(cat "$work/time")"
