//! Per-run random streams with common random numbers across regimes.
//!
//! Every run of replicate `r` derives one seed from `(master seed, r)` alone, so replicate `r`
//! of every regime starts from the same seed. From it come three independent ChaCha8 streams:
//! the *world* (initial conditions, battlefield, patron and violence shocks, signing and relapse
//! draws), *personnel* (postings, turnover, funding) and *decisions* (initiatives, moves,
//! consultation, consensus, forum shopping). Each month every stream fills a block of fixed
//! size whatever happens in the run, so draw `k` of month `t` is the same number under every
//! regime: regime differences are paired, not noise.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Stream numbers within a run's ChaCha8 generator.
const WORLD: u64 = 0;
const PERSONNEL: u64 = 1;
const DECISIONS: u64 = 2;

/// Uniform draws per party and per month in the world stream: capability shock (2, a normal),
/// violence noise (2, a normal), patron surge (1).
pub const WORLD_PER_PARTY: usize = 5;
/// Global uniforms per month in the world stream: signing, relapse.
pub const WORLD_GLOBAL: usize = 2;
/// Uniforms per third party and month in the personnel stream: rotation, funding.
pub const PERSONNEL_PER_ACTOR: usize = 2;
/// Uniforms per third party and month in the decision stream: initiative, move, misjudgement
/// (2, a normal), consultation, consensus.
pub const DECISIONS_PER_ACTOR: usize = 6;
/// Uniforms per party and month in the decision stream: forum choice.
pub const DECISIONS_PER_PARTY: usize = 1;

/// The seed of replicate `replicate` under master seed `master`: SplitMix64 of both, so
/// neighbouring replicates get unrelated seeds (Steele, Lea & Flood 2014).
pub fn run_seed(master: u64, replicate: u64) -> u64 {
    splitmix64(splitmix64(master) ^ replicate.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A standard normal from two uniforms in [0, 1) (Box–Muller).
pub fn normal(u1: f64, u2: f64) -> f64 {
    (-2.0 * (1.0 - u1).ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The three streams of one run and this month's blocks of draws.
#[derive(Debug, Clone)]
pub struct Streams {
    world: ChaCha8Rng,
    personnel: ChaCha8Rng,
    decisions: ChaCha8Rng,
    /// This month's world draws.
    pub world_u: Vec<f64>,
    /// This month's personnel draws.
    pub personnel_u: Vec<f64>,
    /// This month's decision draws.
    pub decision_u: Vec<f64>,
}

impl Streams {
    pub fn new(seed: u64, parties: usize, actors: usize) -> Self {
        let stream = |k| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(k);
            rng
        };
        Self {
            world: stream(WORLD),
            personnel: stream(PERSONNEL),
            decisions: stream(DECISIONS),
            world_u: vec![0.0; parties * WORLD_PER_PARTY + WORLD_GLOBAL],
            personnel_u: vec![0.0; actors * PERSONNEL_PER_ACTOR],
            decision_u: vec![0.0; actors * DECISIONS_PER_ACTOR + parties * DECISIONS_PER_PARTY],
        }
    }

    /// One uniform from the world stream (for initial conditions).
    pub fn world_uniform(&mut self) -> f64 {
        self.world.random()
    }

    /// One uniform from the personnel stream (for initial postings and funding).
    pub fn personnel_uniform(&mut self) -> f64 {
        self.personnel.random()
    }

    /// Fills this month's blocks; the number of draws never depends on the state.
    pub fn next_month(&mut self) {
        fill(&mut self.world, &mut self.world_u);
        fill(&mut self.personnel, &mut self.personnel_u);
        fill(&mut self.decisions, &mut self.decision_u);
    }
}

fn fill(rng: &mut ChaCha8Rng, block: &mut [f64]) {
    for u in block {
        *u = rng.random();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_differ_by_replicate_and_master() {
        assert_ne!(run_seed(1, 0), run_seed(1, 1));
        assert_ne!(run_seed(1, 0), run_seed(2, 0));
        assert_eq!(run_seed(7, 3), run_seed(7, 3));
    }

    #[test]
    fn streams_are_independent_and_reproducible() {
        let mut a = Streams::new(42, 2, 3);
        let mut b = Streams::new(42, 2, 3);
        a.next_month();
        b.next_month();
        assert_eq!(a.world_u, b.world_u);
        assert_ne!(a.world_u[0], a.personnel_u[0]);
        assert_ne!(a.personnel_u[0], a.decision_u[0]);
    }

    #[test]
    fn normal_has_unit_variance() {
        let mut s = Streams::new(1, 1, 1);
        let n = 20_000;
        let (mut sum, mut sq) = (0.0, 0.0);
        for _ in 0..n {
            let z = normal(s.world_uniform(), s.world_uniform());
            sum += z;
            sq += z * z;
        }
        let mean = sum / n as f64;
        let var = sq / n as f64 - mean * mean;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
    }
}
