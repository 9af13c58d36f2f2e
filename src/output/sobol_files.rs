//! `sensitivity.csv` of a Sobol' sweep (`design = "sobol"`): first-order and total Sobol'
//! indices with bootstrap 95% intervals for every outcome, under each regime and for each
//! coordinated regime's paired difference from the reference regime (`competitive` when it is
//! compared, else the first). The estimators are in [`crate::experiment::sobol`].
//!
//! A point's output is the mean over its replicates (from `sweep_runs.csv`, through the
//! [`SweepSummary`] every design gets), and a difference is the regime's mean minus the
//! reference's at the same point: the replicates are paired (the same seeds under every
//! regime), so where an outcome is defined in every run it is the mean of the paired
//! differences. Outcomes defined only in some runs (the month of agreement, relapse after an
//! agreement, compliance) average over the runs that define them. A base row in which some
//! point has no value for the output is left out (`n` counts the rows used).
//!
//! Like everything else of a sweep, the indices are computed from the file, so they are the
//! same bytes whatever the threads, shards, merges and resumptions that produced it.

use super::fmt_f64;
use super::sweep_files::SweepSummary;
use crate::experiment::OUTCOMES;
use crate::experiment::design::SweepPlan;
use crate::experiment::sobol::{BOOTSTRAP_RESAMPLES, Index, SobolIndices, estimate, row_len};
use crate::scenario::SweepDesign;
use anyhow::Result;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// The regime differences are taken from, when it is compared.
pub const REFERENCE: &str = "competitive";

/// Bootstrap streams of the sweep seed's ChaCha8 generator start here, one per regime (or
/// difference) and outcome, far from the design's stream (run seeds are derived separately).
const BOOTSTRAP_STREAM: u64 = 1 << 32;

/// The Sobol' indices of one outcome under one regime (or difference), for one parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolRow {
    pub regime: String,
    /// `Some(reference)` when the output is `regime − reference`.
    pub difference_from: Option<String>,
    pub outcome: &'static str,
    pub parameter: String,
    /// Base rows used.
    pub n: usize,
    /// Variance of the output over A and B (outcome units squared), and the parameter's
    /// first-order and total indices; `None` with fewer than two rows or no variance.
    pub indices: Option<(f64, Index, Index)>,
}

/// The index of the reference regime among `regimes`.
pub fn reference(regimes: &[String]) -> usize {
    regimes.iter().position(|r| r == REFERENCE).unwrap_or(0)
}

/// The outputs of one regime (or difference) and outcome over the complete base rows, and
/// how many rows there are.
fn outputs(
    plan: &SweepPlan,
    summary: &SweepSummary,
    regime: usize,
    from: Option<usize>,
    outcome: usize,
) -> (Vec<f64>, usize) {
    let width = row_len(plan.names.len());
    let value = |p: usize| -> Option<f64> {
        let y = summary.mean(p, regime, outcome)?;
        match from {
            Some(q) => Some(y - summary.mean(p, q, outcome)?),
            None => Some(y),
        }
    };
    let mut y = Vec::with_capacity(plan.points.len());
    let mut rows = 0;
    for j in 0..plan.points.len() / width {
        let row: Option<Vec<f64>> = (j * width..(j + 1) * width).map(value).collect();
        if let Some(row) = row {
            y.extend(row);
            rows += 1;
        }
    }
    (y, rows)
}

/// Sobol' indices of a Sobol' sweep, per regime and then per difference from the reference,
/// per outcome ([`OUTCOMES`] order) and parameter (the sweep's order). Each (regime or
/// difference, outcome) pair bootstraps with its own seeded stream, so the pairs run in
/// parallel and the result does not depend on the number of threads.
pub fn sobol_indices(plan: &SweepPlan, summary: &SweepSummary) -> Vec<SobolRow> {
    assert_eq!(plan.design, SweepDesign::Sobol);
    let k = plan.names.len();
    assert_eq!(plan.points.len() % row_len(k), 0, "whole base rows");
    let regimes = &summary.regimes;
    let reference = reference(regimes);
    let targets: Vec<(usize, Option<usize>)> = (0..regimes.len())
        .map(|r| (r, None))
        .chain(
            (0..regimes.len())
                .filter(|&r| r != reference)
                .map(|r| (r, Some(reference))),
        )
        .collect();
    let pairs: Vec<(usize, (usize, Option<usize>), usize)> = targets
        .iter()
        .flat_map(|&t| (0..OUTCOMES.len()).map(move |o| (t, o)))
        .enumerate()
        .map(|(c, (t, o))| (c, t, o))
        .collect();
    let per_pair: Vec<Vec<SobolRow>> = pairs
        .par_iter()
        .map(|&(c, (r, from), o)| {
            let (y, n) = outputs(plan, summary, r, from, o);
            let mut rng = ChaCha8Rng::seed_from_u64(plan.seed);
            rng.set_stream(BOOTSTRAP_STREAM + c as u64);
            let indices = estimate(&y, k, BOOTSTRAP_RESAMPLES, &mut rng);
            plan.names
                .iter()
                .enumerate()
                .map(|(i, name)| SobolRow {
                    regime: regimes[r].clone(),
                    difference_from: from.map(|q| regimes[q].clone()),
                    outcome: OUTCOMES[o],
                    parameter: name.clone(),
                    n,
                    indices: indices
                        .as_ref()
                        .map(|s: &SobolIndices| (s.variance, s.first[i], s.total[i])),
                })
                .collect()
        })
        .collect();
    per_pair.into_iter().flatten().collect()
}

/// The columns of a Sobol' sweep's `sensitivity.csv`.
pub const SOBOL_HEADER: [&str; 12] = [
    "regime",
    "difference_from",
    "outcome",
    "parameter",
    "n",
    "variance",
    "s1",
    "s1_low",
    "s1_high",
    "st",
    "st_low",
    "st_high",
];

/// `sensitivity.csv` of a Sobol' sweep.
pub fn sobol_sensitivity_csv(rows: &[SobolRow]) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(SOBOL_HEADER)?;
    let blank = || String::new();
    for row in rows {
        let mut record = vec![
            row.regime.clone(),
            row.difference_from.clone().unwrap_or_default(),
            row.outcome.to_string(),
            row.parameter.clone(),
            row.n.to_string(),
        ];
        match &row.indices {
            Some((variance, first, total)) => {
                record.push(fmt_f64(*variance));
                for index in [first, total] {
                    record.push(fmt_f64(index.value));
                    match index.interval {
                        Some((lo, hi)) => record.extend([fmt_f64(lo), fmt_f64(hi)]),
                        None => record.extend([blank(), blank()]),
                    }
                }
            }
            None => record.extend(std::iter::repeat_with(blank).take(7)),
        }
        out.write_record(&record)?;
    }
    Ok(out.into_inner()?)
}
