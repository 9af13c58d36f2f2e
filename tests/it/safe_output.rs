//! Output never goes where it should not: no path tricks in scenario names, no writing through
//! symbolic links, no replacing folders peacesim did not write.

use std::fs;
use std::os::unix::fs::symlink;
use std::process::{Command, Output};

fn peacesim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_peacesim"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn scenario_names_cannot_leave_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "../escape",
        "/etc/x",
        "a/b",
        "..",
        "a\\\\b",
        "",
        "name with space",
    ] {
        let text = peacesim::scenario::BASELINE_TOML
            .replace("name = \"baseline\"", &format!("name = \"{name}\""));
        let file = dir.path().join("s.toml");
        fs::write(&file, text).unwrap();
        let o = peacesim(&["check", file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{name:?} accepted");
        assert!(String::from_utf8_lossy(&o.stderr).contains("scenario.name"));
    }
}

#[test]
fn links_in_the_output_path_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(elsewhere.join("precious.txt"), "keep me").unwrap();
    // The target itself is a link to a folder.
    let link = dir.path().join("link");
    symlink(&elsewhere, &link).unwrap();
    let o = peacesim(&[
        "run",
        "--replicates",
        "3",
        "--out",
        link.to_str().unwrap(),
        "-q",
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("symbolic link"));
    // The folder holding the target is a link.
    let through = link.join("results");
    let o = peacesim(&[
        "run",
        "--replicates",
        "3",
        "--out",
        through.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let entries: Vec<_> = fs::read_dir(&elsewhere).unwrap().collect();
    assert_eq!(entries.len(), 1, "something was written through the link");
    assert_eq!(
        fs::read_to_string(elsewhere.join("precious.txt")).unwrap(),
        "keep me"
    );
    // Sweeps refuse too.
    let sweep = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/sweep_rotation.toml");
    let o = peacesim(&[
        "sweep",
        sweep,
        "--out",
        link.to_str().unwrap(),
        "-q",
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(elsewhere.join("precious.txt").exists());
}
