"""A Latin hypercube study from Python: which parameters move the chance of an agreement, and
does the answer depend on how the third parties coordinate?

    pip install ./python          # from the repository root
    python python/examples/lhs_study.py --samples 40 --replicates 50

The study is the baseline scenario with a [sweep] table added as a dict: peacesim samples the
Latin hypercube, runs every point under every regime over paired replicates (all cores, the GIL
released) and returns the sweep's CSV files as pandas DataFrames. The analysis is plain pandas:
per regime, the Spearman rank correlation of each parameter with the point's agreement rate and
cumulative violence (with few parameters and a monotone response, a fair first screening; for
variance-based indices, feed SALib's samples to `peacesim.run` point by point, or use a
Sobol design where peacesim offers one).
"""

import argparse
import time

import pandas as pd

import peacesim

PARAMETERS = [
    # path in the scenario, lower and upper end of the range sampled
    ("trust.build_rate", 0.01, 0.09),
    ("rotation.posting_months", 24, 60),
    ("leverage.regen_rate", 0.01, 0.10),
    ("do_no_harm.move_rate", 0.05, 0.5),
]
OUTCOMES = ["agreement", "cumulative_violence"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=40, help="LHS points [default: 40]")
    ap.add_argument("--replicates", type=int, default=50, help="per point and regime")
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--threads", type=int, default=None, help="default: one per core")
    ap.add_argument("--out", help="also write the sweep's CSV files into this folder")
    args = ap.parse_args()

    scenario = peacesim.baseline(as_dict=True)
    scenario["scenario"]["name"] = "lhs-study"
    scenario["sweep"] = {
        "design": "lhs",
        "samples": args.samples,
        "replicates": args.replicates,
        "seed": args.seed,
        "parameters": [{"path": p, "min": lo, "max": hi} for p, lo, hi in PARAMETERS],
    }
    print(peacesim.check(scenario))

    started = time.perf_counter()
    result = peacesim.sweep(scenario, threads=args.threads)
    seconds = time.perf_counter() - started
    runs = len(result.sweep_runs)
    print(f"{result.design}: {runs} runs in {seconds:.1f} s on {result.threads} threads")
    if args.out:
        result.write(args.out)

    # One row per point and regime, one column per outcome (the mean over replicates).
    summary = result.sweep_summary
    means = (
        summary[summary["outcome"].isin(OUTCOMES)]
        .pivot_table(index=["point", *result.parameters, "regime"], columns="outcome",
                     values="mean")  # fmt: skip
        .reset_index()
    )
    rows = []
    for regime, points in means.groupby("regime", sort=False):
        for outcome in OUTCOMES:
            for parameter in result.parameters:
                # Spearman: Pearson on ranks (no SciPy needed).
                rho = points[parameter].rank().corr(points[outcome].rank())
                rows.append({"regime": regime, "outcome": outcome, "parameter": parameter,
                             "spearman": rho})  # fmt: skip
    table = pd.DataFrame(rows).pivot_table(
        index=["outcome", "parameter"], columns="regime", values="spearman", sort=False
    )
    pd.set_option("display.width", 120)
    print("\nSpearman rank correlation of each parameter with the point's mean outcome:")
    print(table.round(2).to_string())

    overall = means.groupby("regime", sort=False)[OUTCOMES].mean()
    print("\nMean over the hypercube:")
    print(overall.round(3).to_string())


if __name__ == "__main__":
    main()
