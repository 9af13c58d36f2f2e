//! Build information recorded in every manifest.json (`peacesim::output::BuildInfo`): the git
//! commit the binary was built from and whether the files it is built from differed from it,
//! rustc's version, the target triple and the profile.
//!
//! The commit is read only when the package folder is a git checkout (it holds `.git`) and
//! `git` runs; from a tarball, a crate registry or without git it is "unknown", silently: the
//! build never fails for want of git.

use std::path::Path;
use std::process::Command;

/// What the binary is built from: a change to one of these (tracked by git) makes the build
/// "dirty", and makes cargo run this script again.
const SOURCES: [&str; 5] = ["src", "scenarios", "build.rs", "Cargo.toml", "Cargo.lock"];

fn run(program: &str, args: &[&str], dir: &Path) -> Option<String> {
    let out = Command::new(program)
        // `git status` otherwise rewrites `.git/index` to refresh its cached file times (always
        // in a fresh clone), after this script ran: cargo then sees the index newer than the
        // script's output, and the next cargo command (say `cargo test --release` after
        // `cargo build --release`) ran the script again and compiled the whole library again.
        .env("GIT_OPTIONAL_LOCKS", "0")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let dir = Path::new(&dir);
    for source in SOURCES {
        println!("cargo:rerun-if-changed={source}");
    }
    let mut commit = None;
    let mut dirty = None;
    // Only this package's own checkout: not a repository that happens to hold an unpacked copy.
    if dir.join(".git").exists()
        && let Some(head) = run("git", &["rev-parse", "HEAD"], dir)
        && head.len() == 40
        && head.chars().all(|c| c.is_ascii_hexdigit())
    {
        let mut args = vec!["status", "--porcelain", "--untracked-files=no", "--"];
        args.extend(SOURCES);
        dirty = run("git", &args, dir).map(|changes| !changes.is_empty());
        commit = Some(head);
        // A new commit, checkout or staged change runs this script again.
        for (flag, files) in [
            ("--git-dir", &["HEAD", "index"][..]),
            ("--git-common-dir", &["packed-refs", "refs/heads"][..]),
        ] {
            if let Some(git_dir) = run("git", &["rev-parse", flag], dir) {
                let git_dir = dir.join(git_dir);
                for f in files {
                    if git_dir.join(f).exists() {
                        println!("cargo:rerun-if-changed={}", git_dir.join(f).display());
                    }
                }
            }
        }
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let rustc_version = run(&rustc, &["--version"], dir);
    let env = |name: &str| std::env::var(name).unwrap_or_else(|_| "unknown".into());
    println!(
        "cargo:rustc-env=PEACESIM_GIT_COMMIT={}",
        commit.as_deref().unwrap_or("unknown")
    );
    println!(
        "cargo:rustc-env=PEACESIM_GIT_DIRTY={}",
        match dirty {
            Some(true) => "true",
            Some(false) => "false",
            None => "unknown",
        }
    );
    println!(
        "cargo:rustc-env=PEACESIM_RUSTC_VERSION={}",
        rustc_version.as_deref().unwrap_or("unknown")
    );
    println!("cargo:rustc-env=PEACESIM_TARGET={}", env("TARGET"));
    println!("cargo:rustc-env=PEACESIM_PROFILE={}", env("PROFILE"));
}
