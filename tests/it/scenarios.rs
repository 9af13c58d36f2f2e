//! Every scenario shipped in `scenarios/` passes `check` and runs.

use std::process::Command;

#[test]
fn every_scenario_checks_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut seen = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        seen += 1;
        let file = path.to_str().unwrap();
        let out = dir.path().join(path.file_stem().unwrap());
        let check = Command::new(env!("CARGO_BIN_EXE_peacesim"))
            .args(["check", file])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let run = Command::new(env!("CARGO_BIN_EXE_peacesim"))
            .args([
                "run",
                file,
                "--replicates",
                "8",
                "--no-plots",
                "-q",
                "--out",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
        assert!(runs.lines().count() > 8, "{file}: runs.csv has no rows");
    }
    assert!(seen >= 6, "expected the shipped scenarios, found {seen}");
}
