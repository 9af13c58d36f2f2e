//! Unit tests of `model::random` (`src/model/random.rs`).

use peacesim::model::random::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[test]
fn seeds_differ_by_replicate_and_master() {
    assert_ne!(run_seed(1, 0), run_seed(1, 1));
    assert_ne!(run_seed(1, 0), run_seed(2, 0));
    assert_eq!(run_seed(7, 3), run_seed(7, 3));
}

#[test]
fn streams_are_independent_and_reproducible() {
    let names = ["A", "B", "C"];
    let mut a = Streams::new(42, 2, names.iter().copied());
    let mut b = Streams::new(42, 2, names.iter().copied());
    a.next_month();
    b.next_month();
    assert_eq!(a.world_u, b.world_u);
    let block = |s: &Streams, j: usize| -> Vec<u64> {
        (0..ACTOR_DRAWS)
            .map(|k| s.actor_draw(j, k).to_bits())
            .collect()
    };
    assert_eq!(block(&a, 0), block(&b, 0));
    assert_ne!(a.world_u[0], a.actor_draw(0, 0));
    assert_ne!(a.party_u[0], a.actor_draw(0, 0));
    assert_ne!(block(&a, 0), block(&a, 1));
}

#[test]
fn an_actor_s_draws_do_not_depend_on_the_others() {
    let mut few = Streams::new(7, 2, ["A", "C"].into_iter());
    let mut many = Streams::new(7, 2, ["A", "B", "C", "D"].into_iter());
    for _ in 0..3 {
        few.next_month();
        many.next_month();
        for k in 0..ACTOR_DRAWS {
            assert_eq!(few.actor_draw(0, k), many.actor_draw(0, k));
            assert_eq!(few.actor_draw(1, k), many.actor_draw(2, k));
        }
        assert_eq!(few.world_u, many.world_u);
        assert_eq!(few.party_u, many.party_u);
    }
}

#[test]
fn words_read_in_bulk_give_the_generator_s_own_uniforms() {
    let mut a = ChaCha8Rng::seed_from_u64(9);
    let mut b = a.clone();
    let _: f64 = a.random();
    let _: f64 = b.random();
    let mut block = vec![0u64; 75];
    a.fill(&mut block[..]);
    for (k, x) in block.iter().enumerate() {
        let y: f64 = b.random();
        assert_eq!(to_unit(*x).to_bits(), y.to_bits(), "draw {k}");
    }
}

#[test]
fn an_actor_stream_is_the_generator_s_own_words() {
    let mut a = ChaCha8Rng::seed_from_u64(11);
    let mut b = WordStream::new(11);
    // Single draws, then month-sized blocks, across several refills of the buffer.
    for _ in 0..3 {
        let x: u64 = a.random();
        assert_eq!(x, b.next_u64());
    }
    for month in 0..40 {
        let mut block = [0u64; ACTOR_DRAWS];
        a.fill(&mut block[..]);
        if month % 3 == 0 {
            for (k, x) in block.iter().enumerate() {
                assert_eq!(*x, b.next_u64(), "month {month}, draw {k}");
            }
        } else {
            b.next_month();
            for (k, x) in block.iter().enumerate() {
                assert_eq!(*x, b.draw(k), "month {month}, draw {k}");
            }
        }
    }
}

#[test]
fn the_world_stream_is_stream_zero_of_the_run_seed() {
    let mut a = ChaCha8Rng::seed_from_u64(5);
    a.set_stream(WORLD);
    let mut b = WordStream::new(5);
    for k in 0..300 {
        let x: u64 = a.random();
        assert_eq!(x, b.next_u64(), "draw {k}");
    }
}

#[test]
fn normal_has_unit_variance() {
    let mut s = Streams::new(1, 1, ["A"].into_iter());
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
