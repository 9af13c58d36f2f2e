//! Trust among third parties, with running row sums, so that the mean trust of an actor in the
//! others, and of all actors in each other, costs O(1) to read instead of O(actors²) to
//! recompute every month.
//!
//! Up to [`DENSE_MAX_ACTORS`] actors the values are a dense matrix (at most 8 MiB; the step
//! loop allocates only when a pair's trust first moves). From [`TRACK_MIN_ACTORS`] actors on,
//! the dense form also remembers which pairs have ever moved from the initial value, so that
//! what needs only those pairs (a rotation's resets, a support organisation's most trusted
//! convenor) costs O(pairs that moved) instead of O(actors). Beyond, only the pairs whose trust has moved from the initial value
//! are stored, row by row (memory grows with the pairs that ever interact — sharing contacts
//! and rival convenors — not with actors²). Both forms give bit-identical results: an entry
//! never stored holds the initial value, and updates that leave an entry at the initial value
//! change no sum.

/// Most actors stored as a dense matrix (1024² × 8 bytes = 8 MiB).
pub const DENSE_MAX_ACTORS: usize = 1024;

/// Fewest actors for which the dense form tracks the pairs that moved (below, scanning a row is
/// as cheap as tracking it).
pub const TRACK_MIN_ACTORS: usize = 32;

/// Third party `a`'s trust in third party `b`, with running sums.
#[derive(Debug, Clone)]
pub struct TrustMatrix {
    n: usize,
    initial: f64,
    storage: Storage,
    row_sums: Vec<f64>,
    total: f64,
}

#[derive(Debug, Clone)]
enum Storage {
    Dense {
        values: Vec<f64>,
        /// The pairs that have ever moved from the initial value (large matrices only).
        moved: Option<Moved>,
    },
    /// Row `a`: the stored `(b, value)` pairs, sorted by `b`; `columns[b]`: the rows that
    /// store an entry in column `b` (for rotation, which resets a column). An entry is stored
    /// once its value first moves from the initial value, and never removed.
    Sparse {
        rows: Vec<Vec<(u32, f64)>>,
        columns: Vec<Vec<u32>>,
    },
}

/// Which entries of a dense matrix have ever moved from their initial value: per row the
/// columns, per column the rows (in the order they first moved), and a flag per entry.
#[derive(Debug, Clone)]
struct Moved {
    flags: Vec<bool>,
    rows: Vec<Vec<u32>>,
    columns: Vec<Vec<u32>>,
}

impl Moved {
    /// Remembers entry `k` = (`a`, `b`) on its first move away from the initial value (an entry
    /// that never moved still holds it, so any change is a move away). Out of line: it runs at
    /// most once per pair.
    #[cold]
    #[inline(never)]
    fn note(&mut self, k: usize, a: usize, b: usize) {
        self.flags[k] = true;
        self.rows[a].push(b as u32);
        self.columns[b].push(a as u32);
    }
}

impl TrustMatrix {
    /// Everyone trusts everyone else `initial` and themselves fully.
    pub fn new(n: usize, initial: f64) -> Self {
        Self::with_storage(n, initial, n <= DENSE_MAX_ACTORS)
    }

    /// A matrix in the dense (`dense`) or sparse form, whatever its size (for tests that
    /// compare the forms; this module is hidden from the documentation).
    pub fn with_storage(n: usize, initial: f64, dense: bool) -> Self {
        let storage = if dense {
            let mut values = vec![initial; n * n];
            for a in 0..n {
                values[a * n + a] = 1.0;
            }
            let moved = (n >= TRACK_MIN_ACTORS).then(|| Moved {
                flags: vec![false; n * n],
                rows: vec![Vec::new(); n],
                columns: vec![Vec::new(); n],
            });
            Storage::Dense { values, moved }
        } else {
            Storage::Sparse {
                rows: vec![Vec::new(); n],
                columns: vec![Vec::new(); n],
            }
        };
        let row = initial * n.saturating_sub(1) as f64 + 1.0;
        Self {
            n,
            initial,
            storage,
            row_sums: vec![row; n],
            total: row * n as f64,
        }
    }

    /// The same matrix without the record of moved pairs a large dense matrix keeps (for
    /// tests that compare the ways of finding the most trusted partner).
    pub fn untracked(mut self) -> Self {
        if let Storage::Dense { moved, .. } = &mut self.storage {
            *moved = None;
        }
        self
    }

    #[inline]
    pub fn get(&self, a: usize, b: usize) -> f64 {
        match &self.storage {
            Storage::Dense { values, .. } => values[a * self.n + b],
            Storage::Sparse { .. } => self.get_sparse(a, b),
        }
    }

    #[cold]
    fn get_sparse(&self, a: usize, b: usize) -> f64 {
        let Storage::Sparse { rows, .. } = &self.storage else {
            unreachable!("called for sparse storage only")
        };
        let row = &rows[a];
        match row.binary_search_by_key(&(b as u32), |&(k, _)| k) {
            Ok(i) => row[i].1,
            Err(_) if a == b => 1.0,
            Err(_) => self.initial,
        }
    }

    /// Sets one entry, keeping the sums current.
    #[inline]
    pub fn set(&mut self, a: usize, b: usize, value: f64) {
        let delta = match &mut self.storage {
            Storage::Dense { values, moved } => {
                let k = a * self.n + b;
                let delta = value - values[k];
                values[k] = value;
                if let Some(moved) = moved
                    && !moved.flags[k]
                    && delta != 0.0
                {
                    moved.note(k, a, b);
                }
                delta
            }
            Storage::Sparse { .. } => self.set_sparse(a, b, value),
        };
        self.row_sums[a] += delta;
        self.total += delta;
    }

    /// The sparse branch of [`Self::set`] (more than 1,024 third parties): returns the change.
    #[cold]
    fn set_sparse(&mut self, a: usize, b: usize, value: f64) -> f64 {
        let initial = self.initial;
        let Storage::Sparse { rows, columns } = &mut self.storage else {
            unreachable!("called for sparse storage only")
        };
        let row = &mut rows[a];
        match row.binary_search_by_key(&(b as u32), |&(k, _)| k) {
            Ok(i) => {
                let delta = value - row[i].1;
                row[i].1 = value;
                delta
            }
            Err(i) => {
                let old = if a == b { 1.0 } else { initial };
                if value != old {
                    row.insert(i, (b as u32, value));
                    columns[b].push(a as u32);
                }
                value - old
            }
        }
    }

    /// The actors `b ≠ j` for which `(j, b)` or `(b, j)` may differ from the initial trust, in
    /// increasing order (all others, for a small dense matrix). Rotation resets exactly these
    /// pairs: resetting an entry that holds the initial value changes nothing.
    pub fn partners_of(&self, j: usize, out: &mut Vec<usize>) {
        out.clear();
        match &self.storage {
            Storage::Dense { moved: None, .. } => out.extend((0..self.n).filter(|&b| b != j)),
            Storage::Dense {
                moved: Some(moved), ..
            } => {
                out.extend(moved.rows[j].iter().map(|&b| b as usize));
                out.extend(moved.columns[j].iter().map(|&a| a as usize));
                out.retain(|&b| b != j);
                out.sort_unstable();
                out.dedup();
            }
            Storage::Sparse { rows, columns } => {
                out.extend(rows[j].iter().map(|&(b, _)| b as usize));
                out.extend(columns[j].iter().map(|&a| a as usize));
                out.retain(|&b| b != j);
                out.sort_unstable();
                out.dedup();
            }
        }
    }

    /// The candidate `a` trusts most (ties to the lower id), `a` itself excluded: `candidates`
    /// are in increasing order and `is_candidate` tells membership. Every candidate whose entry
    /// never moved holds the initial value, so only the first of those can win: the cost is
    /// O(entries of `a`'s row that moved), not O(candidates), once the matrix tracks them.
    pub fn most_trusted(
        &self,
        a: usize,
        candidates: &[usize],
        is_candidate: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let better = |x: (usize, f64), y: Option<(usize, f64)>| match y {
            None => true,
            Some((yj, yv)) => x.1.total_cmp(&yv).then(yj.cmp(&x.0)).is_gt(),
        };
        let mut best: Option<(usize, f64)> = None;
        match &self.storage {
            Storage::Dense {
                values,
                moved: None,
            } => {
                for &f in candidates {
                    let v = values[a * self.n + f];
                    if f != a && better((f, v), best) {
                        best = Some((f, v));
                    }
                }
                return best.map(|(f, _)| f);
            }
            Storage::Dense {
                values,
                moved: Some(moved),
            } => {
                for &b in &moved.rows[a] {
                    let (b, v) = (b as usize, values[a * self.n + b as usize]);
                    if b != a && is_candidate(b) && better((b, v), best) {
                        best = Some((b, v));
                    }
                }
                let unmoved = candidates
                    .iter()
                    .copied()
                    .find(|&f| f != a && !moved.flags[a * self.n + f]);
                if let Some(f) = unmoved
                    && better((f, self.initial), best)
                {
                    best = Some((f, self.initial));
                }
            }
            Storage::Sparse { rows, .. } => {
                let row = &rows[a];
                for &(b, v) in row {
                    let b = b as usize;
                    if b != a && is_candidate(b) && better((b, v), best) {
                        best = Some((b, v));
                    }
                }
                let unmoved = candidates.iter().copied().find(|&f| {
                    f != a && row.binary_search_by_key(&(f as u32), |&(k, _)| k).is_err()
                });
                if let Some(f) = unmoved
                    && better((f, self.initial), best)
                {
                    best = Some((f, self.initial));
                }
            }
        }
        best.map(|(f, _)| f)
    }

    /// Mean of `a`'s trust in the others.
    pub fn mean_of(&self, a: usize) -> f64 {
        if self.n < 2 {
            return 1.0;
        }
        // Running sums carry rounding error of a few ulps: keep the mean of values in [0, 1]
        // inside [0, 1] (it changes nothing else).
        ((self.row_sums[a] - self.get(a, a)) / (self.n - 1) as f64).clamp(0.0, 1.0)
    }

    /// Mean of the others' trust in `b` (what `b` receives; recorded per agent, not used by
    /// the model): O(actors) when dense, O(entries stored in `b`'s column) when sparse.
    pub fn mean_in(&self, b: usize) -> f64 {
        if self.n < 2 {
            return 1.0;
        }
        let sum = match &self.storage {
            Storage::Dense { values, .. } => (0..self.n)
                .filter(|&a| a != b)
                .map(|a| values[a * self.n + b])
                .sum::<f64>(),
            Storage::Sparse { columns, .. } => {
                let mut rows: Vec<u32> = columns[b].clone();
                rows.sort_unstable();
                rows.dedup();
                let moved: f64 = rows
                    .iter()
                    .filter(|&&a| a as usize != b)
                    .map(|&a| self.get(a as usize, b) - self.initial)
                    .sum();
                self.initial * (self.n - 1) as f64 + moved
            }
        };
        (sum / (self.n - 1) as f64).clamp(0.0, 1.0)
    }

    /// Mean trust among different actors.
    pub fn mean(&self) -> f64 {
        if self.n < 2 {
            return 1.0;
        }
        ((self.total - self.n as f64) / (self.n * (self.n - 1)) as f64).clamp(0.0, 1.0)
    }
}
