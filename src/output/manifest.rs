//! `manifest.json`: enough to reproduce a run.

use crate::scenario::Scenario;
use serde::Serialize;

/// What a binary was built from and how: recorded in every manifest.json, so that a result can
/// be traced to its source. Set at build time (`build.rs`); the same for every run of one
/// binary, so manifests of the same binary still differ only in what the run changes.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BuildInfo {
    /// The git commit the binary was built from, or "unknown" (not built in a git checkout,
    /// or without git).
    pub git_commit: &'static str,
    /// Whether the tracked files the binary is built from (src/, scenarios/, build.rs,
    /// Cargo.toml, Cargo.lock) differed from that commit; `null` when the commit is unknown.
    pub git_dirty: Option<bool>,
    /// `rustc --version` of the compiler, or "unknown".
    pub rustc: &'static str,
    /// The target triple, e.g. `x86_64-unknown-linux-gnu`.
    pub target: &'static str,
    /// Operating system and architecture (`linux`, `x86_64`).
    pub os: &'static str,
    pub arch: &'static str,
    /// Cargo's profile: `release` (also for profiles that inherit from it) or `debug`.
    pub profile: &'static str,
}

/// The build information of this binary.
pub fn build_info() -> BuildInfo {
    BuildInfo {
        git_commit: env!("PEACESIM_GIT_COMMIT"),
        git_dirty: match env!("PEACESIM_GIT_DIRTY") {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        rustc: env!("PEACESIM_RUSTC_VERSION"),
        target: env!("PEACESIM_TARGET"),
        os: std::env::consts::OS,
        arch: std::env::consts::ARCH,
        profile: env!("PEACESIM_PROFILE"),
    }
}

/// What was run, how, and when.
#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    pub tool: &'static str,
    pub version: &'static str,
    /// What the binary was built from (commit, compiler, target, profile).
    pub build: BuildInfo,
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
