//! End-to-end tests of `peacesim sweep` and `peacesim merge`: bad sweep specifications,
//! sharding and merging, resuming after SIGKILL, independence from the number of threads, the
//! Morris and Latin-hypercube designs, and the layout of `sweep_runs.csv`.
//!
//! Sweeps are kept small (a few thousand runs at most) so the file runs in well under a minute
//! with `cargo test --release`.

use peacesim::model::random::run_seed;
use peacesim::output::RUNS_HEADER;
use peacesim::scenario::BASELINE_TOML;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

use crate::common::*;

/// The files an unsharded sweep and a merge of its shards must both write, byte for byte.
const WHOLE_SWEEP_FILES: [&str; 3] = ["sweep_runs.csv", "sweep_summary.csv", "checkpoint.json"];

/// The regimes of scenarios/baseline.toml and scenarios/sweep_rotation.toml, in order.
const REGIMES: [&str; 3] = ["competitive", "hierarchical", "network"];

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

/// `text` with `from` replaced once by `to`; panics if `from` is absent, so an edit that
/// silently does nothing cannot make a test pass.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the scenario text has no {from:?}");
    text.replacen(from, to, 1)
}

/// The same sweep with another master seed: a different sweep.
fn reseeded(rotation: &str) -> String {
    edit(
        rotation,
        "seed = 2022                      # master seed",
        "seed = 2023                      # master seed",
    )
}

/// The baseline scenario with `table` (a `[sweep]` table) appended.
fn baseline_with(table: &str) -> String {
    assert!(!BASELINE_TOML.contains("[sweep]"));
    format!("{BASELINE_TOML}\n{table}\n")
}

/// `peacesim sweep FILE --out OUT --quiet --no-plots EXTRA…`; asserts success.
fn sweep_ok(file: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "sweep",
        path_str(file),
        "--out",
        path_str(out),
        "--quiet",
        "--no-plots",
    ];
    args.extend_from_slice(extra);
    let o = peacesim(&args);
    assert!(o.status.success(), "{args:?} failed: {}", stderr(&o));
}

fn read(dir: &Path, file: &str) -> Vec<u8> {
    fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(file).display()))
}

/// Asserts that `file` is byte-identical in `a` and `b`, showing the first differing line.
fn assert_same_file(a: &Path, b: &Path, file: &str, what: &str) {
    let (x, y) = (read(a, file), read(b, file));
    if x != y {
        let (xs, ys) = (String::from_utf8_lossy(&x), String::from_utf8_lossy(&y));
        let diff = xs
            .lines()
            .zip(ys.lines())
            .enumerate()
            .find(|(_, (l, r))| l != r)
            .map(|(i, (l, r))| format!("line {}:\n  {l}\n  {r}", i + 1))
            .unwrap_or_else(|| format!("lengths {} and {} bytes", x.len(), y.len()));
        panic!("{what}: {file} differs ({diff})");
    }
}

fn assert_same_sweep(a: &Path, b: &Path, what: &str) {
    for file in WHOLE_SWEEP_FILES {
        assert_same_file(a, b, file, what);
    }
}

fn checkpoint(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(dir, "checkpoint.json")).expect("checkpoint.json is JSON")
}

/// Names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every file of `dir` and its bytes, to show that a refused command left a folder alone.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    names_in(dir)
        .into_iter()
        .map(|n| {
            let bytes = read(dir, &n);
            (n, bytes)
        })
        .collect()
}

/// Asserts exit status 2 and that stderr holds every needle.
fn assert_input_error(o: &Output, what: &str, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{what}: stderr: {err}");
    for needle in needles {
        assert!(
            err.contains(needle),
            "{what}: stderr lacks {needle:?}: {err}"
        );
    }
}

// ---- 1. bad sweep specifications ------------------------------------------------------------

/// `[sweep]` with a grid of one parameter.
fn grid_table(path: &str, values: &str) -> String {
    format!(
        "[sweep]\ndesign = \"grid\"\nreplicates = 2\n\n[[sweep.parameters]]\npath = \"{path}\"\n\
         values = {values}\n"
    )
}

/// What is wrong, the scenario text, extra arguments, what stderr must say, and whether the
/// message names the file.
type BadSpec = (
    &'static str,
    String,
    Vec<&'static str>,
    Vec<&'static str>,
    bool,
);

#[test]
fn bad_sweep_specs_exit_2_name_the_field_and_write_nothing() {
    let many_values: Vec<String> = (0..400)
        .map(|i| format!("{}", 13.0 + 0.1 * i as f64))
        .collect();
    let many_values = format!("[{}]", many_values.join(", "));
    let lhs = |range: &str| {
        format!(
            "[sweep]\ndesign = \"lhs\"\nsamples = 4\nreplicates = 2\n\n[[sweep.parameters]]\n\
             path = \"trust.build_rate\"\n{range}\n"
        )
    };
    let rotation = rotation_sweep(2);
    let cases: Vec<BadSpec> = vec![
        (
            "unknown path",
            baseline_with(&grid_table("rotation.posting_month", "[24, 36]")),
            vec![],
            vec![
                "sweep.parameters[0]",
                "rotation.posting_month",
                "posting_months",
                "posting_jitter_months",
            ],
            true,
        ),
        (
            "unknown actor",
            baseline_with(&grid_table("third_parties.Nobody.leverage", "[0.5, 1.0]")),
            vec![],
            vec!["sweep.parameters[0]", "Nobody"],
            true,
        ),
        (
            "empty lhs range (min > max)",
            baseline_with(&lhs("min = 0.1\nmax = 0.05")),
            vec![],
            vec!["sweep.parameters[0].min", "min must be below max"],
            true,
        ),
        (
            "empty lhs range (min = max)",
            baseline_with(&lhs("min = 0.05\nmax = 0.05")),
            vec![],
            vec!["sweep.parameters[0].min", "min must be below max"],
            true,
        ),
        (
            "lhs range with only a min",
            baseline_with(&lhs("min = 0.05")),
            vec![],
            vec!["sweep.parameters[0].values", "min and max"],
            true,
        ),
        (
            "grid parameter without values",
            baseline_with(
                "[sweep]\ndesign = \"grid\"\nreplicates = 2\n\n[[sweep.parameters]]\n\
                 path = \"trust.build_rate\"\n",
            ),
            vec![],
            vec!["sweep.parameters[0].values", "grid needs"],
            true,
        ),
        (
            "lhs without samples",
            baseline_with(&edit(&lhs("min = 0.01\nmax = 0.1"), "samples = 4\n", "")),
            vec![],
            vec!["sweep.samples", "lhs"],
            true,
        ),
        (
            "morris with one trajectory",
            baseline_with(&edit(
                &lhs("min = 0.01\nmax = 0.1"),
                "design = \"lhs\"\nsamples = 4",
                "design = \"morris\"\nsamples = 1",
            )),
            vec![],
            vec!["sweep.samples", "morris"],
            true,
        ),
        (
            "morris with an odd number of levels",
            baseline_with(&edit(
                &lhs("min = 0.01\nmax = 0.1"),
                "design = \"lhs\"",
                "design = \"morris\"\nlevels = 3",
            )),
            vec![],
            vec!["sweep.levels", "even"],
            true,
        ),
        (
            "zero replicates",
            baseline_with(&edit(
                &grid_table("trust.build_rate", "[0.02, 0.04]"),
                "replicates = 2",
                "replicates = 0",
            )),
            vec![],
            vec!["sweep.replicates"],
            true,
        ),
        (
            "design too large",
            baseline_with(&edit(
                &grid_table("rotation.posting_months", &many_values),
                "replicates = 2",
                "replicates = 1000000",
            )),
            vec![],
            vec!["sweep", "400 points", "1200000000 runs", "1000000000"],
            true,
        ),
        (
            "a value that makes the scenario invalid",
            baseline_with(&grid_table("trust.build_rate", "[0.5, 2.0]")),
            vec![],
            vec![
                "sweep.parameters[0]",
                "trust.build_rate",
                "= 2",
                "from 0 to 1",
            ],
            true,
        ),
        (
            "a path swept twice",
            baseline_with(&format!(
                "{}\n[[sweep.parameters]]\npath = \"trust.build_rate\"\nvalues = [0.03]\n",
                grid_table("trust.build_rate", "[0.02, 0.04]")
            )),
            vec![],
            vec!["sweep.parameters[1].path", "once"],
            true,
        ),
        (
            "a path outside the model",
            baseline_with(&grid_table("experiment.replicates", "[10, 20]")),
            vec![],
            vec!["experiment", "cannot be swept"],
            true,
        ),
        (
            "a switch",
            baseline_with(&grid_table("mechanisms.trust", "[0, 1]")),
            vec![],
            vec!["mechanisms.trust", "switch"],
            true,
        ),
        (
            "a party that does not exist as whom a diplomat favours",
            baseline_with(&grid_table(
                "third_parties.diplomat.favours",
                "[\"none\", \"Nobody\"]",
            )),
            vec![],
            vec![
                "sweep.parameters[0].values",
                "third_parties.diplomat.favours",
                "\"Nobody\"",
                "\"none\" (impartial)",
                "Government, Armed Group",
            ],
            true,
        ),
        (
            "an unknown kind",
            baseline_with(&grid_table(
                "third_parties.\\\"State A\\\".kind",
                "[\"diplomat\", \"wizard\"]",
            )),
            vec![],
            vec![
                "sweep.parameters[0].values",
                "kind",
                "\"wizard\"",
                "mediator, diplomat, support_org, insider",
            ],
            true,
        ),
        (
            "a support organisation as the lead",
            baseline_with(&grid_table(
                "regimes.hierarchical.lead",
                "[\"none\", \"Support Org\"]",
            )),
            vec![],
            vec![
                "regimes.hierarchical.lead",
                "\"Support Org\"",
                "the mediator with the highest mandate",
                "UN Envoy",
            ],
            true,
        ),
        (
            "true/false for a number",
            baseline_with(&grid_table("trust.build_rate", "[true, false]")),
            vec![],
            vec![
                "trust.build_rate",
                "= true",
                "takes numbers, not true/false",
            ],
            true,
        ),
        (
            "values of mixed sorts",
            baseline_with(&grid_table("mechanisms.trust", "[true, 0]")),
            vec![],
            vec![
                "sweep.parameters[0].values",
                "[true, 0]",
                "mixes true/false and numbers",
            ],
            true,
        ),
        (
            "a level listed twice",
            baseline_with(&grid_table("mechanisms.trust", "[false, false]")),
            vec![],
            vec!["sweep.parameters[0].values", "lists false twice"],
            true,
        ),
        (
            "a range for a switch",
            baseline_with(
                "[sweep]\ndesign = \"lhs\"\nsamples = 4\nreplicates = 2\n\n\
                 [[sweep.parameters]]\npath = \"mechanisms.trust\"\nvalues = [true, false]\n\
                 min = 0\n",
            ),
            vec![],
            vec!["sweep.parameters[0].min", "apply to numbers"],
            true,
        ),
        (
            "a morris switch with one level",
            baseline_with(
                "[sweep]\ndesign = \"morris\"\nsamples = 2\nreplicates = 2\n\n\
                 [[sweep.parameters]]\npath = \"mechanisms.trust\"\nvalues = [false]\n",
            ),
            vec![],
            vec!["sweep.parameters[0].values", "at least two levels"],
            true,
        ),
        (
            "the set of regimes",
            baseline_with(&grid_table("experiment.regimes", "[\"network\"]")),
            vec![],
            vec![
                "experiment.regimes",
                "the set of regimes cannot be swept",
                "every regime of experiment.regimes",
            ],
            true,
        ),
        (
            "a lead removed by a count",
            baseline_with(&format!(
                "{}\n[[sweep.parameters]]\npath = \"regimes.hierarchical.lead\"\n\
                 values = [\"none\", \"Regional Envoy\"]\n",
                grid_table("count.mediator", "[2, 1]")
            )),
            vec![],
            vec![
                "regimes.hierarchical.lead",
                "\"Regional Envoy\"",
                "count.mediator = 1",
            ],
            true,
        ),
        (
            "an unknown key in [sweep]",
            baseline_with(&edit(
                &lhs("min = 0.01\nmax = 0.1"),
                "samples = 4",
                "sample = 4",
            )),
            vec![],
            vec!["sample"],
            true,
        ),
        (
            "no [sweep] table",
            BASELINE_TOML.to_string(),
            vec![],
            vec!["[sweep]"],
            true,
        ),
        (
            "--shard 3/3",
            rotation.clone(),
            vec!["--shard", "3/3"],
            vec!["--shard", "3/3", "i/N"],
            false,
        ),
        (
            "--shard x",
            rotation.clone(),
            vec!["--shard", "x"],
            vec!["--shard", "\"x\"", "i/N"],
            false,
        ),
        (
            "--shard 0/0",
            rotation,
            vec!["--shard", "0/0"],
            vec!["--shard", "0/0"],
            false,
        ),
    ];
    for (what, text, extra, needles, names_file) in cases {
        let input = TempDir::new().unwrap();
        let work = TempDir::new().unwrap();
        let file = write(input.path(), "spec.toml", &text);
        let out = work.path().join("out");
        let mut args = vec!["sweep", path_str(&file), "--out", path_str(&out), "--quiet"];
        args.extend_from_slice(&extra);
        let o = peacesim_in(work.path(), &args);
        assert_input_error(&o, what, &needles);
        if names_file {
            assert!(
                stderr(&o).contains(path_str(&file)),
                "{what}: the message does not name the file: {}",
                stderr(&o)
            );
        }
        assert!(!out.exists(), "{what}: the output folder was created");
        assert!(
            names_in(work.path()).is_empty(),
            "{what}: left {:?} in the working folder",
            names_in(work.path())
        );
        // `check` applies the same rules to a scenario file with a [sweep] table.
        if names_file && text.contains("[sweep]") {
            let o = peacesim(&["check", path_str(&file)]);
            assert_input_error(&o, &format!("check: {what}"), &needles);
        }
    }
}

#[test]
fn the_run_limit_of_a_sweep_is_one_billion_inclusive() {
    let two_regimes = edit(
        BASELINE_TOML,
        "regimes = [\"competitive\", \"hierarchical\", \"network\"]",
        "regimes = [\"competitive\", \"network\"]",
    );
    let table = |replicates: u64| {
        format!(
            "\n[sweep]\ndesign = \"grid\"\nreplicates = {replicates}\n\n[[sweep.parameters]]\n\
             path = \"trust.build_rate\"\nvalues = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, \
             0.08, 0.09, 0.1]\n"
        )
    };
    let tmp = TempDir::new().unwrap();
    // 10 points × 50 000 000 replicates × 2 regimes = exactly 10^9 runs.
    let at = write(
        tmp.path(),
        "at.toml",
        &format!("{two_regimes}{}", table(50_000_000)),
    );
    let o = peacesim(&["check", path_str(&at)]);
    assert!(o.status.success(), "10^9 runs refused: {}", stderr(&o));
    let over = write(
        tmp.path(),
        "over.toml",
        &format!("{two_regimes}{}", table(50_000_001)),
    );
    let o = peacesim(&["check", path_str(&over)]);
    assert_input_error(&o, "10^9 + 20 runs", &["sweep", "1000000020 runs"]);
}

/// A grid whose number of points does not fit in 128 bits (99^20 ≈ 8·10^39) must be refused
/// like any other design that is too large. `check` only validates, so this test cannot run
/// away with memory even when the rule is missing.
#[test]
fn a_grid_too_large_to_count_is_refused() {
    let paths = [
        "trust.build_rate",
        "trust.bias_penalty",
        "leverage.regen_rate",
        "leverage.spend_rate",
        "leverage.pressure_decay",
        "leverage.contradiction",
        "rotation.institutional_memory",
        "rotation.handover_bonus",
        "rotation.arrival_effectiveness",
        "rotation.departure_dip",
        "rotation.knowledge_baseline",
        "rotation.knowledge_gain",
        "ripeness.pain_threshold",
        "ripeness.win_threshold",
        "ripeness.pain_recovery",
        "ripeness.off_level",
        "do_no_harm.move_rate",
        "do_no_harm.timing_threshold",
        "do_no_harm.violence_spike",
        "do_no_harm.progress_setback",
    ];
    let values: Vec<String> = (1..100).map(|i| format!("{}", i as f64 / 100.0)).collect();
    let mut table = String::from("[sweep]\ndesign = \"grid\"\nreplicates = 1\n");
    for p in paths {
        table.push_str(&format!(
            "\n[[sweep.parameters]]\npath = \"{p}\"\nvalues = [{}]\n",
            values.join(", ")
        ));
    }
    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "huge.toml", &baseline_with(&table));
    let o = peacesim(&["check", path_str(&file)]);
    assert_input_error(
        &o,
        "a grid of 99^20 points",
        &["sweep", "use fewer values or samples"],
    );
}

/// Each value is valid on its own (posting 20 with the baseline's jitter 12; jitter 30 with the
/// baseline's posting 36), but the point posting 20 × jitter 30 breaks the rule that the jitter
/// is smaller than the posting. A sweep must not run such a point as if it were valid.
#[test]
fn a_combination_of_valid_values_that_is_invalid_is_refused() {
    let table = "[sweep]\ndesign = \"grid\"\nreplicates = 2\n\n[[sweep.parameters]]\n\
                 path = \"rotation.posting_months\"\nvalues = [20, 40]\n\n[[sweep.parameters]]\n\
                 path = \"rotation.posting_jitter_months\"\nvalues = [6, 30]\n";
    let input = TempDir::new().unwrap();
    let work = TempDir::new().unwrap();
    let file = write(input.path(), "combo.toml", &baseline_with(table));
    let out = work.path().join("out");
    let o = peacesim(&[
        "sweep",
        path_str(&file),
        "--out",
        path_str(&out),
        "--quiet",
        "--no-plots",
    ]);
    let ran = out.join("sweep_runs.csv").exists();
    assert_input_error(
        &o,
        "posting 20 × jitter 30",
        &["rotation.posting_jitter_months"],
    );
    assert!(!ran, "the invalid point was run");
}

// ---- 2. shards and merge ----------------------------------------------------------------------

fn merge(dirs: &[&Path], out: &Path) -> Output {
    let mut args = vec!["merge", "--quiet", "--no-plots", "--out", path_str(out)];
    args.extend(dirs.iter().map(|d| path_str(d)));
    peacesim(&args)
}

#[test]
fn merged_shards_equal_the_unsharded_sweep_byte_for_byte() {
    let tmp = TempDir::new().unwrap();
    // 20 points × 40 replicates = 800 units: shards of 800/N units cut through chunks of 512.
    let file = write(tmp.path(), "sweep.toml", &short_rotation_sweep(40));
    let whole = tmp.path().join("whole");
    sweep_ok(&file, &whole, &["--threads", "2"]);
    let (_, rows) = csv_table(&whole.join("sweep_runs.csv"));
    assert_eq!(rows.len(), 20 * 40 * 3);

    for n in [1u64, 3, 7] {
        let mut dirs = Vec::new();
        let mut next_unit = 0;
        for i in 0..n {
            let dir = tmp.path().join(format!("shard-{i}-of-{n}"));
            let threads = if i % 2 == 0 { "1" } else { "2" };
            let shard = format!("{i}/{n}");
            sweep_ok(&file, &dir, &["--shard", &shard, "--threads", threads]);
            let cp = checkpoint(&dir);
            assert_eq!(cp["complete"], true, "shard {shard}: {cp}");
            assert_eq!(cp["unit_start"], next_unit, "shard {shard}: {cp}");
            next_unit = cp["unit_end"].as_u64().unwrap();
            dirs.push(dir);
        }
        assert_eq!(next_unit, 800, "the {n} shards do not cover the sweep");
        // Shuffled: 5k + 1 mod N visits every shard once, out of order for N > 2.
        let order: Vec<usize> = (0..n).map(|k| ((5 * k + 1) % n) as usize).collect();
        assert_eq!(
            order.iter().copied().collect::<BTreeSet<_>>().len(),
            n as usize
        );
        let shuffled: Vec<&Path> = order.iter().map(|&k| dirs[k].as_path()).collect();
        let merged = tmp.path().join(format!("merged-{n}"));
        let o = merge(&shuffled, &merged);
        assert!(o.status.success(), "merge of {n} shards: {}", stderr(&o));
        assert_same_sweep(&whole, &merged, &format!("merge of {n} shards"));
        assert!(merged.join("manifest.json").exists());
    }
    let leftovers: Vec<String> = names_in(tmp.path())
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
}

/// More shards than units: some shards are empty, and the merge is still the whole sweep.
#[test]
fn shards_may_be_empty() {
    let table = "[sweep]\ndesign = \"grid\"\nreplicates = 1\n\n[[sweep.parameters]]\n\
                 path = \"trust.build_rate\"\nvalues = [0.01, 0.02, 0.03, 0.04, 0.05]\n";
    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "five.toml", &baseline_with(table));
    let whole = tmp.path().join("whole");
    sweep_ok(&file, &whole, &[]);
    let dirs: Vec<PathBuf> = (0..7)
        .map(|i| {
            let dir = tmp.path().join(format!("s{i}"));
            sweep_ok(&file, &dir, &["--shard", &format!("{i}/7")]);
            dir
        })
        .collect();
    let empty = dirs
        .iter()
        .filter(|d| checkpoint(d)["unit_end"] == checkpoint(d)["unit_start"])
        .count();
    assert_eq!(empty, 2, "5 units over 7 shards leave 2 empty");
    let merged = tmp.path().join("merged");
    let reversed: Vec<&Path> = dirs.iter().rev().map(PathBuf::as_path).collect();
    let o = merge(&reversed, &merged);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same_sweep(&whole, &merged, "merge of 7 shards of 5 units");
}

#[test]
fn merge_refuses_missing_duplicate_foreign_and_unfinished_shards() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let text = rotation_sweep(2);
    let file = write(root, "sweep.toml", &text);
    let other = write(root, "other.toml", &reseeded(&text));
    let shard = |f: &Path, i: u64, n: u64, name: &str| {
        let dir = root.join(name);
        sweep_ok(f, &dir, &["--shard", &format!("{i}/{n}"), "--threads", "1"]);
        dir
    };
    let [s0, s1, s2] = [0, 1, 2].map(|i| shard(&file, i, 3, &format!("s{i}")));
    let s1_again = shard(&file, 1, 3, "s1-again");
    let foreign = shard(&other, 1, 3, "foreign1");
    let halves = shard(&file, 1, 2, "half1");
    let unfinished = root.join("unfinished1");
    fs::create_dir(&unfinished).unwrap();
    for (name, bytes) in snapshot(&s1) {
        fs::write(unfinished.join(name), bytes).unwrap();
    }
    let cp = String::from_utf8(read(&unfinished, "checkpoint.json")).unwrap();
    fs::write(
        unfinished.join("checkpoint.json"),
        edit(&cp, "\"complete\": true", "\"complete\": false"),
    )
    .unwrap();
    let empty = root.join("empty");
    fs::create_dir(&empty).unwrap();

    let cases: Vec<(&str, Vec<&Path>, Vec<&str>)> = vec![
        ("a missing shard", vec![&s2, &s0], vec!["missing", "1/3"]),
        (
            "the same shard twice",
            vec![&s1, &s0, &s1_again, &s2],
            vec!["1/3", "both"],
        ),
        (
            "the same folder twice",
            vec![&s1, &s0, &s1, &s2],
            vec!["1/3", "both"],
        ),
        (
            "a shard of another sweep",
            vec![&s0, &foreign, &s2],
            vec!["foreign1", "different sweep"],
        ),
        (
            "a shard of another split",
            vec![&s0, &halves, &s2],
            vec!["half1", "2 parts"],
        ),
        (
            "an unfinished shard",
            vec![&s2, &unfinished, &s0],
            vec!["unfinished1", "not finished", "--resume"],
        ),
        (
            "a folder without a checkpoint",
            vec![&s0, &s1, &s2, &empty],
            vec!["empty", "checkpoint.json"],
        ),
    ];
    for (what, dirs, needles) in cases {
        let out = root.join("merged");
        let o = merge(&dirs, &out);
        assert_input_error(&o, what, &needles);
        assert!(!out.exists(), "{what}: the merge folder was created");
        let staged: Vec<String> = names_in(root)
            .into_iter()
            .filter(|n| n.starts_with(".merged"))
            .collect();
        assert!(staged.is_empty(), "{what}: left {staged:?}");
    }
    // The same shards in a valid order merge fine.
    let out = root.join("merged");
    let o = merge(&[&s1, &s2, &s0], &out);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A shard whose `sweep_runs.csv` lost rows after it finished (a copy cut short, a full disk
/// while copying shards back from a cluster) must not merge into a "complete" sweep that
/// silently lacks those runs.
#[test]
fn merge_refuses_a_shard_whose_rows_were_cut() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let file = write(root, "sweep.toml", &rotation_sweep(3));
    let dirs: Vec<PathBuf> = (0..3)
        .map(|i| {
            let dir = root.join(format!("s{i}"));
            sweep_ok(
                &file,
                &dir,
                &["--shard", &format!("{i}/3"), "--threads", "1"],
            );
            dir
        })
        .collect();
    // Drop the last unit (3 regimes = 3 whole lines) of shard 1.
    let csv = String::from_utf8(read(&dirs[1], "sweep_runs.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    let cut = lines[..lines.len() - 3].join("\n") + "\n";
    fs::write(dirs[1].join("sweep_runs.csv"), cut).unwrap();
    let out = root.join("merged");
    let o = merge(&[&dirs[0], &dirs[1], &dirs[2]], &out);
    if o.status.success() {
        panic!(
            "merged a shard with missing rows: {} rows of 180 under the checkpoint {}",
            csv_table(&out.join("sweep_runs.csv")).1.len(),
            checkpoint(&out)
        );
    }
    assert_input_error(&o, "a shard with missing rows", &[path_str(&dirs[1])]);
    assert!(!out.exists(), "a merge folder was written");
}

// ---- 3. resume after SIGKILL -------------------------------------------------------------------

fn spawn_sweep(file: &Path, out: &Path, resume: bool) -> Child {
    let mut cmd = Command::new(BIN);
    cmd.args([
        "sweep",
        path_str(file),
        "--out",
        path_str(out),
        "--threads",
        "1",
        "--quiet",
        "--no-plots",
    ]);
    if resume {
        cmd.arg("--resume");
    }
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the peacesim binary starts")
}

#[test]
fn a_sweep_killed_again_and_again_resumes_to_the_uninterrupted_files() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    // 20 points × 150 replicates = 3 000 units (6 chunks), 9 000 runs of 48 months: about a
    // second on 1 thread.
    let text = short_rotation_sweep(150);
    let file = write(root, "sweep.toml", &text);
    let other = write(root, "reseeded.toml", &reseeded(&text));
    let whole = root.join("whole");
    let clock = Instant::now();
    sweep_ok(&file, &whole, &["--threads", "1"]);
    let full = clock.elapsed();
    let total_units = checkpoint(&whole)["unit_end"].as_u64().unwrap();
    assert_eq!(total_units, 3000);

    let out = root.join("killed");
    // Deterministic kill moments, as fractions of the uninterrupted run time (so the test
    // interrupts mid-sweep on slow and fast machines alike).
    // If this machine is so loaded that no start got past a checkpoint, later kills come
    // later (up to 3 more), so that resuming from the middle of a sweep is always exercised.
    let mut fractions = vec![0.02, 0.07, 0.18, 0.04, 0.27, 0.11, 0.36, 0.15, 0.05];
    let planned = fractions.len();
    let (mut interrupted, mut resumed_mid_sweep, mut torn) = (0, 0, 0);
    let mut last_done = 0;
    let mut k = 0;
    while k < fractions.len() {
        let delay = full.mul_f64(fractions[k]).max(Duration::from_millis(20));
        let mut child = spawn_sweep(&file, &out, k > 0);
        std::thread::sleep(delay);
        if k == 0 {
            // The first start must get as far as its first checkpoint: before it there is
            // nothing to resume (and that case is covered below).
            let deadline = Instant::now() + Duration::from_secs(20);
            while !out.join("checkpoint.json").exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        let running = child.try_wait().unwrap().is_none();
        child.kill().ok(); // SIGKILL
        let status = child.wait().unwrap();
        if running {
            interrupted += 1;
        } else {
            assert!(status.success(), "start {k} failed by itself: {status}");
        }
        let cp = checkpoint(&out);
        if k == 0 {
            assert_eq!(cp["complete"], false, "the first start was not interrupted");
        }
        let done = cp["units_done"].as_u64().unwrap();
        assert!(
            done >= last_done,
            "progress went back: {last_done} → {done}"
        );
        if cp["complete"] == false && done > 0 {
            resumed_mid_sweep += 1;
        }
        last_done = done;
        let csv_len = fs::metadata(out.join("sweep_runs.csv")).unwrap().len();
        let csv_bytes = cp["csv_bytes"].as_u64().unwrap();
        assert!(
            csv_len >= csv_bytes,
            "after kill {k}: sweep_runs.csv ({csv_len} B) is shorter than its checkpoint \
             ({csv_bytes} B)"
        );
        if csv_len > csv_bytes {
            torn += 1; // rows appended past the checkpoint: --resume must cut them
        }
        if k == 2 {
            // Make sure a death mid-write is covered even if no kill happened to land there:
            // half a row past the checkpoint and half-written temporary files.
            use std::io::Write;
            let mut csv = fs::OpenOptions::new()
                .append(true)
                .open(out.join("sweep_runs.csv"))
                .unwrap();
            csv.write_all(b"7,24,2,hierarchical,3,123456,1,4").unwrap();
            fs::write(out.join(".checkpoint.json.tmp"), b"{\"spec_hash\": \"").unwrap();
            fs::write(out.join(".sweep_summary.csv.tmp"), b"point,rot").unwrap();
        }

        if k == 0 {
            let before = snapshot(&out);
            // Starting over without --resume would destroy the work: refused.
            let o = peacesim(&[
                "sweep",
                path_str(&file),
                "--out",
                path_str(&out),
                "--quiet",
                "--no-plots",
            ]);
            assert_input_error(
                &o,
                "start on an unfinished sweep",
                &["unfinished", "--resume", "--force"],
            );
            assert!(snapshot(&out) == before, "the unfinished sweep was changed");
            // Resuming it with another sweep's file: refused, folder untouched.
            let o = peacesim(&[
                "sweep",
                path_str(&other),
                "--out",
                path_str(&out),
                "--resume",
                "--quiet",
                "--no-plots",
            ]);
            assert_input_error(&o, "resume with another seed", &["different sweep"]);
            assert!(snapshot(&out) == before, "the unfinished sweep was changed");
            // Resuming it as another shard: refused too.
            let o = peacesim(&[
                "sweep",
                path_str(&file),
                "--out",
                path_str(&out),
                "--resume",
                "--shard",
                "1/2",
                "--quiet",
                "--no-plots",
            ]);
            assert_input_error(&o, "resume as another shard", &["shard"]);
            assert!(snapshot(&out) == before, "the unfinished sweep was changed");
        }
        k += 1;
        if k == fractions.len() && resumed_mid_sweep == 0 && fractions.len() < planned + 3 {
            fractions.push(0.5 * (fractions.len() + 1 - planned) as f64);
        }
    }
    eprintln!(
        "uninterrupted {:.2} s; {interrupted} of {} starts killed mid-run, {resumed_mid_sweep} \
         left a partly done sweep, {torn} left rows past the checkpoint",
        full.as_secs_f64(),
        fractions.len()
    );
    assert!(
        interrupted >= 3,
        "only {interrupted} starts were still running when killed"
    );
    assert!(
        resumed_mid_sweep >= 1,
        "no kill left a partly done sweep to resume"
    );

    let o = peacesim(&[
        "sweep",
        path_str(&file),
        "--out",
        path_str(&out),
        "--threads",
        "1",
        "--resume",
        "--quiet",
        "--no-plots",
    ]);
    assert!(o.status.success(), "final --resume: {}", stderr(&o));
    assert_same_sweep(&whole, &out, "killed and resumed sweep");
    let stray: Vec<String> = names_in(&out)
        .into_iter()
        .filter(|n| n.ends_with(".tmp") || n.contains("partial"))
        .collect();
    assert!(stray.is_empty(), "temporary files left: {stray:?}");
    assert_eq!(
        names_in(&out),
        names_in(&whole),
        "different files after resuming"
    );
    let manifest: serde_json::Value = serde_json::from_slice(&read(&out, "manifest.json")).unwrap();
    assert!(
        manifest["finished"].is_string(),
        "manifest not finished: {manifest}"
    );
    crate::cli::assert_build_info(&manifest);
}

#[test]
fn resume_needs_a_sweep_folder() {
    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "sweep.toml", &rotation_sweep(2));
    let missing = tmp.path().join("missing");
    let o = peacesim(&[
        "sweep",
        path_str(&file),
        "--out",
        path_str(&missing),
        "--resume",
        "--quiet",
    ]);
    assert_input_error(&o, "--resume on a missing folder", &["no sweep to resume"]);
    assert!(!missing.exists(), "--resume created the folder");

    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let o = peacesim(&[
        "sweep",
        path_str(&file),
        "--out",
        path_str(&empty),
        "--resume",
        "--quiet",
    ]);
    assert_input_error(&o, "--resume on an empty folder", &["no sweep to resume"]);
    assert!(names_in(&empty).is_empty(), "--resume wrote into it");
}

#[test]
fn resuming_a_finished_sweep_or_starting_over_changes_nothing() {
    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "sweep.toml", &rotation_sweep(3));
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    sweep_ok(&file, &a, &[]);
    sweep_ok(&file, &b, &[]);
    sweep_ok(&file, &b, &["--resume"]);
    assert_same_sweep(&a, &b, "a finished sweep resumed");
    // A finished sweep may be replaced without --force.
    sweep_ok(&file, &b, &[]);
    assert_same_sweep(&a, &b, "a finished sweep run again");
}

// ---- 4. threads ------------------------------------------------------------------------------

#[test]
fn sweep_results_do_not_depend_on_the_number_of_threads() {
    let tmp = TempDir::new().unwrap();
    // 600 units: two chunks.
    let file = write(tmp.path(), "sweep.toml", &rotation_sweep(30));
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    sweep_ok(&file, &one, &["--threads", "1"]);
    sweep_ok(&file, &two, &["--threads", "2"]);
    for f in ["sweep_runs.csv", "sweep_summary.csv"] {
        assert_same_file(&one, &two, f, "1 vs 2 threads");
    }
    // And a different seed gives different runs (so the comparison above means something).
    let other = write(tmp.path(), "other.toml", &reseeded(&rotation_sweep(30)));
    let three = tmp.path().join("three");
    sweep_ok(&other, &three, &["--threads", "2"]);
    assert!(
        read(&one, "sweep_runs.csv") != read(&three, "sweep_runs.csv"),
        "the sweep seed does not change the runs"
    );
}

// ---- 4b. switches and named levels ----------------------------------------------------------

/// A grid over a mechanism switch × whom the diplomats favour (`"none"`: impartial).
fn categorical_table(replicates: u64) -> String {
    format!(
        "[sweep]\ndesign = \"grid\"\nreplicates = {replicates}\nseed = 5\n\n\
         [[sweep.parameters]]\npath = \"mechanisms.forum_shopping\"\nvalues = [true, false]\n\n\
         [[sweep.parameters]]\npath = \"third_parties.diplomat.favours\"\n\
         values = [\"none\", \"Government\", \"Armed Group\"]\n"
    )
}

#[test]
fn a_grid_over_a_switch_and_names_writes_the_levels_and_applies_them() {
    let tmp = TempDir::new().unwrap();
    let replicates = 6;
    let file = write(
        tmp.path(),
        "levels.toml",
        &baseline_with(&categorical_table(replicates)),
    );
    let out = tmp.path().join("out");
    sweep_ok(&file, &out, &[]);
    let (header, rows) = csv_table(&out.join("sweep_runs.csv"));
    assert_eq!(
        header[..3],
        [
            "point",
            "mechanisms.forum_shopping",
            "third_parties.diplomat.favours"
        ]
    );
    let grid: Vec<(&str, &str)> = ["true", "false"]
        .into_iter()
        .flat_map(|s| ["none", "Government", "Armed Group"].map(move |f| (s, f)))
        .collect();
    assert_eq!(rows.len(), grid.len() * replicates as usize * REGIMES.len());
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let switches = column("forum_switches");
    let mut switched = 0u64;
    for (n, row) in rows.iter().enumerate() {
        let p = n / (replicates as usize * REGIMES.len());
        assert_eq!(row[0], p.to_string(), "row {n}: {row:?}");
        assert_eq!((row[1].as_str(), row[2].as_str()), grid[p], "row {n}");
        let count: u64 = row[switches].parse().unwrap();
        // The switch is applied: without forum shopping no party ever switches tables.
        if row[1] == "false" {
            assert_eq!(
                count, 0,
                "row {n}: forum switches with forum_shopping = false"
            );
        } else {
            switched += count;
        }
    }
    assert!(
        switched > 0,
        "no forum switch at all with forum_shopping = true"
    );
    // The names are applied: the same replicates (same seeds) run differently when the
    // diplomats favour someone else.
    let runs_of = |p: usize| -> Vec<&[String]> {
        rows.iter()
            .filter(|r| r[0] == p.to_string())
            .map(|r| &r[3..])
            .collect()
    };
    assert_ne!(
        runs_of(0),
        runs_of(1),
        "favours none and Government run alike"
    );
    assert_ne!(
        runs_of(1),
        runs_of(2),
        "favours Government and Armed Group run alike"
    );

    let (sh, srows) = csv_table(&out.join("sweep_summary.csv"));
    assert_eq!(
        sh[..4],
        [
            "point",
            "mechanisms.forum_shopping",
            "third_parties.diplomat.favours",
            "regime"
        ]
    );
    let levels: BTreeSet<(String, String)> =
        srows.iter().map(|r| (r[1].clone(), r[2].clone())).collect();
    let expected: BTreeSet<(String, String)> = grid
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(levels, expected);

    // The figures draw the levels by name (and `check` accepts the file).
    let plotted = tmp.path().join("plotted");
    let o = peacesim(&[
        "sweep",
        path_str(&file),
        "--out",
        path_str(&plotted),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = fs::read_to_string(plotted.join("heatmap_agreement.svg")).unwrap();
    for label in ["true", "false", "none", "Government", "Armed Group"] {
        assert!(
            svg.contains(&format!(">\n{label}\n</text>")),
            "heatmap lacks {label}"
        );
    }
    assert!(peacesim(&["check", path_str(&file)]).status.success());
}

#[test]
fn a_categorical_sweep_is_the_same_across_threads_and_shards() {
    let tmp = TempDir::new().unwrap();
    // 6 points × 100 replicates = 600 units: two chunks, shards cutting through them.
    let file = write(
        tmp.path(),
        "levels.toml",
        &baseline_with(&categorical_table(100)),
    );
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    sweep_ok(&file, &one, &["--threads", "1"]);
    sweep_ok(&file, &two, &["--threads", "2"]);
    assert_same_sweep(&one, &two, "a categorical sweep on 1 and 2 threads");
    let shards: Vec<PathBuf> = (0..3)
        .map(|i| tmp.path().join(format!("shard-{i}")))
        .collect();
    for (i, dir) in shards.iter().enumerate() {
        sweep_ok(
            &file,
            dir,
            &["--shard", &format!("{i}/3"), "--threads", "2"],
        );
    }
    let merged = tmp.path().join("merged");
    let dirs: Vec<&Path> = shards.iter().map(PathBuf::as_path).collect();
    let o = merge(&dirs, &merged);
    assert!(o.status.success(), "merge: {}", stderr(&o));
    assert_same_sweep(&one, &merged, "a categorical sweep merged from 3 shards");
}

// ---- 5. Morris and Latin hypercube ---------------------------------------------------------

fn number(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("{s:?} is not a number"))
}

#[test]
fn morris_writes_elementary_effects_consistent_with_the_summary() {
    let table = r#"[sweep]
design = "morris"
samples = 6
levels = 4
replicates = 30
seed = 31

[[sweep.parameters]]
path = "trust.build_rate"
min = 0.01
max = 0.1

[[sweep.parameters]]
path = "rotation.posting_months"
min = 18
max = 60

[[sweep.parameters]]
path = "forums.agreement_rate"
min = 0.05
max = 0.4
"#;
    let names = [
        "trust.build_rate",
        "rotation.posting_months",
        "forums.agreement_rate",
    ];
    let ranges = [(0.01, 0.1), (18.0, 60.0), (0.05, 0.4)];
    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "morris.toml", &baseline_with(table));
    let out = tmp.path().join("out");
    sweep_ok(&file, &out, &[]);

    let (header, rows) = csv_table(&out.join("sensitivity.csv"));
    assert_eq!(
        header,
        [
            "regime",
            "outcome",
            "parameter",
            "n",
            "mu_star",
            "mu",
            "sigma"
        ]
    );
    let mut seen = BTreeSet::new();
    for row in &rows {
        assert_eq!(row.len(), 7, "{row:?}");
        assert!(REGIMES.contains(&row[0].as_str()), "{row:?}");
        assert!(names.contains(&row[2].as_str()), "{row:?}");
        assert!(
            seen.insert((row[0].clone(), row[1].clone(), row[2].clone())),
            "duplicate row {row:?}"
        );
        let (mu_star, mu) = (number(&row[4]), number(&row[5]));
        assert!(mu_star.is_finite() && mu_star >= 0.0, "{row:?}");
        assert!(
            mu.is_finite() && mu.abs() <= mu_star + 1e-6,
            "|μ| > μ*: {row:?}"
        );
        if !row[6].is_empty() {
            assert!(number(&row[6]) >= 0.0, "{row:?}");
        }
    }

    // Recompute the elementary effects of the agreement rate from sweep_summary.csv: each
    // trajectory is 4 consecutive points, each step moves one parameter up by Δ = 2/3 of its
    // range (4 levels), from a base on the lower levels {0, 1/3}.
    let (sh, srows) = csv_table(&out.join("sweep_summary.csv"));
    assert_eq!(sh[1..4], names);
    let mut points: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
    let mut agreement: BTreeMap<(usize, String), f64> = BTreeMap::new();
    for r in &srows {
        let p: usize = r[0].parse().unwrap();
        points.insert(p, r[1..4].iter().map(|v| number(v)).collect());
        if r[5] == "agreement" {
            assert_eq!(r[6], "30", "n of agreement at point {p}");
            agreement.insert((p, r[4].clone()), number(&r[7]));
        }
    }
    assert_eq!(points.len(), 6 * 4, "points of 6 trajectories × (3 + 1)");
    let unit = |i: usize, v: f64| (v - ranges[i].0) / (ranges[i].1 - ranges[i].0);
    let mut effects: BTreeMap<(&str, usize), Vec<f64>> = BTreeMap::new();
    for t in 0..6 {
        let base = &points[&(t * 4)];
        for (i, &v) in base.iter().enumerate() {
            let u = unit(i, v);
            assert!(
                u.abs() < 1e-9 || (u - 1.0 / 3.0).abs() < 1e-9,
                "trajectory {t} starts off the lower levels: {base:?}"
            );
        }
        let mut moved = BTreeSet::new();
        for s in 0..3 {
            let (a, b) = (&points[&(t * 4 + s)], &points[&(t * 4 + s + 1)]);
            let changed: Vec<usize> = (0..3).filter(|&i| a[i] != b[i]).collect();
            assert_eq!(changed.len(), 1, "trajectory {t} step {s}: {a:?} → {b:?}");
            let i = changed[0];
            assert!(moved.insert(i), "trajectory {t} moves parameter {i} twice");
            let dx = unit(i, b[i]) - unit(i, a[i]);
            assert!(
                (dx - 2.0 / 3.0).abs() < 1e-9,
                "step of {dx} in {a:?} → {b:?}"
            );
            for regime in REGIMES {
                let ya = agreement[&(t * 4 + s, regime.to_string())];
                let yb = agreement[&(t * 4 + s + 1, regime.to_string())];
                effects.entry((regime, i)).or_default().push((yb - ya) / dx);
            }
        }
    }
    for regime in REGIMES {
        for (i, name) in names.iter().enumerate() {
            let row = rows
                .iter()
                .find(|r| r[0] == regime && r[1] == "agreement" && r[2] == *name)
                .unwrap_or_else(|| panic!("no agreement row for {regime} × {name}"));
            let ee = &effects[&(regime, i)];
            assert_eq!(row[3], ee.len().to_string(), "n of {row:?}");
            let mu = ee.iter().sum::<f64>() / ee.len() as f64;
            let mu_star = ee.iter().map(|e| e.abs()).sum::<f64>() / ee.len() as f64;
            assert!(
                (number(&row[4]) - mu_star).abs() < 1e-4,
                "{row:?}: μ* from the summary is {mu_star}"
            );
            assert!(
                (number(&row[5]) - mu).abs() < 1e-4,
                "{row:?}: μ from the summary is {mu}"
            );
        }
    }
}

#[test]
fn lhs_samples_give_that_many_stratified_points() {
    let table = r#"[sweep]
design = "lhs"
samples = 12
replicates = 2

[[sweep.parameters]]
path = "trust.build_rate"
min = 0.01
max = 0.1

[[sweep.parameters]]
path = "world.horizon_months"
min = 60
max = 120
"#;
    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "lhs.toml", &baseline_with(table));
    let out = tmp.path().join("out");
    sweep_ok(&file, &out, &[]);
    let (_, rows) = csv_table(&out.join("sweep_summary.csv"));
    let mut values: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    for r in &rows {
        let p: usize = r[0].parse().unwrap();
        let v = (number(&r[1]), number(&r[2]));
        assert_eq!(*values.entry(p).or_insert(v), v, "point {p} changes values");
    }
    assert_eq!(
        values.keys().copied().collect::<Vec<_>>(),
        (0..12).collect::<Vec<_>>()
    );
    let mut strata: Vec<usize> = values
        .values()
        .map(|&(b, _)| {
            assert!((0.01..=0.1).contains(&b), "build_rate {b} out of range");
            ((b - 0.01) / 0.09 * 12.0).floor() as usize
        })
        .collect();
    strata.sort();
    assert_eq!(
        strata,
        (0..12).collect::<Vec<_>>(),
        "not one point per stratum"
    );
    for &(_, h) in values.values() {
        assert!(
            h.fract() == 0.0 && (60.0..=120.0).contains(&h),
            "horizon_months {h} is not a whole number of months in range"
        );
    }
    let (_, runs) = csv_table(&out.join("sweep_runs.csv"));
    assert_eq!(runs.len(), 12 * 2 * 3);
    assert!(
        !out.join("sensitivity.csv").exists(),
        "lhs wrote sensitivity.csv"
    );
}

// ---- 6. layout of sweep_runs.csv and common random numbers ---------------------------------

#[test]
fn sweep_runs_have_the_documented_layout_and_common_random_numbers() {
    let table = r#"[sweep]
design = "grid"
replicates = 4
seed = 77

[[sweep.parameters]]
path = 'third_parties."State A".leverage'
values = [0.5, 1.5]

[[sweep.parameters]]
path = "count.mediator"
values = [1, 2, 3]
"#;
    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "grid.toml", &baseline_with(table));
    let out = tmp.path().join("out");
    sweep_ok(&file, &out, &[]);
    let (header, rows) = csv_table(&out.join("sweep_runs.csv"));
    let params = ["third_parties.\"State A\".leverage", "count.mediator"];
    let expected: Vec<String> = std::iter::once("point")
        .chain(params)
        .chain(RUNS_HEADER)
        .map(String::from)
        .collect();
    assert_eq!(header, expected);
    let (points, replicates) = (6, 4);
    assert_eq!(rows.len(), points * replicates * REGIMES.len());
    let grid: Vec<(&str, &str)> = ["0.5", "1.5"]
        .into_iter()
        .flat_map(|l| ["1", "2", "3"].map(move |c| (l, c)))
        .collect();
    for (n, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), header.len(), "row {n}: {row:?}");
        // Point-major, then replicate, then regime.
        let (p, k, r) = (n / (replicates * 3), (n / 3) % replicates, n % 3);
        assert_eq!(row[0], p.to_string(), "row {n}: {row:?}");
        assert_eq!((row[1].as_str(), row[2].as_str()), grid[p], "row {n}");
        assert_eq!(row[3], REGIMES[r], "row {n}: {row:?}");
        assert_eq!(row[4], k.to_string(), "row {n}: {row:?}");
        assert_eq!(
            row[5],
            run_seed(77, k as u64).to_string(),
            "row {n}: replicate {k} does not use run_seed(77, {k})"
        );
    }
    // The sweep seed, not experiment.seed (2022), drives the runs.
    assert_ne!(run_seed(77, 0), run_seed(2022, 0));

    // Without sweep.seed the sweep uses experiment.seed.
    let unseeded = write(
        tmp.path(),
        "unseeded.toml",
        &baseline_with(&edit(table, "seed = 77\n", "")),
    );
    let out2 = tmp.path().join("out2");
    sweep_ok(&unseeded, &out2, &[]);
    let (_, rows2) = csv_table(&out2.join("sweep_runs.csv"));
    for row in &rows2 {
        let k: u64 = row[4].parse().unwrap();
        assert_eq!(row[5], run_seed(2022, k).to_string(), "{row:?}");
    }

    // The summary: n of agreement is the number of replicates at every point and regime.
    let (sh, srows) = csv_table(&out.join("sweep_summary.csv"));
    let mut expected_summary: Vec<String> = std::iter::once("point")
        .chain(params)
        .map(String::from)
        .collect();
    expected_summary.extend(peacesim::output::SUMMARY_HEADER.map(String::from));
    assert_eq!(sh, expected_summary);
    let agreement: Vec<&Vec<String>> = srows.iter().filter(|r| r[4] == "agreement").collect();
    assert_eq!(agreement.len(), points * REGIMES.len());
    for r in agreement {
        assert_eq!(r[5], replicates.to_string(), "{r:?}");
    }
}

/// A sweep point whose values are those of the base scenario runs exactly the runs of
/// `peacesim run` on that scenario: same seeds, same outcomes, same order.
#[test]
fn a_point_at_the_base_values_reproduces_peacesim_run() {
    let table = "[sweep]\ndesign = \"grid\"\nreplicates = 6\n\n[[sweep.parameters]]\n\
                 path = \"trust.build_rate\"\nvalues = [0.04, 0.08]\n";
    assert!(BASELINE_TOML.contains("build_rate = 0.04"));
    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "grid.toml", &baseline_with(table));
    let out = tmp.path().join("sweep");
    sweep_ok(&file, &out, &[]);
    let run = tmp.path().join("run");
    let o = peacesim(&[
        "run",
        "--quiet",
        "--no-plots",
        "--replicates",
        "6",
        "--out",
        path_str(&run),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let runs = String::from_utf8(read(&run, "runs.csv")).unwrap();
    let sweep = String::from_utf8(read(&out, "sweep_runs.csv")).unwrap();
    let at = |point: &str| -> Vec<String> {
        sweep
            .lines()
            .skip(1)
            .filter(|l| l.split(',').next() == Some(point))
            .map(|l| l.splitn(3, ',').nth(2).unwrap().to_string())
            .collect()
    };
    let expected: Vec<String> = runs.lines().skip(1).map(String::from).collect();
    assert_eq!(expected.len(), 6 * 3);
    assert_eq!(
        at("0"),
        expected,
        "point 0 (build_rate 0.04) differs from `run`"
    );
    assert_ne!(at("1"), expected, "point 1 (build_rate 0.08) equals `run`");
}
