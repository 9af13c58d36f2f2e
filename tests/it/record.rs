//! Per-run trajectories (`--record monthly|agents`, `experiment.record`): the files, their
//! rows, and the promises every other output keeps: identical for any thread count, unchanged
//! outcomes, sharded sweeps merging byte for byte, and `--resume` after a kill.

use peacesim::model::METRICS;
use peacesim::model::record::{AGENT_COLUMNS, monthly_columns};
use peacesim::scenario::{BASELINE_TOML, Scenario};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

use crate::common::*;

fn run_ok(out: &Path, extra: &[&str]) {
    let mut args = vec!["run", "--out", path_str(out), "--quiet", "--no-plots"];
    args.extend_from_slice(extra);
    let o = peacesim(&args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv" || x == "json"))
        .filter(|p| !p.ends_with("manifest.json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_recorded_run_writes_every_month_and_actor_and_changes_no_outcome() {
    let tmp = TempDir::new().unwrap();
    let (plain, one, two) = (
        tmp.path().join("plain"),
        tmp.path().join("one"),
        tmp.path().join("two"),
    );
    let reps = "30";
    run_ok(&plain, &["--replicates", reps]);
    run_ok(
        &one,
        &["--replicates", reps, "--record", "agents", "--threads", "1"],
    );
    run_ok(
        &two,
        &["--replicates", reps, "--record", "agents", "--threads", "2"],
    );
    // Same outcomes with and without recording; same recorded bytes on 1 and 2 threads.
    for f in ["runs.csv", "summary.csv", "timeseries.csv"] {
        assert_eq!(
            fs::read(plain.join(f)).unwrap(),
            fs::read(one.join(f)).unwrap(),
            "{f}"
        );
    }
    assert!(!plain.join("trajectories.csv").exists());
    assert_eq!(
        files(&one),
        files(&two),
        "recorded files differ between 1 and 2 threads"
    );

    let s = Scenario::baseline();
    let months = s.total_months();
    let regimes = s.experiment.regimes.len();
    let (header, monthly) = csv_table(&one.join("trajectories.csv"));
    let mut want = vec!["regime".to_string(), "replicate".to_string()];
    want.extend(monthly_columns(&s));
    assert_eq!(header, want);
    assert_eq!(monthly.len(), 30 * regimes * months);
    let (aheader, agents) = csv_table(&one.join("agents.csv"));
    assert_eq!(aheader[2..], AGENT_COLUMNS.map(String::from));
    assert_eq!(agents.len(), 30 * regimes * months * s.third_parties.len());

    // Each run's last month agrees with its row in runs.csv: the agreement flag, and the
    // cumulative violence is the sum of the monthly violence.
    let (rheader, runs) = csv_table(&one.join("runs.csv"));
    let col = |h: &[String], name: &str| h.iter().position(|c| c == name).unwrap();
    let (agreement, violence) = (col(&header, "agreement"), col(&header, "violence"));
    let mut checked = 0;
    for run in &runs {
        let id = (&run[0], &run[1]);
        let path: Vec<&Vec<String>> = monthly.iter().filter(|r| (&r[0], &r[1]) == id).collect();
        assert_eq!(path.len(), months);
        assert_eq!(path[months - 1][agreement], run[col(&rheader, "agreement")]);
        let total: f64 = path
            .iter()
            .map(|r| r[violence].parse::<f64>().unwrap())
            .sum();
        let want: f64 = run[col(&rheader, "cumulative_violence")].parse().unwrap();
        assert!(
            (total - want).abs() < 1e-6 * months as f64 + 1e-9 * want.abs(),
            "{id:?}: monthly violence sums to {total}, runs.csv says {want}"
        );
        checked += 1;
    }
    assert_eq!(checked, 30 * regimes);
    // Agents: competitive actors never hold a role; some coordinated actor does.
    let (action, in_role) = (col(&aheader, "action"), col(&aheader, "in_role"));
    assert!(
        agents
            .iter()
            .filter(|r| r[0] == "competitive")
            .all(|r| r[in_role] == "0")
    );
    assert!(
        agents
            .iter()
            .any(|r| r[0] == "hierarchical" && r[in_role] == "1")
    );
    assert!(agents.iter().any(|r| r[action] == "lead"));
    assert_eq!(
        monthly[0].len(),
        2 + METRICS.len() + 3 + 4 * s.parties.len()
    );
}

#[test]
fn a_bad_record_level_is_refused_naming_where_it_came_from() {
    let tmp = TempDir::new().unwrap();
    let o = peacesim(&[
        "run",
        "--record",
        "daily",
        "--out",
        path_str(&tmp.path().join("x")),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("daily") && e.contains("monthly") && e.contains("agents"),
        "{e}"
    );
    assert!(!tmp.path().join("x").exists());

    let file = tmp.path().join("bad.toml");
    let text = BASELINE_TOML.replacen("[experiment]\n", "[experiment]\nrecord = \"daily\"\n", 1);
    assert_ne!(
        text, BASELINE_TOML,
        "the template has an [experiment] table"
    );
    fs::write(&file, text).unwrap();
    let o = peacesim(&["check", path_str(&file)]);
    assert_ne!(o.status.code(), Some(0));
    let e = stderr(&o);
    assert!(
        e.contains("bad.toml") && e.contains("record") && e.contains("monthly"),
        "{e}"
    );
}

fn recorded_sweep(dir: &Path, replicates: u64) -> PathBuf {
    let file = dir.join("sweep.toml");
    fs::write(&file, short_rotation_sweep(replicates)).unwrap();
    file
}

fn sweep(file: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "sweep",
        path_str(file),
        "--out",
        path_str(out),
        "--quiet",
        "--no-plots",
    ];
    args.extend_from_slice(extra);
    peacesim(&args)
}

const SWEEP_FILES: [&str; 5] = [
    "sweep_runs.csv",
    "trajectories.csv",
    "agents.csv",
    "sweep_summary.csv",
    "checkpoint.json",
];

#[test]
fn recorded_shards_merge_into_the_whole_sweep_byte_for_byte_and_damage_is_refused() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let file = recorded_sweep(root, 4);
    let whole = root.join("whole");
    let o = sweep(&file, &whole, &["--record", "agents", "--threads", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (header, monthly) = csv_table(&whole.join("trajectories.csv"));
    assert_eq!(
        header[..3],
        ["point", "regime", "replicate"].map(String::from)
    );
    let months = Scenario::from_file(&file).unwrap().total_months();
    assert_eq!(months, (SHORT_HORIZON + SHORT_IMPLEMENTATION) as usize);
    assert_eq!(monthly.len(), 20 * 4 * 3 * months);
    let shards: Vec<PathBuf> = (0..3).map(|i| root.join(format!("s{i}"))).collect();
    for (i, dir) in shards.iter().enumerate() {
        let o = sweep(
            &file,
            dir,
            &[
                "--record",
                "agents",
                "--shard",
                &format!("{i}/3"),
                "--threads",
                "1",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let merged = root.join("merged");
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|p| path_str(p)));
    args.extend(["--out", path_str(&merged), "--quiet", "--no-plots"]);
    let o = peacesim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in SWEEP_FILES {
        assert!(
            fs::read(whole.join(f)).unwrap() == fs::read(merged.join(f)).unwrap(),
            "{f} differs between the whole sweep and the merged shards"
        );
    }
    // One changed digit in a shard's recorded rows: the merge refuses and names the file.
    let target = shards[1].join("agents.csv");
    let mut bytes = fs::read(&target).unwrap();
    let at = bytes.len() - 3;
    bytes[at] = if bytes[at] == b'1' { b'2' } else { b'1' };
    fs::write(&target, bytes).unwrap();
    let again = root.join("again");
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|p| path_str(p)));
    args.extend(["--out", path_str(&again), "--quiet", "--no-plots"]);
    let o = peacesim(&args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("agents.csv"), "{}", stderr(&o));
    assert!(!again.exists(), "a refused merge wrote its folder");
    // A different level is a different sweep: resuming with it is refused.
    let o = sweep(&file, &whole, &["--record", "monthly", "--resume"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_recorded_sweep_killed_mid_way_resumes_to_the_uninterrupted_files() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let file = recorded_sweep(root, 12);
    let whole = root.join("whole");
    let o = sweep(&file, &whole, &["--record", "agents", "--threads", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));

    let out = root.join("killed");
    let mut child = Command::new(BIN)
        .args([
            "sweep",
            path_str(&file),
            "--out",
            path_str(&out),
            "--quiet",
            "--no-plots",
        ])
        .args(["--record", "agents", "--threads", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once a checkpoint vouches for some units (16 a chunk), before it finishes.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut interrupted = false;
    while Instant::now() < deadline {
        if let Ok(text) = fs::read_to_string(out.join("checkpoint.json"))
            && let Ok(cp) = serde_json::from_str::<serde_json::Value>(&text)
            && cp["units_done"].as_u64().unwrap_or(0) >= 32
        {
            interrupted = child.try_wait().unwrap().is_none();
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().ok();
    child.wait().unwrap();
    if interrupted {
        // A death mid-write: half a row past the checkpoint in each recorded file.
        for f in ["trajectories.csv", "agents.csv"] {
            use std::io::Write;
            let mut w = fs::OpenOptions::new()
                .append(true)
                .open(out.join(f))
                .unwrap();
            w.write_all(b"3,network,7,12,negot").unwrap();
        }
    }
    let o = sweep(
        &file,
        &out,
        &["--record", "agents", "--threads", "2", "--resume"],
    );
    assert!(o.status.success(), "resume: {}", stderr(&o));
    for f in SWEEP_FILES {
        assert!(
            fs::read(whole.join(f)).unwrap() == fs::read(out.join(f)).unwrap(),
            "{f} differs after kill and resume"
        );
    }
    assert!(
        interrupted,
        "the sweep finished before it could be killed mid-way"
    );
}
