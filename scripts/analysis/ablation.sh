#!/usr/bin/env bash
# Ablation of the coordination advantage (docs/VALIDATION.md, "What carries the coordination
# advantage"). Builds each variant from `peacesim baseline` (scripts/analysis/variants.py), runs
# all four regimes on 2,000 paired replicates with seed 2022, and prints a markdown table:
# agreement under competition, paired difference of each coordinated regime from competition,
# and compliance in each coordinated regime.
#
#   scripts/analysis/ablation.sh [OUT_DIR]        # default OUT_DIR: output/ablation
#
# PEACESIM names the binary (default target/release/peacesim); REPLICATES and SEED override
# 2000 and 2022. About a minute on two cores.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${PEACESIM:-$root/target/release/peacesim}"
out="${1:-$root/output/ablation}"
reps="${REPLICATES:-2000}"
seed="${SEED:-2022}"
mkdir -p "$out"

# label|changes (space-separated arguments to variants.py)
variants=(
  "defaults|"
  "strategic = false (every actor complies)|mechanisms.strategic=false"
  "trust off|mechanisms.trust=false"
  "leverage off|mechanisms.leverage=false"
  "rotation off|mechanisms.rotation=false"
  "ripeness off|mechanisms.ripeness=false"
  "do_no_harm off|mechanisms.do_no_harm=false"
  "forum_shopping off|mechanisms.forum_shopping=false"
  "funding_cycles off|mechanisms.funding_cycles=false"
  "information_sharing off|mechanisms.information_sharing=false"
  "patrons off|mechanisms.patrons=false"
  "relapse off|mechanisms.relapse=false"
  "peace motive only (recognition = funding_need = interest = 0, every actor)|tp.recognition=0 tp.funding_need=0 tp.interest=0"
  "strong recognition and funding (recognition = 0.9, funding_need = 0.8, every actor)|tp.recognition=0.9 tp.funding_need=0.8"
)

rows=()
i=0
for v in "${variants[@]}"; do
  label="${v%%|*}"
  changes="${v#*|}"
  dir="$out/v$i"
  # shellcheck disable=SC2086
  "$bin" baseline | python3 "$here/variants.py" $changes | sed "s/^seed = .*/seed = $seed/" > "$out/v$i.toml"
  "$bin" run "$out/v$i.toml" --regimes competitive,hierarchical,network,contact_group \
    --replicates "$reps" --no-plots --out "$dir" -q --force
  rows+=("$label=$dir")
  i=$((i + 1))
done
python3 "$here/table.py" "${rows[@]}"
