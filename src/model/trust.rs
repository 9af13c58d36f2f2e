//! Trust among third parties: a dense matrix with running row sums, so that the mean trust of
//! an actor in the others, and of all actors in each other, costs O(1) to read instead of
//! O(actors²) to recompute every month.

/// Third party `a`'s trust in third party `b`, with running sums.
#[derive(Debug, Clone)]
pub struct TrustMatrix {
    n: usize,
    values: Vec<f64>,
    row_sums: Vec<f64>,
    total: f64,
}

impl TrustMatrix {
    /// Everyone trusts everyone else `initial` and themselves fully.
    pub fn new(n: usize, initial: f64) -> Self {
        let mut values = vec![initial; n * n];
        for a in 0..n {
            values[a * n + a] = 1.0;
        }
        let row = initial * n.saturating_sub(1) as f64 + 1.0;
        Self {
            n,
            values,
            row_sums: vec![row; n],
            total: row * n as f64,
        }
    }

    pub fn get(&self, a: usize, b: usize) -> f64 {
        self.values[a * self.n + b]
    }

    /// Sets one entry, keeping the sums current.
    pub fn set(&mut self, a: usize, b: usize, value: f64) {
        let k = a * self.n + b;
        let delta = value - self.values[k];
        self.values[k] = value;
        self.row_sums[a] += delta;
        self.total += delta;
    }

    /// Mean of `a`'s trust in the others.
    pub fn mean_of(&self, a: usize) -> f64 {
        if self.n < 2 {
            return 1.0;
        }
        (self.row_sums[a] - self.get(a, a)) / (self.n - 1) as f64
    }

    /// Mean trust among different actors.
    pub fn mean(&self) -> f64 {
        if self.n < 2 {
            return 1.0;
        }
        (self.total - self.n as f64) / (self.n * (self.n - 1)) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_sums_match_recomputation() {
        let mut t = TrustMatrix::new(5, 0.5);
        t.set(0, 1, 0.9);
        t.set(3, 2, 0.1);
        t.set(0, 1, 0.7);
        let direct: f64 = (0..5)
            .flat_map(|a| (0..5).filter(move |&b| b != a).map(move |b| (a, b)))
            .map(|(a, b)| t.get(a, b))
            .sum::<f64>()
            / 20.0;
        assert!((t.mean() - direct).abs() < 1e-12);
        assert!((t.mean_of(0) - (0.7 + 0.5 * 3.0) / 4.0).abs() < 1e-12);
    }
}
