//! Bounds on input (issue 9, part C): every accepted input gives finite output in bounded time
//! and memory; names cannot act on a terminal; `check` refuses what `sweep` refuses. Each test
//! is a regression test of a defect found by an adversarial round.

use peacesim::model::{METRICS, RunOutcome, simulate};
use peacesim::regime::built_in;
use peacesim::scenario::{BASELINE_TOML, Scenario};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

use crate::common::*;

// Bytes are counted per thread by the binary's allocator (`counting.rs`).
use crate::counting::allocated_bytes;

// ---- helpers ------------------------------------------------------------------------------

/// Runs peacesim and kills it after `limit`: a hang fails the test instead of hanging it.
fn peacesim_within(args: &[&str], limit: Duration) -> Output {
    let mut child: Child = Command::new(env!("CARGO_BIN_EXE_peacesim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the peacesim binary runs");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("peacesim {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Asserts exit status 2 (bad input) and that stderr holds every fragment.
fn assert_input_error(o: &Output, fragments: &[&str]) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(2), "expected exit 2, got: {e}");
    for f in fragments {
        assert!(e.contains(f), "expected {f:?} in: {e}");
    }
}

/// The baseline with `from` replaced by `to`, written into `dir`.
fn edited(dir: &TempDir, name: &str, from: &str, to: &str) -> PathBuf {
    assert!(BASELINE_TOML.contains(from), "the baseline lacks {from:?}");
    let path = dir.path().join(name);
    fs::write(&path, BASELINE_TOML.replacen(from, to, 1)).unwrap();
    path
}

fn with_sweep(dir: &TempDir, name: &str, sweep: &str) -> PathBuf {
    let path = dir.path().join(name);
    fs::write(&path, format!("{BASELINE_TOML}\n{sweep}")).unwrap();
    path
}

fn assert_finite_csv(dir: &Path, file: &str) {
    let text = fs::read_to_string(dir.join(file)).unwrap();
    for (i, line) in text.lines().enumerate().skip(1) {
        for cell in line.split(',') {
            let lower = cell.to_ascii_lowercase();
            assert!(
                !lower.contains("nan") && !lower.contains("inf"),
                "{file} line {}: {line}",
                i + 1
            );
        }
    }
}

// ---- 4. finite by construction ------------------------------------------------------------

#[test]
fn defect_4_huge_violence_scale_is_refused_by_check() {
    let dir = TempDir::new().unwrap();
    for scale in ["1e156", "1e308", "1e7"] {
        let f = edited(
            &dir,
            "v.toml",
            "violence_scale = 1.0 ",
            &format!("violence_scale = {scale} "),
        );
        let o = peacesim(&["check", path_str(&f)]);
        assert_input_error(&o, &["world.violence_scale", "from 0 to 1000000"]);
    }
}

#[test]
fn defect_4_violence_budget_is_a_rule_on_the_derived_quantity() {
    let dir = TempDir::new().unwrap();
    // Every field in range, the product too large: 1e6 × 2 × 100 × 6000 > 1e12.
    let text = BASELINE_TOML
        .replacen("violence_scale = 1.0 ", "violence_scale = 1e6 ", 1)
        .replace("violence = 1.0\n", "violence = 100.0\n")
        .replacen("horizon_months = 120", "horizon_months = 5000", 1);
    let f = dir.path().join("budget.toml");
    fs::write(&f, text).unwrap();
    let o = peacesim(&["check", path_str(&f)]);
    assert_input_error(&o, &["world.violence_scale", "total months", "finite"]);
}

/// The most violent scenario accepted runs to finite numbers everywhere, plots included, and
/// finishes (plotters once looped for ever on an axis range of infinities).
#[test]
fn defect_4_extreme_accepted_violence_gives_finite_output_and_plots() {
    let dir = TempDir::new().unwrap();
    let text = BASELINE_TOML
        .replacen("violence_scale = 1.0 ", "violence_scale = 1e6 ", 1)
        .replacen("violence_noise = ", "violence_noise = 3.0 #", 1);
    let f = dir.path().join("violent.toml");
    fs::write(&f, text).unwrap();
    let o = peacesim(&["check", path_str(&f)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("out");
    let o = peacesim_within(
        &[
            "run",
            path_str(&f),
            "--quiet",
            "--replicates",
            "20",
            "--threads",
            "2",
            "--out",
            path_str(&out),
        ],
        Duration::from_secs(60),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for file in ["summary.csv", "timeseries.csv", "runs.csv"] {
        assert_finite_csv(&out, file);
    }
}

// ---- 5a. memory for large fields ------------------------------------------------------------

/// Bytes one run of `n` copies of the baseline's UN envoy allocates under `regime`, with
/// `months` months of talks and no implementation.
fn run_bytes(n: usize, regime: &str, months: u32) -> (usize, RunOutcome) {
    let mut s = Scenario::baseline();
    s.world.horizon_months = months;
    s.world.implementation_months = 0;
    let template = s.third_parties[0].clone();
    s.third_parties = (0..n)
        .map(|k| {
            let mut t = template.clone();
            t.name = format!("M{k}");
            t
        })
        .collect();
    s.regimes.hierarchical.lead = "M0".into();
    s.regimes.contact_group.facilitator = "M0".into();
    let regime = built_in(regime, &s).unwrap();
    let mut series = vec![0.0; s.total_months() * METRICS.len()];
    let before = allocated_bytes();
    let outcome = simulate(&s, regime.as_ref(), 7, &mut series);
    (allocated_bytes() - before, outcome)
}

fn bytes_for_third_parties(n: usize) -> usize {
    run_bytes(n, "competitive", 1).0
}

/// Was 785 MB per worker thread for 10,000 third parties: trust among third parties was a
/// dense matrix. The state of a run now grows linearly with the third parties: 4 × the actors
/// take about 4 × the bytes (a dense matrix would take 16 ×).
#[test]
fn defect_5a_run_state_grows_linearly_with_third_parties() {
    let small = bytes_for_third_parties(2_500);
    let large = bytes_for_third_parties(10_000);
    let ratio = large as f64 / small as f64;
    assert!(
        ratio < 6.0,
        "2,500 third parties: {small} bytes; 10,000: {large} bytes (× {ratio:.1})"
    );
    assert!(large < 64 << 20, "10,000 third parties took {large} bytes");
}

/// Bytes a network of `n` third parties allocates over a year of talks: trust among them is
/// sparse, so it grows with the pairs that interact.
fn network_bytes(n: usize) -> usize {
    let (bytes, outcome) = run_bytes(n, "network", 12);
    assert!(
        outcome.defections > 0,
        "{n} members: no defection to notice"
    );
    bytes
}

/// A noticed defection lowered the trust of every member of a coordination in the defector, so
/// a large network stored trust for every member–defector pair (a 10,000-member network passed
/// 2.5 GB). Beyond `information.contacts + 1` members only the defector's contacts notice
/// (ODD 7.11.6): 4 × the members take about 4 × the bytes (every pair would take about 16 ×).
#[test]
fn a_large_network_s_trust_grows_with_its_members_not_their_pairs() {
    let small = network_bytes(1_100);
    let large = network_bytes(4_400);
    let ratio = large as f64 / small as f64;
    assert!(
        ratio < 6.0,
        "1,100 members: {small} bytes; 4,400: {large} bytes (× {ratio:.1})"
    );
}

// ---- 6. scenario "files" that are not regular files -----------------------------------------

#[cfg(unix)]
#[test]
fn defect_6_a_fifo_is_refused_without_blocking() {
    let dir = TempDir::new().unwrap();
    let fifo = dir.path().join("fifo.toml");
    let c = std::ffi::CString::new(path_str(&fifo)).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for cmd in ["check", "run"] {
        let o = peacesim_within(&[cmd, path_str(&fifo)], Duration::from_secs(10));
        assert_input_error(&o, &["fifo.toml", "not a regular file"]);
    }
}

#[cfg(unix)]
#[test]
fn defect_6_a_symlink_to_dev_zero_is_refused_at_once() {
    let dir = TempDir::new().unwrap();
    let link = dir.path().join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let o = peacesim_within(&["check", path_str(&link)], Duration::from_secs(10));
    assert_input_error(&o, &["zero.toml", "not a regular file"]);
}

#[cfg(unix)]
#[test]
fn defect_6_a_symlink_to_a_regular_file_is_followed() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("real.toml");
    fs::write(&file, BASELINE_TOML).unwrap();
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let o = peacesim(&["check", path_str(&link)]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn defect_6_a_file_over_the_size_limit_is_refused_before_reading() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("huge.toml");
    let f = fs::File::create(&file).unwrap();
    f.set_len(peacesim::scenario::MAX_SCENARIO_BYTES + 1)
        .unwrap();
    let o = peacesim_within(&["check", path_str(&file)], Duration::from_secs(10));
    assert_input_error(&o, &["huge.toml", "at most 16777216 bytes"]);
}

// ---- 7. --threads bounded ---------------------------------------------------------------------

#[test]
fn defect_7_threads_are_bounded_in_run_sweep_and_validate() {
    let dir = TempDir::new().unwrap();
    let sweep = with_sweep(
        &dir,
        "sweep.toml",
        "[sweep]\ndesign = \"grid\"\nreplicates = 1\n[[sweep.parameters]]\n\
         path = \"trust.build_rate\"\nvalues = [0.02, 0.04]\n",
    );
    let out = dir.path().join("out");
    for threads in ["100000", "10000", "18446744073709551615"] {
        for args in [
            vec!["run", "--quiet"],
            vec!["sweep", path_str(&sweep), "--quiet"],
            vec!["validate", "--quiet"],
        ] {
            let mut args = args.clone();
            args.extend(["--threads", threads, "--out", path_str(&out)]);
            let o = peacesim_within(&args, Duration::from_secs(20));
            assert_input_error(&o, &["--threads", "at most"]);
            assert!(!out.exists(), "{args:?} created its output folder");
        }
    }
}

// ---- 9. names are data ------------------------------------------------------------------------

#[test]
fn defect_9_control_characters_in_names_are_refused() {
    let dir = TempDir::new().unwrap();
    let cases = [
        (
            "name = \"Government\"",
            "name = \"M\\u001b[2J\\nmonth 1: FAKE agreement signed\"",
            "parties[0].name",
        ),
        (
            "name = \"UN Envoy\"",
            "name = \"UN\\u202eEnvoy\"",
            "third_parties[0].name",
        ),
        (
            "name = \"UN Envoy\"",
            "name = \"UN\\rEnvoy\"",
            "third_parties[0].name",
        ),
    ];
    for (from, to, field) in cases {
        let f = edited(&dir, "names.toml", from, to);
        let o = peacesim(&["check", path_str(&f)]);
        assert_input_error(&o, &[field, "control or invisible formatting characters"]);
        let e = stderr(&o);
        assert!(
            !e.contains('\u{1b}') && !e.contains('\u{202e}') && !e.contains('\r'),
            "the message itself carries the character: {e:?}"
        );
        assert!(!e.contains("\nmonth 1"), "a forged line: {e}");
    }
}

#[test]
fn defect_9_terminal_text_is_escaped() {
    assert_eq!(
        peacesim::scenario::printable("a\u{1b}[2Jb\nc\u{202e}"),
        "a\\u{1b}[2Jb\nc\\u{202e}"
    );
    assert_eq!(peacesim::scenario::printable("État – ok"), "État – ok");
}

// ---- 10. check validates a sweep as sweep does --------------------------------------------------

#[test]
fn defect_10_check_refuses_the_sweeps_that_sweep_refuses() {
    let dir = TempDir::new().unwrap();
    let sweeps = [
        (
            "posting.toml",
            "[[sweep.parameters]]\npath = \"rotation.posting_months\"\nvalues = [13, 60]\n\
             [[sweep.parameters]]\npath = \"rotation.posting_jitter_months\"\nvalues = [6, 30]\n",
            "posting_jitter_months",
        ),
        (
            "entry.toml",
            "[[sweep.parameters]]\npath = \"world.horizon_months\"\nvalues = [50, 200]\n\
             [[sweep.parameters]]\npath = \"third_parties.mediator.entry_month\"\n\
             values = [0, 100]\n",
            "entry_month",
        ),
        (
            "counts.toml",
            "[[sweep.parameters]]\npath = \"count.mediator\"\nvalues = [9000]\n\
             [[sweep.parameters]]\npath = \"count.diplomat\"\nvalues = [9000]\n",
            "third_parties",
        ),
    ];
    for (name, parameters, field) in sweeps {
        let f = with_sweep(
            &dir,
            name,
            &format!("[sweep]\ndesign = \"grid\"\nreplicates = 1\n{parameters}"),
        );
        let check = peacesim_within(&["check", path_str(&f)], Duration::from_secs(30));
        assert_input_error(&check, &[name, "sweep point", field]);
        let out = dir.path().join("out");
        let sweep = peacesim_within(
            &["sweep", path_str(&f), "--quiet", "--out", path_str(&out)],
            Duration::from_secs(30),
        );
        assert_input_error(&sweep, &[name, "sweep point", field]);
        assert_eq!(stderr(&check), stderr(&sweep), "one code path, one message");
    }
}

// ---- 11. messages ---------------------------------------------------------------------------

#[test]
fn defect_11_deep_nesting_names_a_line() {
    let dir = TempDir::new().unwrap();
    for depth in [100, 5000] {
        let nested = format!("x = {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let f = dir.path().join("deep.toml");
        fs::write(
            &f,
            BASELINE_TOML.replacen("[world]", &format!("{nested}[world]"), 1),
        )
        .unwrap();
        let o = peacesim_within(&["check", path_str(&f)], Duration::from_secs(10));
        assert_input_error(&o, &["deep.toml", "line "]);
    }
}

#[test]
fn defect_11_a_too_large_horizon_reports_only_the_root_cause() {
    let dir = TempDir::new().unwrap();
    let f = edited(
        &dir,
        "horizon.toml",
        "horizon_months = 120",
        "horizon_months = 7000",
    );
    let o = peacesim(&["check", path_str(&f)]);
    assert_input_error(&o, &["world.horizon_months"]);
    assert!(
        !stderr(&o).contains("implementation_months"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn defect_11_a_fractional_grid_value_for_a_whole_number_setting_is_refused() {
    let dir = TempDir::new().unwrap();
    let f = with_sweep(
        &dir,
        "half.toml",
        "[sweep]\ndesign = \"grid\"\nreplicates = 1\n[[sweep.parameters]]\n\
         path = \"world.horizon_months\"\nvalues = [60, 12.5]\n",
    );
    let o = peacesim(&["check", path_str(&f)]);
    assert_input_error(&o, &["world.horizon_months", "12.5", "whole numbers"]);
}
