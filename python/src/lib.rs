//! The native half of the Python package `peacesim`: loads scenarios, runs experiments and
//! sweeps with the peacesim crate (the command line's code, called the same way) and hands
//! back the CSV files the command line writes, as text, for `peacesim/__init__.py` to turn into
//! pandas DataFrames. The GIL is released while simulating.

use peacesim::commands::{self, Overrides};
use peacesim::experiment::design::SweepPlan;
use peacesim::experiment::sweep::{RegimeFactory, Shard, run_units};
use peacesim::experiment::{self, Design};
use peacesim::experiment::{ReplicateResult, ReplicateSink};
use peacesim::output::sweep_files::{SweepWriter, sweep_recorded_headers};
use peacesim::output::sweep_report::finalize_sweep;
use peacesim::output::trajectories::{AGENTS, TRAJECTORIES, agents_header, trajectories_header};
use peacesim::output::{RunsCsv, summary_csv, timeseries_csv};
use peacesim::regime;
use peacesim::scenario::{
    BASELINE_SOURCE, BASELINE_TOML, RecordLevel, Scenario, ScenarioError as LoadError, printable,
};
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::path::Path;
use std::sync::Arc;

create_exception!(
    peacesim,
    ScenarioError,
    PyValueError,
    "Bad input: a scenario that cannot be read or is invalid, or bad options. The message is \
     the one the command line prints after `error: `; `problems` lists the validation problems \
     (dicts with field, value and allowed), empty for other mistakes."
);

/// An input error: the command line's message (exit status 2), as a `ScenarioError`.
fn input_error(py: Python<'_>, message: &str, problems: &[peacesim::scenario::Problem]) -> PyErr {
    let err = ScenarioError::new_err(printable(message).into_owned());
    let list = PyList::empty(py);
    for p in problems {
        let d = PyDict::new(py);
        let filled = d
            .set_item("field", &p.field)
            .and_then(|_| d.set_item("value", &p.value))
            .and_then(|_| d.set_item("allowed", &p.allowed))
            .and_then(|_| list.append(d));
        if let Err(e) = filled {
            return e;
        }
    }
    if let Err(e) = err.value(py).setattr("problems", list) {
        return e;
    }
    err
}

/// A failure while running (exit status 1 on the command line), as a `RuntimeError`.
fn runtime_error(e: anyhow::Error) -> PyErr {
    PyRuntimeError::new_err(printable(&format!("{e:#}")).into_owned())
}

/// Where a scenario comes from: `kind` is `path` (a file, named `value`), `toml` (the text
/// `value`, named `source` in messages) or `baseline` (the built-in scenario).
fn load(py: Python<'_>, kind: &str, value: &str, source: &str) -> PyResult<(Scenario, String)> {
    let loaded: Result<(Scenario, String), LoadError> = match kind {
        "path" => Scenario::from_file(Path::new(value)).map(|s| (s, value.to_string())),
        // A dict's TOML is written by the package, not the user: its lines mean nothing to them.
        "toml" if source == "<dict>" => Scenario::from_toml_str(value, source)
            .map(|s| (s, source.to_string()))
            .map_err(LoadError::without_locations),
        "toml" => Scenario::from_toml_str(value, source).map(|s| (s, source.to_string())),
        "baseline" => Ok((Scenario::baseline(), BASELINE_SOURCE.to_string())),
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown scenario kind {other:?}"
            )));
        }
    };
    loaded.map_err(|e| input_error(py, &e.to_string(), e.problems()))
}

fn threads_of(py: Python<'_>, requested: usize) -> PyResult<usize> {
    commands::resolve_threads(requested).map_err(|m| input_error(py, &m, &[]))
}

/// What a run returns: the CSV files (name, text), the resolved scenario as TOML, the threads.
type RunOutput = (Vec<(String, String)>, String, usize);

/// `peacesim run` without the folder: runs.csv, timeseries.csv and summary.csv as text.
#[pyfunction]
#[pyo3(signature = (kind, value, source, replicates=None, seed=None, regimes=None, threads=0, record=None))]
#[allow(clippy::too_many_arguments)]
fn run(
    py: Python<'_>,
    kind: &str,
    value: &str,
    source: &str,
    replicates: Option<u64>,
    seed: Option<u64>,
    regimes: Option<Vec<String>>,
    threads: usize,
    record: Option<String>,
) -> PyResult<RunOutput> {
    let (mut scenario, source) = load(py, kind, value, source)?;
    let record = record
        .map(|r| RecordLevel::parse(&r).map_err(|m| input_error(py, &format!("record: {m}"), &[])))
        .transpose()?;
    let overrides = Overrides {
        replicates,
        seed,
        regimes: regimes.as_deref(),
        record,
    };
    commands::apply_overrides(&mut scenario, &source, overrides)
        .map_err(|m| input_error(py, &m, &revalidation_problems(&scenario)))?;
    let threads = threads_of(py, threads)?;
    let built = regime::from_scenario(&scenario).map_err(|m| input_error(py, &m, &[]))?;
    let resolved = toml::to_string(&scenario).map_err(|e| runtime_error(e.into()))?;
    let files = py
        .detach(|| run_csv(&scenario, built, threads))
        .map_err(runtime_error)?;
    Ok((files, resolved, threads))
}

/// The validation problems of a scenario changed by overrides (for `ScenarioError.problems`).
fn revalidation_problems(scenario: &Scenario) -> Vec<peacesim::scenario::Problem> {
    match scenario.revalidate("") {
        Err(e) => e.problems().to_vec(),
        Ok(()) => Vec::new(),
    }
}

fn run_csv(
    scenario: &Scenario,
    regimes: Vec<Arc<dyn regime::Regime>>,
    threads: usize,
) -> anyhow::Result<Vec<(String, String)>> {
    let design = Design {
        replicates: scenario.experiment.replicates,
        seed: scenario.experiment.seed,
        threads,
        regimes,
    };
    let names: Vec<String> = design
        .regimes
        .iter()
        .map(|r| r.name().to_string())
        .collect();
    let runs = RunsCsv::new(names)?;
    let level = scenario.experiment.record;
    let id = ["regime", "replicate"];
    let recorded = Recorded {
        monthly: (!level.is_off())
            .then(|| trajectories_header(&id, scenario))
            .transpose()?,
        agents: (level == RecordLevel::Agents)
            .then(|| agents_header(&id))
            .transpose()?,
    };
    let mut sinks = (runs, recorded);
    let results = experiment::run(scenario, &design, &mut sinks, &mut |_| {})?;
    let (runs, recorded) = sinks;
    let mut files = vec![
        ("runs.csv".to_string(), text(runs.into_bytes()?)?),
        (
            "timeseries.csv".to_string(),
            text(timeseries_csv(&results)?)?,
        ),
        ("summary.csv".to_string(), text(summary_csv(&results)?)?),
    ];
    if let Some(bytes) = recorded.monthly {
        files.push((TRAJECTORIES.to_string(), text(bytes)?));
    }
    if let Some(bytes) = recorded.agents {
        files.push((AGENTS.to_string(), text(bytes)?));
    }
    Ok(files)
}

/// The recorded rows of a run (`record`), in memory: `trajectories.csv` and `agents.csv` with
/// their headers, as the command line writes them.
struct Recorded {
    monthly: Option<Vec<u8>>,
    agents: Option<Vec<u8>>,
}

impl ReplicateSink for Recorded {
    fn accept(&mut self, rep: &ReplicateResult) -> anyhow::Result<()> {
        for r in &rep.recorded {
            if let Some(m) = &mut self.monthly {
                m.extend_from_slice(&r.monthly);
            }
            if let Some(a) = &mut self.agents {
                a.extend_from_slice(&r.agents);
            }
        }
        Ok(())
    }
}

fn text(bytes: Vec<u8>) -> anyhow::Result<String> {
    Ok(String::from_utf8(bytes)?)
}

/// What a sweep returns: the CSV files (name, text), the parameter columns, the design, the
/// resolved scenario as TOML and the threads.
type SweepOutput = (Vec<(String, String)>, Vec<String>, String, String, usize);

/// `peacesim sweep` without the folder: the sweep is written, with the command line's writer,
/// into a temporary folder that is read back (every CSV file in it) and deleted.
#[pyfunction]
#[pyo3(signature = (kind, value, source, threads=0, record=None))]
fn sweep(
    py: Python<'_>,
    kind: &str,
    value: &str,
    source: &str,
    threads: usize,
    record: Option<String>,
) -> PyResult<SweepOutput> {
    let (mut scenario, source) = load(py, kind, value, source)?;
    if let Some(r) = record {
        scenario.experiment.record =
            RecordLevel::parse(&r).map_err(|m| input_error(py, &format!("record: {m}"), &[]))?;
    }
    let Some(config) = scenario.sweep.clone() else {
        return Err(input_error(
            py,
            &format!(
                "{source}: has no [sweep] table; add one (see scenarios/sweep_rotation.toml) or \
                 use `peacesim run`"
            ),
            &[],
        ));
    };
    let threads = threads_of(py, threads)?;
    // Scenario validation has checked every point (the same check as `peacesim check`).
    let plan = SweepPlan::new(&scenario, &config);
    let resolved = toml::to_string(&scenario).map_err(|e| runtime_error(e.into()))?;
    let files = py
        .detach(|| sweep_csv(&scenario, &plan, threads))
        .map_err(runtime_error)?;
    Ok((
        files,
        plan.names.clone(),
        plan.design.as_str().to_string(),
        resolved,
        threads,
    ))
}

fn sweep_csv(
    scenario: &Scenario,
    plan: &SweepPlan,
    threads: usize,
) -> anyhow::Result<Vec<(String, String)>> {
    let tmp = tempfile::Builder::new()
        .prefix("peacesim-sweep-")
        .tempdir()?;
    let dir = tmp.path().join("sweep");
    let regimes = scenario.experiment.regimes.clone();
    let units = Shard::WHOLE.units(plan.units());
    let mut writer = SweepWriter::start_recording(
        &dir,
        "python",
        Shard::WHOLE,
        units.clone(),
        plan,
        regimes.clone(),
        false,
        sweep_recorded_headers(scenario)?,
    )?;
    let factory: &RegimeFactory =
        &|s: &Scenario| regime::from_scenario(s).map_err(anyhow::Error::msg);
    run_units(scenario, plan, factory, units, threads, &mut |chunk| {
        writer.write_chunk(plan, chunk)
    })?;
    writer.verify(plan)?;
    // As `peacesim sweep` finishes a whole sweep, with the same function, without the plots.
    finalize_sweep(&dir, scenario, plan, false, "")?;
    writer.finish()?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if name.ends_with(".csv") && !name.starts_with('.') {
            files.push((name, std::fs::read_to_string(&path)?));
        }
    }
    files.sort();
    Ok(files)
}

/// `peacesim check` of one scenario: its line on success, else a `ScenarioError`.
#[pyfunction]
fn check(py: Python<'_>, kind: &str, value: &str, source: &str) -> PyResult<String> {
    let (scenario, source) = load(py, kind, value, source)?;
    Ok(commands::check_line(&source, &scenario))
}

/// `peacesim baseline`: the built-in scenario, a commented template.
#[pyfunction]
fn baseline_toml() -> &'static str {
    BASELINE_TOML
}

/// TOML text from the JSON of a Python dict (ints stay integers, floats floats); `None` and
/// integers beyond TOML's range are refused naming the key.
#[pyfunction]
fn toml_from_json(py: Python<'_>, json: &str) -> PyResult<String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let converted =
        to_toml(&value, "").map_err(|m| input_error(py, &format!("<dict>: {m}"), &[]))?;
    match converted {
        toml::Value::Table(t) => toml::to_string(&t).map_err(|e| runtime_error(e.into())),
        _ => Err(input_error(
            py,
            "a scenario dict must be a dict (a TOML table)",
            &[],
        )),
    }
}

fn to_toml(v: &serde_json::Value, path: &str) -> Result<toml::Value, String> {
    use serde_json::Value as J;
    let at = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    Ok(match v {
        J::Null => {
            return Err(format!(
                "field `{path}`: None has no TOML form; leave the key out to take the default"
            ));
        }
        J::Bool(b) => toml::Value::Boolean(*b),
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                toml::Value::Integer(i)
            } else if n.is_u64() {
                return Err(format!(
                    "field `{path}` = {n}: too large for TOML (integers up to {})",
                    i64::MAX
                ));
            } else {
                toml::Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        J::String(s) => toml::Value::String(s.clone()),
        J::Array(items) => toml::Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| to_toml(x, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        J::Object(map) => {
            let mut table = toml::Table::new();
            for (k, x) in map {
                table.insert(k.clone(), to_toml(x, &at(k))?);
            }
            toml::Value::Table(table)
        }
    })
}

/// JSON of a TOML text (for `baseline(as_dict=True)` on Pythons without `tomllib`).
#[pyfunction]
fn json_from_toml(py: Python<'_>, text: &str) -> PyResult<String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| input_error(py, &e.to_string(), &[]))?;
    serde_json::to_string(&table).map_err(|e| runtime_error(e.into()))
}

/// The peacesim simulation engine (native module; use the `peacesim` package).
#[pymodule]
fn _peacesim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(baseline_toml, m)?)?;
    m.add_function(wrap_pyfunction!(toml_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(json_from_toml, m)?)?;
    Ok(())
}
