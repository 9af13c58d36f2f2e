#!/usr/bin/env bash
# Runs variants of the baseline scenario and prints a markdown table (used by ablation.sh and
# conditions.sh).
#
#   run_variants.sh OUT_DIR < SPEC
#
# SPEC has one variant a line, "label|changes": changes are arguments to variants.py (e.g.
# `mechanisms.trust=false tp.recognition=0.9 drop[State C]`), applied to `peacesim baseline`.
# Blank lines and lines starting with # are skipped. Each variant is written to
# OUT_DIR/vN.toml and run under all four regimes (REPLICATES paired replicates, default 2000;
# SEED, default 2022) into OUT_DIR/vN/; table.py prints the row. PEACESIM names the binary
# (default target/release/peacesim).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${PEACESIM:-$root/target/release/peacesim}"
out="${1:?usage: run_variants.sh OUT_DIR < SPEC}"
reps="${REPLICATES:-2000}"
seed="${SEED:-2022}"
mkdir -p "$out"
rows=()
i=0
while IFS= read -r line; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  label="${line%%|*}"
  changes="${line#*|}"
  # shellcheck disable=SC2086  # changes are separate words; names with spaces are quoted as drop[State A]
  set -f; eval "set -- $changes"; set +f
  "$bin" baseline | python3 "$here/variants.py" "$@" | sed "s/^seed = .*/seed = $seed/" > "$out/v$i.toml"
  "$bin" run "$out/v$i.toml" --regimes competitive,hierarchical,network,contact_group \
    --replicates "$reps" --no-plots --out "$out/v$i" -q --force
  rows+=("$label=$out/v$i")
  i=$((i + 1))
done
python3 "$here/table.py" "${rows[@]}"
