"""Shared fixtures: the command-line binary built from the same source, and scenario files."""

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "scenarios" / "baseline.toml"


def cli_path() -> Path:
    """The `peacesim` binary to compare with: $PEACESIM_CLI, else the repository's release
    build. Missing is a failure, not a skip: `cargo build --release` at the root first."""
    path = Path(os.environ.get("PEACESIM_CLI", REPO / "target" / "release" / "peacesim"))
    if not path.is_file():
        pytest.fail(
            f"{path}: no peacesim binary to compare with; run `cargo build --release` at the "
            "repository root (or set PEACESIM_CLI)",
            pytrace=False,
        )
    return path


class Cli:
    def __init__(self, path: Path):
        self.path = path

    def __call__(self, *args, expect=0):
        done = subprocess.run(
            [str(self.path), *map(str, args)], capture_output=True, text=True, timeout=600
        )
        assert done.returncode == expect, (
            f"peacesim {' '.join(map(str, args))}: exit {done.returncode}, expected {expect}\n"
            f"{done.stderr}"
        )
        return done


@pytest.fixture(scope="session")
def cli():
    return Cli(cli_path())


def with_sweep(table: str) -> str:
    """The baseline scenario with a [sweep] table appended."""
    return BASELINE.read_text(encoding="utf-8") + "\n" + table


GRID = """
[sweep]
design = "grid"
replicates = 4
seed = 11

[[sweep.parameters]]
path = "rotation.posting_months"
values = [24, 48]

[[sweep.parameters]]
path = "trust.build_rate"
min = 0.02
max = 0.07
steps = 3
"""

LHS = """
[sweep]
design = "lhs"
samples = 5
replicates = 3
seed = 5

[[sweep.parameters]]
path = "trust.build_rate"
min = 0.01
max = 0.09

[[sweep.parameters]]
path = "leverage.regen_rate"
min = 0.01
max = 0.1
"""

MORRIS = """
[sweep]
design = "morris"
samples = 3
levels = 4
replicates = 3
seed = 9

[[sweep.parameters]]
path = "rotation.posting_months"
min = 24
max = 48

[[sweep.parameters]]
path = "trust.build_rate"
min = 0.02
max = 0.08
"""

SOBOL = """
[sweep]
design = "sobol"
samples = 16
replicates = 2
seed = 3

[[sweep.parameters]]
path = "trust.build_rate"
min = 0.02
max = 0.08

[[sweep.parameters]]
path = "mechanisms.forum_shopping"
values = [true, false]
"""
