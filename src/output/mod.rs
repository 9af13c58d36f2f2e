//! Writers: the run's CSV files and manifest, into a folder that is replaced whole.
//!
//! Column meanings are documented in `output/README.md`.

pub mod benchmark_files;
mod csv_files;
mod folder;
mod manifest;
pub mod plots;
#[doc(hidden)]
pub mod report;
pub mod sobol_files;
pub mod sweep_files;
pub mod sweep_report;
pub mod target;
mod trace;
pub mod trajectories;

pub use csv_files::{
    OUTCOME_FIELDS, RUNS_HEADER, RunsCsv, RunsWriter, SUMMARY_HEADER, TIMESERIES_HEADER,
    outcome_fields, summary_csv, timeseries_csv,
};
pub use folder::{MARKER, StagedDir};
pub use manifest::{BuildInfo, Manifest, build_info};
pub use report::{ReportInfo, escape, report_html};
pub use target::{Input, OutputTarget, claim};
pub use trace::{EVENTS_HEADER, chronicle, events_csv};

/// A paired difference of a share and its 95% interval as the reports show it, in pp:
/// `(mean, low, high, clear)`; see [`report::difference_text`].
pub fn share_difference_text(x: f64, lo: f64, hi: f64) -> (String, String, String, bool) {
    report::difference_text("agreement", x, lo, hi)
}

/// The stylesheet of every report page.
pub fn report_style() -> &'static str {
    report::STYLE
}

/// A float as written in every CSV: fixed six decimals, so files compare byte for byte.
pub fn fmt_f64(x: f64) -> String {
    format!("{x:.6}")
}

/// An optional float; empty when undefined.
pub fn fmt_opt(x: Option<f64>) -> String {
    x.map(fmt_f64).unwrap_or_default()
}
