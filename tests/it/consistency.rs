//! The three CSV files of a run tell the same story: counts and means agree between
//! `runs.csv`, `timeseries.csv` and `summary.csv`, and nothing is NaN or infinite.

use std::collections::HashMap;
use std::process::Command;

fn read(path: &std::path::Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

#[test]
fn runs_timeseries_and_summary_agree() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let replicates = 60;
    let status = Command::new(env!("CARGO_BIN_EXE_peacesim"))
        .args([
            "run",
            "--replicates",
            &replicates.to_string(),
            "--no-plots",
            "-q",
            "--out",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let runs = read(&out.join("runs.csv"));
    let summary = read(&out.join("summary.csv"));
    let series = read(&out.join("timeseries.csv"));
    for file in [&runs, &summary, &series] {
        for row in file {
            for (k, v) in row {
                if let Ok(x) = v.parse::<f64>() {
                    assert!(x.is_finite(), "{k} = {v}");
                }
                assert!(
                    !v.eq_ignore_ascii_case("nan") && !v.contains("inf"),
                    "{k} = {v}"
                );
            }
        }
    }
    let regimes = ["competitive", "hierarchical", "network"];
    let last_month = series
        .iter()
        .map(|r| num(&r["month"]) as u32)
        .max()
        .unwrap();
    for regime in regimes {
        let mine: Vec<_> = runs.iter().filter(|r| r["regime"] == regime).collect();
        assert_eq!(mine.len(), replicates);
        let mean = |col: &str| mine.iter().map(|r| num(&r[col])).sum::<f64>() / mine.len() as f64;
        let summary_of = |outcome: &str| {
            summary
                .iter()
                .find(|r| r["regime"] == regime && r["outcome"] == outcome)
                .unwrap()
        };
        for outcome in [
            "agreement",
            "relapse",
            "forum_switches",
            "dnh_violations",
            "rotations",
            "defections",
            "rival_initiatives",
            "visibility_moves",
        ] {
            let s = summary_of(outcome);
            assert_eq!(num(&s["n"]) as usize, replicates, "{regime} {outcome}");
            assert!(
                (num(&s["mean"]) - mean(outcome)).abs() < 1e-6,
                "{regime} {outcome}: summary {} vs runs {}",
                s["mean"],
                mean(outcome)
            );
        }
        // Conditional outcomes count only the runs where they are defined.
        let agreed = mine.iter().filter(|r| r["agreement"] == "1").count();
        assert_eq!(num(&summary_of("agreement_month")["n"]) as usize, agreed);
        assert_eq!(
            num(&summary_of("relapse_given_agreement")["n"]) as usize,
            agreed
        );
        // Compliance is defined for the runs in which someone had a role: none under
        // competition, every run of a coordinated regime.
        let with_roles = mine.iter().filter(|r| !r["compliance"].is_empty()).count();
        assert_eq!(
            with_roles,
            if regime == "competitive" {
                0
            } else {
                replicates
            }
        );
        assert_eq!(num(&summary_of("compliance")["n"]) as usize, with_roles);
        // The cumulative agreement share in the last month equals the agreement rate.
        let final_share = series
            .iter()
            .find(|r| {
                r["regime"] == regime
                    && r["metric"] == "agreement"
                    && num(&r["month"]) as u32 == last_month
            })
            .unwrap();
        assert!((num(&final_share["mean"]) - mean("agreement")).abs() < 1e-6);
        // Monthly violence adds up to the cumulative violence of runs.csv.
        let monthly: f64 = series
            .iter()
            .filter(|r| r["regime"] == regime && r["metric"] == "violence")
            .map(|r| num(&r["mean"]))
            .sum();
        let cumulative = mean("cumulative_violence");
        assert!(
            (monthly - cumulative).abs() < 1e-3 * cumulative.max(1.0),
            "{regime}: monthly sum {monthly} vs cumulative {cumulative}"
        );
        // Every interval brackets its mean.
        for r in series.iter().filter(|r| r["regime"] == regime) {
            // Compliance is undefined in months where nobody had a role (all of competition).
            if r["mean"].is_empty() {
                assert_eq!(r["metric"], "compliance", "{r:?}");
                continue;
            }
            let (lo, m, hi) = (num(&r["ci_low"]), num(&r["mean"]), num(&r["ci_high"]));
            assert!(lo <= m + 1e-9 && m <= hi + 1e-9, "{r:?}");
        }
    }
}
