//! End-to-end tests of the `peacesim` binary: output files, reproducibility, bad input and
//! output-folder safety.

use peacesim::output::{MARKER, RUNS_HEADER, SUMMARY_HEADER, TIMESERIES_HEADER};
use peacesim::scenario::BASELINE_TOML;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

use crate::common::*;

/// `run` on the default scenario into `out`, quietly; asserts success.
fn run_ok(out: &Path, extra: &[&str]) {
    let mut args = vec!["run", "--quiet", "--out", path_str(out)];
    args.extend_from_slice(extra);
    let o = peacesim(&args);
    assert!(o.status.success(), "{args:?} failed: {}", stderr(&o));
}

fn read(dir: &Path, file: &str) -> String {
    fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The baseline with `from` replaced by `to`, written to `bad.toml` in `dir`. Panics if the
/// baseline no longer contains `from`, so an edit that silently does nothing cannot pass.
fn edited_baseline(dir: &TempDir, from: &str, to: &str) -> PathBuf {
    assert!(BASELINE_TOML.contains(from), "baseline has no {from:?}");
    let path = dir.path().join("bad.toml");
    fs::write(&path, BASELINE_TOML.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn run_writes_the_four_files_with_documented_headers() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("results");
    run_ok(&out, &["--replicates", "20", "--seed", "11"]);

    let runs = read(&out, "runs.csv");
    let mut lines = runs.lines();
    assert_eq!(lines.next(), Some(RUNS_HEADER.join(",").as_str()));
    let rows: Vec<&str> = lines.collect();
    let regimes = ["competitive", "hierarchical", "network"];
    assert_eq!(rows.len(), 20 * regimes.len());
    for row in &rows {
        let cols: Vec<&str> = row.split(',').collect();
        assert_eq!(cols.len(), RUNS_HEADER.len(), "{row}");
        assert!(regimes.contains(&cols[0]), "{row}");
        assert!(cols[1].parse::<u64>().unwrap() < 20, "{row}");
    }

    let timeseries = read(&out, "timeseries.csv");
    assert_eq!(
        timeseries.lines().next(),
        Some(TIMESERIES_HEADER.join(",").as_str())
    );
    assert!(timeseries.lines().count() > 1);
    let summary = read(&out, "summary.csv");
    assert_eq!(
        summary.lines().next(),
        Some(SUMMARY_HEADER.join(",").as_str())
    );
    assert!(summary.lines().count() > 1);

    let manifest: serde_json::Value = serde_json::from_str(&read(&out, "manifest.json")).unwrap();
    assert_eq!(manifest["seed"], 11);
    assert_eq!(manifest["replicates"], 20);
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    assert_build_info(&manifest);
    let command_line = manifest["command_line"]
        .as_array()
        .expect("command_line is a list");
    assert!(
        command_line.iter().any(|a| a == "--replicates"),
        "{command_line:?}"
    );
    assert_eq!(manifest["scenario"]["scenario"]["name"], "baseline");
    assert_eq!(manifest["scenario"]["experiment"]["replicates"], 20);
    assert!(out.join(MARKER).exists());
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let tmp = TempDir::new().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    run_ok(&one, &["--replicates", "50", "--threads", "1"]);
    run_ok(&two, &["--replicates", "50", "--threads", "2"]);
    for file in ["runs.csv", "timeseries.csv", "summary.csv"] {
        assert!(
            read(&one, file) == read(&two, file),
            "{file} differs between 1 and 2 threads"
        );
    }
}

#[test]
fn the_seed_determines_the_results() {
    let tmp = TempDir::new().unwrap();
    let [a, b, c] = ["a", "b", "c"].map(|n| tmp.path().join(n));
    run_ok(&a, &["--replicates", "20", "--seed", "1"]);
    run_ok(&b, &["--replicates", "20", "--seed", "1"]);
    run_ok(&c, &["--replicates", "20", "--seed", "2"]);
    assert!(
        read(&a, "runs.csv") == read(&b, "runs.csv"),
        "same seed, different runs.csv"
    );
    assert!(
        read(&a, "summary.csv") == read(&b, "summary.csv"),
        "same seed, different summary"
    );
    assert!(
        read(&a, "runs.csv") != read(&c, "runs.csv"),
        "different seeds, same runs.csv"
    );
}

/// Runs `peacesim run FILE --out DIR` (plus `extra`) and checks the rejection: status 2,
/// stderr naming the file and every `needle`, and no output folder.
fn assert_rejected(file: Option<&Path>, extra: &[&str], needles: &[&str]) {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    let mut args = vec!["run", "--quiet"];
    if let Some(f) = file {
        args.push(path_str(f));
    }
    args.extend_from_slice(&["--out", path_str(&out)]);
    args.extend_from_slice(extra);
    let o = peacesim(&args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: stderr: {err}");
    if let Some(f) = file {
        assert!(
            err.contains(path_str(f)),
            "stderr does not name the file: {err}"
        );
    }
    for needle in needles {
        assert!(err.contains(needle), "stderr lacks {needle:?}: {err}");
    }
    assert!(!out.exists(), "{args:?} created the output folder");
    let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "{args:?} left {leftovers:?}");
}

#[test]
fn malformed_toml_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("bad.toml");
    fs::write(&file, "[scenario\nname = \"x\"\n").unwrap();
    assert_rejected(Some(&file), &[], &["line 1"]);
}

#[test]
fn unknown_field_is_rejected_by_name() {
    let tmp = TempDir::new().unwrap();
    let file = edited_baseline(&tmp, "build_rate = 0.04", "build_rat = 0.1");
    assert_rejected(Some(&file), &[], &["build_rat", "trust"]);
}

#[test]
fn missing_party_name_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let file = edited_baseline(&tmp, "name = \"Government\"\n", "");
    assert_rejected(Some(&file), &[], &["parties[0]", "name"]);
}

#[test]
fn missing_scenario_name_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let file = edited_baseline(&tmp, "[scenario]\nname = \"baseline\"", "[scenario]\n");
    assert_rejected(Some(&file), &[], &["scenario", "name"]);
}

#[test]
fn probability_out_of_range_is_rejected_with_field_and_value() {
    let tmp = TempDir::new().unwrap();
    let file = edited_baseline(&tmp, "build_rate = 0.04", "build_rate = 1.5");
    assert_rejected(Some(&file), &[], &["trust.build_rate", "1.5"]);
}

#[test]
fn negative_count_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let file = edited_baseline(&tmp, "replicates = 1000", "replicates = -5");
    assert_rejected(Some(&file), &[], &["experiment.replicates", "-5"]);
}

#[test]
fn zero_horizon_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let file = edited_baseline(&tmp, "horizon_months = 120", "horizon_months = 0");
    assert_rejected(Some(&file), &[], &["world.horizon_months"]);
}

#[test]
fn unknown_regime_in_the_file_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let file = edited_baseline(
        &tmp,
        "regimes = [\"competitive\", \"hierarchical\", \"network\"]",
        "regimes = [\"anarchy\"]",
    );
    assert_rejected(Some(&file), &[], &["experiment.regimes[0]", "anarchy"]);
}

#[test]
fn unknown_regime_on_the_command_line_is_rejected() {
    assert_rejected(
        None,
        &["--regimes", "competitive,anarchy"],
        &["--regimes", "anarchy"],
    );
}

#[test]
fn zero_replicates_on_the_command_line_is_rejected() {
    assert_rejected(None, &["--replicates", "0"], &["--replicates"]);
}

#[test]
fn favouring_a_party_that_does_not_exist_is_rejected() {
    let tmp = TempDir::new().unwrap();
    let file = edited_baseline(&tmp, "favours = \"Armed Group\"", "favours = \"Nobody\"");
    assert_rejected(
        Some(&file),
        &[],
        &["third_parties.\"State B\".favours", "Nobody"],
    );
}

#[test]
fn check_accepts_the_baseline_and_rejects_a_bad_file() {
    let baseline = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let o = peacesim(&["check", path_str(&baseline)]);
    assert!(o.status.success(), "{}", stderr(&o));

    let tmp = TempDir::new().unwrap();
    let bad = edited_baseline(&tmp, "build_rate = 0.04", "build_rate = 1.5");
    let o = peacesim(&["check", path_str(&baseline), path_str(&bad)]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(path_str(&bad)) && err.contains("trust.build_rate"),
        "{err}"
    );
}

#[test]
fn every_shipped_scenario_passes_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    for file in &files {
        let o = peacesim(&["check", path_str(file)]);
        assert!(o.status.success(), "{}: {}", file.display(), stderr(&o));
    }
}

#[test]
fn a_folder_peacesim_did_not_write_is_kept_without_force() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("mine");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("thesis.txt"), "precious").unwrap();
    let o = peacesim(&[
        "run",
        "--quiet",
        "--replicates",
        "5",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(out.join("thesis.txt")).unwrap(),
        "precious"
    );
    assert!(!out.join("runs.csv").exists());

    run_ok(&out, &["--replicates", "5", "--force"]);
    assert!(out.join("runs.csv").exists());
    assert!(
        !out.join("thesis.txt").exists(),
        "--force replaces the folder whole"
    );
}

#[test]
fn a_previous_run_is_replaced_whole() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("results");
    run_ok(&out, &["--replicates", "5"]);
    fs::write(out.join("stray.txt"), "left over").unwrap();
    run_ok(&out, &["--replicates", "6"]);
    assert!(
        !out.join("stray.txt").exists(),
        "the old folder was not replaced whole"
    );
    assert_eq!(read(&out, "runs.csv").lines().count(), 1 + 6 * 3);
    let names: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["results"], "staging or old folders left behind");
}

#[test]
fn run_help_lists_the_main_options() {
    let o = peacesim(&["run", "--help"]);
    assert!(o.status.success());
    let help = String::from_utf8_lossy(&o.stdout);
    for option in ["--replicates", "--seed", "--threads", "--out", "--regimes"] {
        assert!(help.contains(option), "run --help lacks {option}:\n{help}");
    }
}

/// Every line a command prints for a person fits a terminal of 80 columns (counted in
/// characters, not bytes: `Δ`, `—` and `×` are one column each), but the line that names the
/// output folder, whose length is the path's.
fn assert_fits_80_columns(stdout: &[u8]) {
    let text = String::from_utf8(stdout.to_vec()).unwrap();
    assert!(!text.trim().is_empty(), "nothing printed");
    for line in text.lines().filter(|l| !l.starts_with('→')) {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line:?}\n{text}",
            line.chars().count()
        );
    }
}

#[test]
fn the_results_table_of_run_fits_80_columns() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("results");
    let o = peacesim(&[
        "run",
        "--replicates",
        "20",
        "--no-plots",
        "--out",
        path_str(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_fits_80_columns(&o.stdout);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("agreement % [95% CI]"), "{text}");
    // A strategy with a long name, and every built-in regime: names are shortened to fit.
    let long = "a_strategy_whose_name_is_much_longer_than_a_column";
    let file = tmp.path().join("long.toml");
    fs::write(
        &file,
        format!(
            "{}\n[strategies.{long}]\nstructure = \"network\"\n",
            BASELINE_TOML.replacen(
                "regimes = [\"competitive\", \"hierarchical\", \"network\"]",
                &format!(
                    "regimes = [\"competitive\", \"hierarchical\", \"network\", \
                     \"contact_group\", \"{long}\"]"
                ),
                1
            )
        ),
    )
    .unwrap();
    let o = peacesim(&[
        "run",
        path_str(&file),
        "--replicates",
        "20",
        "--no-plots",
        "--out",
        path_str(&tmp.path().join("long")),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_fits_80_columns(&o.stdout);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("contact_group") && text.contains("…"),
        "{text}"
    );
    assert!(text.contains("summary.csv has them whole"), "{text}");
}

#[test]
fn the_sweep_table_fits_80_columns() {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("sweep.toml");
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweep_rotation.toml"),
    )
    .unwrap();
    let fewer = "replicates = 200                 # paired replicates per point and regime";
    assert!(text.contains(fewer));
    fs::write(&file, text.replacen(fewer, "replicates = 5 #", 1)).unwrap();
    let o = peacesim(&[
        "sweep",
        path_str(&file),
        "--no-plots",
        "--out",
        path_str(&tmp.path().join("sweep")),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_fits_80_columns(&o.stdout);
}

/// The help texts and the template name only files of this repository: no design document
/// kept elsewhere (MODEL.md, shared/design).
#[test]
fn help_texts_and_the_template_refer_only_to_files_in_the_repository() {
    let mut texts = vec![("baseline".to_string(), peacesim(&["baseline"]))];
    for command in [
        "",
        "run",
        "trace",
        "sweep",
        "merge",
        "benchmark",
        "validate",
        "check",
        "baseline",
    ] {
        let args: Vec<&str> = [command, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        texts.push((format!("{command} --help"), peacesim(&args)));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (what, o) in texts {
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        let text = String::from_utf8_lossy(&o.stdout);
        for word in ["MODEL.md", "shared/", "design/"] {
            assert!(!text.contains(word), "{what} refers to {word}:\n{text}");
        }
        // Every docs/… or scenarios/… file named exists.
        for path in text
            .split(|c: char| c.is_whitespace() || "()`,;\"'".contains(c))
            .filter(|w| w.starts_with("docs/") || w.starts_with("scenarios/"))
        {
            let path = path.trim_end_matches(['.', ':', ')']);
            assert!(
                root.join(path).exists(),
                "{what} names {path}, which is missing"
            );
        }
    }
}

/// A manifest's `build`: the commit (40 hex digits, or "unknown" outside a git checkout),
/// whether the sources differed from it, rustc, target, OS, architecture and profile.
pub(crate) fn assert_build_info(manifest: &serde_json::Value) {
    let build = &manifest["build"];
    let text = |k: &str| {
        build[k]
            .as_str()
            .unwrap_or_else(|| panic!("build.{k} missing: {manifest}"))
            .to_string()
    };
    let commit = text("git_commit");
    assert!(
        commit == "unknown"
            || (commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{commit}"
    );
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join(".git").exists();
    let git = std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok();
    if checkout && git {
        assert_ne!(commit, "unknown", "built in a git checkout with git");
        assert!(build["git_dirty"].is_boolean(), "{build}");
    }
    if commit == "unknown" {
        assert!(build["git_dirty"].is_null(), "{build}");
    }
    assert!(text("rustc").starts_with("rustc "), "{build}");
    assert!(text("target").contains(std::env::consts::ARCH), "{build}");
    assert_eq!(text("os"), std::env::consts::OS);
    assert_eq!(text("arch"), std::env::consts::ARCH);
    assert!(
        ["release", "debug"].contains(&text("profile").as_str()),
        "{build}"
    );
}

#[test]
fn check_prints_within_80_columns() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = fs::read_dir(root.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .map(|n| format!("scenarios/{n}"))
        .collect();
    files.sort();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let o = peacesim_in(root, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_fits_80_columns(&o.stdout);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        text.matches(": ok — scenario").count(),
        files.len(),
        "{text}"
    );
}
