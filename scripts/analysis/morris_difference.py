#!/usr/bin/env python3
"""Morris elementary effects of the paired DIFFERENCE between regimes (python3 stdlib only).

  morris_difference.py SWEEP_DIR [--outcome agreement] [--reference competitive] [--top N]

`peacesim sweep` on a design = "morris" scenario writes sensitivity.csv per regime. Here the
output y at a point is the difference of means, regime − reference (the replicates are paired:
the same seeds under every regime and at every point). Points come in trajectories of k + 1
(src/experiment/design.rs: point t·(k+1)+s is step s of trajectory t; each step moves one
parameter up by Δ = 2/3 of its range on the default 4 levels). The moved parameter is found by
comparing the parameter columns of consecutive points (exactly one must differ), so the script
does not need the plan's move order. The elementary effect of parameter i on one trajectory is

    EE = (y(b) − y(a)) / ((x_i(b) − x_i(a)) / (max_i − min_i)),

i.e. the change in the difference per full range of the parameter, as in `sensitivity.csv`
(src/output/sweep_files.rs, elementary_effects). Per parameter: μ* = mean |EE|, μ = mean EE,
σ = s.d. of EE over the trajectories, and se(μ) = σ/√n.

If SWEEP_DIR/sweep_runs.csv is present, the Monte Carlo noise of each EE is measured from the
per-replicate paired differences, d_k = y_k(regime) − y_k(reference):
se(EE) = sd_k(d_k(b) − d_k(a)) / √R / Δx. "noise" is the mean se(EE) of the parameter; a μ*
well above about 0.8 × noise (the mean |EE| of pure noise) is a real effect.

Prints a ranked markdown table per coordinated regime (outcome in percentage points when it is a
rate in [0, 1]) and writes SWEEP_DIR/difference_sensitivity.csv.
"""
import argparse
import csv
import json
import math
import os
import sys
from collections import defaultdict


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sweep_dir")
    ap.add_argument("--outcome", default="agreement")
    ap.add_argument("--reference", default="competitive")
    ap.add_argument("--top", type=int, default=0, help="rows per regime (0 = all)")
    args = ap.parse_args()
    d = args.sweep_dir

    manifest = json.load(open(os.path.join(d, "manifest.json")))
    if manifest.get("design") != "morris":
        sys.exit("not a Morris sweep")
    spec = manifest["scenario"]["sweep"]["parameters"]
    names = [p["path"] for p in spec]
    ranges = {}
    for p in spec:
        if p.get("min") is not None and p.get("max") is not None:
            ranges[p["path"]] = (p["min"], p["max"])
        else:
            ranges[p["path"]] = (min(p["values"]), max(p["values"]))
    k = len(names)

    # Mean outcome per (point, regime), and the parameter values of each point.
    values, mean = {}, {}
    with open(os.path.join(d, "sweep_summary.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["outcome"] != args.outcome or r["mean"] == "":
                continue
            p = int(r["point"])
            values[p] = [float(r[n]) for n in names]
            mean[(p, r["regime"])] = float(r["mean"])
    npoints = manifest["points"]
    if npoints % (k + 1):
        sys.exit(f"{npoints} points is not a whole number of trajectories of {k + 1}")
    regimes = [g for g in manifest["regimes"] if g != args.reference]

    # Per-replicate outcomes, for the noise of each elementary effect (optional).
    runs = None
    runs_path = os.path.join(d, "sweep_runs.csv")
    if os.path.exists(runs_path):
        runs = defaultdict(dict)  # (point, regime) -> {replicate: y}
        with open(runs_path, newline="") as f:
            reader = csv.reader(f)
            head = next(reader)
            ip, ig, ir, iy = (head.index(c) for c in ("point", "regime", "replicate", args.outcome))
            for row in reader:
                if row[iy] != "":
                    runs[(int(row[ip]), row[ig])][int(row[ir])] = float(row[iy])

    scale = 100.0 if args.outcome in ("agreement", "relapse", "relapse_given_agreement", "compliance") else 1.0
    unit = "pp" if scale == 100.0 else "units"
    out_rows = []
    for g in regimes:
        ee = defaultdict(list)
        noise = defaultdict(list)
        for t in range(npoints // (k + 1)):
            for s in range(k):
                a, b = t * (k + 1) + s, t * (k + 1) + s + 1
                moved = [i for i in range(k) if values[a][i] != values[b][i]]
                if len(moved) != 1:
                    sys.exit(f"points {a}→{b}: {len(moved)} parameters changed, expected 1")
                i = moved[0]
                lo, hi = ranges[names[i]]
                dx = (values[b][i] - values[a][i]) / (hi - lo)
                try:
                    ya = mean[(a, g)] - mean[(a, args.reference)]
                    yb = mean[(b, g)] - mean[(b, args.reference)]
                except KeyError:
                    continue
                ee[names[i]].append((yb - ya) / dx)
                if runs is not None:
                    ra, rb = runs[(a, g)], runs[(b, g)]
                    ca, cb = runs[(a, args.reference)], runs[(b, args.reference)]
                    reps = [q for q in ra if q in rb and q in ca and q in cb]
                    z = [(rb[q] - cb[q]) - (ra[q] - ca[q]) for q in reps]
                    if len(z) > 1:
                        m = sum(z) / len(z)
                        sd = math.sqrt(sum((x - m) ** 2 for x in z) / (len(z) - 1))
                        noise[names[i]].append(sd / math.sqrt(len(z)) / abs(dx))
        table = []
        for n in names:
            e = ee[n]
            if not e:
                continue
            mu = sum(e) / len(e)
            mu_star = sum(abs(x) for x in e) / len(e)
            sigma = math.sqrt(sum((x - mu) ** 2 for x in e) / (len(e) - 1)) if len(e) > 1 else float("nan")
            nz = sum(noise[n]) / len(noise[n]) if noise[n] else float("nan")
            table.append((n, len(e), mu_star, mu, sigma, sigma / math.sqrt(len(e)), nz))
        table.sort(key=lambda r: -r[2])
        print(f"\n{g} − {args.reference}, {args.outcome} ({unit} per full range of the parameter)\n")
        print("| rank | parameter | μ* | μ | σ | se(μ) | noise | n |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for rank, (n, cnt, ms, mu, sg, se, nz) in enumerate(table, 1):
            if args.top and rank > args.top:
                break
            print(f"| {rank} | `{n}` | {scale*ms:.1f} | {scale*mu:+.1f} | {scale*sg:.1f} | {scale*se:.1f} | {scale*nz:.1f} | {cnt} |")
        for row in table:
            out_rows.append((g, args.reference, args.outcome) + row)
    with open(os.path.join(d, "difference_sensitivity.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["regime", "reference", "outcome", "parameter", "n", "mu_star", "mu", "sigma", "se_mu", "noise_se_ee"])
        for r in out_rows:
            w.writerow(list(r[:5]) + [f"{x:.6f}" for x in r[5:]])


if __name__ == "__main__":
    main()
