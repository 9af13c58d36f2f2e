//! A sweep is as complete as a run: paired differences in `sweep_summary.csv`, a self-contained
//! `report.html`, and a compact terminal table.

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

use crate::common::*;

fn sweep_file(dir: &Path, parameters: usize) -> std::path::PathBuf {
    let mut text = rotation_sweep(30);
    if parameters == 1 {
        let i = text
            .find("[[sweep.parameters]]\npath = \"count.mediator\"")
            .unwrap();
        let j = i + text[i..].find("\n\n").unwrap() + 2;
        text.replace_range(i..j, "");
    }
    let file = dir.join(format!("sweep{parameters}.toml"));
    fs::write(&file, text).unwrap();
    file
}

#[test]
fn sweep_summary_holds_the_paired_differences_of_sweep_runs() {
    let tmp = TempDir::new().unwrap();
    let file = sweep_file(tmp.path(), 2);
    let out = tmp.path().join("out");
    let o = peacesim(&[
        "sweep",
        path_str(&file),
        "--out",
        path_str(&out),
        "--quiet",
        "--no-plots",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (rh, runs) = csv_table(&out.join("sweep_runs.csv"));
    let col = |h: &[String], n: &str| h.iter().position(|c| c == n).unwrap();
    // Recompute, per point, regime and outcome, the paired differences from competitive.
    let mut by_unit: HashMap<(String, String), HashMap<String, Vec<String>>> = HashMap::new();
    for r in &runs {
        let unit = (r[0].clone(), r[col(&rh, "replicate")].clone());
        by_unit
            .entry(unit)
            .or_default()
            .insert(r[col(&rh, "regime")].clone(), r.clone());
    }
    let (sh, summary) = csv_table(&out.join("sweep_summary.csv"));
    assert_eq!(
        sh[sh.len() - 11..],
        peacesim::output::SUMMARY_HEADER.map(String::from),
        "sweep_summary.csv ends with the columns of summary.csv"
    );
    let mut checked = 0;
    for row in &summary {
        let (point, regime, outcome) =
            (&row[0], &row[col(&sh, "regime")], &row[col(&sh, "outcome")]);
        assert_eq!(row[col(&sh, "reference")], "competitive");
        if !["agreement", "cumulative_violence", "forum_switches"].contains(&outcome.as_str()) {
            continue;
        }
        let diffs: Vec<f64> = by_unit
            .iter()
            .filter(|((p, _), _)| p == point)
            .filter_map(|(_, regimes)| {
                let x: f64 = regimes[regime][col(&rh, outcome)].parse().ok()?;
                let b: f64 = regimes["competitive"][col(&rh, outcome)].parse().ok()?;
                Some(x - b)
            })
            .collect();
        let n_pairs: usize = row[col(&sh, "n_pairs")].parse().unwrap();
        if regime == "competitive" {
            assert_eq!(n_pairs, 0);
            assert_eq!(row[col(&sh, "diff_mean")], "");
            continue;
        }
        assert_eq!(n_pairs, diffs.len(), "{point} {regime} {outcome}");
        let mean = diffs.iter().sum::<f64>() / diffs.len() as f64;
        let got: f64 = row[col(&sh, "diff_mean")].parse().unwrap();
        assert!(
            (got - mean).abs() < 1e-5,
            "{point} {regime} {outcome}: {got} vs {mean}"
        );
        let (lo, hi): (f64, f64) = (
            row[col(&sh, "diff_ci_low")].parse().unwrap(),
            row[col(&sh, "diff_ci_high")].parse().unwrap(),
        );
        assert!(lo <= got && got <= hi);
        checked += 1;
    }
    assert_eq!(
        checked,
        20 * 2 * 3,
        "every point × coordinated regime × outcome"
    );
}

#[test]
fn a_sweep_writes_a_self_contained_report_and_prints_a_narrow_table() {
    let tmp = TempDir::new().unwrap();
    for parameters in [1, 2] {
        let file = sweep_file(tmp.path(), parameters);
        let out = tmp.path().join(format!("out{parameters}"));
        let o = peacesim(&["sweep", path_str(&file), "--out", path_str(&out)]);
        assert!(o.status.success(), "{}", stderr(&o));
        let stdout = String::from_utf8(o.stdout).unwrap();
        // The folder's path has a line of its own (it may be long).
        for line in stdout.lines().filter(|l| !l.starts_with('→')) {
            assert!(line.chars().count() <= 80, "a line wider than 80: {line:?}");
        }
        for regime in ["competitive", "hierarchical", "network"] {
            assert!(stdout.contains(regime), "{stdout}");
        }
        assert!(stdout.contains("vs competitive"), "{stdout}");
        // One line per point for a small design.
        if parameters == 1 {
            assert!(stdout.contains("posting_months"), "{stdout}");
            assert!(
                stdout.lines().any(|l| l.trim_start().starts_with("60 ")),
                "{stdout}"
            );
        }

        let html = fs::read_to_string(out.join("report.html")).unwrap();
        assert!(!html.contains("<script"), "the report runs no script");
        // No address to fetch (the SVG namespace is a name, not a request).
        let fetched = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(
            !fetched.contains("http://") && !fetched.contains("https://"),
            "no network"
        );
        assert!(html.contains("rotation.posting_months"));
        // Every figure written beside the report is inlined in it.
        let stems: Vec<String> = fs::read_dir(&out)
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                name.strip_suffix(".svg").map(String::from)
            })
            .collect();
        assert!(!stems.is_empty());
        for stem in &stems {
            assert!(
                html.contains(&format!("<figure id=\"{stem}\">")),
                "{stem} not in the report"
            );
        }
        assert_eq!(html.matches("<svg").count(), stems.len());
        for f in ["sweep_runs.csv", "sweep_summary.csv"] {
            assert!(
                html.contains(&format!("<a href=\"{f}\">")),
                "no link to {f}"
            );
        }
        // One table row per point.
        let points = if parameters == 1 { 5 } else { 20 };
        assert!(html.matches("<tr><td>").count() >= points);
    }
}
