"""The Python package against the command line built from the same source: same files byte
for byte, same messages, any input form, any number of threads, and the GIL released."""

import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import peacesim
from conftest import BASELINE, GRID, LHS, MORRIS, SOBOL, with_sweep

RUN_FILES = ["runs.csv", "summary.csv", "timeseries.csv"]


def cli_error(cli, *args):
    """The message the command line prints for bad input (exit status 2), without `error: `."""
    done = cli(*args, expect=2)
    assert done.stderr.startswith("error: ") and done.stderr.endswith("\n"), done.stderr
    return done.stderr[len("error: ") : -1]


def raised(fn, *args, **kwargs):
    with pytest.raises(peacesim.ScenarioError) as info:
        fn(*args, **kwargs)
    assert isinstance(info.value, ValueError)
    return info.value


def same_values(df, theirs):
    """Every cell equal (exactly), missing where the other is missing."""
    for c in df.columns:
        a, b = df[c], theirs[c]
        assert a.isna().tolist() == b.isna().tolist(), c
        assert a[~a.isna()].tolist() == b[~b.isna()].tolist(), c


# --- results equal the command line's files ------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A scenario file (the baseline with four regimes) and the CLI's run of it."""
    folder = tmp_path_factory.mktemp("run")
    scenario = folder / "small.toml"
    scenario.write_text(
        BASELINE.read_text(encoding="utf-8").replace(
            'regimes = ["competitive", "hierarchical", "network"]',
            'regimes = ["competitive", "hierarchical", "network", "contact_group"]',
        ),
        encoding="utf-8",
    )
    return scenario, folder


def test_run_equals_the_cli_byte_for_byte(cli, small):
    scenario, folder = small
    out = folder / "cli-out"
    cli("run", scenario, "--replicates", 40, "--seed", 77, "--threads", 2, "--out", out,
        "--no-plots", "-q")  # fmt: skip
    res = peacesim.run(scenario, replicates=40, seed=77, threads=2)
    assert res.regimes == ["competitive", "hierarchical", "network", "contact_group"]
    assert (res.seed, res.replicates, res.threads) == (77, 40, 2)
    for name, df in [("runs.csv", res.runs), ("summary.csv", res.summary),
                     ("timeseries.csv", res.timeseries)]:  # fmt: skip
        expected = (out / name).read_bytes()
        # The text the library produced, and the DataFrame written back, are the CLI's file.
        assert res.csv[name].encode() == expected, name
        assert peacesim.write_csv(df).encode() == expected, name
        # The DataFrame holds the file's values (pandas' own reading of the CLI's file).
        theirs = pd.read_csv(out / name, keep_default_na=False, na_values=[""])
        assert list(df.columns) == list(theirs.columns)
        same_values(df, theirs)
    assert len(res.runs) == 4 * 40
    assert res.runs["agreement_month"].isna().any()  # undefined months are missing, not 0
    assert (out / "scenario.toml").read_text().endswith(res.scenario_toml)


def test_run_writes_the_cli_files(cli, small, tmp_path):
    scenario, folder = small
    res = peacesim.run(str(scenario), replicates=40, seed=77, threads=1)
    res.write(tmp_path)
    for name in RUN_FILES:
        assert (tmp_path / name).read_bytes() == (folder / "cli-out" / name).read_bytes()


@pytest.mark.parametrize(
    "design", [GRID, LHS, MORRIS, SOBOL], ids=["grid", "lhs", "morris", "sobol"]
)
def test_sweep_equals_the_cli_byte_for_byte(cli, tmp_path, design):
    scenario = tmp_path / "sweep.toml"
    scenario.write_text(with_sweep(design), encoding="utf-8")
    out = tmp_path / "cli-sweep"
    cli("sweep", scenario, "--threads", 2, "--out", out, "--no-plots", "-q")
    res = peacesim.sweep(scenario, threads=2)
    cli_csv = sorted(p.name for p in out.glob("*.csv"))
    # Every CSV file the command line writes, and no other.
    assert sorted(res.csv) == cli_csv
    assert sorted(res.tables) == cli_csv
    for name in cli_csv:
        expected = (out / name).read_bytes()
        assert res.csv[name].encode() == expected, name
        written = peacesim.write_csv(res.tables[name], parameters=res.parameters)
        assert written.encode() == expected, name
    assert res.parameters == [
        line.split('"')[1] for line in design.splitlines() if line.startswith("path =")
    ]
    assert res.sweep_runs.columns[: 1 + len(res.parameters)].tolist() == ["point", *res.parameters]
    assert (res.sensitivity is not None) == ("morris" in design or "sobol" in design)
    assert res.design in design


def test_recorded_runs_and_sweeps_equal_the_cli_byte_for_byte(cli, small, tmp_path):
    scenario, folder = small
    out = tmp_path / "recorded"
    cli("run", scenario, "--replicates", 6, "--record", "agents", "--out", out, "--no-plots",
        "-q")  # fmt: skip
    res = peacesim.run(scenario, replicates=6, record="agents")
    for name, df in [("trajectories.csv", res.trajectories), ("agents.csv", res.agents)]:
        expected = (out / name).read_bytes()
        assert res.csv[name].encode() == expected, name
        assert peacesim.write_csv(df).encode() == expected, name
    assert len(res.trajectories) == 4 * 6 * 180
    assert peacesim.run(scenario, replicates=6).trajectories is None
    sweep_file = tmp_path / "sweep.toml"
    sweep_file.write_text(with_sweep(GRID), encoding="utf-8")
    sweep_out = tmp_path / "recorded-sweep"
    cli("sweep", sweep_file, "--record", "monthly", "--out", sweep_out, "--no-plots", "-q")
    swept = peacesim.sweep(sweep_file, record="monthly")
    expected = (sweep_out / "trajectories.csv").read_bytes()
    assert swept.csv["trajectories.csv"].encode() == expected
    with pytest.raises(peacesim.ScenarioError) as info:
        peacesim.run(scenario, replicates=2, record="daily")
    assert "monthly" in str(info.value)


# --- messages ------------------------------------------------------------------------------


def test_bad_scenarios_raise_the_cli_message(cli, tmp_path):
    text = BASELINE.read_text(encoding="utf-8")
    cases = {
        "invalid.toml": text.replace("build_rate = 0.04", "build_rate = 1.5"),
        "misspelt.toml": text.replace("build_rate = 0.04", "build_rat = 0.04"),
        "syntax.toml": text.replace("[trust]", "[trust"),
    }
    for name, body in cases.items():
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        message = cli_error(cli, "run", path, "--out", tmp_path / "never", "-q")
        assert str(raised(peacesim.run, path)) == message
        assert str(raised(peacesim.run, str(path))) == message
        assert str(raised(peacesim.check, path)) == cli_error(cli, "check", path)
        # The same text, given as TOML, names <string> where the file name was.
        from_text = str(raised(peacesim.run, body))
        assert from_text == message.replace(str(path), "<string>")
    invalid = raised(peacesim.check, tmp_path / "invalid.toml")
    assert invalid.problems == [
        {"field": "trust.build_rate", "value": "1.5", "allowed": invalid.problems[0]["allowed"]}
    ]
    assert "from 0 to 1" in invalid.problems[0]["allowed"]


def test_missing_file_and_bad_options_raise_the_cli_message(cli, tmp_path):
    missing = tmp_path / "nowhere.toml"
    assert str(raised(peacesim.run, missing)) == cli_error(cli, "run", missing, "-q")
    assert str(raised(peacesim.run, "nowhere.toml")) == cli_error(cli, "check", "nowhere.toml")
    out = tmp_path / "never"
    assert str(raised(peacesim.run, BASELINE, regimes=["competitive", "bogus"])) == cli_error(
        cli, "run", BASELINE, "--regimes", "competitive,bogus", "--out", out, "-q"
    )
    assert str(raised(peacesim.run, BASELINE, regimes="competitive,bogus")) == cli_error(
        cli, "run", BASELINE, "--regimes", "competitive,bogus", "--out", out, "-q"
    )
    assert str(raised(peacesim.run, BASELINE, threads=100000)) == cli_error(
        cli, "run", BASELINE, "--threads", 100000, "--out", out, "-q"
    )
    # An override that makes the scenario invalid: revalidated with the CLI's words.
    twice = raised(peacesim.run, BASELINE, regimes=["competitive", "competitive"])
    assert str(twice) == cli_error(
        cli, "run", BASELINE, "--regimes", "competitive,competitive", "--out", out, "-q"
    )
    assert [p["field"] for p in twice.problems] == ["experiment.regimes[1]"]
    assert "at least one" in str(raised(peacesim.run, BASELINE, regimes=[]))
    assert str(raised(peacesim.sweep, BASELINE)) == cli_error(
        cli, "sweep", BASELINE, "--out", out, "-q"
    )
    assert not out.exists()


def test_check_and_baseline_print_what_the_cli_prints(cli):
    assert peacesim.check(BASELINE) + "\n" == cli("check", BASELINE).stdout
    assert peacesim.check(str(BASELINE)) + "\n" == cli("check", str(BASELINE)).stdout
    assert peacesim.baseline() == cli("baseline").stdout
    assert peacesim.check(None).startswith("<built-in baseline>: ok")


def test_dict_mistakes_are_scenario_errors():
    d = peacesim.baseline(as_dict=True)
    d["trust"]["build_rate"] = "fast"
    assert "trust.build_rate" in str(raised(peacesim.check, d))
    d = peacesim.baseline(as_dict=True)
    d["trust"]["build_rate"] = None
    assert str(raised(peacesim.check, d)).startswith("<dict>: field `trust.build_rate`: None")
    d["trust"]["build_rate"] = float("nan")
    raised(peacesim.check, d)
    with pytest.raises(TypeError):
        peacesim.run(42)
    raised(peacesim.run, None, replicates=-1)
    raised(peacesim.run, None, threads=-2)


# --- input forms, threads, seeds -----------------------------------------------------------


def test_path_text_and_dict_give_the_same_results(tmp_path):
    d = peacesim.baseline(as_dict=True)
    d["experiment"]["replicates"] = 12
    d["trust"]["build_rate"] = 0.05  # a float
    d["rotation"]["posting_months"] = 30  # an integer
    text = peacesim.to_toml(d)
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    results = [peacesim.run(s, seed=3) for s in (d, text, path, str(path))]
    for r in results[1:]:
        assert r.csv == results[0].csv
    # The commented template, edited as text, is the same scenario as the dict.
    template = (
        peacesim.baseline()
        .replace("replicates = 1000 ", "replicates = 12 ")
        .replace("build_rate = 0.04", "build_rate = 0.05")
        .replace("posting_months = 36", "posting_months = 30")
    )
    assert peacesim.run(template, seed=3).csv == results[0].csv
    # The built-in baseline (None) is the file scenarios/baseline.toml.
    assert peacesim.run(None, replicates=5).csv == peacesim.run(BASELINE, replicates=5).csv


def test_results_do_not_depend_on_threads_and_follow_the_seed():
    one = peacesim.run(None, replicates=60, seed=123, threads=1)
    two = peacesim.run(None, replicates=60, seed=123, threads=2)
    four = peacesim.run(None, replicates=60, seed=123, threads=4)
    assert one.csv == two.csv == four.csv
    assert peacesim.run(None, replicates=60, seed=124, threads=2).csv != one.csv
    sweep_text = with_sweep(GRID)
    assert peacesim.sweep(sweep_text, threads=1).csv == peacesim.sweep(sweep_text, threads=2).csv


def test_the_gil_is_released_while_simulating():
    """A Python thread keeps running while a simulation proceeds. Were the GIL held through
    the simulation, the ticker could not run until it returned and no tick would fall inside
    the run."""
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.002)

    thread = threading.Thread(target=ticker)
    thread.start()
    try:
        # Long enough to tell on a fast, idle machine too: more replicates until it takes 0.3 s.
        for replicates in (400, 1600, 6400):
            time.sleep(0.05)
            start = time.perf_counter()
            peacesim.run(None, replicates=replicates, seed=1, threads=1)
            end = time.perf_counter()
            if end - start > 0.3:
                break
    finally:
        stop.set()
        thread.join()
    assert end - start > 0.3, f"the run took {end - start:.2f} s: too short to tell"
    inside = [t for t in ticks if start + 0.05 < t < end - 0.05]
    # At one tick per 2 ms (more with a busy machine's delays), hundreds are expected; 10 is
    # far above what a held GIL allows (none).
    assert len(inside) >= 10, f"{len(inside)} ticks in a {end - start:.2f} s run"


def test_the_lhs_example_runs():
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "examples" / "lhs_study.py"
    done = subprocess.run(
        [sys.executable, str(script), "--samples", "6", "--replicates", "4", "--threads", "2"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "lhs: 72 runs" in done.stdout, done.stdout
    assert "Spearman rank correlation" in done.stdout
    assert "leverage.regen_rate" in done.stdout
