//! Nothing a user made is ever lost (issue 9, part A): every command resolves, checks and locks
//! its `--out` folder before any work, and deletes only what peacesim wrote.
//!
//! Each test is a reproduction from an adversarial round against the earlier code, which lost
//! data or failed late in every one of them:
//! - a sweep into a symbolic link (`--out link3/`) emptied the folder behind the link;
//! - `--out .` and `--out ..` with `--force` deleted the current folder (scenario file included)
//!   or its parent and siblings;
//! - `run`/`trace --out link/` simulated everything, then failed with status 1;
//! - a symbolic link further up the path (a grandparent) was written through;
//! - two sweeps started together into one folder both "succeeded", leaving a folder whose
//!   manifest described one seed and whose rows were the other's.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

use crate::common::*;

const SWEEP: &str = include_str!("../../scenarios/sweep_rotation.toml");

/// The sweep example with `replicates` per point (the first `replicates =` is the run's).
fn sweep_text(replicates: u64) -> String {
    let from = "replicates = 200                 # paired";
    assert!(SWEEP.contains(from));
    SWEEP.replacen(from, &format!("replicates = {replicates} # paired"), 1)
}

/// Every file and folder under `dir` (links not followed), with the bytes of each file.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                let to = fs::read_link(&path).unwrap();
                into.insert(relative, Some(to.as_os_str().as_encoded_bytes().to_vec()));
            } else if meta.is_dir() {
                into.insert(relative, None);
                walk(root, &path, into);
            } else {
                into.insert(relative, Some(fs::read(&path).unwrap()));
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// Asserts a refusal: status 2, a message naming `needles`.
fn assert_refused(o: &Output, needles: &[&str], what: &str) {
    let err = stderr(o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{what}: wrong status; stderr: {err}"
    );
    assert!(
        err.starts_with("error: "),
        "{what}: no error message: {err}"
    );
    for needle in needles {
        assert!(
            err.contains(needle),
            "{what}: stderr lacks {needle:?}: {err}"
        );
    }
}

/// A folder peacesim wrote (it has the marker) that also holds a user's notes.
fn peacesim_folder_with_notes(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join(".peacesim-output"), "written by peacesim\n").unwrap();
    fs::write(dir.join("notes.txt"), "my notes\n").unwrap();
}

#[test]
fn a_sweep_into_a_linked_folder_keeps_the_users_notes() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    fs::write(root.join("sw.toml"), sweep_text(2)).unwrap();
    // A folder peacesim wrote, with a user's notes; and one peacesim never wrote.
    peacesim_folder_with_notes(&root.join("real"));
    fs::create_dir(root.join("mine")).unwrap();
    fs::write(root.join("mine/thesis.md"), "draft\n").unwrap();
    symlink("real", root.join("link3")).unwrap();
    symlink("mine", root.join("link4")).unwrap();
    let before = snapshot(root);
    for out in ["link3/", "link3", "link3//", "link3/.", "link4/", "./link4"] {
        for force in [false, true] {
            let mut args = vec!["sweep", "sw.toml", "--quiet", "--no-plots", "--out", out];
            if force {
                args.push("--force");
            }
            let o = peacesim_in(root, &args);
            assert_refused(&o, &["symbolic link"], &format!("{args:?}"));
            assert_eq!(snapshot(root), before, "{args:?} changed files");
        }
    }
    // `run`, `trace` and `validate` refuse the same way.
    for command in [
        vec!["run", "--replicates", "3"],
        vec!["trace", "--regime", "competitive", "--replicate", "0"],
        vec!["validate", "--no-plots"],
    ] {
        let mut args = command.clone();
        args.extend(["--quiet", "--out", "link3/", "--force"]);
        let o = peacesim_in(root, &args);
        assert_refused(&o, &["symbolic link"], &format!("{args:?}"));
        assert_eq!(snapshot(root), before, "{args:?} changed files");
    }
}

#[test]
fn the_current_folder_and_its_parents_are_never_replaced() {
    let tmp = TempDir::new().unwrap();
    let parent = tmp.path();
    let dir = parent.join("dir");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("sw.toml"), sweep_text(2)).unwrap();
    fs::write(dir.join("data.csv"), "a,b\n1,2\n").unwrap();
    fs::create_dir(parent.join("sibling")).unwrap();
    fs::write(parent.join("sibling/keep.txt"), "keep\n").unwrap();
    let before = snapshot(parent);
    let here = path_str(&dir).to_string();
    for out in [
        ".", "./", "..", "../", "../dir", "../dir/.", "sub/..", &here,
    ] {
        for command in ["sweep", "run"] {
            let args = [
                command,
                "sw.toml",
                "--quiet",
                "--no-plots",
                "--out",
                out,
                "--force",
            ];
            let o = peacesim_in(&dir, &args);
            assert_refused(
                &o,
                &[out, "current folder", "never replaces it"],
                &format!("{args:?}"),
            );
            assert_eq!(snapshot(parent), before, "{args:?} changed files");
        }
    }
    // The root of the file system is refused too (tried without --force: were this refusal
    // ever broken, nothing could be deleted).
    let o = peacesim_in(&dir, &["run", "--quiet", "--out", "/"]);
    assert_refused(&o, &["root of the file system"], "--out /");
}

#[test]
fn a_folder_holding_the_scenario_file_is_never_replaced() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    // A folder peacesim wrote once; the user keeps the scenario in it, deep down.
    peacesim_folder_with_notes(&root.join("proj"));
    fs::create_dir_all(root.join("proj/inputs/v2")).unwrap();
    fs::write(root.join("proj/inputs/v2/sw.toml"), sweep_text(2)).unwrap();
    let before = snapshot(root);
    for command in ["sweep", "run", "validate"] {
        for force in [false, true] {
            let mut args = vec![
                command,
                "proj/inputs/v2/sw.toml",
                "--quiet",
                "--no-plots",
                "--out",
                "proj",
            ];
            if force {
                args.push("--force");
            }
            let o = peacesim_in(root, &args);
            assert_refused(
                &o,
                &["proj", "holds the scenario file", "proj/inputs/v2/sw.toml"],
                &format!("{args:?}"),
            );
            assert_eq!(snapshot(root), before, "{args:?} changed files");
        }
    }
}

#[test]
fn the_home_folder_and_its_parents_are_never_replaced() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let work = root.join("work");
    fs::create_dir(&work).unwrap();
    let home = root.join("users/me");
    peacesim_folder_with_notes(&home);
    let before = snapshot(root);
    for out in [path_str(&home), path_str(&root.join("users"))] {
        for command in [vec!["run", "--replicates", "2"], vec!["validate"]] {
            let mut args = command.clone();
            args.extend(["--quiet", "--no-plots", "--out", out, "--force"]);
            let o = Command::new(BIN)
                .args(&args)
                .current_dir(&work)
                .env("HOME", &home)
                .output()
                .unwrap();
            assert_refused(&o, &[out, "home folder"], &format!("{args:?}"));
            assert_eq!(snapshot(root), before, "{args:?} changed files");
        }
    }
    // A new folder inside the home folder is fine.
    let inside = home.join("results");
    let o = Command::new(BIN)
        .args(["run", "--replicates", "2", "--quiet", "--no-plots", "--out"])
        .arg(&inside)
        .current_dir(&work)
        .env("HOME", &home)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(inside.join("runs.csv").exists());
}

/// `run --out link/` used to simulate everything and fail at the end with status 1; a plain
/// `--out results/` must write `results` itself, and replace it the next time.
#[test]
fn a_trailing_slash_is_resolved_before_any_simulation() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    peacesim_folder_with_notes(&root.join("real"));
    symlink("real", root.join("link")).unwrap();
    let before = snapshot(root);
    // A run that would take minutes: refused at once.
    for args in [
        vec!["run", "--replicates", "2000000", "--out", "link/"],
        vec![
            "trace",
            "--regime",
            "network",
            "--replicate",
            "0",
            "--out",
            "link/",
        ],
    ] {
        let clock = Instant::now();
        let o = peacesim_in(root, &args);
        assert_refused(&o, &["link/", "symbolic link"], &format!("{args:?}"));
        assert!(
            clock.elapsed() < Duration::from_secs(10),
            "{args:?} took {:?}: it simulated before refusing",
            clock.elapsed()
        );
        assert_eq!(snapshot(root), before, "{args:?} changed files");
    }
    // A plain folder with a trailing slash is that folder, written and then replaced whole.
    for seed in ["1", "2"] {
        let o = peacesim_in(
            root,
            &[
                "run",
                "--replicates",
                "3",
                "--seed",
                seed,
                "--quiet",
                "--no-plots",
                "--out",
                "results/",
            ],
        );
        assert!(o.status.success(), "seed {seed}: {}", stderr(&o));
        let o = peacesim_in(
            root,
            &[
                "trace",
                "--regime",
                "network",
                "--replicate",
                "0",
                "--seed",
                seed,
                "--quiet",
                "--no-plots",
                "--out",
                "trace//",
            ],
        );
        assert!(o.status.success(), "seed {seed}: {}", stderr(&o));
    }
    let manifest = fs::read_to_string(root.join("results/manifest.json")).unwrap();
    assert!(manifest.contains("\"seed\": 2"), "{manifest}");
    let mut names: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["link", "real", "results", "trace"],
        "leftovers beside the folders"
    );
}

#[test]
fn a_linked_folder_anywhere_up_the_path_is_refused() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    fs::write(root.join("sw.toml"), sweep_text(2)).unwrap();
    fs::create_dir_all(root.join("elsewhere/sub/deeper")).unwrap();
    fs::write(root.join("elsewhere/sub/keep.txt"), "keep\n").unwrap();
    symlink("elsewhere", root.join("L")).unwrap();
    let before = snapshot(root);
    let absolute = root.join("L/sub/deeper/out");
    for out in [
        "L/sub/out",
        "L/sub/deeper/out",
        "L/sub/new/out",
        "./L/sub/out/",
        "sub/../L/sub/out",
        path_str(&absolute),
    ] {
        for command in [
            vec!["sweep", "sw.toml"],
            vec!["run", "--replicates", "2"],
            vec!["trace", "--regime", "network", "--replicate", "0"],
            vec!["validate"],
        ] {
            let mut args = command.clone();
            args.extend(["--quiet", "--no-plots", "--out", out]);
            let o = peacesim_in(root, &args);
            assert_refused(
                &o,
                &["L is a symbolic link (to elsewhere)"],
                &format!("{args:?}"),
            );
            assert_eq!(snapshot(root), before, "{args:?} wrote through the link");
        }
    }
    // `merge` resolves its --out the same way.
    for i in ["0", "1"] {
        let o = peacesim_in(
            root,
            &[
                "sweep",
                "sw.toml",
                "--quiet",
                "--no-plots",
                "--shard",
                &format!("{i}/2"),
                "--out",
                &format!("shard{i}"),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let before = snapshot(root);
    let o = peacesim_in(
        root,
        &["merge", "shard0", "shard1", "--quiet", "--out", "L/sub/out"],
    );
    assert_refused(&o, &["L is a symbolic link"], "merge");
    assert_eq!(snapshot(root), before);
}

/// Takes the lock of `target` the way peacesim does: `flock` on `.NAME.lock` beside it, with
/// a process id and a command line in it. Held while the returned file is open.
fn hold_lock(target: &Path, pid: &str, command: &str) -> fs::File {
    let name = target.file_name().unwrap().to_string_lossy();
    let path = target.with_file_name(format!(".{name}.lock"));
    fs::write(&path, format!("{pid}\n{command}\n")).unwrap();
    let file = fs::File::open(&path).unwrap();
    // SAFETY: a valid open file descriptor.
    let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    assert_eq!(r, 0, "cannot lock {}", path.display());
    file
}

#[test]
fn a_locked_output_folder_is_refused_naming_the_other_process() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    fs::write(root.join("sw.toml"), sweep_text(2)).unwrap();
    let o = peacesim_in(
        root,
        &["sweep", "sw.toml", "--quiet", "--no-plots", "--out", "S"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let shard = |i: &str| {
        let out = format!("shard{i}");
        let o = peacesim_in(
            root,
            &[
                "sweep",
                "sw.toml",
                "--quiet",
                "--no-plots",
                "--shard",
                &format!("{i}/2"),
                "--out",
                &out,
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    };
    shard("0");
    shard("1");
    let lock = hold_lock(&root.join("S"), "4242", "peacesim sweep other.toml --out S");
    let before = snapshot(root);
    for command in [
        vec!["sweep", "sw.toml"],
        vec!["sweep", "sw.toml", "--force"],
        vec!["sweep", "sw.toml", "--resume"],
        vec!["run", "--replicates", "2"],
        vec!["trace", "--regime", "network", "--replicate", "0"],
        vec!["validate"],
        vec!["merge", "shard0", "shard1"],
    ] {
        let mut args = command.clone();
        args.extend(["--quiet", "--no-plots", "--out", "S"]);
        let o = peacesim_in(root, &args);
        assert_refused(
            &o,
            &[
                "S: another peacesim is writing to this folder",
                "process 4242: peacesim sweep other.toml --out S",
                ".S.lock",
            ],
            &format!("{args:?}"),
        );
        assert_eq!(snapshot(root), before, "{args:?} changed files");
    }
    drop(lock);
    // Released: the next command goes ahead and removes the lock file when it ends.
    let o = peacesim_in(
        root,
        &[
            "merge",
            "shard0",
            "shard1",
            "--quiet",
            "--no-plots",
            "--out",
            "S",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!root.join(".S.lock").exists(), "the lock file was left");
}

fn spawn_sweep(root: &Path, file: &str, out: &str) -> Child {
    Command::new(BIN)
        .args(["sweep", file, "--quiet", "--no-plots", "--threads", "1"])
        .args(["--out", out])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Two sweeps with different seeds into one folder: the second is refused while the first runs,
/// and the folder ends holding the first sweep only.
#[test]
fn a_second_sweep_into_a_busy_folder_is_refused() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    // Long enough to still be running when the second starts (it is killed then).
    fs::write(root.join("long.toml"), sweep_text(20_000)).unwrap();
    fs::write(
        root.join("other.toml"),
        sweep_text(2).replace(
            "seed = 2022                      # master",
            "seed = 7 # master",
        ),
    )
    .unwrap();
    let mut first = spawn_sweep(root, "long.toml", "S");
    let lock = root.join(".S.lock");
    let deadline = Instant::now() + Duration::from_secs(30);
    let holder = loop {
        let text = fs::read_to_string(&lock).unwrap_or_default();
        if text.lines().count() >= 2 && root.join("S/checkpoint.json").exists() {
            break text;
        }
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first sweep ended early"
        );
        assert!(Instant::now() < deadline, "the first sweep took no lock");
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(holder.lines().next().unwrap(), first.id().to_string());
    let manifest = fs::read(root.join("S/manifest.json")).unwrap_or_default();
    for extra in [&[][..], &["--force"][..], &["--resume"][..]] {
        let mut args = vec!["sweep", "other.toml", "--quiet", "--no-plots", "--out", "S"];
        args.extend(extra);
        let o = peacesim_in(root, &args);
        assert_refused(
            &o,
            &[
                "another peacesim is writing to this folder",
                &format!("process {}", first.id()),
                "long.toml",
            ],
            &format!("{args:?}"),
        );
    }
    assert!(first.try_wait().unwrap().is_none(), "the first sweep ended");
    if !manifest.is_empty() {
        assert_eq!(
            fs::read(root.join("S/manifest.json")).unwrap(),
            manifest,
            "the refused sweep changed the manifest"
        );
    }
    first.kill().unwrap();
    first.wait().unwrap();
    // The killed sweep left its lock file; it is no obstacle: the sweep resumes.
    assert!(lock.exists());
    let checkpoint = fs::read_to_string(root.join("S/checkpoint.json")).unwrap();
    assert!(checkpoint.contains("\"unit_end\": 400000"), "{checkpoint}");
}

#[test]
fn a_lock_file_left_by_a_dead_process_is_no_obstacle() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    fs::write(root.join("sw.toml"), sweep_text(2)).unwrap();
    // Process ids are below 2^22 on Linux: this one cannot be alive.
    for out in ["S", "R"] {
        fs::write(
            root.join(format!(".{out}.lock")),
            format!("4999999\npeacesim sweep sw.toml --out {out}\n"),
        )
        .unwrap();
    }
    let o = peacesim_in(
        root,
        &["sweep", "sw.toml", "--quiet", "--no-plots", "--out", "S"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = peacesim_in(
        root,
        &[
            "run",
            "--replicates",
            "2",
            "--quiet",
            "--no-plots",
            "--out",
            "R",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!root.join(".S.lock").exists() && !root.join(".R.lock").exists());
    // A sweep killed mid-way leaves its lock file; the resume takes it over. 20 points × 200
    // replicates = 4 000 units, 8 checkpoints: the kill comes at the first, far from the end
    // (checked), and the resume has the other seven to do (shortened runs: `short_world`).
    fs::write(
        root.join("long.toml"),
        format!("{}{}", sweep_text(200), short_world()),
    )
    .unwrap();
    let mut child = spawn_sweep(root, "long.toml", "K");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !root.join("K/checkpoint.json").exists() {
        assert!(Instant::now() < deadline, "no checkpoint");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the sweep ended before it was killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        root.join(".K.lock").exists(),
        "the killed sweep left no lock file"
    );
    let checkpoint = fs::read_to_string(root.join("K/checkpoint.json")).unwrap();
    assert!(checkpoint.contains("\"complete\": false"), "{checkpoint}");
    let o = peacesim_in(
        root,
        &[
            "sweep",
            "long.toml",
            "--quiet",
            "--no-plots",
            "--threads",
            "2",
            "--resume",
            "--out",
            "K",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let checkpoint = fs::read_to_string(root.join("K/checkpoint.json")).unwrap();
    assert!(checkpoint.contains("\"complete\": true"), "{checkpoint}");
}

/// A fresh sweep is staged beside its folder and swapped in: the folder it replaces holds the
/// old results until then, and a folder peacesim did not write is kept without --force.
#[test]
fn a_sweep_replaces_only_a_folder_it_may() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    fs::write(root.join("sw.toml"), sweep_text(2)).unwrap();
    fs::create_dir(root.join("mine")).unwrap();
    fs::write(root.join("mine/thesis.md"), "draft\n").unwrap();
    let before = snapshot(root);
    let o = peacesim_in(
        root,
        &[
            "sweep",
            "sw.toml",
            "--quiet",
            "--no-plots",
            "--out",
            "mine/",
        ],
    );
    assert_refused(&o, &["mine", "not written by peacesim"], "foreign folder");
    assert_eq!(snapshot(root), before);
    // A folder peacesim wrote is replaced whole, stray files and all.
    for round in 0..2 {
        let o = peacesim_in(
            root,
            &["sweep", "sw.toml", "--quiet", "--no-plots", "--out", "S/"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            !root.join("S/stray.txt").exists(),
            "round {round}: not replaced whole"
        );
        assert!(root.join("S/checkpoint.json").exists());
        fs::write(root.join("S/stray.txt"), "x").unwrap();
    }
    let mut names: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["S", "mine", "sw.toml"],
        "leftovers beside the folder"
    );
}
