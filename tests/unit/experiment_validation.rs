//! Unit tests of `experiment::validation` (`src/experiment/validation.rs`).

use peacesim::experiment::stats::Moments;
use peacesim::experiment::validation::*;

fn moments(values: &[f64]) -> Moments {
    let mut m = Moments::default();
    for &x in values {
        m.push(x);
    }
    m
}

#[test]
fn interim_intervals_are_the_wider_99_9_percent_ones() {
    let m = moments(&[1.0, 3.0, 2.0, 5.0, 4.0, 0.0, 2.5, 3.5]);
    let (mean, (lo, hi)) = interval(&m, Some(INTERIM_Z)).unwrap();
    let se = m.sd().unwrap() / (m.n as f64).sqrt();
    assert!(
        (hi - mean - INTERIM_Z * se).abs() < 1e-12 && (mean - lo - INTERIM_Z * se).abs() < 1e-12
    );
    // The last look's t interval is the one `ci95` gives, and lies inside the interim one.
    let (_, last) = interval(&m, None).unwrap();
    assert_eq!(last, m.ci95().unwrap());
    assert!(lo < last.0 && last.1 < hi);
    let p = moments(&[0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
    let (w95, w999) = (p.wilson95().unwrap(), p.wilson(INTERIM_Z).unwrap());
    assert!(w999.0 < w95.0 && w95.1 < w999.1, "{w95:?} {w999:?}");
    let (a, b) = (
        moments(&[1.0, 0.0, 1.0, 1.0]),
        moments(&[0.0, 0.0, 1.0, 0.0]),
    );
    let narrow = proportion_difference(&a, &b, Z_95).unwrap().1;
    let wide = proportion_difference(&a, &b, INTERIM_Z).unwrap().1;
    assert!(wide.0 < narrow.0 && narrow.1 < wide.1);
}

#[test]
fn a_check_reports_the_level_of_its_look() {
    let check = |replicates| Check {
        fact: 1,
        name: FACT1,
        metric: String::new(),
        expected: String::new(),
        value: 0.0,
        ci_low: 0.0,
        ci_high: 0.0,
        pass: true,
        replicates,
    };
    assert_eq!(check(REPLICATES).confidence(), 0.95);
    for &n in &LOOKS[..LOOKS.len() - 1] {
        assert_eq!(check(n).confidence(), 0.999);
    }
    // Haybittle–Peto: the interim quantile is the two-sided 99.9% normal quantile.
    assert!((INTERIM_Z - 3.2905).abs() < 1e-4);
}
