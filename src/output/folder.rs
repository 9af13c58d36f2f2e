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
    /// Checks that `target` may be replaced and creates the staging folder beside it.
    pub fn create(target: &Path, force: bool) -> Result<Self> {
        check_replaceable(target, force)?;
        let name = target
            .file_name()
            .with_context(|| format!("{}: not a folder name", target.display()))?
            .to_string_lossy()
            .into_owned();
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
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
        let had_old = self.target.exists();
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
        if let Some(parent) = self.target.parent() {
            sync_dir(parent);
        }
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

fn sync_dir(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        f.sync_all().ok();
    }
}

/// Refuses a target that is a symlink, a file, or a folder peacesim did not write.
pub(crate) fn check_replaceable(target: &Path, force: bool) -> Result<()> {
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
