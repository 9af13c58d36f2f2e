//! Crash soak: peacesim killed with SIGKILL again and again must never leave a result that is
//! wrong, partial or unrecoverable.
//!
//! - A sweep killed at 20 pseudo-random moments in a row (a fixed seed, so every machine
//!   replays the same schedule scaled to its own speed), resumed with `--resume` after each,
//!   ends with the very bytes of an uninterrupted sweep and no temporary files. Where `strace`
//!   works, a second sweep is killed at exact system calls of a checkpoint (after the rows are
//!   appended but before they are synced, before the checkpoint's rename, while the summary is
//!   written), the windows a timer rarely hits.
//! - `peacesim merge` killed while it writes its hidden staging folder leaves the target either
//!   absent or complete, never partial, and a rerun writes the same bytes.
//! - `peacesim run --out X` killed while it replaces an earlier X leaves the earlier X whole.
//!
//! The tests take a lock so they run one after another: their kill moments are fractions of
//! run times measured in the same test, which two tests sharing the cores would distort.
//! About 30 s in all with `cargo test --release --test soak`, 45 s before the runs were shortened
//! to 48 months (`common::short_world`; the merge test, whose runs were already 6 months long, is
//! now a third of it).
//! The syscall-exact kills need `strace` and are skipped without it.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use peacesim::scenario::BASELINE_TOML;
use tempfile::TempDir;

mod common;
use common::{BIN, path_str, short_baseline, short_rotation_sweep, stderr};

/// The files an uninterrupted sweep, a resumed one and a merge must write byte for byte.
const WHOLE_SWEEP_FILES: [&str; 3] = ["sweep_runs.csv", "sweep_summary.csv", "checkpoint.json"];

/// Units per checkpoint (`peacesim::experiment::sweep::CHUNK_UNITS`).
const CHUNK_UNITS: u64 = 512;

static SERIAL: Mutex<()> = Mutex::new(());

/// One soak test at a time (see the module comment).
fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// SplitMix64: the deterministic source of the kill moments.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

// ---- helpers -----------------------------------------------------------------------------------

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

/// `text` with `from` replaced once by `to`; panics if `from` is absent.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the scenario text has no {from:?}");
    text.replacen(from, to, 1)
}

fn read(dir: &Path, file: &str) -> Vec<u8> {
    fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(file).display()))
}

/// Names in `dir` (hidden ones too), sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every file of `dir` and its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    names_in(dir)
        .into_iter()
        .map(|n| {
            let bytes = read(dir, &n);
            (n, bytes)
        })
        .collect()
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
    serde_json::from_slice(&read(dir, "checkpoint.json"))
        .unwrap_or_else(|e| panic!("{}/checkpoint.json is not whole JSON: {e}", dir.display()))
}

fn number(v: &serde_json::Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("checkpoint without {key}: {v}"))
}

/// The hidden names peacesim writes beside or inside a folder while working on it.
fn is_temporary(name: &str) -> bool {
    name.ends_with(".tmp") || name.contains(".partial-") || name.contains(".old-")
}

fn sweep_command(file: &Path, out: &Path, resume: bool) -> Command {
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
    cmd
}

fn run_ok(mut cmd: Command, what: &str) {
    let o = cmd.output().expect("peacesim runs");
    assert!(o.status.success(), "{what} failed: {}", stderr(&o));
}

fn spawn(mut cmd: Command) -> Child {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("peacesim starts")
}

/// SIGKILLs `child` (if it still runs); whether it was still running, and how it ended.
fn kill(mut child: Child) -> (bool, ExitStatus, String) {
    let running = child.try_wait().unwrap().is_none();
    child.kill().ok();
    let o = child.wait_with_output().unwrap();
    (running, o.status, stderr(&o))
}

/// Polls `ready` until it holds (true) or the child ends or 30 s pass (false).
fn wait_until(child: &mut Child, ready: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if ready() {
            return true;
        }
        if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_micros(100));
    }
}

/// The hidden folder `StagedDir` writes beside `target` for process `pid`.
fn staging_of(target: &Path, pid: u32) -> PathBuf {
    let name = target.file_name().unwrap().to_string_lossy();
    target.with_file_name(format!(".{name}.partial-{pid}"))
}

/// Length of a file, 0 if it does not exist.
fn len_of(path: &Path) -> u64 {
    fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

// ---- 1. a sweep killed twenty times ---------------------------------------------------------------

/// The state a killed sweep leaves must be one a resume can continue exactly: a whole
/// checkpoint at a chunk boundary, rows up to its `csv_bytes` equal to the uninterrupted sweep's
/// (and ending on its row `1 + regimes × units_done`), and the file at least that long.
fn check_killed_sweep(out: &Path, whole_csv: &[u8], regimes: u64, what: &str) -> KilledSweep {
    let cp = checkpoint(out);
    let (done, csv_bytes) = (number(&cp, "units_done"), number(&cp, "csv_bytes"));
    let total = number(&cp, "unit_end") - number(&cp, "unit_start");
    let complete = cp["complete"] == true;
    assert!(
        done % CHUNK_UNITS == 0 || done == total,
        "{what}: checkpoint between chunks: {cp}"
    );
    assert!(!complete || done == total, "{what}: complete early: {cp}");
    let csv = read(out, "sweep_runs.csv");
    assert!(
        csv.len() as u64 >= csv_bytes,
        "{what}: sweep_runs.csv ({} B) is shorter than its checkpoint ({csv_bytes} B)",
        csv.len()
    );
    let at = csv_bytes as usize;
    assert!(
        at <= whole_csv.len() && csv[..at] == whole_csv[..at],
        "{what}: the checkpointed rows differ from the uninterrupted sweep's"
    );
    let rows = whole_csv[..at].iter().filter(|&&b| b == b'\n').count() as u64;
    assert_eq!(
        rows,
        1 + regimes * done,
        "{what}: csv_bytes {csv_bytes} is not the end of row {} ({cp})",
        1 + regimes * done
    );
    KilledSweep {
        done,
        complete,
        torn: csv.len() as u64 > csv_bytes,
        temporary: names_in(out)
            .into_iter()
            .filter(|n| is_temporary(n))
            .count(),
    }
}

/// What a kill left in a sweep folder.
struct KilledSweep {
    /// Units in the checkpoint.
    done: u64,
    complete: bool,
    /// Rows past the checkpoint (a resume must cut them).
    torn: bool,
    /// Temporary files (`.NAME.tmp`) in the folder.
    temporary: usize,
}

/// Resumes `out` to the end and checks it against the uninterrupted sweep `whole`, with no
/// temporary file left inside it or beside it.
fn finish_and_compare(file: &Path, out: &Path, whole: &Path, what: &str) {
    run_ok(
        sweep_command(file, out, true),
        &format!("{what}: final --resume"),
    );
    assert_same_sweep(whole, out, what);
    assert_eq!(
        names_in(out),
        names_in(whole),
        "{what}: different files after resuming"
    );
    let beside: Vec<String> = names_in(out.parent().unwrap())
        .into_iter()
        .filter(|n| is_temporary(n))
        .collect();
    assert!(
        beside.is_empty(),
        "{what}: left {beside:?} beside the folder"
    );
    let manifest: serde_json::Value = serde_json::from_slice(&read(out, "manifest.json")).unwrap();
    assert!(
        manifest["finished"].is_string(),
        "{what}: manifest not finished: {manifest}"
    );
}

#[test]
fn a_sweep_killed_at_twenty_random_moments_resumes_to_the_uninterrupted_files() {
    let _serial = serial();
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    // 20 points × 300 replicates = 6 000 units (12 checkpoints, the last after 368 units),
    // 18 000 runs of 48 months: about 2 s on one thread.
    let file = write(root, "sweep.toml", &short_rotation_sweep(300));
    let whole = root.join("whole");
    let clock = Instant::now();
    run_ok(
        sweep_command(&file, &whole, false),
        "the uninterrupted sweep",
    );
    let full = clock.elapsed();
    let total = number(&checkpoint(&whole), "unit_end");
    assert_eq!(total, 6000);
    let whole_csv = read(&whole, "sweep_runs.csv");
    // The time one checkpoint takes on this machine, measured, not assumed.
    let chunk = full.mul_f64(CHUNK_UNITS as f64 / total as f64);

    let out = root.join("killed");
    let mut rng = SplitMix64(0x50AC_2022);
    // Kill k comes after 0.2–1.4 times the mean time of a checkpoint (a resumed start
    // checkpoints somewhat faster than that mean, which includes the start and the summary):
    // a start lives to its next checkpoint a third to a half of the time, so the 20 kills take
    // the sweep by fits and starts two thirds to most of the way, landing all along it, and
    // most land mid-sweep even on a machine faster than measured. If a loaded machine made no
    // start reach a checkpoint, later kills wait longer (at most 5 more), so resuming from the
    // middle is always exercised.
    let planned = 20;
    let mut kills = 0;
    let (mut mid_sweep, mut torn, mut temporary) = (0, 0, 0);
    let mut resumed_from = std::collections::BTreeSet::new();
    let mut last_done = 0;
    let mut log = Vec::new();
    loop {
        let stretch = if kills < planned {
            1.0
        } else {
            1.0 + (kills - planned + 1) as f64
        };
        let delay = chunk
            .mul_f64(stretch * (0.2 + 1.2 * rng.next_f64()))
            .max(Duration::from_millis(5));
        let mut child = spawn(sweep_command(&file, &out, kills > 0));
        if kills == 0 {
            // Before its first checkpoint a start has nothing to resume (sweep.rs covers that).
            assert!(
                wait_until(&mut child, || out.join("checkpoint.json").exists()),
                "the first start wrote no checkpoint"
            );
        }
        std::thread::sleep(delay);
        let (running, status, err) = kill(child);
        let what = format!("kill {} after {} ms", kills + 1, delay.as_millis());
        assert!(
            running || status.success(),
            "{what}: the start failed by itself ({status}): {err}"
        );
        let state = check_killed_sweep(&out, &whole_csv, 3, &what);
        assert!(
            state.done >= last_done,
            "{what}: progress went back: {last_done} → {}",
            state.done
        );
        if running && !state.complete {
            mid_sweep += 1;
        }
        if state.done > 0 && !state.complete {
            resumed_from.insert(state.done);
        }
        torn += state.torn as usize;
        temporary += (state.temporary > 0) as usize;
        last_done = state.done;
        log.push(format!("{}ms→{}", delay.as_millis(), state.done));
        kills += 1;
        if kills >= planned && (resumed_from.len() >= 3 || kills >= planned + 5) {
            break;
        }
    }
    eprintln!(
        "sweep soak: uninterrupted {:.2} s ({} ms a checkpoint); {kills} kills, {mid_sweep} \
         mid-sweep, resumed from {} distinct checkpoints, {torn} left rows past the checkpoint, \
         {temporary} left temporary files; delay→units done: {}",
        full.as_secs_f64(),
        chunk.as_millis(),
        resumed_from.len(),
        log.join(" ")
    );
    assert!(
        mid_sweep >= planned * 3 / 4,
        "only {mid_sweep} of {kills} kills landed mid-sweep"
    );
    assert!(
        resumed_from.len() >= 3,
        "resumed from only {} distinct checkpoints",
        resumed_from.len()
    );
    finish_and_compare(&file, &out, &whole, "sweep killed 20 times");
}

// ---- 1b. a sweep killed at exact system calls (where strace works) ------------------------------

/// Whether `strace` is installed and may trace here (it needs ptrace, which some containers
/// forbid).
fn strace_works() -> bool {
    Command::new("strace")
        .args(["-f", "-o", "/dev/null", "-e", "trace=none", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `cmd` run under strace, SIGKILLed when it enters its `nth` call of `syscall`.
fn killed_at_syscall(cmd: &Command, syscall: &str, nth: u32) -> Command {
    let mut traced = Command::new("strace");
    traced
        .args([
            "-f",
            "-o",
            "/dev/null",
            "-e",
            &format!("trace={syscall}"),
            "-e",
            &format!("inject={syscall}:signal=KILL:when={nth}"),
            cmd.get_program().to_str().unwrap(),
        ])
        .args(cmd.get_args());
    traced
}

#[test]
fn a_sweep_killed_inside_its_checkpoints_resumes_to_the_uninterrupted_files() {
    let _serial = serial();
    if !strace_works() {
        eprintln!("skipped: strace is not available or may not trace here");
        return;
    }
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    // 20 points × 100 replicates = 2 000 units: checkpoints after 512, 1024, 1536, 2000.
    let file = write(root, "sweep.toml", &short_rotation_sweep(100));
    let whole = root.join("whole");
    run_ok(
        sweep_command(&file, &whole, false),
        "the uninterrupted sweep",
    );
    let whole_csv = read(&whole, "sweep_runs.csv");
    let out = root.join("killed");
    // A start syncs the marker, the CSV header, the first checkpoint and the manifest (fsync);
    // each chunk then appends rows and syncs them (fdatasync), writes and syncs the next
    // checkpoint beside (fsync), renames it into place (rename) and syncs the folder (fsync).
    // A resume first syncs the CSV it cut back (fsync). After the last chunk come the summary
    // and the manifest (each fsync, rename) and the completed checkpoint.
    // Each stop resumes from where the previous one left the sweep.
    // (syscall, nth call, resume?, units the checkpoint must then hold, where the process dies)
    type Stop = (&'static str, u32, bool, u64, &'static str);
    let stops: [Stop; 7] = [
        (
            "fdatasync",
            1,
            false,
            0,
            "chunk 1: rows appended, not synced",
        ),
        (
            "rename",
            2,
            true,
            512,
            "chunk 2: checkpoint synced beside, not renamed",
        ),
        (
            "fdatasync",
            2,
            true,
            1024,
            "chunk 3: rows appended, not synced",
        ),
        (
            "fsync",
            3,
            true,
            1536,
            "chunk 3: checkpoint renamed, folder not synced",
        ),
        (
            "rename",
            2,
            true,
            2000,
            "last chunk done: summary written, not renamed",
        ),
        (
            "rename",
            2,
            true,
            2000,
            "summary renamed: manifest written, not renamed",
        ),
        (
            "rename",
            3,
            true,
            2000,
            "completed checkpoint written, not renamed",
        ),
    ];
    let mut seen = Vec::new();
    for (syscall, nth, resume, done, what) in stops {
        let cmd = killed_at_syscall(&sweep_command(&file, &out, resume), syscall, nth);
        let o = spawn(cmd).wait_with_output().unwrap();
        let what = format!("killed at {syscall} #{nth} ({what})");
        let state = check_killed_sweep(&out, &whole_csv, 3, &what);
        assert_eq!(
            o.status.signal(),
            Some(9),
            "{what}: not killed ({}): {}",
            o.status,
            stderr(&o)
        );
        assert_eq!(state.done, done, "{what}: units in the checkpoint");
        assert!(!state.complete, "{what}: the checkpoint says complete");
        seen.push(format!(
            "{syscall}#{nth}: {} units{}{}{}",
            state.done,
            if state.complete { ", complete" } else { "" },
            if state.torn { ", rows past it" } else { "" },
            if state.temporary > 0 {
                ", temporary files"
            } else {
                ""
            }
        ));
    }
    eprintln!("sweep killed inside checkpoints: {}", seen.join("; "));
    assert!(
        seen.iter().any(|s| s.contains("rows past it")),
        "no kill left rows past the checkpoint: {seen:?}"
    );
    assert!(
        seen.iter().any(|s| s.contains("temporary files")),
        "no kill left a temporary checkpoint: {seen:?}"
    );
    finish_and_compare(&file, &out, &whole, "sweep killed inside its checkpoints");
}

// ---- 2. a merge killed mid-write ---------------------------------------------------------------

/// A sweep whose runs are nearly free (6 months, no implementation window) and whose rows are
/// many (4 regimes), so that its merge has megabytes to copy and summarise.
fn cheap_sweep(replicates: u64) -> String {
    let text = edit(BASELINE_TOML, "horizon_months = 120", "horizon_months = 6");
    let text = edit(
        &text,
        "implementation_months = 60",
        "implementation_months = 0",
    );
    let text = edit(
        &text,
        "regimes = [\"competitive\", \"hierarchical\", \"network\"]",
        "regimes = [\"competitive\", \"hierarchical\", \"network\", \"contact_group\"]",
    );
    format!(
        "{text}\n[sweep]\ndesign = \"grid\"\nreplicates = {replicates}\nseed = 11\n\n\
         [[sweep.parameters]]\npath = \"trust.build_rate\"\nvalues = [0.02, 0.04, 0.06, 0.08]\n"
    )
}

fn merge_command(shards: &[PathBuf], out: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["merge", "--quiet", "--out", path_str(out)]);
    cmd.args(shards);
    cmd
}

/// When to kill a merge or a run: after a delay, or once a file in its staging folder has
/// at least some bytes.
#[derive(Debug, Clone)]
enum Moment {
    After(Duration),
    Staged(&'static str, u64),
}

/// Spawns `cmd` writing to `target`, kills it at `moment`; whether it was still running.
fn kill_at(cmd: Command, target: &Path, moment: &Moment) -> (bool, ExitStatus) {
    let mut child = spawn(cmd);
    let staging = staging_of(target, child.id());
    match moment {
        Moment::After(d) => std::thread::sleep(*d),
        Moment::Staged(file, bytes) => {
            let path = staging.join(file);
            wait_until(&mut child, || len_of(&path) >= *bytes);
        }
    }
    let (running, status, err) = kill(child);
    assert!(
        running || status.success(),
        "{moment:?}: failed by itself ({status}): {err}"
    );
    (running, status)
}

/// Hidden staging (`.NAME.partial-PID`) and set-aside (`.NAME.old-PID`) folders beside `target`.
fn leftovers_of(target: &Path) -> Vec<String> {
    let name = target.file_name().unwrap().to_string_lossy().into_owned();
    names_in(target.parent().unwrap())
        .into_iter()
        .filter(|n| n.starts_with(&format!(".{name}.")) && is_temporary(n))
        .collect()
}

/// "N staging (.partial, B bytes), M set aside (.old)" for the leftovers beside `target`.
fn describe_leftovers(target: &Path, names: &[String]) -> String {
    let parent = target.parent().unwrap();
    let bytes: u64 = names
        .iter()
        .flat_map(|n| fs::read_dir(parent.join(n)).into_iter().flatten())
        .map(|e| e.unwrap().metadata().map(|m| m.len()).unwrap_or(0))
        .sum();
    let partial = names.iter().filter(|n| n.contains(".partial-")).count();
    format!(
        "{partial} staging folders (.partial-PID), {} set aside (.old-PID), {:.1} MB in all",
        names.len() - partial,
        bytes as f64 / 1e6
    )
}

#[test]
fn a_merge_killed_mid_write_leaves_no_target_or_a_whole_one() {
    let _serial = serial();
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    // 4 points × 7 500 replicates = 30 000 units × 4 regimes = 120 000 rows (≈ 13 MB).
    let file = write(root, "cheap.toml", &cheap_sweep(7500));
    let shards: Vec<PathBuf> = (0..3).map(|i| root.join(format!("shard{i}"))).collect();
    let children: Vec<Child> = shards
        .iter()
        .enumerate()
        .map(|(i, dir)| {
            let mut cmd = sweep_command(&file, dir, false);
            cmd.args(["--shard", &format!("{i}/3")]);
            spawn(cmd)
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "a shard failed: {}", stderr(&o));
    }
    // Shards given out of order, as a user might.
    let order = vec![shards[2].clone(), shards[0].clone(), shards[1].clone()];
    let reference = root.join("reference");
    let clock = Instant::now();
    run_ok(merge_command(&order, &reference), "the reference merge");
    let took = clock.elapsed();
    let reference_names = names_in(&reference);

    let target = root.join("merged");
    let mut moments: Vec<Moment> = [0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.0, 1.2]
        .into_iter()
        .map(|f| Moment::After(took.mul_f64(f)))
        .collect();
    let csv_len = len_of(&reference.join("sweep_runs.csv"));
    moments.extend([
        Moment::Staged(".peacesim-output", 1),
        Moment::Staged("sweep_runs.csv", 1),
        Moment::Staged("sweep_runs.csv", csv_len / 2),
        Moment::Staged("sweep_summary.csv", 1),
        Moment::Staged("heatmap_agreement.png", 1),
        Moment::Staged("manifest.json", 1),
        Moment::Staged("checkpoint.json", 1),
    ]);
    // Each moment twice: with no folder at the target, and over a finished merge (a copy of
    // the reference) that the merge replaces.
    let (mut mid, mut absent, mut new_whole, mut kept, mut gone) = (0, 0, 0, 0, 0);
    for moment in &moments {
        for replacing in [false, true] {
            if target.exists() {
                fs::remove_dir_all(&target).unwrap();
            }
            if replacing {
                fs::create_dir(&target).unwrap();
                for name in names_in(&reference) {
                    fs::copy(reference.join(&name), target.join(&name)).unwrap();
                }
            }
            let what = format!(
                "merge {} killed at {moment:?}",
                if replacing {
                    "over a finished one"
                } else {
                    "into a new folder"
                }
            );
            let (running, _) = kill_at(merge_command(&order, &target), &target, moment);
            mid += running as usize;
            if !target.exists() {
                if replacing {
                    gone += 1; // between the two renames of the commit (see the ignored test)
                } else {
                    absent += 1;
                }
                continue;
            }
            // In place: then it must be a whole merge (the new one, or the one replaced).
            assert_same_sweep(&reference, &target, &what);
            assert_eq!(
                names_in(&target),
                reference_names,
                "{what}: a partial folder"
            );
            if replacing {
                kept += 1;
            } else {
                new_whole += 1;
            }
        }
    }
    let kills = 2 * moments.len();
    let stale = leftovers_of(&target);
    eprintln!(
        "merge soak: reference merge {} ms; {kills} kills, {mid} mid-merge; into a new folder: \
         target absent {absent} times, whole {new_whole} times; over a finished merge: whole \
         {kept} times, gone {gone} times; left beside it: {}",
        took.as_millis(),
        describe_leftovers(&target, &stale)
    );
    assert!(
        mid >= kills / 2,
        "only {mid} of {kills} kills landed mid-merge"
    );

    // A rerun puts the whole merge in place, whatever the killed ones left beside it.
    run_ok(merge_command(&order, &target), "merge after the kills");
    assert_same_sweep(&reference, &target, "merge rerun after the kills");
    assert_eq!(names_in(&target), reference_names);
    let after = leftovers_of(&target);
    let cleaned = stale.iter().filter(|n| !after.contains(n)).count();
    eprintln!(
        "merge soak: the rerun removed {cleaned} of {} stale folders; remain: {}",
        stale.len(),
        describe_leftovers(&target, &after)
    );
    assert!(
        after.iter().all(|n| stale.contains(n)),
        "the clean rerun left folders of its own: {after:?}"
    );
}

// ---- 3. a run killed while it replaces its folder ---------------------------------------------

/// The files of a `run` folder that depend only on the scenario and seed (the manifest and the
/// report carry times and the command line).
const RUN_DATA_FILES: [&str; 4] = ["runs.csv", "timeseries.csv", "summary.csv", "scenario.toml"];

/// A `run` of the baseline shortened to 36 + 12 months (`short_baseline`), 700 replicates × 3
/// regimes (about 0.2 s of simulation on one thread, then the figures and the report): long
/// enough for kills at fractions of it to land in every phase, and its runs.csv passes 100 kB.
/// The scenario file is written beside `out`.
fn run_command(out: &Path, seed: u64) -> Command {
    let scenario = out.with_file_name("short_baseline.toml");
    if !scenario.exists() {
        fs::write(&scenario, short_baseline()).unwrap();
    }
    let mut cmd = Command::new(BIN);
    cmd.args([
        "run",
        path_str(&scenario),
        "--replicates",
        "700",
        "--threads",
        "1",
        "--quiet",
        "--seed",
        &seed.to_string(),
        "--out",
        path_str(out),
    ]);
    cmd
}

#[test]
fn a_run_killed_while_replacing_its_folder_leaves_the_earlier_results() {
    let _serial = serial();
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let results = root.join("results");
    run_ok(run_command(&results, 1), "the earlier run");
    // What a completed replacement holds.
    let fresh = root.join("fresh");
    let clock = Instant::now();
    run_ok(run_command(&fresh, 2), "the reference run");
    let took = clock.elapsed();
    let fresh_names = names_in(&fresh);

    let mut moments: Vec<Moment> = [0.02, 0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.9, 0.97]
        .into_iter()
        .map(|f| Moment::After(took.mul_f64(f)))
        .collect();
    moments.extend([
        Moment::Staged("runs.csv", 100_000),
        Moment::Staged("timeseries.csv", 1),
        Moment::Staged("summary.csv", 1),
        Moment::Staged("outcomes.png", 1),
        Moment::Staged("manifest.json", 1),
        Moment::Staged("report.html", 1),
    ]);
    let (mut mid, mut kept, mut replaced) = (0, 0, 0);
    for moment in &moments {
        let before = snapshot(&results);
        let (running, _) = kill_at(run_command(&results, 2), &results, moment);
        mid += running as usize;
        assert!(
            results.exists(),
            "run killed at {moment:?}: the results folder is gone (left beside it: {:?})",
            leftovers_of(&results)
        );
        if snapshot(&results) == before {
            kept += 1;
            continue;
        }
        replaced += 1;
        assert_eq!(
            names_in(&results),
            fresh_names,
            "run killed at {moment:?}: neither the earlier nor the new results"
        );
        for f in RUN_DATA_FILES {
            assert_same_file(&fresh, &results, f, &format!("run killed at {moment:?}"));
        }
    }
    let stale = leftovers_of(&results);
    eprintln!(
        "run soak: run {} ms; {} kills, {mid} mid-run; earlier results kept {kept} times, whole \
         new results {replaced} times; left beside: {}",
        took.as_millis(),
        moments.len(),
        describe_leftovers(&results, &stale)
    );
    assert!(
        mid >= moments.len() * 2 / 3,
        "only {mid} of {} kills landed mid-run",
        moments.len()
    );
    assert!(kept >= 1, "no kill left the earlier results to check");
}

/// `StagedDir::commit` swaps the staging folder and the old results atomically: a process
/// killed at that instant leaves the earlier results in place, never a missing target.
/// Needs strace to stop the process exactly there.
#[test]
fn a_run_killed_at_the_commit_leaves_the_earlier_results() {
    let _serial = serial();
    if !strace_works() {
        eprintln!("skipped: strace is not available or may not trace here");
        return;
    }
    let tmp = TempDir::new().unwrap();
    let results = tmp.path().join("results");
    run_ok(run_command(&results, 1), "the earlier run");
    let before = snapshot(&results);
    // The commit swaps the staging folder and the results in one renameat2 call
    // (RENAME_EXCHANGE); kill the process just before it.
    let o = spawn(killed_at_syscall(&run_command(&results, 2), "renameat2", 1))
        .wait_with_output()
        .unwrap();
    assert_eq!(o.status.signal(), Some(9), "not killed: {}", stderr(&o));
    assert!(
        results.exists() && snapshot(&results) == before,
        "killed between the renames: results exists: {}; beside it: {:?}",
        results.exists(),
        leftovers_of(&results)
    );
}
