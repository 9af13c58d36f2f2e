//! The output folder of a command: `--out` resolved, checked and locked once, before any work.
//!
//! Every command that writes results (`run`, `trace`, `sweep`, `merge`, `validate`) calls
//! [`claim`] before it simulates anything. The rules:
//!
//! - **The path is resolved first.** Trailing slashes and `.` are dropped; `..` is resolved
//!   against the folders before it. Relative paths start from the current folder (its real
//!   path). Every component of the path that exists (the target, its parent, any ancestor, as
//!   far up as the path goes) must be a real folder, not a symbolic link: peacesim never writes
//!   through a link, nor deletes through one. A path through a link is refused, naming the link
//!   and where it leads; the user may give the real path instead.
//! - **Some folders are never replaced**, with or without `--force`: the file system root, the
//!   current folder and any folder holding it (`.`, `..`), the home folder (`$HOME`) and any
//!   folder holding it, and any folder holding (at any depth) an input of the command: the
//!   scenario file, or the shard folders a merge reads.
//! - **One process at a time per output folder.** The lock is a file beside the target, in its
//!   parent: `.NAME.lock` for the folder `NAME`. It lives outside the target so that it exists
//!   before the target is replaced and survives the atomic swap of the old folder for the new.
//!   The process holds an advisory `flock` on it for the command's whole life and writes its
//!   process id and command line into it, so that a second command is refused with a message
//!   naming the first. The kernel releases the lock when its process ends, however it ends, so
//!   a lock file left by a killed process is no obstacle: the next command takes it over. A
//!   command that ends normally removes its lock file.
//!
//! These checks guard against mistakes, not against someone swapping a folder for a link
//! between the check and the write.
//!
//! What remains is checked where the folder is replaced ([`super::StagedDir`]): a folder
//! peacesim did not write (no `.peacesim-output` marker) and that is not empty is replaced only
//! with `--force`.

use anyhow::{Context, Result, bail};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Component, Path, PathBuf};

/// An input of the command that its output folder may not hold.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub path: &'a Path,
    /// What it is, for the message: "the scenario file", "the shard folder".
    pub what: &'a str,
}

/// A resolved, checked output folder, locked for as long as this value lives.
#[derive(Debug)]
pub struct OutputTarget {
    path: PathBuf,
    _lock: OutputLock,
}

impl OutputTarget {
    /// The folder to write: the `--out` path without trailing slashes, `.` or `..`.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// `path` without `.` components or trailing slashes, `..` resolved against the named folder
/// before it (leading `..` are kept). Purely lexical: call it on paths whose existing
/// components are known not to be links.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Resolves `out`, refuses the folders that may never be replaced (see the module's rules),
/// creates the folder that will hold it and takes its lock. Nothing is deleted here.
pub fn claim(out: &Path, inputs: &[Input]) -> Result<OutputTarget> {
    let shown = out.display();
    let cwd = std::env::current_dir()
        .context("cannot tell which folder is the current one (was it deleted?)")?;
    // The real absolute path, component by component; no existing component may be a link.
    let mut real = if out.is_absolute() {
        PathBuf::new()
    } else {
        cwd.clone()
    };
    let mut written = PathBuf::new();
    let components: Vec<Component> = out.components().collect();
    for (i, c) in components.iter().enumerate() {
        let last = components[i + 1..]
            .iter()
            .all(|c| matches!(c, Component::CurDir));
        match *c {
            Component::CurDir => {}
            Component::ParentDir => {
                // What is above is a real folder (or does not exist), so `..` is its parent.
                real.pop();
                written.push("..");
            }
            Component::Normal(name) => {
                real.push(name);
                written.push(name);
                if fs::symlink_metadata(&real).is_ok_and(|m| m.file_type().is_symlink()) {
                    let actual = fs::read_link(&real)
                        .map(|p| format!(" (to {})", p.display()))
                        .unwrap_or_default();
                    if last {
                        bail!(
                            "{shown}: the output path is a symbolic link{actual}. peacesim does \
                             not write through links; choose another --out folder."
                        );
                    }
                    bail!(
                        "{shown}: {} is a symbolic link{actual}. peacesim does not write through \
                         links at any depth of the path; give the real path, or choose another \
                         --out folder.",
                        written.display()
                    );
                }
            }
            other => {
                real.push(other.as_os_str());
                written.push(other.as_os_str());
            }
        }
    }
    let path = normalize(out);
    if real.parent().is_none() {
        bail!(
            "{shown}: is the root of the file system; peacesim never replaces it, even with \
             --force. Choose another --out folder."
        );
    }
    if cwd.starts_with(&real) {
        let what = if cwd == real {
            "is the current folder"
        } else {
            "holds the current folder"
        };
        bail!(
            "{shown}: {what}; peacesim never replaces it, even with --force, since everything \
             in it would be deleted. Choose another --out folder, such as a new subfolder."
        );
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        let home = PathBuf::from(home);
        let home = fs::canonicalize(&home).unwrap_or_else(|_| normalize(&cwd.join(&home)));
        if home.starts_with(&real) {
            let what = if home == real {
                "is your home folder"
            } else {
                "holds your home folder"
            };
            bail!(
                "{shown}: {what}; peacesim never replaces it, even with --force. Choose another \
                 --out folder, such as a new subfolder."
            );
        }
    }
    for input in inputs {
        let Ok(input_real) = fs::canonicalize(input.path) else {
            continue;
        };
        if input_real.starts_with(&real) {
            bail!(
                "{shown}: holds {} {} this command reads; peacesim never replaces it, even \
                 with --force. Choose another --out folder.",
                input.what,
                input.path.display()
            );
        }
    }
    let Some(name) = path.file_name() else {
        // Only `..` chains are left here, and they hold the current folder (refused above).
        bail!("{shown}: not a folder name; choose another --out folder.");
    };
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create the folder {}", parent.display()))?;
    let lock = OutputLock::acquire(
        &path.with_file_name(format!(".{}.lock", name.to_string_lossy())),
        &path,
    )?;
    Ok(OutputTarget { path, _lock: lock })
}

/// An advisory lock on an output folder: `flock` on `.NAME.lock` beside it, removed on drop.
#[derive(Debug)]
struct OutputLock {
    path: PathBuf,
    file: File,
}

impl OutputLock {
    fn acquire(path: &Path, target: &Path) -> Result<Self> {
        // A holder removes its lock file when it ends; a process that opened the file just
        // before then may lock a file that no longer has a name. Then it tries again.
        for _ in 0..100 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .with_context(|| format!("cannot create the lock file {}", path.display()))?;
            // SAFETY: a valid open file descriptor; flock does not touch memory.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                let err = std::io::Error::last_os_error();
                if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
                    let mut text = String::new();
                    file.read_to_string(&mut text).ok();
                    bail!(
                        "{}: another peacesim is writing to this folder ({}); wait for it to \
                         end, or choose another --out folder. (Its lock: {}.)",
                        target.display(),
                        describe_holder(&text),
                        path.display()
                    );
                }
                return Err(err).with_context(|| format!("cannot lock {}", path.display()));
            }
            let same = match (fs::metadata(path), file.metadata()) {
                (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
                _ => false,
            };
            if !same {
                continue;
            }
            let command: Vec<String> = std::env::args().collect();
            file.set_len(0)
                .and_then(|_| file.rewind())
                .and_then(|_| {
                    writeln!(
                        file,
                        "{}\n{}",
                        std::process::id(),
                        command.join(" ").replace('\n', " ")
                    )
                })
                .with_context(|| format!("cannot write the lock file {}", path.display()))?;
            return Ok(Self {
                path: path.to_path_buf(),
                file,
            });
        }
        bail!(
            "{}: cannot lock {}: its lock file keeps changing; is another peacesim starting \
             and ending over and over?",
            target.display(),
            path.display()
        )
    }
}

/// "process 1234: peacesim sweep …" from a lock file's text.
#[doc(hidden)]
pub fn describe_holder(text: &str) -> String {
    let mut lines = text.lines();
    match (lines.next().map(str::trim), lines.next().map(str::trim)) {
        (Some(pid), Some(cmd)) if !pid.is_empty() && !cmd.is_empty() => {
            format!("process {pid}: {cmd}")
        }
        (Some(pid), _) if !pid.is_empty() => format!("process {pid}"),
        _ => "a process that is just starting".to_string(),
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Remove the file while still holding the lock, and only if it is still ours.
        let ours = match (fs::metadata(&self.path), self.file.metadata()) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        };
        if ours {
            fs::remove_file(&self.path).ok();
        }
        // Closing the file (after this) releases the lock.
    }
}
