#!/usr/bin/env bash
# Conditions under which coordination does no better, or worse, than competition
# (docs/VALIDATION.md, "What carries the coordination advantage"). Each line is a variant of
# `peacesim baseline` (changes as arguments to variants.py); all four regimes, 2,000 paired
# replicates, seed 2022. Prints the same table as ablation.sh.
#
#   scripts/analysis/conditions.sh [OUT_DIR]      # default output/conditions; about a minute
#
# To keep one variant as a file: peacesim baseline | python3 scripts/analysis/variants.py CHANGES > my.toml
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../output/conditions}"
costly="regimes.hierarchical.meeting_cost=0.2 regimes.hierarchical.lead_capacity=1 regimes.hierarchical.handover_gap_months=12 regimes.network.consensus_delay=0.4 regimes.network.meeting_cost_per_member=0.05 regimes.contact_group.meeting_cost=0.2 regimes.contact_group.lead_capacity=1"
nosanction="regimes.hierarchical.sanction=0 regimes.network.sanction=0 regimes.contact_group.sanction=0"
small="drop[State\ A] drop[State\ B] drop[State\ C]"
"$here/run_variants.sh" "$out" <<SPEC
C0 defaults|
C1 costly institutions (meeting costs 0.2 / 0.05 per member, lead_capacity 1, consensus_delay 0.4, handover gap 12)|$costly
C2 partisan lead and facilitator (State A, favours the Government, bias 0.5)|'regimes.hierarchical.lead="State A"' 'regimes.contact_group.facilitator="State A"'
C3 weak enforcement (every sanction 0)|$nosanction
C4 weak enforcement and strong recognition (sanctions 0, recognition 0.9 on every actor)|$nosanction tp.recognition=0.9
C5 small field (the three states' diplomats removed)|$small
C6 small field and costly institutions|$small $costly
C7 uncoordinated leverage not penalised (leverage.contradiction = 0, leverage.dilution = 0)|leverage.contradiction=0 leverage.dilution=0
C8 conditional cooperation unravels (sanctions 0, reciprocity 0.5, temperature 0.2)|$nosanction strategy.reciprocity=0.5 strategy.temperature=0.2
C9 Morris adverse corner (C8 and C1, recognition 0.9 on mediators and diplomats)|$nosanction strategy.reciprocity=0.5 strategy.temperature=0.2 $costly tp[UN\ Envoy].recognition=0.9 tp[Regional\ Envoy].recognition=0.9 tp[State\ A].recognition=0.9 tp[State\ B].recognition=0.9 tp[State\ C].recognition=0.9
SPEC
