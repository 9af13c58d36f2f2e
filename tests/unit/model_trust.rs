//! Unit tests of `model::trust` (`src/model/trust.rs`).

use peacesim::model::trust::*;

#[test]
fn means_stay_in_the_unit_interval_despite_rounding() {
    // Trust driven to 1 by many small steps: the running sums alone would put the means a
    // few ulps above 1 (1.0000000000000018 here).
    let n = 7;
    let mut m = TrustMatrix::new(n, 0.5);
    for _ in 0..300 {
        for a in 0..n {
            for b in (0..n).filter(|&b| b != a) {
                let t = m.get(a, b);
                m.set(a, b, t + 0.3 * (1.0 - t));
            }
        }
        assert!((0.0..=1.0).contains(&m.mean()), "mean {}", m.mean());
        for a in 0..n {
            assert!(
                (0.0..=1.0).contains(&m.mean_of(a)),
                "mean of {a}: {}",
                m.mean_of(a)
            );
        }
    }
}

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

/// The sparse form gives bit-identical values and sums to the dense one under the model's
/// operations (sharing, rivalry, rotation resets).
#[test]
fn sparse_and_dense_agree_bit_for_bit() {
    let n = 40;
    let initial = 0.37;
    let mut dense = TrustMatrix::with_storage(n, initial, true);
    let mut sparse = TrustMatrix::with_storage(n, initial, false);
    assert!(n >= TRACK_MIN_ACTORS, "the dense form tracks moved pairs");
    // A dense matrix that does not track them, for the most trusted candidate.
    let mut small = TrustMatrix::with_storage(n, initial, true).untracked();
    let mut state = 12345u64;
    let mut next = |m: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % m
    };
    let (mut pd, mut ps) = (Vec::new(), Vec::new());
    for _ in 0..5000 {
        let (a, b) = (next(n), next(n));
        match next(3) {
            0 if a != b => {
                for m in [&mut dense, &mut sparse, &mut small] {
                    let t = m.get(a, b);
                    m.set(a, b, t + 0.05 * (1.0 - t));
                }
            }
            1 if a != b => {
                for m in [&mut dense, &mut sparse, &mut small] {
                    let t = m.get(a, b);
                    m.set(a, b, t * 0.9);
                }
            }
            _ => {
                let keep = 0.3;
                dense.partners_of(a, &mut pd);
                sparse.partners_of(a, &mut ps);
                // Both remember exactly the pairs that ever moved.
                assert_eq!(pd, ps);
                let mut pm = Vec::new();
                small.partners_of(a, &mut pm);
                for (m, partners) in [(&mut dense, &pd), (&mut sparse, &ps), (&mut small, &pm)] {
                    for &b in partners {
                        for (x, y) in [(a, b), (b, a)] {
                            let t = m.get(x, y);
                            m.set(x, y, initial + keep * (t - initial));
                        }
                    }
                }
            }
        }
        assert_eq!(dense.mean().to_bits(), sparse.mean().to_bits());
        // The most trusted of a random set of candidates, as a plain scan finds it (highest
        // trust, ties to the lower id), in every storage.
        let candidates: Vec<usize> = (0..n).filter(|_| next(4) == 0).collect();
        let is = |f: usize| candidates.contains(&f);
        let scan = candidates
            .iter()
            .copied()
            .filter(|&f| f != a)
            .max_by(|&x, &y| dense.get(a, x).total_cmp(&dense.get(a, y)).then(y.cmp(&x)));
        assert_eq!(dense.most_trusted(a, &candidates, is), scan);
        assert_eq!(sparse.most_trusted(a, &candidates, is), scan);
        assert_eq!(small.most_trusted(a, &candidates, is), scan);
    }
    for a in 0..n {
        assert_eq!(dense.mean_of(a).to_bits(), sparse.mean_of(a).to_bits());
        // What `a` receives: the same mean, summed in another order.
        let direct = (0..n)
            .filter(|&x| x != a)
            .map(|x| dense.get(x, a))
            .sum::<f64>()
            / (n - 1) as f64;
        assert!((dense.mean_in(a) - direct).abs() < 1e-12);
        assert!((sparse.mean_in(a) - direct).abs() < 1e-12, "actor {a}");
        for b in 0..n {
            assert_eq!(dense.get(a, b).to_bits(), sparse.get(a, b).to_bits());
        }
    }
}
