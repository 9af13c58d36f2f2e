//! End-to-end tests of `design = "sobol"`: the indices in `sensitivity.csv` follow from
//! `sweep_summary.csv` by the documented estimators, every outcome × regime (and difference)
//! × parameter has a row, the files are the same bytes whatever the threads and shards, and
//! bad settings are refused. (The estimators themselves are proved on the Ishigami and G
//! functions in `src/experiment/sobol.rs`.)

use peacesim::experiment::OUTCOMES;
use peacesim::scenario::BASELINE_TOML;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

use crate::common::*;

const REGIMES: [&str; 3] = ["competitive", "hierarchical", "network"];
const NAMES: [&str; 2] = ["trust.build_rate", "forums.agreement_rate"];

/// The baseline with a Sobol' sweep of `samples` base rows over two parameters.
fn sobol_scenario(dir: &Path, samples: u64, replicates: u64) -> PathBuf {
    let table = format!(
        r#"[sweep]
design = "sobol"
samples = {samples}
replicates = {replicates}
seed = 17

[[sweep.parameters]]
path = "trust.build_rate"
min = 0.01
max = 0.1

[[sweep.parameters]]
path = "forums.agreement_rate"
min = 0.05
max = 0.4
"#
    );
    let path = dir.join(format!("sobol-{samples}.toml"));
    fs::write(&path, format!("{BASELINE_TOML}\n{table}\n")).unwrap();
    path
}

fn sweep(file: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec!["sweep", path_str(file), "--out", path_str(out), "--quiet"];
    args.extend_from_slice(extra);
    let o = peacesim(&args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
}

fn number(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("{s:?} is not a number"))
}

/// V, S_i and S_Ti of base rows `(f(A), f(AB_1), f(AB_2), f(B))`, as documented: centred on
/// the mean of f(A) ∪ f(B); V in population form.
fn indices(rows: &[[f64; 4]]) -> (f64, [f64; 2], [f64; 2]) {
    let n = rows.len() as f64;
    let centre = rows.iter().map(|r| r[0] + r[3]).sum::<f64>() / (2.0 * n);
    let c: Vec<[f64; 4]> = rows.iter().map(|r| r.map(|v| v - centre)).collect();
    let mean = c.iter().map(|r| r[0] + r[3]).sum::<f64>() / (2.0 * n);
    let v = c.iter().map(|r| r[0] * r[0] + r[3] * r[3]).sum::<f64>() / (2.0 * n) - mean * mean;
    let mut s1 = [0.0; 2];
    let mut st = [0.0; 2];
    for i in 0..2 {
        s1[i] = c.iter().map(|r| r[3] * (r[1 + i] - r[0])).sum::<f64>() / n / v;
        st[i] = 0.5 * c.iter().map(|r| (r[0] - r[1 + i]).powi(2)).sum::<f64>() / n / v;
    }
    (v, s1, st)
}

#[test]
fn a_sobol_sweep_writes_indices_that_follow_from_its_summary() {
    let tmp = TempDir::new().unwrap();
    // 16 base rows × (2 + 2) = 64 points × 4 replicates × 3 regimes = 768 runs.
    let file = sobol_scenario(tmp.path(), 16, 4);
    let out = tmp.path().join("out");
    sweep(&file, &out, &[]);
    for figure in ["sensitivity.png", "sensitivity.svg"] {
        assert!(out.join(figure).exists(), "no {figure}");
    }

    let (header, rows) = csv_table(&out.join("sensitivity.csv"));
    assert_eq!(
        header,
        [
            "regime",
            "difference_from",
            "outcome",
            "parameter",
            "n",
            "variance",
            "s1",
            "s1_low",
            "s1_high",
            "st",
            "st_low",
            "st_high"
        ]
    );
    // Each regime, then each coordinated regime's difference from competition; every outcome;
    // every parameter.
    let mut expected = Vec::new();
    for (regime, from) in REGIMES
        .iter()
        .map(|r| (*r, ""))
        .chain(REGIMES[1..].iter().map(|r| (*r, "competitive")))
    {
        for outcome in OUTCOMES {
            for name in NAMES {
                expected.push((regime.to_string(), from.to_string(), outcome, name));
            }
        }
    }
    let found: Vec<_> = rows
        .iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(found, expected);
    for row in &rows {
        let n: usize = row[4].parse().unwrap();
        assert!(n <= 16, "{row:?}");
        if row[5].is_empty() {
            assert!(row[6..].iter().all(String::is_empty), "{row:?}");
            continue;
        }
        assert!(number(&row[5]) >= 0.0, "{row:?}");
        for (value, lo, hi) in [(6, 7, 8), (9, 10, 11)] {
            assert!(number(&row[value]).is_finite(), "{row:?}");
            assert!(number(&row[lo]) <= number(&row[hi]), "{row:?}");
        }
    }

    // Recompute the agreement rows from sweep_summary.csv's means (rounded to 6 decimals
    // there, hence the tolerance).
    let (sh, srows) = csv_table(&out.join("sweep_summary.csv"));
    assert_eq!(sh[1..3], NAMES);
    let mut mean: BTreeMap<(usize, String), f64> = BTreeMap::new();
    for r in srows.iter().filter(|r| r[4] == "agreement") {
        mean.insert((r[0].parse().unwrap(), r[3].clone()), number(&r[6]));
    }
    assert_eq!(mean.len(), 64 * 3);
    let outputs = |regime: &str, from: Option<&str>| -> Vec<[f64; 4]> {
        (0..16)
            .map(|j| {
                [0, 1, 2, 3].map(|m| {
                    let p = j * 4 + m;
                    let y = mean[&(p, regime.to_string())];
                    from.map_or(y, |q| y - mean[&(p, q.to_string())])
                })
            })
            .collect()
    };
    for (regime, from) in [
        ("competitive", None),
        ("network", None),
        ("hierarchical", Some("competitive")),
    ] {
        let (v, s1, st) = indices(&outputs(regime, from));
        for (i, name) in NAMES.iter().enumerate() {
            let row = rows
                .iter()
                .find(|r| {
                    r[0] == regime
                        && r[1] == from.unwrap_or("")
                        && r[2] == "agreement"
                        && r[3] == *name
                })
                .unwrap();
            assert_eq!(row[4], "16", "{row:?}");
            assert!((number(&row[5]) - v).abs() < 1e-5, "{row:?}: V = {v}");
            let tolerance = 1e-4 / v.max(1e-3);
            assert!(
                (number(&row[6]) - s1[i]).abs() < tolerance,
                "{row:?}: S1 = {}",
                s1[i]
            );
            assert!(
                (number(&row[9]) - st[i]).abs() < tolerance,
                "{row:?}: ST = {}",
                st[i]
            );
        }
    }
}

#[test]
fn sobol_sweeps_are_the_same_bytes_whatever_the_threads_and_shards() {
    let tmp = TempDir::new().unwrap();
    let file = sobol_scenario(tmp.path(), 16, 3);
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    sweep(&file, &one, &["--threads", "1", "--no-plots"]);
    sweep(&file, &two, &["--threads", "2", "--no-plots"]);
    let mut shards = Vec::new();
    for i in 0..3 {
        let dir = tmp.path().join(format!("shard-{i}"));
        sweep(
            &file,
            &dir,
            &["--shard", &format!("{i}/3"), "--threads", "2", "--no-plots"],
        );
        shards.push(dir);
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge", "--quiet", "--no-plots", "--out", path_str(&merged)];
    args.extend(shards.iter().rev().map(|d| path_str(d)));
    let o = peacesim(&args);
    assert!(o.status.success(), "merge: {}", stderr(&o));
    for f in [
        "sweep_runs.csv",
        "sweep_summary.csv",
        "sensitivity.csv",
        "checkpoint.json",
    ] {
        let a = fs::read(one.join(f)).unwrap();
        assert!(a == fs::read(two.join(f)).unwrap(), "{f}: 1 vs 2 threads");
        assert!(a == fs::read(merged.join(f)).unwrap(), "{f}: merged shards");
    }
}

#[test]
fn bad_sobol_settings_are_refused_naming_the_field() {
    let tmp = TempDir::new().unwrap();
    for (samples, needle) in [
        (12, "power of two"),
        (8, "from 16 to 65536"),
        (131072, "from 16 to 65536"),
    ] {
        let file = sobol_scenario(tmp.path(), samples, 2);
        let out = tmp.path().join(format!("out-{samples}"));
        let o = peacesim(&["sweep", path_str(&file), "--out", path_str(&out), "--quiet"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "samples = {samples}: {err}");
        for n in ["sweep.samples", needle, "N·(k + 2)"] {
            assert!(err.contains(n), "samples = {samples}: no {n:?} in {err}");
        }
        assert!(
            !out.exists(),
            "samples = {samples}: {} written",
            out.display()
        );
    }
    // Without samples.
    let text = fs::read_to_string(sobol_scenario(tmp.path(), 16, 2))
        .unwrap()
        .replace("samples = 16\n", "");
    let file = tmp.path().join("no-samples.toml");
    fs::write(&file, text).unwrap();
    let o = peacesim(&["check", path_str(&file)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("sweep.samples"), "{}", stderr(&o));
}
