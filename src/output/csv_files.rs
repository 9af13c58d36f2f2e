//! `runs.csv`, `timeseries.csv` and `summary.csv`.

use super::{fmt_f64, fmt_opt};
use crate::experiment::{OUTCOMES, ReplicateResult, ReplicateSink, Results, is_proportion};
use crate::model::{METRICS, RunOutcome};
use anyhow::{Context, Result};
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// Header of `runs.csv`.
pub const RUNS_HEADER: [&str; 21] = [
    "regime",
    "replicate",
    "seed",
    "agreement",
    "agreement_month",
    "relapse",
    "relapse_month",
    "cumulative_violence",
    "max_parallel_forums",
    "mean_parallel_forums",
    "forum_switches",
    "dnh_violations",
    "rotations",
    "final_trust_party",
    "final_trust_third",
    "leverage_spent",
    "coordination_cost",
    "compliance",
    "defections",
    "rival_initiatives",
    "visibility_moves",
];

/// Header of `timeseries.csv`.
pub const TIMESERIES_HEADER: [&str; 6] = ["regime", "month", "metric", "mean", "ci_low", "ci_high"];

/// Header of `summary.csv`.
pub const SUMMARY_HEADER: [&str; 11] = [
    "regime",
    "outcome",
    "n",
    "mean",
    "ci_low",
    "ci_high",
    "reference",
    "n_pairs",
    "diff_mean",
    "diff_ci_low",
    "diff_ci_high",
];

/// Streams `runs.csv` as replicates finish: one row per regime and replicate.
pub struct RunsWriter {
    out: csv::Writer<BufWriter<File>>,
    regimes: Vec<String>,
    /// Named in every write error (a full disk must say which file it stopped).
    path: std::path::PathBuf,
}

impl RunsWriter {
    pub fn create(path: &Path, regimes: Vec<String>) -> Result<Self> {
        let file =
            File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
        let mut out = csv::Writer::from_writer(BufWriter::new(file));
        out.write_record(RUNS_HEADER)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Self {
            out,
            regimes,
            path: path.to_path_buf(),
        })
    }

    /// Flushes and syncs the file.
    pub fn finish(self) -> Result<()> {
        let path = self.path.display().to_string();
        let file = self
            .out
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write {path}: {}", e.error()))?
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write {path}: {}", e.error()))?;
        file.sync_all()
            .with_context(|| format!("cannot write {path}"))?;
        Ok(())
    }
}

impl ReplicateSink for RunsWriter {
    fn accept(&mut self, rep: &ReplicateResult) -> Result<()> {
        write_runs_rows(&mut self.out, &self.regimes, rep)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}

/// The rows of `runs.csv` for one replicate.
fn write_runs_rows<W: std::io::Write>(
    out: &mut csv::Writer<W>,
    regimes: &[String],
    rep: &ReplicateResult,
) -> csv::Result<()> {
    for (name, o) in regimes.iter().zip(&rep.outcomes) {
        let id = [
            name.clone(),
            rep.replicate.to_string(),
            rep.seed.to_string(),
        ];
        out.write_record(
            id.iter()
                .map(String::as_str)
                .chain(outcome_fields(o).iter().map(String::as_str)),
        )?;
    }
    Ok(())
}

/// `runs.csv` in memory, byte for byte what [`RunsWriter`] writes to the file (for the Python
/// package, which hands it to pandas).
pub struct RunsCsv {
    out: csv::Writer<Vec<u8>>,
    regimes: Vec<String>,
}

impl RunsCsv {
    pub fn new(regimes: Vec<String>) -> Result<Self> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(RUNS_HEADER)?;
        Ok(Self { out, regimes })
    }

    /// The CSV text written so far.
    pub fn into_bytes(self) -> Result<Vec<u8>> {
        self.out
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write runs.csv: {}", e.error()))
    }
}

impl ReplicateSink for RunsCsv {
    fn accept(&mut self, rep: &ReplicateResult) -> Result<()> {
        Ok(write_runs_rows(&mut self.out, &self.regimes, rep)?)
    }
}

/// Number of outcome columns of a run.
pub const OUTCOME_FIELDS: usize = RUNS_HEADER.len() - 3;

/// The outcome columns of a run, as `runs.csv` and `sweep_runs.csv` write them (the columns of
/// [`RUNS_HEADER`] after regime, replicate and seed).
pub fn outcome_fields(o: &RunOutcome) -> [String; OUTCOME_FIELDS] {
    let flag = |b: bool| if b { "1" } else { "0" }.to_string();
    let month = |m: Option<u32>| m.map(|m| m.to_string()).unwrap_or_default();
    [
        flag(o.agreement_month.is_some()),
        month(o.agreement_month),
        flag(o.relapse_month.is_some()),
        month(o.relapse_month),
        fmt_f64(o.cumulative_violence),
        o.max_parallel_forums.to_string(),
        fmt_f64(o.mean_parallel_forums),
        o.forum_switches.to_string(),
        o.dnh_violations.to_string(),
        o.rotations.to_string(),
        fmt_f64(o.final_trust_party),
        fmt_f64(o.final_trust_third),
        fmt_f64(o.leverage_spent),
        fmt_f64(o.coordination_cost),
        fmt_opt(o.compliance),
        o.defections.to_string(),
        o.rival_initiatives.to_string(),
        o.visibility_moves.to_string(),
    ]
}

/// `timeseries.csv` in tidy (long) form: regime, month (1-based), metric, mean and 95% CI.
pub fn timeseries_csv(results: &Results) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(TIMESERIES_HEADER)?;
    for (r, name) in results.regime_names.iter().enumerate() {
        for month in 0..results.months {
            for (k, metric) in METRICS.iter().enumerate() {
                let m = &results.timeseries[r][month * METRICS.len() + k];
                let ci = if matches!(*metric, "agreement" | "relapse") {
                    m.wilson95()
                } else {
                    m.ci95()
                };
                out.write_record([
                    name.as_str(),
                    &(month + 1).to_string(),
                    metric,
                    &fmt_opt(m.mean()),
                    &fmt_opt(ci.map(|c| c.0)),
                    &fmt_opt(ci.map(|c| c.1)),
                ])?;
            }
        }
    }
    Ok(out.into_inner()?)
}

/// `summary.csv`: per regime and outcome, the mean and 95% CI, and the paired difference from
/// the reference regime with its 95% CI.
pub fn summary_csv(results: &Results) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(SUMMARY_HEADER)?;
    let reference = &results.regime_names[results.reference];
    for (r, name) in results.regime_names.iter().enumerate() {
        for (k, outcome) in OUTCOMES.iter().enumerate() {
            let s = &results.summary[r][k];
            let ci = if is_proportion(outcome) {
                s.values.wilson95()
            } else {
                s.values.ci95()
            };
            // The reference's difference from itself is not a result: leave it empty.
            let d = if r == results.reference {
                &crate::experiment::stats::Moments::default()
            } else {
                &s.difference
            };
            let dci = d.ci95();
            out.write_record([
                name.as_str(),
                outcome,
                &s.values.n.to_string(),
                &fmt_opt(s.values.mean()),
                &fmt_opt(ci.map(|c| c.0)),
                &fmt_opt(ci.map(|c| c.1)),
                reference.as_str(),
                &d.n.to_string(),
                &fmt_opt(d.mean()),
                &fmt_opt(dci.map(|c| c.0)),
                &fmt_opt(dci.map(|c| c.1)),
            ])?;
        }
    }
    Ok(out.into_inner()?)
}
