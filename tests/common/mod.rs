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
