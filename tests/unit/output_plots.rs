//! Unit tests of `output::plots` (`src/output/plots/mod.rs`).

use peacesim::output::plots::safe_range;

#[test]
fn ranges_are_finite_and_not_degenerate() {
    for (lo, hi) in [
        (0.0, f64::INFINITY),
        (f64::NEG_INFINITY, f64::NAN),
        (1e300, 1e300),
        (5.0, 5.0),
        (3.0, -3.0),
    ] {
        let (a, b) = safe_range(lo, hi);
        assert!(
            a.is_finite() && b.is_finite() && a < b,
            "{lo}..{hi} → {a}..{b}"
        );
        assert!(b - a >= 1e-6 * a.abs().max(b.abs()).max(1.0) * 0.999);
    }
    assert_eq!(safe_range(0.0, 100.0), (0.0, 100.0));
}
