//! Unit tests of `experiment::stats` (`src/experiment/stats.rs`).

use peacesim::experiment::stats::*;

#[test]
fn t_quantiles_match_tables() {
    // Reference values from standard t tables.
    for (df, t) in [
        (3, 3.182),
        (5, 2.571),
        (10, 2.228),
        (30, 2.042),
        (120, 1.980),
    ] {
        assert!((t_quantile_975(df) - t).abs() < 2e-3, "df {df}");
    }
    assert!((t_quantile_975(1_000_000) - 1.95996).abs() < 1e-4);
}

#[test]
fn moments_match_two_pass() {
    let xs = [1.0, 2.0, 4.0, 8.0, 16.0];
    let mut m = Moments::default();
    xs.iter().for_each(|&x| m.push(x));
    let mean = xs.iter().sum::<f64>() / 5.0;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 4.0;
    assert!((m.mean().unwrap() - mean).abs() < 1e-12);
    assert!((m.sd().unwrap() - var.sqrt()).abs() < 1e-12);
    let (lo, hi) = m.ci95().unwrap();
    assert!(lo < mean && mean < hi);
}

#[test]
fn wilson_stays_in_unit_interval() {
    let mut m = Moments::default();
    for _ in 0..10 {
        m.push(0.0);
    }
    let (lo, hi) = m.wilson95().unwrap();
    assert_eq!(lo, 0.0);
    assert!(hi > 0.0 && hi < 0.35);
}
