//! Issue 9, part B: `--resume` and `merge` trust nothing they read. Each damage found by an
//! adversarial round (which the previous peacesim accepted with exit 0 and wrong files) is made
//! here for real, with the `peacesim` binary: the checkpoint's `csv_bytes` set to 0, its
//! `units_done` moved by a chunk either way or set to 2^64−1, a digit flipped in a row, the
//! header changed, two rows swapped, `checkpoint.json` itself damaged, a byte flipped in a shard
//! before `merge`. Each must be refused with exit 2, naming the file and where it diverges, and
//! leave every folder as it was; an undamaged interrupted sweep must still resume to the bytes
//! of an uninterrupted one.
//!
//! An interrupted sweep is made exactly, without killing anything: the checkpoint of a sweep
//! depends only on the units done (its marks too), so cutting a finished folder back to its last
//! mark gives the folder a sweep killed after that chunk leaves (tests/soak.rs kills for real).

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tempfile::TempDir;

use crate::common::*;

/// 20 points × 60 replicates = 1 200 units, 3 regimes: checkpoints after 512, 1 024 and 1 200
/// units.
const REPLICATES: u64 = 60;
const REGIMES: u64 = 3;

/// scenarios/sweep_rotation.toml with `REPLICATES` replicates per point.
fn rotation_sweep() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweep_rotation.toml");
    let text = fs::read_to_string(&path).unwrap();
    let from = "replicates = 200                 # paired";
    assert!(text.contains(from));
    text.replacen(
        from,
        &format!("replicates = {REPLICATES}                 # paired"),
        1,
    )
}

fn sweep_args<'a>(file: &'a Path, out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "sweep",
        path_str(file),
        "--out",
        path_str(out),
        "--quiet",
        "--no-plots",
    ];
    args.extend_from_slice(extra);
    args
}

/// A finished sweep and its two shards, made once for every test.
struct Fixture {
    _tmp: TempDir,
    file: PathBuf,
    whole: PathBuf,
    shards: [PathBuf; 2],
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let tmp = TempDir::new().unwrap();
        let file = tmp.path().join("sweep.toml");
        fs::write(&file, rotation_sweep()).unwrap();
        let whole = tmp.path().join("whole");
        let o = peacesim(&sweep_args(&file, &whole, &[]));
        assert!(o.status.success(), "the sweep failed: {}", stderr(&o));
        let shards = [0, 1].map(|i| {
            let dir = tmp.path().join(format!("shard{i}"));
            let shard = format!("{i}/2");
            let o = peacesim(&sweep_args(&file, &dir, &["--shard", &shard]));
            assert!(o.status.success(), "shard {shard} failed: {}", stderr(&o));
            dir
        });
        Fixture {
            _tmp: tmp,
            file,
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

fn checkpoint(dir: &Path) -> Value {
    serde_json::from_slice(&fs::read(dir.join("checkpoint.json")).unwrap()).unwrap()
}

fn set_checkpoint(dir: &Path, cp: &Value) {
    fs::write(
        dir.join("checkpoint.json"),
        serde_json::to_vec_pretty(cp).unwrap(),
    )
    .unwrap();
}

/// A copy of the finished sweep as a sweep killed after its second chunk leaves it: the
/// checkpoint at 1 024 units, and 500 bytes of a torn third chunk past it.
fn interrupted(into: &Path) -> PathBuf {
    let f = fixture();
    let dir = into.join("interrupted");
    copy_dir(&f.whole, &dir);
    fs::remove_file(dir.join("sweep_summary.csv")).unwrap();
    let mut cp = checkpoint(&dir);
    let mut marks = cp["marks"].as_array().unwrap().clone();
    let last = marks.pop().expect("the sweep has marks");
    assert_eq!(last["units"], 1024);
    let cut = last["bytes"].as_u64().unwrap() as usize;
    let csv = fs::read(dir.join("sweep_runs.csv")).unwrap();
    fs::write(dir.join("sweep_runs.csv"), &csv[..cut + 500]).unwrap();
    cp["units_done"] = last["units"].clone();
    cp["csv_bytes"] = last["bytes"].clone();
    cp["csv_hash"] = last["hash"].clone();
    cp["complete"] = Value::Bool(false);
    cp["marks"] = Value::Array(marks);
    set_checkpoint(&dir, &cp);
    dir
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect()
}

/// `--resume` on `dir` must exit 2 with a message holding every needle, and change nothing.
fn resume_refused(dir: &Path, needles: &[&str], what: &str) -> String {
    let before = snapshot(dir);
    let f = fixture();
    let o = peacesim(&sweep_args(&f.file, dir, &["--resume"]));
    let message = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{what}: --resume was not refused: {message}"
    );
    for needle in needles {
        assert!(
            message.contains(needle),
            "{what}: the message does not say {needle:?}: {message}"
        );
    }
    assert!(
        message.contains("--force"),
        "{what}: no way out given: {message}"
    );
    assert_eq!(snapshot(dir), before, "{what}: the folder was changed");
    message
}

/// The byte offset at which data row `row` (counted from 1 after the header) starts, for rows
/// without quoted line breaks (as in this sweep).
fn row_offset(csv: &[u8], row: usize) -> usize {
    csv.iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(row - 1)
        .map(|(i, _)| i + 1)
        .unwrap()
}

#[test]
fn an_undamaged_interrupted_sweep_resumes_to_the_uninterrupted_files() {
    let f = fixture();
    let tmp = TempDir::new().unwrap();
    let dir = interrupted(tmp.path());
    let o = peacesim(&sweep_args(&f.file, &dir, &["--resume"]));
    assert!(o.status.success(), "the resume failed: {}", stderr(&o));
    for file in ["sweep_runs.csv", "sweep_summary.csv", "checkpoint.json"] {
        assert!(
            fs::read(dir.join(file)).unwrap() == fs::read(f.whole.join(file)).unwrap(),
            "{file} differs from the uninterrupted sweep's"
        );
    }
}

#[test]
fn resume_refuses_a_checkpoint_with_csv_bytes_zero() {
    let tmp = TempDir::new().unwrap();
    let dir = interrupted(tmp.path());
    let mut cp = checkpoint(&dir);
    cp["csv_bytes"] = 0.into();
    set_checkpoint(&dir, &cp);
    resume_refused(
        &dir,
        &["checkpoint.json: csv_bytes = 0 is less than the", "header"],
        "csv_bytes = 0",
    );
}

#[test]
fn resume_refuses_units_done_moved_by_a_chunk() {
    let tmp = TempDir::new().unwrap();
    let dir = interrupted(tmp.path());
    let original = checkpoint(&dir);
    // One chunk more: more than the sweep has left in this shard of 1 200 units.
    let mut cp = original.clone();
    cp["units_done"] = 1536.into();
    set_checkpoint(&dir, &cp);
    resume_refused(
        &dir,
        &["checkpoint.json: units_done = 1536 is more than the shard's 1200 units"],
        "units_done + 512",
    );
    // One chunk fewer (rows would be written twice): the marks no longer fit…
    let mut cp = original.clone();
    cp["units_done"] = 512.into();
    set_checkpoint(&dir, &cp);
    resume_refused(
        &dir,
        &["checkpoint.json: its marks", "units_done = 512"],
        "units_done − 512",
    );
    // …and with the marks made to fit, the rows do not.
    cp["marks"] = Value::Array(Vec::new());
    set_checkpoint(&dir, &cp);
    resume_refused(
        &dir,
        &[
            "sweep_runs.csv: row 1537 (byte",
            "is past the 1536 rows the checkpoint vouches for (512 units × 3 regimes)",
        ],
        "units_done − 512, marks removed",
    );
    // Fewer units done than rows up to csv_bytes, the other way round: 512 more units with the
    // bytes of 1 024.
    let mut cp = original;
    cp["units_done"] = 1200.into();
    cp["marks"] = serde_json::json!([original_mark(512), original_mark(1024)]);
    set_checkpoint(&dir, &cp);
    resume_refused(
        &dir,
        &["sweep_runs.csv: its first", "hold 3072 rows", "= 3600 rows"],
        "units_done + 176 (rows missing)",
    );
}

/// The mark of the finished sweep at `units`.
fn original_mark(units: u64) -> Value {
    checkpoint(&fixture().whole)["marks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["units"] == units)
        .cloned()
        .unwrap()
}

#[test]
fn resume_refuses_units_done_of_two_to_the_64_minus_1() {
    let tmp = TempDir::new().unwrap();
    let dir = interrupted(tmp.path());
    let mut cp = checkpoint(&dir);
    cp["units_done"] = u64::MAX.into();
    set_checkpoint(&dir, &cp);
    resume_refused(
        &dir,
        &["checkpoint.json: units_done = 18446744073709551615 is more than the shard's 1200 units"],
        "units_done = 2^64 − 1",
    );
}

#[test]
fn resume_refuses_a_flipped_digit_in_a_row() {
    let tmp = TempDir::new().unwrap();
    let dir = interrupted(tmp.path());
    let cp = checkpoint(&dir);
    let mark = cp["marks"][0]["bytes"].as_u64().unwrap();
    let end = cp["csv_bytes"].as_u64().unwrap();
    let path = dir.join("sweep_runs.csv");
    let mut csv = fs::read(&path).unwrap();
    // The last digit of an outcome (the row's last field), in the second chunk: only the
    // checksum can see it.
    let at = row_offset(&csv, 2000) - 2;
    assert!(csv[at].is_ascii_digit(), "{}", csv[at] as char);
    csv[at] = if csv[at] == b'7' { b'8' } else { b'7' };
    fs::write(&path, &csv).unwrap();
    resume_refused(
        &dir,
        &[&format!(
            "sweep_runs.csv: bytes {mark}..{end} (rows 1537..3072) are not the ones the \
             checkpoint vouches for"
        )],
        "a flipped digit in an outcome",
    );
    // A digit of the seed column: the row itself is named.
    csv[at] = fs::read(fixture().whole.join("sweep_runs.csv")).unwrap()[at];
    let row = row_offset(&csv, 100);
    let line_end = row + csv[row..].iter().position(|b| *b == b'\n').unwrap();
    let line = String::from_utf8(csv[row..line_end].to_vec()).unwrap();
    let seed_at = row + line.match_indices(',').nth(4).unwrap().0 + 1;
    csv[seed_at] = if csv[seed_at] == b'1' { b'2' } else { b'1' };
    fs::write(&path, &csv).unwrap();
    resume_refused(
        &dir,
        &[&format!(
            "sweep_runs.csv: row 100 (byte {row}) is not the row this sweep has there"
        )],
        "a flipped digit in a seed",
    );
}

#[test]
fn resume_refuses_a_changed_header() {
    let tmp = TempDir::new().unwrap();
    let dir = interrupted(tmp.path());
    let path = dir.join("sweep_runs.csv");
    let csv = fs::read_to_string(&path).unwrap();
    let at = csv.find("regime").unwrap();
    fs::write(&path, csv.replacen("regime", "regimE", 1)).unwrap();
    resume_refused(
        &dir,
        &[&format!(
            "sweep_runs.csv: its header (line 1) differs from this sweep's at byte {}",
            at + 5
        )],
        "a changed header",
    );
}

#[test]
fn resume_refuses_two_swapped_rows() {
    let tmp = TempDir::new().unwrap();
    let dir = interrupted(tmp.path());
    let path = dir.join("sweep_runs.csv");
    let csv = fs::read(&path).unwrap();
    // Rows 10 and 11: two regimes of one unit.
    let (a, b, c) = (
        row_offset(&csv, 10),
        row_offset(&csv, 11),
        row_offset(&csv, 12),
    );
    let mut swapped = csv[..a].to_vec();
    swapped.extend_from_slice(&csv[b..c]);
    swapped.extend_from_slice(&csv[a..b]);
    swapped.extend_from_slice(&csv[c..]);
    fs::write(&path, &swapped).unwrap();
    resume_refused(
        &dir,
        &[&format!(
            "sweep_runs.csv: row 10 (byte {a}) is not the row this sweep has there"
        )],
        "two swapped rows",
    );
}

#[test]
fn resume_refuses_a_damaged_checkpoint_file() {
    let tmp = TempDir::new().unwrap();
    let dir = interrupted(tmp.path());
    let text = fs::read_to_string(dir.join("checkpoint.json")).unwrap();
    let damages = [
        ("\"units_done\": 1024", "\"units_done\": 1e3"),
        ("\"units_done\": 1024", "\"units_done\": -1"),
        ("\"units_done\": 1024", "\"units_done\": \"1024\""),
        ("\"csv_hash\": \"", "\"csv_hash\": \"zz"),
        ("\"format\": 2", "\"format\": 7"),
    ];
    for (from, to) in damages {
        assert!(text.contains(from), "{from}");
        fs::write(dir.join("checkpoint.json"), text.replacen(from, to, 1)).unwrap();
        resume_refused(&dir, &["checkpoint.json: "], to);
    }
    // Cut in half, as a disk might leave it.
    fs::write(dir.join("checkpoint.json"), &text[..text.len() / 2]).unwrap();
    resume_refused(
        &dir,
        &["checkpoint.json: damaged, or not a peacesim checkpoint"],
        "a truncated checkpoint",
    );
}

#[test]
fn merge_refuses_a_flipped_byte_in_a_shard_and_writes_nothing() {
    let f = fixture();
    let tmp = TempDir::new().unwrap();
    let shards: Vec<PathBuf> = f
        .shards
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let dir = tmp.path().join(format!("shard{i}"));
            copy_dir(s, &dir);
            dir
        })
        .collect();
    let path = shards[1].join("sweep_runs.csv");
    let mut csv = fs::read(&path).unwrap();
    let at = row_offset(&csv, 7) - 2;
    csv[at] ^= 0x01;
    fs::write(&path, &csv).unwrap();
    let before: Vec<_> = shards.iter().map(|d| snapshot(d)).collect();
    let out = tmp.path().join("merged");
    let o = peacesim(&[
        "merge",
        path_str(&shards[0]),
        path_str(&shards[1]),
        "--out",
        path_str(&out),
        "--quiet",
        "--no-plots",
    ]);
    let message = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "merge was not refused: {message}");
    let end = checkpoint(&shards[1])["marks"][0]["bytes"]
        .as_u64()
        .unwrap();
    let needle = format!(
        "{}: bytes 0..{end} (rows 1..1536) are not the ones the checkpoint vouches for",
        path.display()
    );
    assert!(message.contains(&needle), "{needle:?} not in {message}");
    assert!(message.contains("nothing was written"), "{message}");
    assert!(!out.exists(), "an output folder was made");
    let names: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "something was written beside: {names:?}");
    let after: Vec<_> = shards.iter().map(|d| snapshot(d)).collect();
    assert!(before == after, "a shard was changed");
}

#[test]
fn merge_refuses_a_shard_whose_checkpoint_was_edited() {
    let f = fixture();
    let tmp = TempDir::new().unwrap();
    let shards: Vec<PathBuf> = f
        .shards
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let dir = tmp.path().join(format!("shard{i}"));
            copy_dir(s, &dir);
            dir
        })
        .collect();
    let mut cp = checkpoint(&shards[0]);
    cp["csv_bytes"] = (cp["csv_bytes"].as_u64().unwrap() - 100).into();
    set_checkpoint(&shards[0], &cp);
    let out = tmp.path().join("merged");
    let o = peacesim(&[
        "merge",
        path_str(&shards[0]),
        path_str(&shards[1]),
        "--out",
        path_str(&out),
        "--quiet",
    ]);
    let message = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "merge was not refused: {message}");
    assert!(
        message.contains(&format!("{}", shards[0].join("sweep_runs.csv").display())),
        "{message}"
    );
    assert!(!out.exists(), "an output folder was made");
}

#[test]
fn checkpoints_record_checksums_and_marks() {
    let f = fixture();
    let cp = checkpoint(&f.whole);
    assert_eq!(cp["format"], 2);
    assert_eq!(cp["units_done"], 20 * REPLICATES);
    let csv = fs::read(f.whole.join("sweep_runs.csv")).unwrap();
    assert_eq!(cp["csv_bytes"], csv.len() as u64);
    let fnv = |bytes: &[u8]| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    };
    assert_eq!(cp["csv_hash"], fnv(&csv).as_str());
    let marks = cp["marks"].as_array().unwrap();
    assert_eq!(marks.len(), 2);
    for (m, units) in marks.iter().zip([512u64, 1024]) {
        assert_eq!(m["units"], units);
        let bytes = m["bytes"].as_u64().unwrap() as usize;
        assert_eq!(bytes, row_offset(&csv, (units * REGIMES) as usize + 1));
        assert_eq!(m["hash"], fnv(&csv[..bytes]).as_str());
    }
}
