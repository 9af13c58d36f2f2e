//! Variance-based sensitivity: Sobol' indices from a Saltelli design.
//!
//! **Design** (Saltelli 2002; Saltelli et al. 2010). Two independent samples A and B of `N`
//! points in the unit cube of the `k` parameters are the first `k` and the last `k`
//! coordinates of one scrambled Sobol' sequence of dimension `2k`. For each parameter `i`,
//! AB_i is A with column `i` taken from B. A base row `j` is the `k + 2` points
//! `A_j, AB_1j, …, AB_kj, B_j`, consecutive in the plan (SALib's order), so the design has
//! `N·(k + 2)` points.
//!
//! The sequence is `sobol_burley`'s: Sobol' points with Joe & Kuo's (2008) direction numbers
//! (`new-joe-kuo-6`), Owen-scrambled by Burley's (2020) hash-based nested uniform scrambling,
//! seeded here from the sweep seed (so a plan is reproducible, and another seed gives another
//! independent randomisation). It is small, dependency-free and computes the same numbers on
//! every platform (its SIMD and scalar paths agree bit for bit); its limits — at most
//! 2^16 points and 256 dimensions, `f32` output (24 bits, a resolution of 6·10⁻⁸ of a range) —
//! bound `samples` ≤ 65,536 and the parameters to 128.
//!
//! A Sobol' sequence is balanced (each dyadic box of the cube holds its share of points) for
//! `N = 2^m` points; other `N` lose part of that balance, and with it some of the variance
//! reduction over plain random sampling. Validation therefore asks for a power of two.
//!
//! **Estimators**, from the model outputs `f(A)`, `f(B)`, `f(AB_i)` over the base rows:
//!
//! - first-order S_i = mean(f(B)·(f(AB_i) − f(A))) / V (Saltelli et al. 2010, table 2 (b));
//! - total S_Ti = ½·mean((f(A) − f(AB_i))²) / V (Jansen 1999; Saltelli et al. 2010, (f));
//! - V = the variance (population form) of the `2N` values f(A) ∪ f(B).
//!
//! Outputs are first centred on the mean of f(A) ∪ f(B) (Sobol' 2001 advises subtracting the
//! mean; the estimators' expectations are unchanged, their variance is lower when the mean is
//! large against the spread, as it is for counts like cumulative violence).
//!
//! **Intervals**: the `N` base rows are resampled with replacement [`BOOTSTRAP_RESAMPLES`]
//! times with a seeded ChaCha8 generator, the indices recomputed on each resample (V too), and
//! the 2.5% and 97.5% percentiles of those estimates are the 95% interval (Efron's percentile
//! bootstrap; SALib resamples rows the same way but reports a normal interval).
//!
//! Estimates are not bounded: with few base rows S_i can be slightly negative or above S_Ti,
//! and sums can exceed 1; their intervals show by how much they may be trusted.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Fewest base rows `N` a Sobol' sweep may have: below it, the bootstrap resamples a handful
/// of rows and its percentiles mean little.
pub const MIN_BASE_SAMPLES: u64 = 16;
/// Most base rows: the length of `sobol_burley`'s sequence (2^16).
pub const MAX_BASE_SAMPLES: u64 = 1 << 16;
/// Most parameters: the sequence's 256 dimensions hold A's and B's `k` columns each.
pub const MAX_PARAMETERS: usize = sobol_burley::NUM_DIMENSIONS as usize / 2;
/// Bootstrap resamples behind each 95% interval.
pub const BOOTSTRAP_RESAMPLES: usize = 1000;

/// Points of a base row: A, AB_1 … AB_k, B.
pub fn row_len(k: usize) -> usize {
    k + 2
}

/// The Saltelli design in the unit cube: `n` base rows of `k + 2` points each (A, AB_1 …
/// AB_k, B), from the Owen-scrambled Sobol' sequence of dimension `2k` with scrambling seed
/// `seed`. Needs `n ≤ 2^16` and `k ≤ 128` (checked by validation).
pub fn saltelli_unit(n: u64, k: usize, seed: u32) -> Vec<Vec<f64>> {
    assert!(n <= MAX_BASE_SAMPLES && k <= MAX_PARAMETERS);
    let mut points = Vec::with_capacity(n as usize * row_len(k));
    for j in 0..n as u32 {
        let a: Vec<f64> = (0..k as u32)
            .map(|i| f64::from(sobol_burley::sample(j, i, seed)))
            .collect();
        let b: Vec<f64> = (0..k as u32)
            .map(|i| f64::from(sobol_burley::sample(j, k as u32 + i, seed)))
            .collect();
        points.push(a.clone());
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            points.push(ab);
        }
        points.push(b);
    }
    points
}

/// An estimated index and its bootstrap 95% interval (`None` when no resample had any
/// variance).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Index {
    pub value: f64,
    pub interval: Option<(f64, f64)>,
}

/// The Sobol' indices of one output.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    /// Base rows used.
    pub n: usize,
    /// V: variance of the output over f(A) ∪ f(B) (output units squared).
    pub variance: f64,
    /// First-order index of each parameter.
    pub first: Vec<Index>,
    /// Total index of each parameter.
    pub total: Vec<Index>,
}

/// Sums over a set of base rows, from which V, S_i and S_Ti follow.
struct Sums {
    rows: f64,
    /// Σ (f(A) + f(B)) and Σ (f(A)² + f(B)²).
    sum: f64,
    squares: f64,
    /// Σ f(B)·(f(AB_i) − f(A)), per parameter.
    first: Vec<f64>,
    /// Σ (f(A) − f(AB_i))², per parameter.
    total: Vec<f64>,
}

impl Sums {
    fn new(k: usize) -> Self {
        Self {
            rows: 0.0,
            sum: 0.0,
            squares: 0.0,
            first: vec![0.0; k],
            total: vec![0.0; k],
        }
    }

    fn add(&mut self, row: &[f64]) {
        let k = self.first.len();
        let (a, b) = (row[0], row[k + 1]);
        self.rows += 1.0;
        self.sum += a + b;
        self.squares += a * a + b * b;
        for i in 0..k {
            let ab = row[1 + i];
            self.first[i] += b * (ab - a);
            self.total[i] += (a - ab) * (a - ab);
        }
    }

    /// V, then S_i and S_Ti into `first` and `total`; `None` without variance.
    fn indices(&self, first: &mut [f64], total: &mut [f64]) -> Option<f64> {
        let m = 2.0 * self.rows;
        let mean = self.sum / m;
        let variance = self.squares / m - mean * mean;
        // Below this the outcome is constant but for rounding: no index is defined.
        let floor = 1e-12 * (self.squares / m).max(f64::MIN_POSITIVE);
        if variance.is_nan() || variance <= floor {
            return None;
        }
        for i in 0..first.len() {
            first[i] = self.first[i] / self.rows / variance;
            total[i] = 0.5 * self.total[i] / self.rows / variance;
        }
        Some(variance)
    }
}

/// The `q` quantile of sorted `values` (linear interpolation between order statistics,
/// Hyndman & Fan's type 7).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Sobol' indices from the outputs of a Saltelli design: `y` holds base rows of `k + 2`
/// values each (f(A), f(AB_1) … f(AB_k), f(B)), complete rows only. `resamples` bootstrap
/// resamples of the rows, drawn from `rng`, give the 95% intervals. `None` with fewer than two
/// rows or an output without variance.
pub fn estimate(
    y: &[f64],
    k: usize,
    resamples: usize,
    rng: &mut ChaCha8Rng,
) -> Option<SobolIndices> {
    let width = row_len(k);
    assert_eq!(y.len() % width, 0, "rows of k + 2 values");
    let n = y.len() / width;
    if n < 2 {
        return None;
    }
    // Centre on the mean of f(A) ∪ f(B).
    let centre = y.chunks_exact(width).map(|r| r[0] + r[k + 1]).sum::<f64>() / (2 * n) as f64;
    let centred: Vec<f64> = y.iter().map(|v| v - centre).collect();
    let rows: Vec<&[f64]> = centred.chunks_exact(width).collect();
    let mut sums = Sums::new(k);
    for row in &rows {
        sums.add(row);
    }
    let (mut first, mut total) = (vec![0.0; k], vec![0.0; k]);
    let variance = sums.indices(&mut first, &mut total)?;
    // Bootstrap: per parameter, the estimates of every resample that had variance.
    let mut boot_first = vec![Vec::with_capacity(resamples); k];
    let mut boot_total = vec![Vec::with_capacity(resamples); k];
    let (mut f, mut t) = (vec![0.0; k], vec![0.0; k]);
    for _ in 0..resamples {
        let mut s = Sums::new(k);
        for _ in 0..n {
            s.add(rows[rng.random_range(0..n)]);
        }
        if s.indices(&mut f, &mut t).is_some() {
            for i in 0..k {
                boot_first[i].push(f[i]);
                boot_total[i].push(t[i]);
            }
        }
    }
    let index = |value: f64, mut draws: Vec<f64>| {
        draws.sort_by(f64::total_cmp);
        Index {
            value,
            interval: (!draws.is_empty())
                .then(|| (quantile(&draws, 0.025), quantile(&draws, 0.975))),
        }
    };
    Some(SobolIndices {
        n,
        variance,
        first: first
            .iter()
            .zip(boot_first)
            .map(|(&v, d)| index(v, d))
            .collect(),
        total: total
            .iter()
            .zip(boot_total)
            .map(|(&v, d)| index(v, d))
            .collect(),
    })
}
