//! Per-run random streams with common random numbers across regimes.
//!
//! Every run of replicate `r` derives one seed from `(master seed, r)` alone, so replicate `r`
//! of every regime starts from the same seed. From it come independent ChaCha8 streams: the
//! *world* (parties' initial conditions, battlefield, patron and violence shocks, signing and
//! relapse draws), the *parties' decisions* (forum choice), and one stream *per third party*
//! (its initial posting, funding and trust draws; then each month its rotation, funding,
//! initiative, moves, consultation, consensus, strategic choice and the detection of its
//! defections). A third party's stream is seeded from the run seed and a hash of its name, not
//! its position: adding or removing an actor leaves every other actor's draws unchanged, so
//! `count.<kind>` sweep points are paired too. Each month every stream fills a block of fixed
//! size whatever happens in the run, so draw `k` of month `t` is the same number under every
//! regime: regime differences are paired, not noise.

use rand::{RngExt, SeedableRng};
use rand_chacha::rand_core::block::Generator;
use rand_chacha::{ChaCha8Core, ChaCha8Rng};

/// Stream numbers within a run's ChaCha8 generator.
#[doc(hidden)]
pub const WORLD: u64 = 0;
// The world stream is read as a fresh generator's own stream, which is stream 0.
const _: () = assert!(WORLD == 0);
const PARTY_DECISIONS: u64 = 2;

/// Uniform draws per party and per month in the world stream: capability shock (2, a normal),
/// violence noise (2, a normal), patron surge (1).
pub const WORLD_PER_PARTY: usize = 5;
/// Global uniforms per month in the world stream: signing, relapse.
pub const WORLD_GLOBAL: usize = 2;
/// Personnel uniforms per third party and month: rotation, funding.
pub const PERSONNEL_PER_ACTOR: usize = 2;
/// Decision uniforms per third party and month: initiative, move, misjudgement (2, a normal),
/// consultation, consensus.
pub const DECISIONS_PER_ACTOR: usize = 6;
/// Strategic uniforms per third party and month: its choice, whether its defection is noticed.
pub const STRATEGY_PER_ACTOR: usize = 2;
/// All uniforms a third party's stream gives per month, in the order above.
pub const ACTOR_DRAWS: usize = PERSONNEL_PER_ACTOR + DECISIONS_PER_ACTOR + STRATEGY_PER_ACTOR;
/// Offset of the decision uniforms within an actor's block.
pub const DECISION_OFFSET: usize = PERSONNEL_PER_ACTOR;
/// Offset of the strategic uniforms within an actor's block.
pub const STRATEGY_OFFSET: usize = PERSONNEL_PER_ACTOR + DECISIONS_PER_ACTOR;
/// Uniforms per party and month in the parties' decision stream: forum choice.
pub const DECISIONS_PER_PARTY: usize = 1;

/// The seed of replicate `replicate` under master seed `master`: SplitMix64 of both, so
/// neighbouring replicates get unrelated seeds (Steele, Lea & Flood 2014).
pub fn run_seed(master: u64, replicate: u64) -> u64 {
    splitmix64(splitmix64(master) ^ replicate.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The seed of a third party's stream in a run: the run seed and its name's 64-bit FNV-1a hash,
/// mixed by SplitMix64.
pub fn actor_seed(run_seed: u64, name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    splitmix64(run_seed ^ splitmix64(h))
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

/// Words of ChaCha8 output per generation (four 16-word blocks).
const GENERATED: usize = 64;
/// Most words a stream hands out at once (a month of an actor's draws).
const MONTH_WORDS: usize = 2 * ACTOR_DRAWS;

/// A ChaCha8 stream (an actor's, or the world's) read 64 bits at a time: word for word what `ChaCha8Rng::seed_from_u64(seed)` gives
/// through `next_u64` or `fill(&mut [u64])` (tested in `tests/unit/model_random.rs`), without the general-purpose
/// buffering those go through. A month's draws always lie side by side in the buffer, so they
/// are read in place.
#[derive(Debug, Clone)]
#[doc(hidden)]
pub struct WordStream {
    core: ChaCha8Core,
    /// Unread output at `next..end`; a new generation is appended after what is left.
    buffer: [u32; GENERATED + MONTH_WORDS],
    next: usize,
    end: usize,
    /// Where this month's draws start in `buffer`.
    month: usize,
}

impl WordStream {
    pub fn new(seed: u64) -> Self {
        Self {
            core: ChaCha8Core::seed_from_u64(seed),
            buffer: [0; GENERATED + MONTH_WORDS],
            next: 0,
            end: 0,
            month: 0,
        }
    }

    /// Makes at least `words` (at most `MONTH_WORDS`) unread words lie side by side.
    #[inline]
    fn ensure(&mut self, words: usize) {
        if self.end - self.next >= words {
            return;
        }
        let rest = self.end - self.next;
        self.buffer.copy_within(self.next..self.end, 0);
        let fresh: &mut [u32; GENERATED] = (&mut self.buffer[rest..rest + GENERATED])
            .try_into()
            .expect("a slice of GENERATED words");
        self.core.generate(fresh);
        self.next = 0;
        self.end = rest + GENERATED;
    }

    #[inline]
    fn word(&self, at: usize) -> u64 {
        (u64::from(self.buffer[at + 1]) << 32) | u64::from(self.buffer[at])
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.ensure(2);
        let x = self.word(self.next);
        self.next += 2;
        x
    }

    /// Takes this month's `ACTOR_DRAWS` 64-bit draws, read in place by [`Self::draw`].
    #[inline]
    pub fn next_month(&mut self) {
        self.ensure(MONTH_WORDS);
        self.month = self.next;
        self.next += MONTH_WORDS;
    }

    /// This month's draw `k` (0 ≤ k < `ACTOR_DRAWS`).
    #[inline]
    pub fn draw(&self, k: usize) -> u64 {
        self.word(self.month + 2 * k)
    }
}

/// The streams of one run and this month's blocks of draws.
#[derive(Debug, Clone)]
pub struct Streams {
    /// Stream `WORLD` (0) of the run seed: a fresh generator's own stream, so it is read
    /// directly like an actor's.
    world: WordStream,
    party_decisions: ChaCha8Rng,
    actors: Vec<WordStream>,
    /// This month's world draws.
    pub world_u: Vec<f64>,
    /// This month's parties' decision draws.
    pub party_u: Vec<f64>,
}

impl Streams {
    /// The streams of run `seed` with `parties` parties and third parties of these names.
    pub fn new<'a>(
        seed: u64,
        parties: usize,
        actor_names: impl ExactSizeIterator<Item = &'a str>,
    ) -> Self {
        let stream = |k| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(k);
            rng
        };
        Self {
            world: WordStream::new(seed),
            party_decisions: stream(PARTY_DECISIONS),
            actors: actor_names
                .map(|name| WordStream::new(actor_seed(seed, name)))
                .collect(),
            world_u: vec![0.0; parties * WORLD_PER_PARTY + WORLD_GLOBAL],
            party_u: vec![0.0; parties * DECISIONS_PER_PARTY],
        }
    }

    /// One uniform from the world stream (for initial conditions).
    pub fn world_uniform(&mut self) -> f64 {
        to_unit(self.world.next_u64())
    }

    /// One uniform from third party `j`'s stream (for its initial conditions).
    pub fn actor_uniform(&mut self, j: usize) -> f64 {
        to_unit(self.actors[j].next_u64())
    }

    /// Third party `j`'s draw `k` this month (0 ≤ k < `ACTOR_DRAWS`), a uniform in [0, 1).
    #[inline]
    pub fn actor_draw(&self, j: usize, k: usize) -> f64 {
        debug_assert!(k < ACTOR_DRAWS);
        to_unit(self.actors[j].draw(k))
    }

    /// Fills this month's blocks; the number of draws never depends on the state.
    pub fn next_month(&mut self) {
        for u in &mut self.world_u {
            *u = to_unit(self.world.next_u64());
        }
        fill(&mut self.party_decisions, &mut self.party_u);
        // Whole words, read in place and converted to uniforms only when used.
        for rng in &mut self.actors {
            rng.next_month();
        }
    }
}

/// A 64-bit word as a uniform in [0, 1): its top 53 bits scaled by 2⁻⁵³, exactly as
/// `rng.random::<f64>()` converts the word it draws (tested in `tests/unit/model_random.rs`).
#[inline]
#[doc(hidden)]
pub fn to_unit(x: u64) -> f64 {
    // The top 53 bits fit an i64, whose conversion is one instruction (u64's is several).
    ((x >> 11) as i64) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn fill(rng: &mut ChaCha8Rng, block: &mut [f64]) {
    for u in block {
        *u = rng.random();
    }
}
