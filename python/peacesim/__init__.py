"""peacesim from Python: the simulation engine of the ``peacesim`` command line, run in process.

The functions mirror the commands::

    import peacesim
    res = peacesim.run("scenarios/baseline.toml", replicates=200, seed=7)
    res.summary          # pandas DataFrame: summary.csv
    res.runs             # runs.csv (one row per regime and replicate)
    res.timeseries       # timeseries.csv

    sw = peacesim.sweep(scenario_with_a_sweep_table)
    sw.sweep_runs, sw.sweep_summary, sw.sensitivity   # sensitivity: Morris designs only

    peacesim.check(scenario)     # the line `peacesim check` prints, or a ScenarioError
    peacesim.baseline()          # the built-in scenario: TOML text (as_dict=True: a dict)

A *scenario* is a path (``str`` or ``pathlib.Path``) of a TOML file, TOML text, a ``dict``
shaped like the TOML (``baseline(as_dict=True)`` is one to start from), or ``None`` for the
built-in baseline. A ``str`` names a file if such a file exists or if it holds no newline,
``=`` or ``[``; otherwise it is TOML text.

Every table is the command line's CSV file, produced by the same code in memory and parsed
with pandas: same columns, same rows, same numbers (``write_csv`` writes a table back byte for
byte). Bad input raises ``ScenarioError`` (a ``ValueError``) with the message the command line
prints after ``error: ``. The simulation runs without the GIL, on ``threads`` worker threads
(``None`` or 0: one per core); results are identical for any number of threads.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Union

import pandas as pd

from . import _peacesim
from ._peacesim import ScenarioError

__all__ = [
    "run",
    "sweep",
    "check",
    "baseline",
    "to_toml",
    "read_csv",
    "write_csv",
    "RunResult",
    "SweepResult",
    "ScenarioError",
    "__version__",
]

__version__ = _peacesim.__version__

Scenario = Union[str, "os.PathLike[str]", Dict[str, Any], None]

# Column types of the CSV files (output/README.md). Columns not named here (a sweep's
# parameters, columns of files added later) are typed by pandas.
_INT = {
    "replicate", "agreement", "relapse", "max_parallel_forums", "forum_switches",
    "dnh_violations", "rotations", "defections", "rival_initiatives", "visibility_moves",
    "month", "n", "n_pairs", "point", "open_tables", "parallel_forums", "active", "in_role",
}  # fmt: skip
_OPTIONAL_INT = {"agreement_month", "relapse_month", "complied"}
_UINT = {"seed"}
_TEXT = {
    "regime", "outcome", "metric", "reference", "parameter", "phase", "actor", "kind", "action",
    "table",
}  # fmt: skip
_FLOAT = {
    "cumulative_violence", "mean_parallel_forums", "final_trust_party", "final_trust_third",
    "leverage_spent", "coordination_cost", "compliance", "mean", "ci_low", "ci_high",
    "diff_mean", "diff_ci_low", "diff_ci_high", "mu_star", "mu", "sigma",
}  # fmt: skip


# pandas before 3 reads floats exactly only when asked; pandas 3 always does (and deprecates
# the option).
_PRECISE = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def _source(scenario: Scenario) -> tuple:
    """(kind, value, name in messages) for the native module."""
    if scenario is None:
        return ("baseline", "", "")
    if isinstance(scenario, dict):
        return ("toml", to_toml(scenario), "<dict>")
    if isinstance(scenario, os.PathLike):
        return ("path", os.fspath(scenario), "")
    if isinstance(scenario, str):
        looks_like_toml = any(c in scenario for c in "\n=[")
        if os.path.exists(scenario) or not looks_like_toml:
            return ("path", scenario, "")
        return ("toml", scenario, "<string>")
    raise TypeError(
        "scenario: expected a path (str or pathlib.Path), TOML text, a dict or None, "
        f"not {type(scenario).__name__}"
    )


def to_toml(scenario: Dict[str, Any]) -> str:
    """The TOML text of a scenario dict (ints stay integers, floats floats; ``None`` refused)."""
    if not isinstance(scenario, dict):
        raise TypeError(f"expected a dict, not {type(scenario).__name__}")

    def plain(x: Any) -> Any:  # numpy scalars and arrays, tuples
        if hasattr(x, "tolist"):
            return x.tolist()
        if hasattr(x, "item"):
            return x.item()
        raise TypeError(f"scenario: cannot write a {type(x).__name__} into TOML")

    try:
        text = json.dumps(scenario, default=plain, allow_nan=False)
    except ValueError as e:  # NaN or infinity
        raise ScenarioError(f"<dict>: {e}; TOML scenarios take finite numbers") from None
    return _peacesim.toml_from_json(text)


def baseline(as_dict: bool = False) -> Union[str, Dict[str, Any]]:
    """The built-in baseline scenario: the commented TOML template ``peacesim baseline``
    prints, or (``as_dict=True``) the same as a dict to edit and pass to ``run``."""
    text = _peacesim.baseline_toml()
    if as_dict:
        return json.loads(_peacesim.json_from_toml(text))
    return text


def check(scenario: Scenario) -> str:
    """Validates a scenario without running it. Returns the line ``peacesim check`` prints
    for a valid one; raises ``ScenarioError`` (message as the command line's, and
    ``problems``: a list of dicts with ``field``, ``value`` and ``allowed``) otherwise."""
    return _peacesim.check(*_source(scenario))


def _threads(threads: Optional[int]) -> int:
    if threads is None:
        return 0
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral) or threads < 0:
        raise ScenarioError(
            f"threads={threads!r}: expected a whole number, 0 or None for one per core"
        )
    return int(threads)


def _count(name: str, value: Optional[int], low: int) -> Optional[int]:
    if value is None:
        return None
    whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not whole or not low <= value < 2**64:
        raise ScenarioError(f"{name}={value!r}: expected a whole number from {low}")
    return int(value)


def read_csv(text: str, parameters: Sequence[str] = ()) -> pd.DataFrame:
    """A peacesim CSV file (its text) as a DataFrame: counts as ``int64`` (``Int64`` where
    they may be empty), seeds as ``uint64``, names as strings, other numbers as ``float64``;
    an empty cell is missing (NaN / <NA>)."""
    header = next(csv.reader(io.StringIO(text)))
    dtype: Dict[str, Any] = {}
    for col in header:
        if col in parameters:
            continue
        if col in _INT:
            dtype[col] = "int64"
        elif col in _OPTIONAL_INT:
            dtype[col] = "Int64"
        elif col in _UINT:
            dtype[col] = "uint64"
        elif col in _TEXT or (col.startswith("party") and col.endswith("_table")):
            dtype[col] = str
        elif col in _FLOAT:
            dtype[col] = "float64"
    return pd.read_csv(
        io.StringIO(text), dtype=dtype, keep_default_na=False, na_values=[""], **_PRECISE
    )


def _shortest(x: float) -> str:
    """A float as Rust's ``{}`` writes it (the sweep files' parameter values): the shortest
    text that reads back the same, never in exponent form, no ``.0`` on whole numbers."""
    if math.isnan(x):
        return ""
    text = repr(float(x))
    if "e" in text or "E" in text:
        import numpy as np

        text = np.format_float_positional(x, unique=True, trim="-")
    elif text.endswith(".0"):
        text = text[:-2]
    return text


def write_csv(
    df: pd.DataFrame, path: Union[str, "os.PathLike[str]", None] = None, parameters: Sequence[str] = ()
) -> Optional[str]:
    """Writes a table as peacesim writes its CSV files: numbers with a fractional part with
    six decimals, counts as integers, missing values as empty cells, the columns named in
    ``parameters`` (a sweep's parameter values) in their shortest exact form. A table from
    ``run`` or ``sweep``, written back, is byte for byte the command line's file. Returns the
    text when ``path`` is None."""
    cols = {}
    for name in df.columns:
        s = df[name]
        if pd.api.types.is_bool_dtype(s.dtype):
            # A swept switch is written true/false; other flags 0/1.
            if name in parameters:
                cols[name] = s.map(lambda b: "" if pd.isna(b) else str(bool(b)).lower())
            else:
                cols[name] = s.map(lambda b: "" if pd.isna(b) else str(int(b)))
        elif pd.api.types.is_integer_dtype(s.dtype):
            cols[name] = s.map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif pd.api.types.is_float_dtype(s.dtype):
            if name in parameters:
                cols[name] = s.map(_shortest)
            else:
                cols[name] = s.map(lambda v: "" if pd.isna(v) else f"{v:.6f}")
        else:
            cols[name] = s.map(lambda v: "" if pd.isna(v) else str(v))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([str(c) for c in df.columns])
    writer.writerows(zip(*(cols[c].tolist() for c in df.columns)) if len(df) else [])
    text = out.getvalue()
    if path is None:
        return text
    Path(path).write_text(text, encoding="utf-8", newline="")
    return None


@dataclass
class RunResult:
    """What ``run`` returns: the tables of ``peacesim run`` as DataFrames.

    ``runs`` (runs.csv), ``summary`` (summary.csv) and ``timeseries`` (timeseries.csv): the
    columns are documented in output/README.md. ``trajectories`` (trajectories.csv: every
    run's monthly state) with ``record="monthly"`` or ``"agents"``, and ``agents`` (agents.csv:
    every third party's monthly state) with ``record="agents"``; else None. ``csv`` holds each
    file's exact text by file name; ``scenario_toml`` is the scenario as run (defaults and
    overrides resolved); ``seed``, ``replicates``, ``regimes`` and ``threads`` say how it
    ran."""

    runs: pd.DataFrame = field(repr=False)
    summary: pd.DataFrame = field(repr=False)
    timeseries: pd.DataFrame = field(repr=False)
    csv: Dict[str, str] = field(repr=False)
    scenario_toml: str = field(repr=False)
    seed: int
    replicates: int
    regimes: List[str]
    threads: int
    trajectories: Optional[pd.DataFrame] = field(default=None, repr=False)
    agents: Optional[pd.DataFrame] = field(default=None, repr=False)

    def write(self, folder: Union[str, "os.PathLike[str]"]) -> None:
        """Writes runs.csv, timeseries.csv and summary.csv (the exact text) into ``folder``."""
        _write_files(folder, self.csv)


@dataclass
class SweepResult:
    """What ``sweep`` returns: the tables of ``peacesim sweep`` as DataFrames.

    ``sweep_runs`` (sweep_runs.csv), ``sweep_summary`` (sweep_summary.csv) and
    ``sensitivity`` (sensitivity.csv, Morris designs only, else None); ``tables`` maps every
    CSV file's name to its DataFrame and ``csv`` to its exact text. ``parameters`` are the
    swept paths (a column each), ``design`` the sweep design."""

    sweep_runs: pd.DataFrame = field(repr=False)
    sweep_summary: pd.DataFrame = field(repr=False)
    sensitivity: Optional[pd.DataFrame] = field(repr=False)
    tables: Dict[str, pd.DataFrame] = field(repr=False)
    csv: Dict[str, str] = field(repr=False)
    parameters: List[str]
    design: str
    scenario_toml: str = field(repr=False)
    threads: int

    def write(self, folder: Union[str, "os.PathLike[str]"]) -> None:
        """Writes every CSV file of the sweep (the exact text) into ``folder``."""
        _write_files(folder, self.csv)


def _write_files(folder: Union[str, "os.PathLike[str]"], files: Dict[str, str]) -> None:
    os.makedirs(folder, exist_ok=True)
    for name, text in files.items():
        Path(folder, name).write_text(text, encoding="utf-8", newline="")


def _regimes(regimes: Union[str, Sequence[str], None]) -> Optional[List[str]]:
    if regimes is None:
        return None
    if isinstance(regimes, str):
        return regimes.split(",")  # as --regimes a,b
    return [str(r) for r in regimes]


def run(
    scenario: Scenario = None,
    replicates: Optional[int] = None,
    regimes: Union[str, Sequence[str], None] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    record: Optional[str] = None,
) -> RunResult:
    """Runs every regime of a scenario over paired replicates, as ``peacesim run``.

    ``replicates``, ``regimes`` (a list, or comma-separated text) and ``seed`` override the
    scenario's ``[experiment]`` like ``--replicates``, ``--regimes`` and ``--seed``.
    ``threads``: worker threads (None or 0: one per core; results are identical for any).
    ``record``: ``"monthly"`` or ``"agents"`` also returns every run's path, like ``--record``
    (``"off"``, or None for the scenario's own ``experiment.record``)."""
    kind, value, source = _source(scenario)
    files, resolved, used = _peacesim.run(
        kind,
        value,
        source,
        replicates=_count("replicates", replicates, 1),
        seed=_count("seed", seed, 0),
        regimes=_regimes(regimes),
        threads=_threads(threads),
        record=record,
    )
    texts = dict(files)
    runs = read_csv(texts["runs.csv"])
    summary = read_csv(texts["summary.csv"])
    experiment = json.loads(_peacesim.json_from_toml(resolved))["experiment"]
    return RunResult(
        runs=runs,
        summary=summary,
        timeseries=read_csv(texts["timeseries.csv"]),
        csv=texts,
        scenario_toml=resolved,
        seed=experiment["seed"],
        replicates=experiment["replicates"],
        regimes=list(experiment["regimes"]),
        threads=used,
        trajectories=read_csv(texts["trajectories.csv"]) if "trajectories.csv" in texts else None,
        agents=read_csv(texts["agents.csv"]) if "agents.csv" in texts else None,
    )


def sweep(
    scenario: Scenario, threads: Optional[int] = None, record: Optional[str] = None
) -> SweepResult:
    """Runs the parameter sweep of a scenario's ``[sweep]`` table, as ``peacesim sweep``:
    every point × regime × replicate. The rows are held in memory (about 200 bytes a run;
    ``record="monthly"`` adds about 31 KB a run, ``"agents"`` 150 KB, in ``tables``); for
    sweeps of many millions of runs, use the command line (checkpoints, shards)."""
    kind, value, source = _source(scenario)
    files, parameters, design, resolved, used = _peacesim.sweep(
        kind, value, source, threads=_threads(threads), record=record
    )
    texts = dict(files)
    tables = {name: read_csv(text, parameters) for name, text in texts.items()}
    return SweepResult(
        sweep_runs=tables["sweep_runs.csv"],
        sweep_summary=tables["sweep_summary.csv"],
        sensitivity=tables.get("sensitivity.csv"),
        tables=tables,
        csv=texts,
        parameters=list(parameters),
        design=design,
        scenario_toml=resolved,
        threads=used,
    )
