//! `peacesim benchmark`: the suite's conditions, paired strategies, the leaderboard's numbers
//! from the conditions' numbers, the same files on any thread count, and clear errors.

use std::fs;
use tempfile::TempDir;

use crate::common::*;

#[test]
fn the_default_suite_ranks_every_strategy_from_its_conditions() {
    let tmp = TempDir::new().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    for (out, threads) in [(&one, "1"), (&two, "2")] {
        let o = peacesim(&[
            "benchmark",
            "--replicates",
            "6",
            "--threads",
            threads,
            "--out",
            path_str(out),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let stdout = String::from_utf8(o.stdout).unwrap();
        for line in stdout.lines().filter(|l| !l.starts_with('→')) {
            assert!(line.chars().count() <= 80, "wider than 80: {line:?}");
        }
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(one.join("manifest.json")).unwrap()).unwrap();
    crate::cli::assert_build_info(&manifest);
    for f in ["conditions.csv", "leaderboard.csv"] {
        assert_eq!(
            fs::read(one.join(f)).unwrap(),
            fs::read(two.join(f)).unwrap(),
            "{f}"
        );
    }
    let (ch, conditions) = csv_table(&one.join("conditions.csv"));
    let (lh, board) = csv_table(&one.join("leaderboard.csv"));
    let strategies = ["competitive", "hierarchical", "network", "contact_group"];
    assert_eq!(board.len(), strategies.len());
    assert_eq!(
        conditions.len(),
        28 * strategies.len(),
        "4 case studies + 24 sampled"
    );
    let col = |h: &[String], n: &str| h.iter().position(|c| c == n).unwrap();
    for s in strategies {
        let mine: Vec<&Vec<String>> = conditions.iter().filter(|r| r[2] == s).collect();
        assert!(mine.iter().all(|r| r[col(&ch, "n")] == "6"));
        let row = board.iter().find(|r| r[col(&lh, "strategy")] == s).unwrap();
        // The leaderboard's mean is the mean of the conditions' means.
        for m in ["agreement", "durable_agreement", "cumulative_violence"] {
            let mean: f64 = mine
                .iter()
                .map(|r| r[col(&ch, m)].parse::<f64>().unwrap())
                .sum::<f64>()
                / mine.len() as f64;
            let got: f64 = row[col(&lh, m)].parse().unwrap();
            assert!((got - mean).abs() < 1e-5, "{s} {m}: {got} vs {mean}");
        }
        // Durable agreement never exceeds agreement.
        for r in &mine {
            let a: f64 = r[col(&ch, "agreement")].parse().unwrap();
            let d: f64 = r[col(&ch, "durable_agreement")].parse().unwrap();
            assert!(d <= a + 1e-12, "{r:?}");
        }
        let (lo, hi): (usize, usize) = (
            row[col(&lh, "rank_low")].parse().unwrap(),
            row[col(&lh, "rank_high")].parse().unwrap(),
        );
        let rank: usize = row[col(&lh, "rank")].parse().unwrap();
        assert!(lo <= hi && (1..=4).contains(&rank));
        let regret: f64 = row[col(&lh, "worst_regret")].parse().unwrap();
        assert!((0.0..=1.0).contains(&regret));
    }
    // The paired difference from the top-ranked strategy is the difference of the means (every
    // run defines durable agreement); empty for the top one itself.
    let top = board.iter().find(|r| r[col(&lh, "rank")] == "1").unwrap();
    let top_mean: f64 = top[col(&lh, "durable_agreement")].parse().unwrap();
    assert_eq!(top[col(&lh, "durable_vs_best")], "");
    for r in board
        .iter()
        .filter(|r| r[col(&lh, "strategy")] != top[col(&lh, "strategy")])
    {
        let vs: f64 = r[col(&lh, "durable_vs_best")].parse().unwrap();
        let mean: f64 = r[col(&lh, "durable_agreement")].parse().unwrap();
        assert!((vs - (mean - top_mean)).abs() < 1e-5, "{r:?}");
        let lo: f64 = r[col(&lh, "durable_vs_best_ci_low")].parse().unwrap();
        assert!(lo <= vs);
    }
    // Shares of conditions won add up to one.
    let won: f64 = board
        .iter()
        .map(|r| r[col(&lh, "best_share")].parse::<f64>().unwrap())
        .sum();
    assert!((won - 1.0).abs() < 1e-5, "{won}");
}

#[test]
fn a_suite_without_conditions_or_strategies_is_refused_naming_the_field() {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("suite.toml");
    fs::write(
        &file,
        "[benchmark]\nstrategies = []\nreplicates = 4\nseed = 1\nsampled = 2\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = peacesim(&["benchmark", path_str(&file), "--out", path_str(&out)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("benchmark.strategies"),
        "{}",
        stderr(&o)
    );
    fs::write(
        &file,
        "[benchmark]\nstrategies = [\"competitive\"]\nreplicates = 4\nseed = 1\n",
    )
    .unwrap();
    let o = peacesim(&["benchmark", path_str(&file), "--out", path_str(&out)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no condition"), "{}", stderr(&o));
    fs::write(
        &file,
        "[benchmark]\nstrategies = [\"competitive\"]\nreplicates = 4\nseed = 1\nsampeld = 3\n",
    )
    .unwrap();
    let o = peacesim(&["benchmark", path_str(&file), "--out", path_str(&out)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("sampeld"), "{}", stderr(&o));
    assert!(!out.exists(), "a refused benchmark wrote its folder");
}

#[test]
fn a_strategy_written_in_the_suite_file_runs_on_every_condition() {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("suite.toml");
    let case = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mali_ecowas.toml");
    fs::write(
        &file,
        format!(
            "[benchmark]\nstrategies = [\"competitive\", \"hierarchical\", \"plain_led\"]\n\
             replicates = 8\nseed = 5\nscenarios = [{:?}]\nsampled = 3\n\n\
             [[benchmark.ranges]]\npath = \"rotation.posting_months\"\nmin = 12\nmax = 60\n\n\
             [strategies.plain_led]\nstructure = \"led\"\n",
            case.display().to_string()
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = peacesim(&[
        "benchmark",
        path_str(&file),
        "--out",
        path_str(&out),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (h, rows) = csv_table(&out.join("conditions.csv"));
    assert_eq!(
        rows.len(),
        4 * 3,
        "one case study and three sampled conditions"
    );
    // A led strategy with no other settings is the hierarchical regime: the same numbers in
    // every condition (the rows differ only in the strategy's name).
    for cond in ["mali_ecowas", "sampled_0", "sampled_1", "sampled_2"] {
        let of = |s: &str| {
            let mut r = rows
                .iter()
                .find(|r| r[0] == cond && r[2] == s)
                .unwrap_or_else(|| panic!("{cond} {s}"))
                .clone();
            r[2].clear();
            r
        };
        assert_eq!(of("plain_led"), of("hierarchical"), "{cond}: {h:?}");
    }
}
