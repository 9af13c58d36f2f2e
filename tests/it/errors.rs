//! Every kind of mistake catalogued in docs/ERRORS.md, made for real with the `peacesim` binary.
//!
//! Each test checks the exit status (2 for bad input, 1 for a failure while running or
//! writing, never 101, a panic), the parts of the message a user needs (the file, the field, the
//! value, what is allowed, the suggestion), that no output folder was created or changed, and
//! that docs/ERRORS.md shows exactly the message peacesim prints.
//!
//! The commands run inside a temporary folder with relative paths, as in the catalogue, so the
//! messages are the same on every machine.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The scenario every example of the catalogue starts from (docs/ERRORS.md shows it whole).
const MY_TOML: &str = r#"[scenario]
name = "my"

[experiment]
replicates = 20
regimes = ["competitive", "hierarchical"]

[trust]
build_rate = 0.04

[rotation]
posting_months = 36.0
posting_jitter_months = 12.0

[regimes.hierarchical]
lead = "UN Envoy"

[[parties]]
name = "Government"

[[parties]]
name = "Armed Group"

[[third_parties]]
name = "UN Envoy"
kind = "mediator"

[[third_parties]]
name = "State A"
kind = "diplomat"
favours = "Government"
bias = 0.3
"#;

/// Appended to `MY_TOML` to make the sweep of the catalogue.
const SWEEP_TABLE: &str = r#"
[sweep]
design = "grid"
replicates = 4

[[sweep.parameters]]
path = "rotation.posting_months"
values = [24, 36]
"#;

const CATALOGUE: &str = include_str!("../../docs/ERRORS.md");

/// Runs `peacesim` in `dir`.
fn peacesim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_peacesim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the peacesim binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).trim_end().to_string()
}

/// Asserts the exit status; a panic (101) or a death by signal fails with its message.
fn assert_status(o: &Output, expected: i32, what: &str) {
    assert_ne!(
        o.status.code(),
        Some(101),
        "{what}: peacesim panicked:\n{}",
        stderr(o)
    );
    assert_eq!(
        o.status.code(),
        Some(expected),
        "{what}: wrong exit status; stderr:\n{}",
        stderr(o)
    );
    assert!(
        stderr(o).starts_with("error: "),
        "{what}: no error message:\n{}",
        stderr(o)
    );
}

fn assert_mentions(message: &str, needles: &[&str]) {
    for needle in needles {
        assert!(
            message.contains(needle),
            "the message lacks {needle:?}:\n{message}"
        );
    }
}

/// Replaces what differs from run to run: the process id in a staging folder's name and
/// 16-digit fingerprints.
fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("partial-") {
        let (head, tail) = rest.split_at(at + "partial-".len());
        out.push_str(head);
        let digits = tail.len() - tail.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 || tail.starts_with("<pid>") {
            out.push_str("<pid>");
            rest = if digits > 0 {
                &tail[digits..]
            } else {
                &tail[5..]
            };
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out.split(' ')
        .map(|word| {
            let hex = word.trim_end_matches([')', ',', ':']);
            if hex.len() == 16 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                word.replacen(hex, "<fingerprint>", 1)
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Asserts that docs/ERRORS.md shows this message, as printed.
fn assert_catalogued(message: &str) {
    assert!(
        mask(CATALOGUE).contains(&mask(message)),
        "docs/ERRORS.md does not show what peacesim prints now; update the catalogue with:\n{message}"
    );
}

/// Every file and folder under `dir`, with the bytes of each file.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            if path.is_dir() {
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

/// `MY_TOML` with `from` replaced by `to`; panics if `from` is not there, so an edit that does
/// nothing cannot pass.
fn edited(from: &str, to: &str) -> String {
    assert!(MY_TOML.contains(from), "my.toml has no {from:?}");
    MY_TOML.replacen(from, to, 1)
}

/// Writes `text` as bad.toml in a fresh folder, runs `peacesim <command> bad.toml --out out`,
/// and checks the rejection: exit status 2, a message naming bad.toml and every needle, no
/// output folder, nothing else written, and the message in the catalogue. Returns the message.
fn rejected(command: &str, text: &str, needles: &[&str]) -> String {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("bad.toml"), text).unwrap();
    let before = snapshot(tmp.path());
    let args: &[&str] = match command {
        "check" => &["check", "bad.toml"],
        _ => &[command, "bad.toml", "--out", "out", "--quiet"],
    };
    let o = peacesim(tmp.path(), args);
    assert_status(&o, 2, command);
    let message = stderr(&o);
    assert_mentions(&message, &["error: bad.toml: "]);
    assert_mentions(&message, needles);
    assert!(
        !tmp.path().join("out").exists(),
        "an output folder was made"
    );
    assert_eq!(snapshot(tmp.path()), before, "files were written");
    assert_catalogued(&message);
    message
}

#[test]
fn the_catalogue_starts_from_this_scenario_and_it_is_valid() {
    assert!(
        CATALOGUE.contains(MY_TOML),
        "docs/ERRORS.md must show my.toml exactly as these tests use it"
    );
    assert!(CATALOGUE.contains(SWEEP_TABLE.trim()));
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("my.toml"), MY_TOML).unwrap();
    fs::write(
        tmp.path().join("sweep.toml"),
        format!("{MY_TOML}{SWEEP_TABLE}"),
    )
    .unwrap();
    let o = peacesim(tmp.path(), &["check", "my.toml", "sweep.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_toml_syntax_error_names_line_and_column() {
    rejected(
        "run",
        &edited("[trust]", "[trust"),
        &["line 8, column 7", "unclosed table"],
    );
}

#[test]
fn an_unknown_field_suggests_the_closest_name() {
    let m = rejected(
        "run",
        &edited("build_rate = 0.04", "build_rat = 0.04"),
        &[
            "field `trust.build_rat`",
            "line 9",
            "unknown field `build_rat`",
            "`bias_penalty`",
        ],
    );
    assert!(m.ends_with("did you mean `build_rate`?"), "{m}");
}

#[test]
fn a_field_under_the_wrong_table_names_the_right_one() {
    let m = rejected(
        "check",
        &edited("[trust]\n", "[trust]\nposting_months = 24.0\n"),
        &["field `trust.posting_months`", "line 9"],
    );
    assert!(
        m.contains("did you mean `posting_months` in [rotation]?"),
        "{m}"
    );
}

#[test]
fn an_unknown_kind_suggests_the_closest_variant() {
    let m = rejected(
        "run",
        &edited("kind = \"mediator\"", "kind = \"mediater\""),
        &[
            "field `third_parties.\"UN Envoy\".kind`",
            "line 26",
            "unknown variant `mediater`",
            "`support_org`",
        ],
    );
    assert!(m.ends_with("did you mean `mediator`?"), "{m}");
}

#[test]
fn a_name_too_far_from_any_known_one_gets_no_suggestion() {
    let m = rejected(
        "check",
        &edited("favours = \"Government\"", "favours = \"Rebels\""),
        &[
            "bad.toml:31:11: field `third_parties.\"State A\".favours` = \"Rebels\"",
            "Government, Armed Group",
        ],
    );
    assert!(!m.contains("did you mean"), "{m}");
}

#[test]
fn a_wrong_type_says_what_is_expected_in_words() {
    rejected(
        "run",
        &edited("replicates = 20", "replicates = \"20\""),
        &[
            "field `experiment.replicates`",
            "line 5",
            "string \"20\"",
            "expected a whole number: must be from 1 to 100000000",
        ],
    );
}

#[test]
fn a_value_out_of_range_says_what_is_allowed() {
    rejected(
        "run",
        &edited("build_rate = 0.04", "build_rate = 1.5"),
        &[
            "invalid scenario, 1 problem:",
            "  1. bad.toml:9:14: field `trust.build_rate` = 1.5",
            "from 0 to 1",
        ],
    );
}

#[test]
fn a_lead_that_does_not_exist_is_named_with_a_suggestion() {
    let m = rejected(
        "run",
        &edited("lead = \"UN Envoy\"", "lead = \"UN Envoi\""),
        &[
            "field `regimes.hierarchical.lead` = \"UN Envoi\"",
            "UN Envoy, State A",
        ],
    );
    assert!(m.ends_with("did you mean `UN Envoy`?"), "{m}");
}

#[test]
fn favouring_a_party_that_does_not_exist_is_named_with_a_suggestion() {
    let m = rejected(
        "run",
        &edited("favours = \"Government\"", "favours = \"Goverment\""),
        &[
            "field `third_parties.\"State A\".favours` = \"Goverment\"",
            "Government, Armed Group",
        ],
    );
    assert!(m.ends_with("did you mean `Government`?"), "{m}");
}

#[test]
fn posting_jitter_as_long_as_the_posting_is_rejected() {
    rejected(
        "run",
        &edited(
            "posting_jitter_months = 12.0",
            "posting_jitter_months = 36.0",
        ),
        &[
            "field `rotation.posting_jitter_months` = 36",
            "smaller than rotation.posting_months (36)",
        ],
    );
}

#[test]
fn an_empty_regime_list_lists_the_regimes() {
    rejected(
        "run",
        &edited(
            "regimes = [\"competitive\", \"hierarchical\"]",
            "regimes = []",
        ),
        &[
            "field `experiment.regimes` = []",
            "competitive, hierarchical, network, contact_group",
        ],
    );
}

#[test]
fn an_unknown_regime_suggests_the_closest_one() {
    let m = rejected(
        "run",
        &edited(
            "regimes = [\"competitive\", \"hierarchical\"]",
            "regimes = [\"competitive\", \"hierarchial\"]",
        ),
        &[
            "field `experiment.regimes[1]` = \"hierarchial\"",
            "unknown regime",
        ],
    );
    assert!(m.ends_with("did you mean `hierarchical`?"), "{m}");
}

#[test]
fn a_missing_required_field_says_what_it_takes() {
    rejected(
        "run",
        &edited("kind = \"diplomat\"\n", ""),
        &[
            "field `third_parties.\"State A\"`",
            "line 28",
            "missing field `kind`",
            "mediator, diplomat, support_org, insider",
        ],
    );
}

#[test]
fn a_missing_table_is_named_without_a_misleading_line() {
    let m = rejected(
        "check",
        &edited("[scenario]\nname = \"my\"\n", ""),
        &["missing field `scenario`", "add a [scenario] table"],
    );
    assert!(!m.contains("line "), "{m}");
}

#[test]
fn a_missing_scenario_file_is_named() {
    let tmp = TempDir::new().unwrap();
    let o = peacesim(tmp.path(), &["run", "nope.toml", "--out", "out"]);
    assert_status(&o, 2, "missing file");
    let m = stderr(&o);
    assert_mentions(
        &m,
        &["nope.toml", "no such file", "peacesim baseline > nope.toml"],
    );
    assert!(snapshot(tmp.path()).is_empty(), "files were written");
    assert_catalogued(&m);
}

/// `--out` inside a regular file cannot be created, whoever runs peacesim (a read-only folder
/// would not stop root).
#[test]
fn an_output_folder_that_cannot_be_created_is_refused() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("my.toml"), MY_TOML).unwrap();
    fs::write(tmp.path().join("notes.txt"), "notes\n").unwrap();
    let before = snapshot(tmp.path());
    let o = peacesim(
        tmp.path(),
        &["run", "my.toml", "--quiet", "--out", "notes.txt/results"],
    );
    assert_status(&o, 2, "--out inside a file");
    let m = stderr(&o);
    assert_mentions(&m, &["notes.txt", "cannot create"]);
    assert_eq!(
        snapshot(tmp.path()),
        before,
        "files were written or changed"
    );
    assert_catalogued(&m);
}

#[test]
fn a_folder_peacesim_did_not_write_is_kept_without_force() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("my.toml"), MY_TOML).unwrap();
    fs::create_dir(tmp.path().join("thesis")).unwrap();
    fs::write(tmp.path().join("thesis/chapter1.md"), "draft\n").unwrap();
    let before = snapshot(tmp.path());
    let o = peacesim(
        tmp.path(),
        &["run", "my.toml", "--quiet", "--out", "thesis"],
    );
    assert_status(&o, 2, "foreign output folder");
    let m = stderr(&o);
    assert_mentions(&m, &["thesis", "not written by peacesim", "--force"]);
    assert_eq!(snapshot(tmp.path()), before, "the folder was changed");
    assert_catalogued(&m);
}

#[test]
fn a_sweep_path_that_does_not_exist_suggests_the_closest_path() {
    let text = format!("{MY_TOML}{SWEEP_TABLE}").replace(
        "path = \"rotation.posting_months\"",
        "path = \"rotation.posting_month\"",
    );
    let m = rejected(
        "sweep",
        &text,
        &[
            "field `sweep.parameters[0].path`",
            "\"rotation.posting_month\"",
            "unknown name `posting_month`",
            "posting_jitter_months",
        ],
    );
    assert!(
        m.ends_with("did you mean `rotation.posting_months`?"),
        "{m}"
    );
    // The path is wrong whatever the values: the message names the path, not a value too.
    assert_mentions(
        &m,
        &["bad.toml:39:8: field `sweep.parameters[0].path` = \"rotation.posting_month\": unknown"],
    );
    assert!(!m.contains("\" = 24"), "{m}");
}

#[test]
fn resuming_a_different_sweep_is_refused_and_changes_nothing() {
    let tmp = TempDir::new().unwrap();
    let sweep = format!("{MY_TOML}{SWEEP_TABLE}");
    fs::write(tmp.path().join("sweep.toml"), &sweep).unwrap();
    let o = peacesim(
        tmp.path(),
        &[
            "sweep",
            "sweep.toml",
            "--quiet",
            "--no-plots",
            "--out",
            "sweep-out",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let changed = sweep.replace("values = [24, 36]", "values = [24, 48]");
    assert_ne!(changed, sweep);
    fs::write(tmp.path().join("sweep2.toml"), changed).unwrap();
    let before = snapshot(tmp.path());
    let o = peacesim(
        tmp.path(),
        &[
            "sweep",
            "sweep2.toml",
            "--resume",
            "--quiet",
            "--out",
            "sweep-out",
        ],
    );
    assert_status(&o, 2, "resume of a different sweep");
    let m = stderr(&o);
    assert_mentions(&m, &["sweep-out", "holds a different sweep", "--force"]);
    assert_eq!(snapshot(tmp.path()), before, "the sweep folder was changed");
    assert_catalogued(&m);
}

#[test]
fn an_output_path_through_a_symbolic_link_is_refused() {
    let tmp = TempDir::new().unwrap();
    fs::write(
        tmp.path().join("sweep.toml"),
        format!("{MY_TOML}{SWEEP_TABLE}"),
    )
    .unwrap();
    fs::create_dir_all(tmp.path().join("scratch/old-sweep")).unwrap();
    fs::write(tmp.path().join("scratch/old-sweep/.peacesim-output"), "").unwrap();
    fs::write(tmp.path().join("scratch/old-sweep/notes.txt"), "notes\n").unwrap();
    std::os::unix::fs::symlink("scratch/old-sweep", tmp.path().join("results")).unwrap();
    std::os::unix::fs::symlink("scratch", tmp.path().join("big")).unwrap();
    let before = snapshot(tmp.path());
    for (args, needles) in [
        (
            &[
                "sweep",
                "sweep.toml",
                "--quiet",
                "--out",
                "results/",
                "--force",
            ][..],
            &["results/", "symbolic link (to scratch/old-sweep)"][..],
        ),
        (
            &["sweep", "sweep.toml", "--quiet", "--out", "big/sweep"][..],
            &[
                "big/sweep",
                "big is a symbolic link (to scratch)",
                "any depth",
            ][..],
        ),
    ] {
        let o = peacesim(tmp.path(), args);
        assert_status(&o, 2, "--out through a link");
        let m = stderr(&o);
        assert_mentions(&m, needles);
        assert_eq!(
            snapshot(tmp.path()),
            before,
            "files were written or changed"
        );
        assert_catalogued(&m);
    }
}

#[test]
fn an_output_folder_that_is_never_replaced_is_refused() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let work = root.join("work");
    fs::create_dir_all(work.join("study")).unwrap();
    fs::create_dir(work.join("home")).unwrap();
    fs::write(work.join("my.toml"), MY_TOML).unwrap();
    fs::write(work.join("sweep.toml"), format!("{MY_TOML}{SWEEP_TABLE}")).unwrap();
    fs::write(
        work.join("study/sweep.toml"),
        format!("{MY_TOML}{SWEEP_TABLE}"),
    )
    .unwrap();
    let before = snapshot(root);
    let home = work.join("home");
    // `/` without --force: if this refusal ever broke, nothing could be deleted.
    for (args, needles) in [
        (
            &["sweep", "sweep.toml", "--quiet", "--out", ".", "--force"][..],
            &[".: is the current folder", "even with --force"][..],
        ),
        (
            &["sweep", "sweep.toml", "--quiet", "--out", "..", "--force"][..],
            &["..: holds the current folder"][..],
        ),
        (
            &[
                "sweep",
                "study/sweep.toml",
                "--quiet",
                "--out",
                "study",
                "--force",
            ][..],
            &["study: holds the scenario file study/sweep.toml"][..],
        ),
        (
            &["run", "my.toml", "--quiet", "--out", "home", "--force"][..],
            &["home: is your home folder"][..],
        ),
        (
            &["run", "my.toml", "--quiet", "--out", "/"][..],
            &["/: is the root of the file system"][..],
        ),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_peacesim"))
            .args(args)
            .current_dir(&work)
            .env("HOME", &home)
            .output()
            .unwrap();
        assert_status(&o, 2, &format!("{args:?}"));
        let m = stderr(&o);
        assert_mentions(&m, needles);
        assert_eq!(
            snapshot(root),
            before,
            "{args:?}: files were written or changed"
        );
        assert_catalogued(&m);
    }
}

#[test]
fn an_output_folder_in_use_by_another_peacesim_is_refused() {
    use std::os::unix::io::AsRawFd;
    let tmp = TempDir::new().unwrap();
    let sweep = format!("{MY_TOML}{SWEEP_TABLE}");
    fs::write(tmp.path().join("sweep.toml"), &sweep).unwrap();
    fs::write(
        tmp.path().join("sweep2.toml"),
        sweep.replace("[24, 36]", "[24, 48]"),
    )
    .unwrap();
    // The lock as the first sweep (process 4242) would hold it.
    let lock = tmp.path().join(".sweep-out.lock");
    fs::write(&lock, "4242\npeacesim sweep sweep.toml --out sweep-out\n").unwrap();
    let held = fs::File::open(&lock).unwrap();
    // SAFETY: a valid open file descriptor.
    let r = unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    assert_eq!(r, 0);
    let before = snapshot(tmp.path());
    let o = peacesim(
        tmp.path(),
        &[
            "sweep",
            "sweep2.toml",
            "--quiet",
            "--out",
            "sweep-out",
            "--force",
        ],
    );
    assert_status(&o, 2, "a locked output folder");
    let m = stderr(&o);
    assert_mentions(
        &m,
        &[
            "sweep-out",
            "another peacesim",
            "process 4242: peacesim sweep sweep.toml --out sweep-out",
            ".sweep-out.lock",
        ],
    );
    assert_eq!(
        snapshot(tmp.path()),
        before,
        "files were written or changed"
    );
    assert_catalogued(&m);
    drop(held);
}

/// A small tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, bytes: u64) -> Result<Tmpfs, String> {
        fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let size = format!("size={}k", bytes.div_ceil(4096) * 4);
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &size, "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if o.status.success() {
            Ok(Tmpfs(dir.to_path_buf()))
        } else {
            Err(stderr(&o))
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let unmounted = Command::new("umount")
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success());
        if !unmounted {
            // Busy: detach it now, the kernel frees it when the last user is gone.
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
}

/// Total bytes of the files under `dir`.
fn bytes_under(dir: &Path) -> u64 {
    snapshot(dir)
        .values()
        .map(|f| f.as_ref().map_or(0, |b| b.len() as u64))
        .sum()
}

/// A disk that fills up while peacesim writes: exit status 1, a message naming the file and the
/// cause, and the previous results untouched (peacesim writes beside them and swaps only when
/// every file is written). Runs on a small tmpfs, which needs root or CAP_SYS_ADMIN (CI has
/// both); without them the same failure is made with a file-size limit instead.
#[test]
fn a_full_disk_fails_with_status_1_and_keeps_the_previous_results() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("my.toml"), MY_TOML).unwrap();
    let first = ["run", "my.toml", "--quiet", "--no-plots", "--out"];
    // The size of one set of results: the disk holds one and a half.
    let o = peacesim(tmp.path(), &[&first[..], &["measure"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let size = bytes_under(&tmp.path().join("measure"));
    fs::remove_dir_all(tmp.path().join("measure")).unwrap();

    let disk = tmp.path().join("disk");
    let mounted = match Tmpfs::mount(&disk, size + size / 2) {
        Ok(m) => m,
        Err(why) => {
            eprintln!(
                "cannot mount a tmpfs ({why}); making the disk-full failure with a file-size \
                 limit instead"
            );
            return file_size_limit_fails_with_status_1(&tmp);
        }
    };
    let o = peacesim(tmp.path(), &[&first[..], &["disk/results"]].concat());
    assert!(o.status.success(), "the first run must fit: {}", stderr(&o));
    let before = snapshot(&disk);
    let o = peacesim(
        tmp.path(),
        &[&first[..], &["disk/results", "--seed", "7"]].concat(),
    );
    assert_status(&o, 1, "full disk");
    let m = stderr(&o);
    assert_mentions(&m, &["cannot write", "No space left on device"]);
    assert_eq!(
        snapshot(&disk),
        before,
        "the previous results changed, or a staging folder was left behind"
    );
    assert_catalogued(&m.replace("disk/", "small/"));
    drop(mounted);
}

/// The fallback of the full-disk test where mounting is impossible: a file-size limit makes
/// writes fail the same way (EFBIG instead of ENOSPC).
fn file_size_limit_fails_with_status_1(tmp: &TempDir) {
    let run = |seed: &str| {
        Command::new("sh")
            .args(["-c", "trap '' XFSZ; ulimit -f 128; exec \"$0\" \"$@\""])
            .arg(env!("CARGO_BIN_EXE_peacesim"))
            .args(["run", "my.toml", "--quiet", "--no-plots", "--seed", seed])
            .args(["--out", "results"])
            .current_dir(tmp.path())
            .output()
            .unwrap()
    };
    // Results written without the limit, then a run under it.
    let o = peacesim(
        tmp.path(),
        &[
            "run",
            "my.toml",
            "--quiet",
            "--no-plots",
            "--out",
            "results",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let before = snapshot(tmp.path());
    let o = run("7");
    assert_status(&o, 1, "file-size limit");
    assert_mentions(&stderr(&o), &["cannot write", "File too large"]);
    assert_eq!(snapshot(tmp.path()), before, "the previous results changed");
}

/// A sweep writes straight into its folder, with checkpoints: on a full disk it stops with exit
/// status 1, and once there is room `--resume` finishes it with the same rows as a sweep that
/// was never interrupted.
#[test]
fn a_sweep_on_a_full_disk_fails_with_status_1_and_resumes() {
    let tmp = TempDir::new().unwrap();
    let sweep = format!("{MY_TOML}{SWEEP_TABLE}").replace("replicates = 4", "replicates = 400");
    fs::write(tmp.path().join("sweep.toml"), sweep).unwrap();
    let args = |out: &'static str| ["sweep", "sweep.toml", "--quiet", "--no-plots", "--out", out];
    let o = peacesim(tmp.path(), &args("whole"));
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = fs::read(tmp.path().join("whole/sweep_runs.csv")).unwrap();

    let disk = tmp.path().join("disk");
    let mounted = match Tmpfs::mount(&disk, rows.len() as u64 / 2) {
        Ok(m) => m,
        Err(why) => {
            eprintln!("skipped: cannot mount a tmpfs for the full-disk sweep ({why})");
            return;
        }
    };
    let o = peacesim(tmp.path(), &args("disk/sweep"));
    assert_status(&o, 1, "sweep on a full disk");
    let m = stderr(&o);
    assert_mentions(&m, &["No space left on device"]);
    assert_catalogued(&m);
    let o = Command::new("mount")
        .args(["-o", "remount,size=64m"])
        .arg(&disk)
        .output()
        .unwrap();
    assert!(o.status.success(), "remount: {}", stderr(&o));
    let o = peacesim(
        tmp.path(),
        &[&args("disk/sweep")[..], &["--resume"]].concat(),
    );
    assert!(o.status.success(), "resume: {}", stderr(&o));
    assert!(
        fs::read(disk.join("sweep/sweep_runs.csv")).unwrap() == rows,
        "the resumed sweep's rows differ from an uninterrupted sweep's"
    );
    drop(mounted);
}

/// Runs the catalogue's sweep (`sweep.toml`) into `out` in `dir`, with `extra` options.
fn catalogue_sweep(dir: &Path, out: &str, extra: &[&str]) {
    fs::write(dir.join("sweep.toml"), format!("{MY_TOML}{SWEEP_TABLE}")).unwrap();
    let mut args = vec!["sweep", "sweep.toml", "--quiet", "--no-plots", "--out", out];
    args.extend_from_slice(extra);
    let o = peacesim(dir, &args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
}

/// Flips the last digit of the last row of `csv` (an outcome only a checksum can see).
fn flip_last_digit(csv: &Path) {
    let mut bytes = fs::read(csv).unwrap();
    let at = bytes.len() - 2;
    assert!(bytes[at].is_ascii_digit(), "{}", bytes[at] as char);
    bytes[at] = if bytes[at] == b'7' { b'8' } else { b'7' };
    fs::write(csv, bytes).unwrap();
}

#[test]
fn resuming_a_damaged_sweep_folder_is_refused_and_changes_nothing() {
    let tmp = TempDir::new().unwrap();
    catalogue_sweep(tmp.path(), "sweep-out", &[]);
    let cp_path = tmp.path().join("sweep-out/checkpoint.json");
    let mut cp: serde_json::Value = serde_json::from_slice(&fs::read(&cp_path).unwrap()).unwrap();
    // As a sweep killed after its last chunk leaves it, then damaged.
    cp["complete"] = false.into();
    let interrupted = serde_json::to_vec_pretty(&cp).unwrap();
    cp["csv_bytes"] = 0.into();
    fs::write(&cp_path, serde_json::to_vec_pretty(&cp).unwrap()).unwrap();
    let resume = [
        "sweep",
        "sweep.toml",
        "--resume",
        "--quiet",
        "--out",
        "sweep-out",
    ];
    let mut messages = Vec::new();
    for damage in ["csv_bytes = 0", "a flipped digit"] {
        if damage == "a flipped digit" {
            fs::write(&cp_path, &interrupted).unwrap();
            flip_last_digit(&tmp.path().join("sweep-out/sweep_runs.csv"));
        }
        let before = snapshot(tmp.path());
        let o = peacesim(tmp.path(), &resume);
        assert_status(&o, 2, damage);
        let m = stderr(&o);
        assert_eq!(
            snapshot(tmp.path()),
            before,
            "{damage}: the folder was changed"
        );
        assert_mentions(&m, &["error: sweep-out/", "--force"]);
        assert_catalogued(&m);
        messages.push(m);
    }
    assert_mentions(&messages[0], &["sweep-out/checkpoint.json: csv_bytes = 0"]);
    assert_mentions(
        &messages[1],
        &["sweep-out/sweep_runs.csv: bytes 0..", "(rows 1..16)"],
    );
}

#[test]
fn merging_a_damaged_shard_is_refused_and_writes_nothing() {
    let tmp = TempDir::new().unwrap();
    catalogue_sweep(tmp.path(), "shard0", &["--shard", "0/2"]);
    catalogue_sweep(tmp.path(), "shard1", &["--shard", "1/2"]);
    flip_last_digit(&tmp.path().join("shard1/sweep_runs.csv"));
    let before = snapshot(tmp.path());
    let o = peacesim(
        tmp.path(),
        &["merge", "shard0", "shard1", "--quiet", "--out", "merged"],
    );
    assert_status(&o, 2, "merge of a damaged shard");
    let m = stderr(&o);
    assert_mentions(
        &m,
        &[
            "shard1/sweep_runs.csv: bytes 0..",
            "nothing was written",
            "--force",
        ],
    );
    assert!(
        !tmp.path().join("merged").exists(),
        "an output folder was made"
    );
    assert_eq!(snapshot(tmp.path()), before, "files were written");
    assert_catalogued(&m);
}

#[test]
fn a_number_too_large_for_finite_output_is_refused() {
    rejected(
        "run",
        &edited("[trust]", "[world]\nviolence_scale = 1e156\n\n[trust]"),
        &["field `world.violence_scale` = 1e156", "from 0 to 1000000"],
    );
}

#[test]
fn control_characters_in_a_name_are_refused() {
    let m = rejected(
        "check",
        &edited("name = \"State A\"", "name = \"State A\\u001b[2J\""),
        &[
            "field `third_parties[1].name` = \"State A\\u{1b}[2J\"",
            "control or invisible formatting characters (found U+001B)",
        ],
    );
    assert!(!m.contains('\u{1b}'), "{m:?}");
}

#[test]
fn sweep_values_invalid_together_are_refused_by_check() {
    let text = format!(
        "{MY_TOML}{SWEEP_TABLE}\n[[sweep.parameters]]\npath = \"rotation.posting_jitter_months\"\n\
         values = [12, 30]\n"
    );
    rejected(
        "check",
        &text,
        &[
            "field `sweep` = a point of the design",
            "at the sweep point rotation.posting_months = 24, rotation.posting_jitter_months = 30",
        ],
    );
}

#[test]
fn a_sobol_base_sample_size_that_is_not_a_power_of_two_is_refused() {
    let table = "\n[sweep]\ndesign = \"sobol\"\nsamples = 1000\nreplicates = 4\n\n\
                 [[sweep.parameters]]\npath = \"rotation.posting_months\"\nmin = 12\nmax = 60\n\n\
                 [[sweep.parameters]]\npath = \"trust.build_rate\"\nmin = 0.01\nmax = 0.1\n";
    rejected(
        "check",
        &format!("{MY_TOML}{table}"),
        &[
            "field `sweep.samples` = 1000",
            "a power of two from 16 to 65536",
            "e.g. 1024",
            "N·(k + 2) = 4000 points",
        ],
    );
}

#[test]
fn sweep_values_of_the_wrong_sort_or_names_not_allowed_are_refused() {
    let swept = |path: &str, values: &str| {
        format!("{MY_TOML}{SWEEP_TABLE}").replace(
            "path = \"rotation.posting_months\"\nvalues = [24, 36]",
            &format!("path = \"{path}\"\nvalues = {values}"),
        )
    };
    rejected(
        "sweep",
        &swept("third_parties.diplomat.favours", "[\"none\", \"Rebels\"]"),
        &[
            "bad.toml:40:10: field `sweep.parameters[0].values`: ",
            "third_parties.diplomat.favours = \"Rebels\": ",
            "\"none\" (impartial) or one of: Government, Armed Group",
        ],
    );
    rejected(
        "check",
        &swept("mechanisms.trust", "[1, 0]"),
        &[
            "field `sweep.parameters[0].values`: mechanisms.trust = 1: ",
            "values = [true, false]",
        ],
    );
    rejected(
        "check",
        &swept("experiment.regimes", "[\"competitive\", \"network\"]"),
        &[
            "field `sweep.parameters[0].path` = \"experiment.regimes\": ",
            "the set of regimes cannot be swept",
        ],
    );
}

#[cfg(unix)]
#[test]
fn a_scenario_file_that_is_not_a_regular_file_is_refused() {
    let tmp = TempDir::new().unwrap();
    let fifo = tmp.path().join("fifo.toml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let o = peacesim(tmp.path(), &["check", "fifo.toml"]);
    assert_status(&o, 2, "check");
    let message = stderr(&o);
    assert_mentions(&message, &["error: fifo.toml: ", "not a regular file"]);
    assert_catalogued(&message);
}

#[test]
fn a_record_level_that_does_not_exist_lists_the_levels() {
    rejected(
        "run",
        &edited(
            "regimes = [\"competitive\", \"hierarchical\"]\n",
            "regimes = [\"competitive\", \"hierarchical\"]\nrecord = \"daily\"\n",
        ),
        &[
            "field `experiment.record`",
            "line 7",
            "unknown variant `daily`",
            "`monthly`, `agents`",
        ],
    );
}

/// `my.toml` listing the strategy `friends` and defining it with `table` (entries 32 and 33).
fn with_strategy(table: &str) -> String {
    edited(
        "regimes = [\"competitive\", \"hierarchical\"]",
        "regimes = [\"competitive\", \"friends\"]",
    ) + "\n[strategies.friends]\n"
        + table
}

#[test]
fn a_strategy_setting_misspelt_out_of_range_or_for_another_structure_is_named() {
    rejected(
        "run",
        &with_strategy("structure = \"led\"\nlead_capcity = 3\n"),
        &[
            "field `strategies.friends.lead_capcity`",
            "line 36",
            "unknown field `lead_capcity`",
            "did you mean `lead_capacity`?",
        ],
    );
    rejected(
        "run",
        &with_strategy("structure = \"network\"\nlead = \"rotating\"\nconsultation = 1.5\n"),
        &[
            "field `strategies.friends.lead` = \"rotating\"",
            "applies only to structure = \"led\", not to structure = \"network\"",
            "field `strategies.friends.consultation` = 1.5: must be a number from 0 to 1",
        ],
    );
}

#[test]
fn a_strategys_lead_or_member_that_does_not_exist_lists_the_names() {
    rejected(
        "check",
        &with_strategy(
            "structure = \"led\"\nlead = \"UN Envoi\"\nmembers = [\"UN Envoy\", \"State A\"]\n",
        ),
        &[
            "field `strategies.friends.lead` = \"UN Envoi\"",
            "must be highest_mandate, rotating, insider or a third party: UN Envoy, State A",
            "did you mean `UN Envoy`?",
        ],
    );
    rejected(
        "check",
        &with_strategy("members = [\"UN Envoy\", \"State B\"]\n"),
        &[
            "field `strategies.friends.members[1]` = \"State B\"",
            "did you mean `State A`?",
        ],
    );
    rejected(
        "check",
        &format!("{MY_TOML}\n[strategies.hierarchical]\nstructure = \"led\"\nlead = \"insider\"\n"),
        &[
            "field `strategies.hierarchical` = \"hierarchical\": is the name of a built-in regime",
            "an insider-led process needs a third party of kind = \"insider\"",
        ],
    );
}

/// The benchmark suite of docs/ERRORS.md, entries 34 and 35.
const SUITE_TOML: &str = "[benchmark]\nstrategies = [\"competitive\", \"hierarchical\"]\n\
replicates = 4\nseed = 1\nsampled = 2\n\n[[benchmark.ranges]]\npath = \
\"rotation.posting_months\"\nmin = 12\nmax = 60\n";

fn catalogue_benchmark(dir: &Path, file: &str, out: &str, extra: &[&str]) {
    let mut args = vec!["benchmark", file, "--quiet", "--no-plots", "--out", out];
    args.extend_from_slice(extra);
    let o = peacesim(dir, &args);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn resuming_a_different_benchmark_or_another_shard_is_refused_and_changes_nothing() {
    let tmp = TempDir::new().unwrap();
    assert!(
        CATALOGUE.contains(SUITE_TOML.trim_end()),
        "docs/ERRORS.md must show suite.toml exactly as these tests use it"
    );
    fs::write(tmp.path().join("suite.toml"), SUITE_TOML).unwrap();
    fs::write(
        tmp.path().join("suite2.toml"),
        SUITE_TOML.replace("seed = 1", "seed = 2"),
    )
    .unwrap();
    catalogue_benchmark(tmp.path(), "suite.toml", "bench-out", &[]);
    let before = snapshot(tmp.path());
    let cases: [(&[&str], &[&str]); 4] = [
        (
            &["suite2.toml", "--resume", "--out", "bench-out"],
            &["bench-out", "holds a different benchmark", "--force"],
        ),
        (
            &[
                "suite.toml",
                "--resume",
                "--shard",
                "1/2",
                "--out",
                "bench-out",
            ],
            &["holds the whole benchmark, not shard 1/2"],
        ),
        (
            &["suite.toml", "--resume", "--out", "nothing-here"],
            &["no benchmark to resume here"],
        ),
        (
            &["suite.toml", "--shard", "2/2", "--out", "x"],
            &["--shard \"2/2\"", "i/N"],
        ),
    ];
    for (args, needles) in cases {
        let mut all = vec!["benchmark", "--quiet"];
        all.extend_from_slice(args);
        let o = peacesim(tmp.path(), &all);
        assert_status(&o, 2, &format!("benchmark {args:?}"));
        let m = stderr(&o);
        assert_mentions(&m, needles);
        assert_eq!(snapshot(tmp.path()), before, "{args:?}: files were changed");
        assert_catalogued(&m);
    }
}

#[test]
fn merging_a_damaged_or_mismatched_benchmark_shard_is_refused_and_writes_nothing() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("suite.toml"), SUITE_TOML).unwrap();
    fs::write(
        tmp.path().join("suite2.toml"),
        SUITE_TOML.replace("seed = 1", "seed = 2"),
    )
    .unwrap();
    catalogue_benchmark(tmp.path(), "suite.toml", "shard0", &["--shard", "0/2"]);
    catalogue_benchmark(tmp.path(), "suite.toml", "shard1", &["--shard", "1/2"]);
    catalogue_benchmark(tmp.path(), "suite2.toml", "other1", &["--shard", "1/2"]);
    // The last digit of the last row (its relapse month may be empty).
    let csv = tmp.path().join("shard1/benchmark_runs.csv");
    let mut bytes = fs::read(&csv).unwrap();
    let at = bytes.iter().rposition(u8::is_ascii_digit).unwrap();
    bytes[at] = if bytes[at] == b'7' { b'8' } else { b'7' };
    fs::write(&csv, bytes).unwrap();
    let before = snapshot(tmp.path());
    let cases: [(&[&str], &[&str]); 3] = [
        (
            &["shard0", "shard1"],
            &[
                "shard1/benchmark_runs.csv: bytes 0..",
                "nothing was written",
                "--force",
            ],
        ),
        (
            &["shard0", "other1"],
            &["other1: belongs to a different benchmark"],
        ),
        (&["shard0"], &["missing shard(s) 1/2"]),
    ];
    for (dirs, needles) in cases {
        let mut args = vec!["merge"];
        args.extend_from_slice(dirs);
        args.extend(["--quiet", "--out", "merged"]);
        let o = peacesim(tmp.path(), &args);
        assert_status(&o, 2, &format!("merge {dirs:?}"));
        let m = stderr(&o);
        assert_mentions(&m, needles);
        assert!(
            !tmp.path().join("merged").exists(),
            "an output folder was made"
        );
        assert_eq!(snapshot(tmp.path()), before, "files were written");
        assert_catalogued(&m);
    }
    // A manifest edited after the shard was written.
    let manifest = tmp.path().join("shard0/manifest.json");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replacen("\"replicates\": 4", "\"replicates\": 5", 1),
    )
    .unwrap();
    let o = peacesim(
        tmp.path(),
        &["merge", "shard0", "shard1", "--quiet", "--out", "merged"],
    );
    assert_status(&o, 2, "merge of an edited manifest");
    let m = stderr(&o);
    assert_mentions(&m, &["shard0: its manifest does not match its checkpoint"]);
    assert_catalogued(&m);
    assert!(
        !tmp.path().join("merged").exists(),
        "an output folder was made"
    );
}

#[test]
fn every_invalid_value_of_a_file_is_reported_at_once_numbered_with_line_and_column() {
    let text = edited("build_rate = 0.04", "build_rate = 1.5")
        .replacen("bias = 0.3", "bias = 1.3", 1)
        .replacen(
            "[[parties]]\nname = \"Government\"",
            "[[parties]]\nname = \"Government\"\ncapability = 2.0",
            1,
        )
        .replacen(
            "posting_jitter_months = 12.0",
            "posting_jitter_months = 40.0",
            1,
        );
    let m = rejected(
        "check",
        &text,
        &[
            "error: bad.toml: invalid scenario, 4 problems:\n",
            "\n  1. bad.toml:9:14: field `trust.build_rate` = 1.5: must be a number from 0 to 1",
            "\n  2. bad.toml:13:25: field `rotation.posting_jitter_months` = 40: ",
            "\n  3. bad.toml:20:14: field `parties.\"Government\".capability` = 2: ",
            "\n  4. bad.toml:33:8: field `third_parties.\"State A\".bias` = 1.3: ",
        ],
    );
    assert_eq!(m.lines().count(), 5, "{m}");
}

#[test]
fn a_whole_number_out_of_range_states_the_range_validation_allows() {
    // Not the range of the Rust type (0 to 4294967295), but the model's: 1 to 6000 months.
    let text = edited("[trust]", "[world]\nhorizon_months = -5\n\n[trust]");
    let m = rejected(
        "check",
        &text,
        &[
            "field `world.horizon_months`: line 9: invalid value: integer `-5`: ",
            "must be from 1 to 6000 months",
        ],
    );
    assert!(!m.contains("4294967295"), "{m}");
    let text = edited("[trust]", "[world]\nhorizon_months = 2.5\n\n[trust]");
    let m = rejected(
        "check",
        &text,
        &["floating point `2.5`, expected a whole number: must be from 1 to 6000 months"],
    );
    assert!(!m.contains("4294967295"), "{m}");
}
