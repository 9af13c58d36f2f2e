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

// ---- Scale like a sweep: streamed runs, resume, shards and merge (issue 13) ----

use peacesim::experiment::benchmark::{Benchmark, conditions_csv, load_suite, suite_conditions};
use peacesim::model::World;
use peacesim::regime::{Plan, Regime, plan_independent};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The files a benchmark's results are: every CSV and the checkpoint (the figures are skipped
/// with --no-plots; the manifest records the command line and the machine's threads).
const RESULTS: [&str; 4] = [
    "benchmark_runs.csv",
    "conditions.csv",
    "leaderboard.csv",
    "checkpoint.json",
];

/// 70 replicates of the quick suite's 8 conditions: 560 units, so two chunks (512 + 48) and a
/// checkpoint mark at 512 units.
const QUICK_REPLICATES: &str = "70";

/// scenarios/benchmark/quick.toml written into `dir` with its scenario paths made absolute and
/// seed `seed`.
fn quick_suite(dir: &Path, seed: u64) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let text = fs::read_to_string(root.join("benchmark/quick.toml")).unwrap();
    assert!(text.contains("seed = 2022"));
    let text = text
        .replace("\"../", &format!("\"{}/", root.display()))
        .replacen("seed = 2022", &format!("seed = {seed}"), 1);
    let file = dir.join(format!("quick-{seed}.toml"));
    fs::write(&file, text).unwrap();
    file
}

fn bench_args<'a>(suite: &'a Path, out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "benchmark",
        path_str(suite),
        "--replicates",
        QUICK_REPLICATES,
        "--out",
        path_str(out),
        "--quiet",
        "--no-plots",
    ];
    args.extend_from_slice(extra);
    args
}

/// The quick suite run whole (on one thread) and in three shards, made once for every test.
struct Fixture {
    _tmp: TempDir,
    suite: PathBuf,
    whole: PathBuf,
    shards: [PathBuf; 3],
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let tmp = TempDir::new().unwrap();
        let suite = quick_suite(tmp.path(), 2022);
        let whole = tmp.path().join("whole");
        let o = peacesim(&bench_args(&suite, &whole, &["--threads", "1"]));
        assert!(o.status.success(), "the benchmark failed: {}", stderr(&o));
        let shards = [0, 1, 2].map(|i| {
            let dir = tmp.path().join(format!("shard{i}"));
            let shard = format!("{i}/3");
            let o = peacesim(&bench_args(
                &suite,
                &dir,
                &["--shard", &shard, "--threads", "2"],
            ));
            assert!(o.status.success(), "shard {shard} failed: {}", stderr(&o));
            dir
        });
        Fixture {
            _tmp: tmp,
            suite,
            whole,
            shards,
        }
    })
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect()
}

fn assert_same_results(dir: &Path, whole: &Path, what: &str) {
    for file in RESULTS {
        assert!(
            fs::read(dir.join(file)).unwrap() == fs::read(whole.join(file)).unwrap(),
            "{what}: {file} differs from the unsharded, uninterrupted benchmark's"
        );
    }
}

#[test]
fn a_sharded_benchmark_merges_to_the_bytes_of_an_unsharded_one() {
    let f = fixture();
    let tmp = TempDir::new().unwrap();
    let merged = tmp.path().join("merged");
    // Shards in any order.
    let o = peacesim(&[
        "merge",
        path_str(&f.shards[2]),
        path_str(&f.shards[0]),
        path_str(&f.shards[1]),
        "--out",
        path_str(&merged),
        "--quiet",
        "--no-plots",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same_results(&merged, &f.whole, "merged");
    // A shard holds its own block of runs and no leaderboard.
    assert!(!f.shards[0].join("leaderboard.csv").exists());
    let cp: serde_json::Value =
        serde_json::from_slice(&fs::read(f.shards[1].join("checkpoint.json")).unwrap()).unwrap();
    assert_eq!(cp["shard_index"], 1);
    assert_eq!(cp["shard_count"], 3);
    assert_eq!(cp["complete"], true);
    // The whole run has a mark at 512 units (two chunks), and the same files on two threads.
    let cp: serde_json::Value =
        serde_json::from_slice(&fs::read(f.whole.join("checkpoint.json")).unwrap()).unwrap();
    assert_eq!(cp["marks"][0]["units"], 512);
    let two = tmp.path().join("two");
    let o = peacesim(&bench_args(&f.suite, &two, &["--threads", "2"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same_results(&two, &f.whole, "two threads");
    // Every run is a row: 8 conditions × 70 replicates × 3 strategies.
    let (h, rows) = csv_table(&f.whole.join("benchmark_runs.csv"));
    assert_eq!(&h[..4], ["condition", "strategy", "replicate", "seed"]);
    assert_eq!(rows.len(), 8 * 70 * 3);
}

/// A copy of the whole benchmark as one killed after its first chunk leaves it: the
/// checkpoint at 512 units, and 300 bytes of a torn second chunk past it. (The checkpoint of a
/// benchmark depends only on the units done, marks included, as a sweep's does.)
fn interrupted(into: &Path) -> PathBuf {
    let f = fixture();
    let dir = into.join("interrupted");
    copy_dir(&f.whole, &dir);
    for file in ["conditions.csv", "leaderboard.csv"] {
        fs::remove_file(dir.join(file)).unwrap();
    }
    let path = dir.join("checkpoint.json");
    let mut cp: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let mark = cp["marks"][0].clone();
    assert_eq!(mark["units"], 512);
    let cut = mark["bytes"].as_u64().unwrap() as usize;
    let csv = fs::read(dir.join("benchmark_runs.csv")).unwrap();
    fs::write(dir.join("benchmark_runs.csv"), &csv[..cut + 300]).unwrap();
    cp["units_done"] = mark["units"].clone();
    cp["csv_bytes"] = mark["bytes"].clone();
    cp["csv_hash"] = mark["hash"].clone();
    cp["complete"] = serde_json::Value::Bool(false);
    cp["marks"] = serde_json::Value::Array(Vec::new());
    fs::write(&path, serde_json::to_vec_pretty(&cp).unwrap()).unwrap();
    dir
}

#[test]
fn an_interrupted_benchmark_resumes_to_the_uninterrupted_files() {
    let f = fixture();
    let tmp = TempDir::new().unwrap();
    let dir = interrupted(tmp.path());
    // Without --resume (or --force) the unfinished folder is not replaced.
    let before = snapshot(&dir);
    let o = peacesim(&bench_args(&f.suite, &dir, &[]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    assert_eq!(snapshot(&dir), before);
    let o = peacesim(&bench_args(&f.suite, &dir, &["--resume", "--threads", "2"]));
    assert!(o.status.success(), "the resume failed: {}", stderr(&o));
    assert_same_results(&dir, &f.whole, "resumed");
}

#[test]
fn resume_refuses_another_suite_seed_or_shard_and_changes_nothing() {
    let f = fixture();
    let tmp = TempDir::new().unwrap();
    let dir = interrupted(tmp.path());
    let before = snapshot(&dir);
    let other_seed = quick_suite(tmp.path(), 7);
    let refused = |args: Vec<&str>, needles: &[&str], what: &str| {
        let o = peacesim(&args);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
        for n in needles {
            assert!(stderr(&o).contains(n), "{what}: no {n:?}: {}", stderr(&o));
        }
        assert_eq!(snapshot(&dir), before, "{what}: the folder was changed");
    };
    refused(
        bench_args(&other_seed, &dir, &["--resume"]),
        &["holds a different benchmark", "fingerprint", "--force"],
        "another seed",
    );
    let mut args = bench_args(&f.suite, &dir, &["--resume"]);
    args[3] = "71";
    refused(args, &["holds a different benchmark"], "other replicates");
    refused(
        bench_args(&f.suite, &dir, &["--resume", "--shard", "1/2"]),
        &[
            "holds the whole benchmark, not shard 1/2",
            "without --shard",
        ],
        "another shard",
    );
    // A damaged row is found before anything is appended.
    let csv = dir.join("benchmark_runs.csv");
    let mut bytes = fs::read(&csv).unwrap();
    let at = bytes.len() - 400;
    let digit = bytes[at..].iter().position(u8::is_ascii_digit).unwrap() + at;
    bytes[digit] = if bytes[digit] == b'1' { b'2' } else { b'1' };
    fs::write(&csv, &bytes).unwrap();
    let before = snapshot(&dir);
    let o = peacesim(&bench_args(&f.suite, &dir, &["--resume"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("benchmark_runs.csv") && stderr(&o).contains("checksum"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn a_bad_shard_spec_is_refused_naming_what_is_allowed() {
    let f = fixture();
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    for spec in ["3/3", "1/0", "x", "1/-2", "2"] {
        let o = peacesim(&bench_args(&f.suite, &out, &["--shard", spec]));
        assert_eq!(o.status.code(), Some(2), "{spec}: {}", stderr(&o));
        assert!(stderr(&o).contains("i/N"), "{spec}: {}", stderr(&o));
        assert!(
            !out.exists(),
            "{spec}: a refused benchmark wrote its folder"
        );
    }
}

#[test]
fn merge_refuses_a_damaged_missing_or_mismatched_shard_and_writes_nothing() {
    let f = fixture();
    let tmp = TempDir::new().unwrap();
    let merged = tmp.path().join("merged");
    let merge = |dirs: &[&Path]| {
        let mut args = vec!["merge"];
        args.extend(dirs.iter().map(|d| path_str(d)));
        args.extend(["--out", path_str(&merged), "--quiet", "--no-plots"]);
        peacesim(&args)
    };
    // A digit flipped in a shard's rows.
    let damaged = tmp.path().join("damaged");
    copy_dir(&f.shards[1], &damaged);
    let csv = damaged.join("benchmark_runs.csv");
    let mut bytes = fs::read(&csv).unwrap();
    let at = bytes.len() / 2;
    let digit = bytes[at..].iter().position(u8::is_ascii_digit).unwrap() + at;
    bytes[digit] = if bytes[digit] == b'1' { b'2' } else { b'1' };
    fs::write(&csv, &bytes).unwrap();
    let o = merge(&[&f.shards[0], &damaged, &f.shards[2]]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("damaged/benchmark_runs.csv")
            && stderr(&o).contains("nothing was written"),
        "{}",
        stderr(&o)
    );
    assert!(!merged.exists(), "a refused merge wrote its folder");
    // A missing shard.
    let o = merge(&[&f.shards[0], &f.shards[2]]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("missing shard(s) 1/3"),
        "{}",
        stderr(&o)
    );
    // A shard of another benchmark (another seed).
    let other_suite = quick_suite(tmp.path(), 7);
    let other = tmp.path().join("other");
    let o = peacesim(&bench_args(&other_suite, &other, &["--shard", "1/3"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = merge(&[&f.shards[0], &other, &f.shards[2]]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("belongs to a different benchmark"),
        "{}",
        stderr(&o)
    );
    // A manifest edited so that it no longer matches its checkpoint.
    let edited = tmp.path().join("edited");
    copy_dir(&f.shards[0], &edited);
    let path = edited.join("manifest.json");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replacen("\"replicates\": 70", "\"replicates\": 71", 1),
    )
    .unwrap();
    let o = merge(&[&edited, &f.shards[1], &f.shards[2]]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("edited/manifest.json") || stderr(&o).contains("does not match"),
        "{}",
        stderr(&o)
    );
    assert!(!merged.exists(), "a refused merge wrote its folder");
}

/// Competition re-implemented outside the crate under another name.
struct CompetitiveCopy;

impl Regime for CompetitiveCopy {
    fn name(&self) -> &str {
        "competitive_copy"
    }
    fn plan(&self, world: &World, plan: &mut Plan) {
        plan_independent(world, plan);
    }
}

#[test]
fn rust_regimes_run_beside_the_suites_strategies_paired() {
    let f = fixture();
    let (mut suite, _) = load_suite(&f.suite).unwrap();
    suite.replicates = 8;
    let conds = suite_conditions(&suite, Some(f.suite.parent().unwrap())).unwrap();
    let plain = Benchmark::new(suite.clone(), conds.clone());
    let mut bench = Benchmark::new(suite, conds);
    bench.add_regime(Arc::new(CompetitiveCopy)).unwrap();
    // A factory: built per condition from its scenario (here the condition's own hierarchical
    // regime, under another name).
    bench
        .add_strategy("hierarchical_copy", |s| {
            peacesim::regime::built_in("hierarchical", s).ok_or_else(|| anyhow::anyhow!("none"))
        })
        .unwrap();
    // Names are checked.
    assert!(bench.add_regime(Arc::new(CompetitiveCopy)).is_err());
    assert!(bench.add_strategy("network", |_| unreachable!()).is_err());
    assert!(bench.add_strategy("bad name", |_| unreachable!()).is_err());
    let strategies = bench.strategies();
    assert_eq!(
        strategies,
        [
            "competitive",
            "hierarchical",
            "rotating_chair",
            "competitive_copy",
            "hierarchical_copy"
        ]
    );
    let cells = bench.run(2).unwrap();
    let csv = String::from_utf8(conditions_csv(bench.conditions(), &strategies, &cells).unwrap())
        .unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    // Paired: a copy of a strategy gives its numbers in every condition, replicate for
    // replicate (its paired difference from competition is the original's).
    for cond in bench.conditions() {
        let of = |s: &str| {
            let mut r = rows
                .iter()
                .find(|r| r[0] == cond.name && r[2] == s)
                .unwrap()
                .clone();
            r[2] = "";
            r
        };
        // The reference's own difference columns are empty; the copy's are zero.
        let values = |r: Vec<&str>| -> Vec<String> {
            r.iter()
                .enumerate()
                .filter(|(i, _)| *i < 4 || (i - 4) % 6 < 3)
                .map(|(_, v)| v.to_string())
                .collect()
        };
        assert_eq!(
            values(of("competitive_copy")),
            values(of("competitive")),
            "{}",
            cond.name
        );
        assert!(
            of("competitive_copy")
                .iter()
                .enumerate()
                .all(|(i, v)| i < 4 || (i - 4) % 6 < 3 || *v == "0.000000"),
            "{}",
            cond.name
        );
        assert_eq!(of("hierarchical_copy"), of("hierarchical"), "{}", cond.name);
    }
    for (c, cells) in cells.iter().enumerate() {
        assert_eq!(cells[3].durable, cells[0].durable, "condition {c}");
        assert_eq!(cells[4].durable, cells[1].durable, "condition {c}");
    }
    // Adding Rust regimes changes nothing for the others: the suite's own strategies give the
    // numbers they give alone, as the command line writes them.
    let alone = plain.run(1).unwrap();
    let plain_csv = conditions_csv(plain.conditions(), &plain.strategies(), &alone).unwrap();
    let with: Vec<&str> = csv
        .lines()
        .filter(|l| !l.contains(",competitive_copy,") && !l.contains(",hierarchical_copy,"))
        .collect();
    assert_eq!(
        with.join("\n") + "\n",
        String::from_utf8(plain_csv.clone()).unwrap()
    );
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("cli");
    let mut args = bench_args(&f.suite, &out, &[]);
    args[3] = "8";
    let o = peacesim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read(out.join("conditions.csv")).unwrap(), plain_csv);
}
