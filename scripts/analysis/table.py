#!/usr/bin/env python3
"""Markdown rows from peacesim summary.csv files (python3 standard library only).

  table.py LABEL=DIR [LABEL=DIR ...]

For each run folder DIR (written by `peacesim run ... --out DIR`) prints one row: the agreement
rate under competition (%, 95% CI), the paired difference in agreement of each coordinated
regime from competition (percentage points, 95% CI of the per-replicate differences), and the
compliance of each coordinated regime (share of role-months in which members played the role
the regime proposed, %). A regime that was not run shows as "–".
"""
import csv
import sys

COORDINATED = ["hierarchical", "network", "contact_group"]
SHORT = {"hierarchical": "H", "network": "N", "contact_group": "CG"}


def load(path):
    with open(path, newline="") as f:
        return {(r["regime"], r["outcome"]): r for r in csv.DictReader(f)}


def pct(x):
    return f"{100 * float(x):.1f}"


def pp(x):
    return f"{100 * float(x):+.1f}"


def header():
    cols = ["variant", "agreement, competitive (%)"]
    cols += [f"{SHORT[r]} − C (pp)" for r in COORDINATED]
    cols += ["compliance " + " / ".join(SHORT[r] for r in COORDINATED) + " (%)"]
    print("| " + " | ".join(cols) + " |")
    print("|" + " --- |" * len(cols))


def row(label, folder):
    s = load(f"{folder}/summary.csv")
    c = s[("competitive", "agreement")]
    cells = [label, f"{pct(c['mean'])} [{pct(c['ci_low'])}, {pct(c['ci_high'])}]"]
    for r in COORDINATED:
        d = s.get((r, "agreement"))
        if d is None or not d["diff_mean"]:
            cells.append("–")
        else:
            cells.append(f"{pp(d['diff_mean'])} [{pp(d['diff_ci_low'])}, {pp(d['diff_ci_high'])}]")
    comp = []
    for r in COORDINATED:
        d = s.get((r, "compliance"))
        comp.append(pct(d["mean"]) if d and d["mean"] else "–")
    cells.append(" / ".join(comp))
    print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    header()
    for arg in sys.argv[1:]:
        label, _, folder = arg.rpartition("=")
        row(label, folder)
