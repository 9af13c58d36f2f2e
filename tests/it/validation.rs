//! The stylized facts hold on the default calibration, and `peacesim validate` says so — or
//! says which fact fails on a broken calibration.

use peacesim::scenario::BASELINE_TOML;
use std::process::Command;

/// The rows of `validation.csv`.
fn records(csv: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(csv.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn peacesim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_peacesim"))
        .args(args)
        .output()
        .unwrap()
}

/// One run of the 13 checks on the default calibration (about 1 s), through the binary:
/// `peacesim validate` calls `peacesim::experiment::validation::validate` on the built-in
/// baseline and writes each check, as it returned it, to `validation.csv`, so this test checks
/// both the checks (every fact checked, every check holds) and the command (exit status 0, its
/// files), which were two tests running the same experiment twice.
#[test]
fn every_fact_holds_on_the_default_calibration_and_validate_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("v");
    let o = peacesim(&["validate", "--out", out.to_str().unwrap(), "-q"]);
    let csv = std::fs::read_to_string(out.join("validation.csv")).unwrap_or_default();
    assert!(
        csv.starts_with(
            "fact,name,metric,expected,value,ci_low,ci_high,pass,replicates,confidence\n"
        ),
        "{csv}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rows = records(&csv);
    assert_eq!(rows.len(), 13, "{csv}");
    assert_eq!(csv.lines().count(), 14, "{csv}");
    for fact in 1..=6 {
        assert!(
            rows.iter().any(|r| r[0] == fact.to_string()),
            "fact {fact} is not checked"
        );
    }
    // Sequential design: each check is decided at one of the looks, with a 99.9% interval
    // before the last look and the usual 95% at it.
    for r in &rows {
        let (n, level) = (&r[8], &r[9]);
        assert!(
            ["250", "500", "1000", "2000"].contains(&n),
            "replicates {n}: {csv}"
        );
        let expected = if n == "2000" { "0.950000" } else { "0.999000" };
        assert_eq!(level, expected, "{csv}");
        let words = if n == "2000" { "95% CI" } else { "99.9% CI" };
        assert!(r[3].contains(words), "{csv}");
    }
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| &r[7] != "1")
        .map(|r| {
            format!(
                "fact {} {}: {} [{}, {}], expected {}",
                &r[0], &r[2], &r[4], &r[5], &r[6], &r[3]
            )
        })
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
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
    let rows = records(&csv);
    let failed: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[7] == "0").collect();
    assert!(failed.iter().any(|r| &r[0] == "4"), "{csv}");
    // A check that no look decides is judged on every replicate, with its 95% interval.
    for r in failed {
        assert_eq!((&r[8], &r[9]), ("2000", "0.950000"), "{csv}");
    }
}

#[test]
fn all_replicates_judges_every_check_at_the_last_look() {
    // A short horizon keeps the 22,000 runs cheap; the verdicts do not matter here.
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short.toml");
    let text = BASELINE_TOML
        .replace("horizon_months = 120 ", "horizon_months = 30  ")
        .replace("name = \"baseline\"", "name = \"short\"");
    assert_ne!(text, BASELINE_TOML);
    std::fs::write(&short, text).unwrap();
    let out = dir.path().join("v");
    let o = peacesim(&[
        "validate",
        short.to_str().unwrap(),
        "--all-replicates",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let csv = std::fs::read_to_string(out.join("validation.csv"))
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let rows = records(&csv);
    assert_eq!(rows.len(), 13, "{csv}");
    for r in &rows {
        assert_eq!((&r[8], &r[9]), ("2000", "0.950000"), "{csv}");
        assert!(r[3].contains("(whole 95% CI)"), "{csv}");
    }
}
