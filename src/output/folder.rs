//! Output folders that are replaced whole or not at all.
//!
//! Files are written into a hidden staging folder beside the target; only when every file is
//! written and synced is the old folder moved aside and the new one renamed into place. A
//! failure at any point leaves the previous results untouched. A folder peacesim did not create
//! (it lacks the marker file) is never replaced unless the user passes `--force`.

use anyhow::{Context, Result, bail};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Marks a folder as written by peacesim, so a later run may replace it.
pub const MARKER: &str = ".peacesim-output";

/// A staging folder that becomes `target` on [`StagedDir::commit`].
#[derive(Debug)]
pub struct StagedDir {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl StagedDir {
    /// Checks that `target` may be replaced and creates the staging folder beside it. First
    /// it puts right what a killed peacesim left beside `target` (see [`recover`]).
    pub fn create(target: &Path, force: bool) -> Result<Self> {
        // `out/` names `out` itself; with the slash, `out` if a link would be followed.
        let target: &Path = &target.components().collect::<PathBuf>();
        let name = target
            .file_name()
            .with_context(|| format!("{}: not a folder name", target.display()))?
            .to_string_lossy()
            .into_owned();
        let parent = parent_of(target);
        recover(&parent, &name, target);
        check_replaceable(target, force)?;
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).ok();
        }
        fs::create_dir(&staging)
            .with_context(|| format!("cannot create the folder {}", staging.display()))?;
        let dir = Self {
            target: target.to_path_buf(),
            staging,
            committed: false,
        };
        dir.write_file(
            MARKER,
            b"written by peacesim; safe to delete with its folder\n",
        )?;
        Ok(dir)
    }

    /// The staging folder itself.
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// Path of a file inside the staging folder.
    pub fn path(&self, file: &str) -> PathBuf {
        self.staging.join(file)
    }

    /// Writes and syncs a whole file in the staging folder.
    pub fn write_file(&self, file: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(file);
        let mut f =
            fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Moves the staged folder into place, replacing any previous results whole.
    pub fn commit(mut self) -> Result<PathBuf> {
        sync_dir(&self.staging);
        let old = self.target.with_file_name(format!(
            ".{}.old-{}",
            self.target
                .file_name()
                .unwrap_or_default()
                .to_string_lossy(),
            std::process::id()
        ));
        let had_old = fs::symlink_metadata(&self.target).is_ok();
        // Best: swap the two folders in one atomic step, so that at every instant the target
        // holds either the old results or the new ones.
        if had_old && exchange(&self.staging, &self.target).is_ok() {
            self.committed = true;
            // The staging path now holds the old results.
            fs::remove_dir_all(&self.staging).ok();
            sync_dir(&parent_of(&self.target));
            return Ok(self.target.clone());
        }
        // Otherwise two renames; a process killed between them leaves the old results in
        // `.NAME.old-PID`, which the next command moves back (see `recover`).
        if had_old {
            fs::rename(&self.target, &old)
                .with_context(|| format!("cannot move the old {} aside", self.target.display()))?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            if had_old {
                fs::rename(&old, &self.target).ok();
            }
            return Err(e).with_context(|| format!("cannot create {}", self.target.display()));
        }
        self.committed = true;
        if had_old {
            fs::remove_dir_all(&old).ok();
        }
        sync_dir(&parent_of(&self.target));
        Ok(self.target.clone())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            fs::remove_dir_all(&self.staging).ok();
        }
    }
}

/// Swaps two paths atomically (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Elsewhere there is no atomic exchange; the caller falls back to two renames.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// The folder holding `target` (`.` for a bare name).
fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether the process with this id is gone (Linux: no `/proc/<pid>`).
fn process_gone(pid: u32) -> bool {
    pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists()
}

/// Puts right what a peacesim killed while replacing `target` left beside it: if `target` is
/// missing because the process died between moving the old results aside and moving the new
/// ones in, the old results (`.NAME.old-PID`) are moved back; leftover staging folders
/// (`.NAME.partial-PID`) and old results of dead processes are removed. Only folders that
/// carry peacesim's marker are touched.
pub(crate) fn recover(parent: &Path, name: &str, target: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let (old_prefix, partial_prefix) = (format!(".{name}.old-"), format!(".{name}.partial-"));
    let mut leftovers: Vec<(PathBuf, bool)> = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let (is_old, pid) = if let Some(pid) = file.strip_prefix(&old_prefix) {
            (true, pid)
        } else if let Some(pid) = file.strip_prefix(&partial_prefix) {
            (false, pid)
        } else {
            continue;
        };
        let path = entry.path();
        let ours =
            fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) && path.join(MARKER).exists();
        if ours && pid.parse::<u32>().is_ok_and(process_gone) {
            leftovers.push((path, is_old));
        }
    }
    leftovers.sort();
    for (path, is_old) in leftovers {
        if is_old && fs::symlink_metadata(target).is_err() && fs::rename(&path, target).is_ok() {
            sync_dir(parent);
            continue;
        }
        fs::remove_dir_all(&path).ok();
    }
}

fn sync_dir(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        f.sync_all().ok();
    }
}

/// Refuses a target that is a symlink, a file, or a folder peacesim did not write.
pub(crate) fn check_replaceable(target: &Path, force: bool) -> Result<()> {
    // A trailing slash would make the checks below follow a link.
    let target: &Path = &target.components().collect::<PathBuf>();
    // The folder that will hold the results must not be reached through a link either: a
    // linked `output/` would send results, and the replacement of old ones, elsewhere.
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty())
        && fs::symlink_metadata(parent).is_ok_and(|m| m.file_type().is_symlink())
    {
        bail!(
            "{}: the folder holding the output is a symbolic link; peacesim does not write \
             through links. Choose another --out folder.",
            parent.display()
        );
    }
    let Ok(meta) = fs::symlink_metadata(target) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        bail!(
            "{}: the output path is a symbolic link; peacesim does not write through links. \
             Choose another --out folder.",
            target.display()
        );
    }
    if !meta.is_dir() {
        bail!(
            "{}: exists and is not a folder. Choose another --out folder.",
            target.display()
        );
    }
    if !force && !target.join(MARKER).exists() {
        let empty = fs::read_dir(target)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            bail!(
                "{}: exists and was not written by peacesim; refusing to replace it. \
                 Choose another --out folder, or pass --force to replace it.",
                target.display()
            );
        }
    }
    Ok(())
}
