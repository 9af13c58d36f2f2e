#!/usr/bin/env python3
"""Compare the cost of baseline runs of the working tree with another commit, per regime, in two
ways that complement criterion (scripts/perf/compare.sh):

- CPU time of the whole command `peacesim run --threads 1 --quiet --no-plots` on REPLICATES
  replicates of one regime, the two binaries alternating PAIRS times; the median of each and
  the ratio of the medians are printed (load moves both alike, so the ratio is steadier than
  either figure);
- with --instructions, the instructions of one run (valgrind's callgrind, 200 replicates, the
  inclusive count of `peacesim::experiment::run_replicate` ÷ 200), which load does not disturb.

    python3 scripts/perf/compare_runs.py 54d30eb
    python3 scripts/perf/compare_runs.py 54d30eb --pairs 20 --instructions

The other commit is built in a temporary worktree with its own target folder (a few minutes);
the working tree's binary must be built first (`cargo build --release`). Standard library only.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

REGIMES = ["competitive", "hierarchical", "network", "contact_group"]


def cpu_seconds(binary, regime, replicates, out):
    """User + system CPU time of one whole `run` command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [binary, "run", "--threads", "1", "--quiet", "--no-plots", "--force",
         "--out", out, "--replicates", str(replicates), "--regimes", regime],
        check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def instructions_per_run(binary, regime, work):
    """Callgrind's inclusive instructions of `experiment::run_replicate`, per run."""
    runs = 200
    profile = os.path.join(work, "callgrind.out")
    subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}", binary, "run",
         "--threads", "1", "--quiet", "--no-plots", "--force", "--out",
         os.path.join(work, "cg"), "--replicates", str(runs), "--regimes", regime],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", profile],
                          check=True, capture_output=True, text=True).stdout
    for line in text.splitlines():
        if "experiment::run_replicate [" in line:
            return int(line.split()[0].replace(",", "")) / runs
    sys.exit("callgrind_annotate did not list experiment::run_replicate")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("commit", help="the commit to compare the working tree with")
    parser.add_argument("--pairs", type=int, default=12, help="alternating pairs per regime")
    parser.add_argument("--replicates", type=int, default=1500, help="replicates per command")
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions per run with callgrind")
    args = parser.parse_args()
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    new = os.path.join(root, "target", "release", "peacesim")
    if not os.access(new, os.X_OK):
        sys.exit("build the working tree first: cargo build --release")
    if args.instructions and not shutil.which("valgrind"):
        sys.exit("--instructions needs valgrind (Debian package valgrind)")
    work = tempfile.mkdtemp()
    tree = os.path.join(work, "tree")
    try:
        subprocess.run(["git", "-C", root, "worktree", "add", "--detach", tree, args.commit],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "peacesim"], cwd=tree,
                       check=True, env={**os.environ, "CARGO_TARGET_DIR": os.path.join(work, "t")})
        old = os.path.join(work, "t", "release", "peacesim")
        out = os.path.join(work, "out")
        print(f"| regime | {args.commit}: median CPU | working tree | ratio |"
              + (" instructions per run | ratio |" if args.instructions else ""))
        print("| --- | --- | --- | --- |" + (" --- | --- |" if args.instructions else ""))
        for regime in REGIMES:
            times = {"old": [], "new": []}
            for _ in range(args.pairs):
                times["old"].append(cpu_seconds(old, regime, args.replicates, out))
                times["new"].append(cpu_seconds(new, regime, args.replicates, out))
            o, n = statistics.median(times["old"]), statistics.median(times["new"])
            row = f"| {regime} | {o:.3f} s | {n:.3f} s | {n / o:.2f} |"
            if args.instructions:
                io = instructions_per_run(old, regime, work)
                inew = instructions_per_run(new, regime, work)
                row += f" {io / 1e6:.3f} → {inew / 1e6:.3f} M | {inew / io:.2f} |"
            print(row, flush=True)
    finally:
        subprocess.run(["git", "-C", root, "worktree", "remove", "--force", tree],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
