//! Helpers shared by the integration tests that run the `peacesim` binary.
// Each test file uses the helpers it needs; the others would warn as dead code there.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_peacesim");

/// Runs `peacesim` with `args` in the current folder.
pub fn peacesim(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the peacesim binary runs")
}

/// Runs `peacesim` with `args` in `dir`.
pub fn peacesim_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the peacesim binary runs")
}

/// A command's standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temporary path as `&str` (for arguments).
pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// A CSV file's header and rows, as strings.
pub fn csv_table(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Months of talks and of implementation in the shortened runs of tests about files rather
/// than the model (kills, resumes, merges): every point, unit, chunk and row stays, and each
/// run costs about a quarter of the baseline's (120 + 60 months).
pub const SHORT_HORIZON: u32 = 36;
pub const SHORT_IMPLEMENTATION: u32 = 12;

/// The `[world]` table of the shortened runs, for a scenario that has none.
pub fn short_world() -> String {
    format!(
        "\n[world]\nhorizon_months = {SHORT_HORIZON}\nimplementation_months = {SHORT_IMPLEMENTATION}\n"
    )
}

/// The built-in baseline with its runs shortened (its own `[world]` table edited in place).
pub fn short_baseline() -> String {
    let mut text = peacesim::scenario::BASELINE_TOML.to_owned();
    for (from, to) in [
        (
            "horizon_months = 120",
            format!("horizon_months = {SHORT_HORIZON}"),
        ),
        (
            "implementation_months = 60",
            format!("implementation_months = {SHORT_IMPLEMENTATION}"),
        ),
    ] {
        assert!(text.contains(from), "the baseline has no {from:?}");
        text = text.replacen(from, &to, 1);
    }
    text
}

/// [`rotation_sweep`] with its runs shortened ([`short_world`]).
pub fn short_rotation_sweep(replicates: u64) -> String {
    let text = rotation_sweep(replicates);
    assert!(
        !text.contains("\n[world]"),
        "sweep_rotation.toml has a [world] table: edit it instead of adding one"
    );
    format!("{text}{}", short_world())
}

/// The shipped sweep `scenarios/sweep_rotation.toml` (20 points) with `replicates` replicates.
pub fn rotation_sweep(replicates: u64) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweep_rotation.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let from = "replicates = 200                 # paired";
    assert!(text.contains(from), "sweep_rotation.toml has no {from:?}");
    text.replacen(
        from,
        &format!("replicates = {replicates}                 # paired"),
        1,
    )
}
