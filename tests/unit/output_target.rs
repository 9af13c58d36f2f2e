//! Unit tests of `output::target` (`src/output/target.rs`).

use peacesim::output::target::*;
use std::path::{Path, PathBuf};

#[test]
fn normalize_drops_dots_and_trailing_slashes() {
    for (from, to) in [
        ("out/", "out"),
        ("out//", "out"),
        ("./out/.", "out"),
        ("a/../out", "out"),
        ("../out", "../out"),
        ("../../x/..", "../.."),
        (".", ""),
        ("a/..", ""),
        ("/..", "/"),
        ("/a/b/../c/", "/a/c"),
    ] {
        assert_eq!(normalize(Path::new(from)), PathBuf::from(to), "{from}");
    }
}

#[test]
fn a_holder_is_described_from_its_lock_file() {
    assert_eq!(
        describe_holder("12\npeacesim sweep a.toml\n"),
        "process 12: peacesim sweep a.toml"
    );
    assert_eq!(describe_holder("12\n"), "process 12");
    assert_eq!(describe_holder(""), "a process that is just starting");
}
