//! Running a sweep: work units (point × replicate) in a fixed order, in parallel chunks, handed
//! on in order. Replicate `k` of every point and regime starts from the same seed, so regimes
//! are compared on common random numbers within a point, and points along a parameter too:
//! every third party draws from its own stream keyed by its name, so even `count.<kind>`
//! points, which add or remove actors, leave the other actors' draws unchanged
//! (`tests/it/pairing.rs`).
//!
//! A shard `i/N` runs the `i`-th of `N` contiguous blocks of units; concatenating the shards'
//! rows in shard order gives exactly the rows of the whole sweep.

use super::Recorded;
use super::design::SweepPlan;
use crate::model::record::Recorder;
use crate::model::{METRICS, RunOutcome, random::run_seed, simulate, simulate_recorded};
use crate::regime::Regime;
use crate::scenario::{RecordLevel, Scenario};
use anyhow::{Result, anyhow};
use rayon::prelude::*;
use std::ops::Range;
use std::sync::Arc;

/// Units per chunk: the unit of parallel work, ordered hand-over and checkpointing.
pub const CHUNK_UNITS: u64 = 512;

/// Units per chunk when runs are recorded: their rows are held a chunk at a time (about 40 KB
/// a run monthly, 150 KB with agents, in the baseline). Each divides [`CHUNK_UNITS`], so
/// checkpoint marks fall on the same units whatever the level.
pub fn chunk_units(level: RecordLevel) -> u64 {
    match level {
        RecordLevel::Off => CHUNK_UNITS,
        RecordLevel::Monthly => CHUNK_UNITS / 8,
        RecordLevel::Agents => CHUNK_UNITS / 32,
    }
}

/// One block of a sweep split over `count` machines or tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// The whole sweep.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `i/N` with 0 ≤ i < N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {text:?}: write i/N with 0 ≤ i < N, e.g. 0/4");
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The units of this shard among `total`.
    pub fn units(&self, total: u64) -> Range<u64> {
        let at = |i: u64| ((total as u128 * i as u128) / self.count as u128) as u64;
        at(self.index)..at(self.index + 1)
    }

    pub fn is_whole(&self) -> bool {
        self.count == 1
    }
}

/// Every regime's run of one unit.
#[derive(Debug, Clone)]
pub struct UnitResult {
    pub unit: u64,
    pub point: usize,
    pub replicate: u64,
    pub seed: u64,
    pub outcomes: Vec<RunOutcome>,
    /// Per regime, the recorded rows when `experiment.record` is on (else empty).
    pub recorded: Vec<Recorded>,
}

/// Builds the regimes for a point's scenario (their parameters may be swept).
pub type RegimeFactory<'a> = dyn Fn(&Scenario) -> Result<Vec<Arc<dyn Regime>>> + Sync + 'a;

/// Runs units `range` of `plan` in parallel chunks; `on_chunk` receives each chunk's results
/// in unit order. While `on_chunk` handles one chunk on the calling thread (writing rows,
/// checkpoints), the pool already computes the next, so writing does not leave the workers idle.
pub fn run_units(
    base: &Scenario,
    plan: &SweepPlan,
    regimes: &RegimeFactory,
    range: Range<u64>,
    threads: usize,
    on_chunk: &mut dyn FnMut(&[UnitResult]) -> Result<()>,
) -> Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let size = chunk_units(base.experiment.record);
    super::pipeline::in_order(
        &pool,
        range,
        size,
        |chunk| compute_chunk(base, plan, regimes, chunk.start, chunk.end),
        |chunk| on_chunk(&chunk),
    )
}

/// Units `start..end`, simulated in parallel on the current pool, in unit order.
fn compute_chunk(
    base: &Scenario,
    plan: &SweepPlan,
    regimes: &RegimeFactory,
    start: u64,
    end: u64,
) -> Result<Vec<UnitResult>> {
    let r = plan.replicates;
    let first_point = (start / r) as usize;
    let last_point = ((end - 1) / r) as usize;
    let mut setups = Vec::with_capacity(last_point - first_point + 1);
    for p in first_point..=last_point {
        let scenario = plan
            .scenario_at(base, p)
            .map_err(|e| anyhow!("sweep point {p}: {e}"))?;
        let built = regimes(&scenario)?;
        setups.push((scenario, built));
    }
    Ok((start..end)
        .into_par_iter()
        .map(|unit| {
            let point = (unit / r) as usize;
            let replicate = unit % r;
            let (scenario, built) = &setups[point - first_point];
            let seed = run_seed(plan.seed, replicate);
            let mut series = vec![0.0; scenario.total_months() * METRICS.len()];
            let level = scenario.experiment.record;
            let mut recorder = (!level.is_off()).then(|| Recorder::new(level, scenario));
            let mut recorded = Vec::new();
            let (p, r) = (point.to_string(), replicate.to_string());
            let outcomes = built
                .iter()
                .map(|regime| match &mut recorder {
                    None => simulate(scenario, regime.as_ref(), seed, &mut series),
                    Some(rec) => {
                        rec.start(&[&p, regime.name(), &r]);
                        let o =
                            simulate_recorded(scenario, regime.as_ref(), seed, &mut series, rec);
                        let (monthly, agents) = rec.take();
                        recorded.push(Recorded { monthly, agents });
                        o
                    }
                })
                .collect();
            UnitResult {
                unit,
                point,
                replicate,
                seed,
                outcomes,
                recorded,
            }
        })
        .collect())
}
