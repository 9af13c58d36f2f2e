//! Batch running: replicates × regimes in parallel, with paired seeds and streaming statistics.
//!
//! Replicates are processed in fixed-size chunks. Within a chunk, replicates run in parallel
//! (rayon), each running every regime in turn from the same seed; the chunk's results come back
//! in replicate order and are handed, one replicate at a time, to the caller's [`ReplicateSink`]
//! and to the accumulators. Memory is bounded by the chunk, and every output is the same for
//! any number of threads.

pub mod benchmark;
pub mod design;
#[doc(hidden)]
pub mod pipeline;
pub mod sobol;
pub mod stats;
pub mod sweep;
pub mod validation;

use crate::model::record::Recorder;
use crate::model::{METRICS, RunOutcome, random::run_seed, simulate, simulate_recorded};
use crate::regime::Regime;
use crate::scenario::{RecordLevel, Scenario};
use rayon::prelude::*;
use stats::Moments;
use std::sync::Arc;

/// Replicates per chunk: large enough to keep both cores busy, small enough to bound memory
/// (a chunk holds `CHUNK × regimes × months × metrics` floats, and two are held at once: one
/// written while the next is simulated).
const CHUNK: u64 = 256;

/// The per-run outcomes reported in `runs.csv` and summarised in `summary.csv`, by name.
/// Conditional outcomes are undefined (empty) where their condition fails.
pub const OUTCOMES: [&str; 19] = [
    "agreement",
    "agreement_month",
    "relapse",
    "relapse_given_agreement",
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

/// Outcomes that are proportions (0/1 per run): their intervals are Wilson intervals.
pub fn is_proportion(outcome: &str) -> bool {
    matches!(outcome, "agreement" | "relapse" | "relapse_given_agreement")
}

/// The values of [`OUTCOMES`] for one run.
pub fn outcome_values(o: &RunOutcome) -> [Option<f64>; OUTCOMES.len()] {
    let agreed = o.agreement_month.is_some();
    let relapsed = o.relapse_month.is_some();
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    [
        Some(flag(agreed)),
        o.agreement_month.map(f64::from),
        Some(flag(relapsed)),
        agreed.then_some(flag(relapsed)),
        o.relapse_month.map(f64::from),
        Some(o.cumulative_violence),
        Some(o.max_parallel_forums as f64),
        Some(o.mean_parallel_forums),
        Some(o.forum_switches as f64),
        Some(o.dnh_violations as f64),
        Some(o.rotations as f64),
        Some(o.final_trust_party),
        Some(o.final_trust_third),
        Some(o.leverage_spent),
        Some(o.coordination_cost),
        o.compliance,
        Some(f64::from(o.defections)),
        Some(f64::from(o.rival_initiatives)),
        Some(f64::from(o.visibility_moves)),
    ]
}

/// What to run.
#[derive(Clone)]
pub struct Design {
    pub replicates: u64,
    pub seed: u64,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    pub regimes: Vec<Arc<dyn Regime>>,
}

/// Every regime's run of one replicate.
#[derive(Debug, Clone)]
pub struct ReplicateResult {
    pub replicate: u64,
    pub seed: u64,
    /// Outcomes per regime, in the design's order.
    pub outcomes: Vec<RunOutcome>,
    /// Per-month metrics per regime (`months × METRICS`, month-major).
    pub series: Vec<Vec<f64>>,
    /// Per regime, the run's recorded rows when `experiment.record` is on (else empty).
    pub recorded: Vec<Recorded>,
}

/// The rows a recorded run wrote: `trajectories.csv` and `agents.csv` lines, each starting
/// with the run's identifying fields.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    pub monthly: Vec<u8>,
    pub agents: Vec<u8>,
}

/// Receives replicates in order as they finish (for instance a CSV writer).
pub trait ReplicateSink {
    fn accept(&mut self, result: &ReplicateResult) -> anyhow::Result<()>;
}

/// Two sinks, each given every replicate in turn.
impl<A: ReplicateSink, B: ReplicateSink> ReplicateSink for (A, B) {
    fn accept(&mut self, result: &ReplicateResult) -> anyhow::Result<()> {
        self.0.accept(result)?;
        self.1.accept(result)
    }
}

/// An optional sink.
impl<S: ReplicateSink> ReplicateSink for Option<S> {
    fn accept(&mut self, result: &ReplicateResult) -> anyhow::Result<()> {
        match self {
            Some(s) => s.accept(result),
            None => Ok(()),
        }
    }
}

/// A sink that keeps nothing.
impl ReplicateSink for () {
    fn accept(&mut self, _: &ReplicateResult) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Summary of one outcome under one regime.
#[derive(Debug, Clone, Default)]
pub struct OutcomeSummary {
    pub values: Moments,
    /// Paired difference from the reference regime over replicates where both are defined.
    pub difference: Moments,
}

/// Everything `run` reports after the runs.
#[derive(Debug, Clone)]
pub struct Results {
    pub regime_names: Vec<String>,
    /// Index of the regime differences are taken from (`competitive` if present, else the
    /// first).
    pub reference: usize,
    pub replicates: u64,
    /// Months per run (horizon + implementation).
    pub months: usize,
    /// Negotiation horizon (months).
    pub horizon: usize,
    /// `[regime][month − 1]`: replicates that signed in each month of the horizon.
    pub agreement_months: Vec<Vec<u64>>,
    /// `[regime][outcome]`.
    pub summary: Vec<Vec<OutcomeSummary>>,
    /// `[regime][month * METRICS + metric]`.
    pub timeseries: Vec<Vec<Moments>>,
    /// `[regime]`: pressure delivered per unit of leverage spent, over runs that spent any —
    /// how much of the leverage reaches the parties after dilution and lost credibility.
    pub efficiency: Vec<Moments>,
}

impl Results {
    fn new(scenario: &Scenario, design: &Design) -> Self {
        let names: Vec<String> = design
            .regimes
            .iter()
            .map(|r| r.name().to_string())
            .collect();
        let reference = names.iter().position(|n| n == "competitive").unwrap_or(0);
        let months = scenario.total_months();
        let r = names.len();
        Self {
            regime_names: names,
            reference,
            replicates: design.replicates,
            months,
            horizon: scenario.world.horizon_months as usize,
            agreement_months: vec![vec![0; scenario.world.horizon_months as usize]; r],
            summary: vec![vec![OutcomeSummary::default(); OUTCOMES.len()]; r],
            timeseries: vec![vec![Moments::default(); months * METRICS.len()]; r],
            efficiency: vec![Moments::default(); r],
        }
    }

    fn absorb(&mut self, rep: &ReplicateResult) {
        self.absorb_outcomes(&rep.outcomes);
        for (r, series) in rep.series.iter().enumerate() {
            // Undefined values (compliance in a month without roles) are NaN and skipped.
            for (m, x) in self.timeseries[r].iter_mut().zip(series) {
                if !x.is_nan() {
                    m.push(*x);
                }
            }
        }
    }

    /// Adds one replicate's outcomes (one per regime, in the design's order) to the summary,
    /// the agreement months and the efficiency; the time series are left as they are.
    fn absorb_outcomes(&mut self, outcomes: &[RunOutcome]) {
        let values: Vec<_> = outcomes.iter().map(outcome_values).collect();
        let reference = &values[self.reference];
        for (r, o) in outcomes.iter().enumerate() {
            if let Some(m) = o.agreement_month {
                self.agreement_months[r][m as usize - 1] += 1;
            }
            if o.leverage_spent > 0.0 {
                self.efficiency[r].push(o.pressure_delivered / o.leverage_spent);
            }
        }
        for (r, vals) in values.iter().enumerate() {
            for (k, v) in vals.iter().enumerate() {
                let s = &mut self.summary[r][k];
                if let Some(x) = v {
                    s.values.push(*x);
                }
                if let (Some(x), Some(base)) = (v, reference[k]) {
                    s.difference.push(x - base);
                }
            }
        }
    }

    /// Index of a regime by name.
    pub fn regime_index(&self, name: &str) -> Option<usize> {
        self.regime_names.iter().position(|n| n == name)
    }

    /// Index of an outcome by name.
    pub fn outcome_index(name: &str) -> Option<usize> {
        OUTCOMES.iter().position(|o| *o == name)
    }

    /// The summary of `outcome` under `regime`.
    pub fn get(&self, regime: &str, outcome: &str) -> Option<&OutcomeSummary> {
        Some(&self.summary[self.regime_index(regime)?][Self::outcome_index(outcome)?])
    }
}

/// One replicate under every regime, from the replicate's seed.
pub fn run_replicate(
    scenario: &Scenario,
    regimes: &[Arc<dyn Regime>],
    master_seed: u64,
    replicate: u64,
) -> ReplicateResult {
    let seed = run_seed(master_seed, replicate);
    let len = scenario.total_months() * METRICS.len();
    let mut outcomes = Vec::with_capacity(regimes.len());
    let mut series = Vec::with_capacity(regimes.len());
    let mut recorded = Vec::new();
    let level = scenario.experiment.record;
    let mut recorder = (!level.is_off()).then(|| Recorder::new(level, scenario));
    let id = replicate.to_string();
    for regime in regimes {
        let mut buf = vec![0.0; len];
        let outcome = match &mut recorder {
            None => simulate(scenario, regime.as_ref(), seed, &mut buf),
            Some(rec) => {
                rec.start(&[regime.name(), &id]);
                let o = simulate_recorded(scenario, regime.as_ref(), seed, &mut buf, rec);
                let (monthly, agents) = rec.take();
                recorded.push(Recorded { monthly, agents });
                o
            }
        };
        outcomes.push(outcome);
        series.push(buf);
    }
    ReplicateResult {
        replicate,
        seed,
        outcomes,
        series,
        recorded,
    }
}

/// Runs the design, handing each replicate to `sink` in order, and returns the statistics.
/// `progress` is called after each chunk with the replicates done so far.
pub fn run(
    scenario: &Scenario,
    design: &Design,
    sink: &mut dyn ReplicateSink,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<Results> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(design.threads)
        .build()?;
    let mut results = Results::new(scenario, design);
    // Recorded rows are held two chunks at a time (one written while the next is simulated):
    // smaller chunks keep that memory bounded (about 40 KB of rows per recorded run, 150 KB
    // with agents in the baseline).
    let size = match scenario.experiment.record {
        RecordLevel::Off => CHUNK,
        RecordLevel::Monthly => CHUNK / 4,
        RecordLevel::Agents => CHUNK / 16,
    };
    // The calling thread writes and absorbs each chunk while the pool already simulates the
    // next one, so the files and statistics do not idle the workers (as in a sweep).
    pipeline::in_order(
        &pool,
        0..design.replicates,
        size,
        |chunk| {
            let end = chunk.end;
            let reps: Vec<ReplicateResult> = chunk
                .into_par_iter()
                .map(|r| run_replicate(scenario, &design.regimes, design.seed, r))
                .collect();
            Ok((end, reps))
        },
        |(end, reps)| {
            for rep in &reps {
                sink.accept(rep)?;
                results.absorb(rep);
            }
            progress(end);
            Ok(())
        },
    )?;
    Ok(results)
}
