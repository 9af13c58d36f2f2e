//! The stylized facts hold on the default calibration, and `peacesim validate` says so — or
//! says which fact fails on a broken calibration.

use peacesim::experiment::validation::validate;
use peacesim::scenario::{BASELINE_TOML, Scenario};
use std::process::Command;

#[test]
fn every_fact_holds_on_the_default_calibration() {
    let checks = validate(&Scenario::baseline(), 0, &mut |_| {}).unwrap();
    assert_eq!(checks.len(), 13);
    for fact in 1..=6 {
        assert!(
            checks.iter().any(|c| c.fact == fact),
            "fact {fact} is not checked"
        );
    }
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| !c.pass)
        .map(|c| {
            format!(
                "fact {} {}: {:.2} [{:.2}, {:.2}], expected {}",
                c.fact, c.metric, c.value, c.ci_low, c.ci_high, c.expected
            )
        })
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
}

fn peacesim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_peacesim"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn validate_exits_zero_and_writes_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("v");
    let o = peacesim(&["validate", "--out", out.to_str().unwrap(), "-q"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let csv = std::fs::read_to_string(out.join("validation.csv")).unwrap();
    assert!(csv.starts_with("fact,name,metric,expected,value,ci_low,ci_high,pass\n"));
    assert_eq!(csv.lines().count(), 14);
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",1")), "{csv}");
    assert!(out.join("validation.png").exists() && out.join("validation.svg").exists());
}

#[test]
fn validate_fails_on_a_deliberately_broken_calibration() {
    // Without ripeness every party is equally ready whatever the war: an agreement no longer
    // needs a hurting stalemate, so fact 4 must fail.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.toml");
    let text = BASELINE_TOML
        .replace("ripeness = true ", "ripeness = false")
        .replace("name = \"baseline\"", "name = \"broken\"");
    assert_ne!(text, BASELINE_TOML);
    std::fs::write(&broken, text).unwrap();
    let out = dir.path().join("v");
    let o = peacesim(&[
        "validate",
        broken.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("validation failed") && err.contains("fact 4"),
        "{err}"
    );
    let csv = std::fs::read_to_string(out.join("validation.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("4,") && l.ends_with(",0")),
        "{csv}"
    );
}
