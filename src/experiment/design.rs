//! Sweep designs: the points a sweep visits. A grid takes every combination; a Latin hypercube
//! (McKay, Beckman & Conover 1979) spreads `samples` points so each parameter's range is cut
//! into `samples` strata, each hit once; Morris's design (Morris 1991) walks `samples`
//! trajectories that move one parameter at a time, for elementary effects; Saltelli's design
//! (Saltelli et al. 2010) takes `samples` base rows of `k + 2` points from a scrambled Sobol'
//! sequence, for Sobol' indices ([`super::sobol`]).
//!
//! Switches and names (categorical parameters) are held in the plan as level indices
//! `0, 1, …` into their `values`: a grid takes every level; a Latin hypercube spreads its
//! points evenly over the levels (each level `⌊n/L⌋` or `⌈n/L⌉` times, in random order);
//! a Morris trajectory starts at a random level and moves to another level drawn at random; a
//! Sobol' coordinate `u` in [0, 1) takes level `⌊u·L⌋` (each level an equal share of the unit
//! interval).

use crate::scenario::sweep::{SweepValue, level_at};
use crate::scenario::{Scenario, SweepConfig, SweepDesign, sweep};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The stream of a sweep's design draws (run streams are seeded per replicate, so this one
/// never meets them).
const DESIGN_STREAM: u64 = 1_000;

/// The points of a sweep, in the order they are run.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPlan {
    pub design: SweepDesign,
    /// Dotted paths of the parameters, in the scenario's order.
    pub names: Vec<String>,
    /// Values per point, in the order of `names`.
    pub points: Vec<Vec<f64>>,
    /// Range of each parameter, for scaling elementary effects (`0..=L − 1` for a
    /// categorical parameter of `L` levels).
    pub ranges: Vec<(f64, f64)>,
    /// Levels of each categorical parameter (switches or names), whose points hold level
    /// indices; empty for a number.
    pub levels: Vec<Vec<SweepValue>>,
    pub replicates: u64,
    pub seed: u64,
    /// Morris only: trajectories of `names.len() + 1` consecutive points; step `s` of a
    /// trajectory moves parameter `moves[t][s]`.
    pub moves: Vec<Vec<usize>>,
}

impl SweepPlan {
    /// Plans the sweep of a validated scenario.
    pub fn new(scenario: &Scenario, sweep: &SweepConfig) -> Self {
        let names: Vec<String> = sweep.parameters.iter().map(|p| p.path.clone()).collect();
        let integral: Vec<bool> = names
            .iter()
            .map(|path| sweep::is_integer(scenario, path))
            .collect();
        let ranges: Vec<(f64, f64)> = sweep
            .parameters
            .iter()
            .map(|p| p.range().unwrap_or((0.0, 0.0)))
            .collect();
        let levels: Vec<Vec<SweepValue>> = sweep
            .parameters
            .iter()
            .map(|p| p.levels().to_vec())
            .collect();
        let counts: Vec<usize> = levels.iter().map(Vec::len).collect();
        let seed = sweep.seed.unwrap_or(scenario.experiment.seed);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(DESIGN_STREAM);
        let (points, moves) = match sweep.design {
            SweepDesign::Grid => (grid(sweep), Vec::new()),
            SweepDesign::Lhs => (
                latin_hypercube(sweep.samples.unwrap_or(1), &ranges, &counts, &mut rng),
                Vec::new(),
            ),
            SweepDesign::Morris => morris(
                sweep.samples.unwrap_or(2),
                sweep.levels,
                &ranges,
                &counts,
                &mut rng,
            ),
            SweepDesign::Sobol => {
                // The scrambling seed is the design stream's first draw.
                let unit = super::sobol::saltelli_unit(
                    sweep.samples.unwrap_or(super::sobol::MIN_BASE_SAMPLES),
                    ranges.len(),
                    rng.random(),
                );
                let points = unit
                    .iter()
                    .map(|u| {
                        let levelled: Vec<f64> = u
                            .iter()
                            .zip(&counts)
                            .map(|(&x, &c)| {
                                if c > 0 {
                                    ((x * c as f64).floor()).min(c as f64 - 1.0)
                                } else {
                                    x
                                }
                            })
                            .collect();
                        scale(&levelled, &ranges, &counts)
                    })
                    .collect();
                (points, Vec::new())
            }
        };
        let points = points
            .into_iter()
            .map(|p| {
                p.iter()
                    .zip(&integral)
                    .zip(&counts)
                    .map(|((&v, &int), &c)| if int && c == 0 { v.round() } else { v })
                    .collect()
            })
            .collect();
        Self {
            design: sweep.design,
            names,
            points,
            ranges,
            levels,
            replicates: sweep.replicates.unwrap_or(scenario.experiment.replicates),
            seed,
            moves,
        }
    }

    /// The value parameter `i` takes at plan value `x`: the number, or the level of that index.
    pub fn value(&self, i: usize, x: f64) -> SweepValue {
        level_at(&self.levels[i], x)
    }

    /// Parameter `i` at plan value `x` as the CSV files write it: the number (shortest exact
    /// form), `true`/`false`, or the level's name.
    pub fn label(&self, i: usize, x: f64) -> String {
        if self.levels[i].is_empty() {
            format!("{x}")
        } else {
            self.value(i, x).to_string()
        }
    }

    /// Every parameter's value at point `p`, as the CSV files write them.
    pub fn labels(&self, p: usize) -> Vec<String> {
        self.points[p]
            .iter()
            .enumerate()
            .map(|(i, &x)| self.label(i, x))
            .collect()
    }

    /// Whether parameter `i` takes discrete levels (a switch or names).
    pub fn is_categorical(&self, i: usize) -> bool {
        !self.levels[i].is_empty()
    }

    /// Work units (point × replicate); each runs every regime.
    pub fn units(&self) -> u64 {
        self.points.len() as u64 * self.replicates
    }

    /// The scenario of point `p`: the base with every swept value written in, checked as a
    /// whole (values valid one by one can be invalid together, e.g. a posting jitter larger
    /// than the posting).
    pub fn scenario_at(
        &self,
        base: &Scenario,
        p: usize,
    ) -> Result<Scenario, crate::scenario::Problem> {
        let mut s = base.clone();
        s.sweep = None;
        for (i, (name, &value)) in self.names.iter().zip(&self.points[p]).enumerate() {
            s = sweep::apply_value(&s, name, &self.value(i, value))?;
        }
        if let Some(problem) = crate::scenario::validate(&s).into_iter().next() {
            let values: Vec<String> = self
                .names
                .iter()
                .zip(&self.points[p])
                .enumerate()
                .map(|(i, (n, &v))| format!("{n} = {}", self.value(i, v).shown()))
                .collect();
            return Err(crate::scenario::Problem::new(
                problem.field,
                problem.value,
                format!(
                    "{} (at sweep point {p}: {})",
                    problem.allowed,
                    values.join(", ")
                ),
            ));
        }
        Ok(s)
    }

    /// Checks every point before anything runs; the first invalid one is reported. A point
    /// that repeats an earlier one (Morris trajectories share levels) is checked once.
    pub fn check_points(&self, base: &Scenario) -> Result<(), crate::scenario::Problem> {
        let mut seen = std::collections::HashSet::new();
        for (p, values) in self.points.iter().enumerate() {
            let key: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
            if seen.insert(key) {
                self.scenario_at(base, p)?;
            }
        }
        Ok(())
    }
}

/// Every combination, the first parameter varying slowest.
fn grid(sweep: &SweepConfig) -> Vec<Vec<f64>> {
    let axes: Vec<Vec<f64>> = sweep.parameters.iter().map(|p| p.grid_values()).collect();
    let mut points = vec![Vec::new()];
    for axis in &axes {
        points = points
            .into_iter()
            .flat_map(|prefix| {
                axis.iter().map(move |&v| {
                    let mut p = prefix.clone();
                    p.push(v);
                    p
                })
            })
            .collect();
    }
    points
}

/// `counts[i]` > 0: parameter `i` has that many levels; stratum `s` of `n` takes level
/// `⌊s·L/n⌋`, so the levels are spread as evenly as `n` allows.
fn latin_hypercube(
    n: u64,
    ranges: &[(f64, f64)],
    counts: &[usize],
    rng: &mut ChaCha8Rng,
) -> Vec<Vec<f64>> {
    let n = n as usize;
    let mut points = vec![Vec::with_capacity(ranges.len()); n];
    for (&(lo, hi), &levels) in ranges.iter().zip(counts) {
        let mut strata: Vec<usize> = (0..n).collect();
        // Fisher–Yates shuffle.
        for i in (1..n).rev() {
            let j = rng.random_range(0..=i);
            strata.swap(i, j);
        }
        if levels > 0 {
            for (point, stratum) in points.iter_mut().zip(strata) {
                point.push((stratum * levels / n) as f64);
            }
            continue;
        }
        for (point, stratum) in points.iter_mut().zip(strata) {
            let u = (stratum as f64 + rng.random::<f64>()) / n as f64;
            point.push(lo + (hi - lo) * u);
        }
    }
    points
}

/// Morris trajectories on a `levels`-level grid with jump Δ = levels / (2 (levels − 1)):
/// a random base point in the lower levels, then each parameter in random order moves up by Δ.
/// A categorical parameter (`counts[i]` levels > 0) starts at a random level and moves to
/// another level drawn at random.
fn morris(
    r: u64,
    levels: u32,
    ranges: &[(f64, f64)],
    counts: &[usize],
    rng: &mut ChaCha8Rng,
) -> (Vec<Vec<f64>>, Vec<Vec<usize>>) {
    let k = ranges.len();
    let p = levels.max(2) as f64;
    let delta = p / (2.0 * (p - 1.0));
    let lower_levels = (levels / 2).max(1);
    let mut points = Vec::new();
    let mut moves = Vec::new();
    for _ in 0..r {
        let mut x: Vec<f64> = counts
            .iter()
            .map(|&c| {
                if c > 0 {
                    rng.random_range(0..c) as f64
                } else {
                    rng.random_range(0..lower_levels) as f64 / (p - 1.0)
                }
            })
            .collect();
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            let j = rng.random_range(0..=i);
            order.swap(i, j);
        }
        points.push(scale(&x, ranges, counts));
        for &i in &order {
            x[i] = match counts[i] {
                0 => (x[i] + delta).min(1.0),
                // One level: nowhere to move (validation refuses this for morris).
                1 => x[i],
                c => {
                    // Another level, each of the other c − 1 equally likely.
                    let other = rng.random_range(0..c - 1);
                    (if other >= x[i] as usize {
                        other + 1
                    } else {
                        other
                    }) as f64
                }
            };
            points.push(scale(&x, ranges, counts));
        }
        moves.push(order);
    }
    (points, moves)
}

/// Unit coordinates to parameter values; a categorical parameter's coordinate is already its
/// level index.
fn scale(unit: &[f64], ranges: &[(f64, f64)], counts: &[usize]) -> Vec<f64> {
    unit.iter()
        .zip(ranges)
        .zip(counts)
        .map(|((&u, &(lo, hi)), &c)| if c > 0 { u } else { lo + (hi - lo) * u })
        .collect()
}
