//! `manifest.json`: enough to reproduce a run.

use crate::scenario::Scenario;
use serde::Serialize;

/// What was run, how, and when.
#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    pub tool: &'static str,
    pub version: &'static str,
    pub command_line: Vec<String>,
    /// Where the scenario came from (a path or the built-in baseline).
    pub scenario_source: String,
    pub seed: u64,
    pub replicates: u64,
    pub regimes: Vec<String>,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    pub started: String,
    pub finished: String,
    /// The scenario after defaults and command-line overrides (also written as
    /// `scenario.toml`, which `peacesim run` reads to reproduce the run).
    pub scenario: &'a Scenario,
}

impl Manifest<'_> {
    pub fn to_json(&self) -> anyhow::Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}
