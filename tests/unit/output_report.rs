//! Unit tests of `output::report` (`src/output/report.rs`).

use peacesim::output::report::{difference_text, signed_with};

fn signed(outcome: &str, x: f64) -> String {
    signed_with(outcome, x, 0)
}

#[test]
fn differences_carry_a_true_minus_and_zero_no_sign() {
    assert_eq!(signed("agreement", -0.0001), "0.0 pp");
    assert_eq!(signed("agreement", 0.0), "0.0 pp");
    assert_eq!(signed("agreement", -0.123), "−12.3 pp");
    assert_eq!(signed("agreement", 0.05), "+5.0 pp");
    assert_eq!(signed("cumulative_violence", -0.001), "0.00");
    assert_eq!(signed("cumulative_violence", -12.34), "−12.3");
    assert_eq!(signed("cumulative_violence", 3.0), "+3.00");
}

#[test]
fn bold_intervals_never_show_a_zero_bound() {
    // Excludes zero, but its low bound rounds to 0.00: more decimals.
    let (x, lo, hi, clear) = difference_text("final_trust_party", 0.004, 0.0012, 0.0068);
    assert!(clear);
    assert_eq!(
        (x.as_str(), lo.as_str(), hi.as_str()),
        ("+0.004", "+0.001", "+0.007")
    );
    // Includes zero: not clear, default precision.
    let (_, lo, hi, clear) = difference_text("final_trust_party", 0.004, -0.0012, 0.0068);
    assert!(!clear);
    assert_eq!((lo.as_str(), hi.as_str()), ("0.00", "+0.01"));
    // Shares in pp.
    let (x, lo, hi, clear) = difference_text("agreement", -0.0004, -0.0007, -0.0001);
    assert!(clear);
    assert_eq!(
        (x.as_str(), lo.as_str(), hi.as_str()),
        ("−0.04 pp", "−0.07 pp", "−0.01 pp")
    );
}
