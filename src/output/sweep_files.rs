//! Sweep output: `sweep_runs.csv` streamed with checkpoints (resumable after a crash),
//! `sweep_summary.csv` and `sensitivity.csv` computed from it, and the merge of shards.
//!
//! Crash safety: rows are appended and synced chunk by chunk; only then is `checkpoint.json`
//! replaced (write, sync, rename) with the number of units done and the byte length of the CSV
//! at that point. `--resume` truncates the CSV to that length and continues, so no row is lost,
//! cut or written twice, whatever instant the process died at.
//!
//! Integrity: the checkpoint also vouches for the bytes it covers, with a running FNV-1a 64-bit
//! checksum of the CSV's first `csv_bytes` bytes and up to [`MAX_MARKS`] intermediate
//! checksums (`marks`) at evenly spaced unit boundaries. Before `--resume` appends, before
//! `merge` writes anything and before a finished sweep is summarised, the folder is verified
//! ([`verify_sweep_runs`]): the checkpoint's own fields against the run plan, the header byte
//! for byte, every row's point, parameters, regime, replicate and seed against the plan, the
//! number of rows, and the checksums. Any difference is refused, naming the file and the byte
//! offset (and row) where it diverges.
//!
//! Memory: the summary stage holds, per sweep point, one [`Moments`] (24 bytes) per regime and
//! outcome (`points × regimes × 19 × 24` bytes, 1.4 KB a point with 3 regimes) besides the
//! plan's points: measured 1.1 KB a point with 3 regimes, 2 parameters and the 14 outcomes of
//! version 0.1 (about 1.5 GB at the maximum of 10^6 points with today's 19). That
//! is accepted (the figures and Morris effects need every point's means);
//! `sweep_summary.csv` itself is streamed to disk, never built in memory.

use super::folder::{StagedDir, check_replaceable};
use super::{fmt_opt, outcome_fields};
use crate::experiment::design::SweepPlan;
use crate::experiment::stats::Moments;
use crate::experiment::sweep::{CHUNK_UNITS, Shard, UnitResult};
use crate::experiment::{OUTCOMES, is_proportion, outcome_values};
use crate::model::RunOutcome;
use crate::model::random::run_seed;
use crate::output::RUNS_HEADER;
use crate::output::trajectories::{
    TRAJECTORIES, agents_header, recorded_files, trajectories_header,
};
use crate::scenario::Scenario;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub const SWEEP_RUNS: &str = "sweep_runs.csv";
pub const SWEEP_SUMMARY: &str = "sweep_summary.csv";
pub const SENSITIVITY: &str = "sensitivity.csv";
pub const CHECKPOINT: &str = "checkpoint.json";

/// The version of `checkpoint.json`'s layout this peacesim writes and reads.
pub const CHECKPOINT_FORMAT: u64 = 2;

/// At most this many intermediate checksums in a checkpoint (so it stays small and its rewrite
/// after every chunk cheap, however long the sweep).
pub const MAX_MARKS: usize = 64;

/// Progress of a sweep (or shard) folder, replaced atomically after every synced chunk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// [`CHECKPOINT_FORMAT`].
    pub format: u64,
    /// Fingerprint of the resolved scenario, sweep and regimes: resuming or merging needs the
    /// same one.
    pub spec_hash: String,
    pub shard_index: u64,
    pub shard_count: u64,
    /// Units (point × replicate) of this shard: `unit_start..unit_end`.
    pub unit_start: u64,
    pub unit_end: u64,
    /// Units done and synced.
    pub units_done: u64,
    /// Length of `sweep_runs.csv` holding exactly those units.
    pub csv_bytes: u64,
    /// FNV-1a 64-bit checksum of the first `csv_bytes` bytes of `sweep_runs.csv` (16 hex digits).
    pub csv_hash: String,
    /// All units done and every output written.
    pub complete: bool,
    /// The running checksum at every multiple of [`mark_stride`]`(units_done)` units strictly
    /// between 0 and `units_done`: where a damaged file first differs, to within a stride.
    pub marks: Vec<Mark>,
    /// The recorded trajectories (`experiment.record`), each holding exactly the units done:
    /// absent when nothing is recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recorded: Vec<RecordedFile>,
}

impl Checkpoint {
    /// The checkpoint of a folder just started: the runs file holds its header (`header_bytes`
    /// long, checksum `csv_hash`) and no unit is done.
    pub fn started(
        spec_hash: &str,
        shard: Shard,
        units: std::ops::Range<u64>,
        header_bytes: usize,
        csv_hash: String,
        recorded: Vec<RecordedFile>,
    ) -> Self {
        Self {
            format: CHECKPOINT_FORMAT,
            spec_hash: spec_hash.to_string(),
            shard_index: shard.index,
            shard_count: shard.count,
            unit_start: units.start,
            unit_end: units.end,
            units_done: 0,
            csv_bytes: header_bytes as u64,
            csv_hash,
            complete: false,
            marks: Vec::new(),
            recorded,
        }
    }
}

/// A recorded file (`trajectories.csv`, `agents.csv`) at a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedFile {
    pub name: String,
    /// Its length holding exactly the units done.
    pub bytes: u64,
    /// FNV-1a 64-bit checksum of those bytes.
    pub hash: String,
}

/// The recorded files of a sweep of `scenario` with their headers (identifying columns point,
/// regime, replicate); empty when `experiment.record` is off.
pub fn sweep_recorded_headers(scenario: &Scenario) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let id = ["point", "regime", "replicate"];
    let level = scenario.experiment.record;
    let mut files = Vec::new();
    for &name in recorded_files(level) {
        let header = if name == TRAJECTORIES {
            trajectories_header(&id, scenario)?
        } else {
            agents_header(&id)?
        };
        files.push((name, header));
    }
    Ok(files)
}

/// The running checksum of `sweep_runs.csv` at a unit boundary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    /// Units done (counted from the shard's first unit) before this point of the file.
    pub units: u64,
    /// Bytes of the file before it.
    pub bytes: u64,
    /// FNV-1a 64-bit checksum of those bytes.
    pub hash: String,
}

/// The spacing of a checkpoint's marks, in units: `CHUNK_UNITS` doubled until at most
/// [`MAX_MARKS`] multiples of it lie strictly between 0 and `units_done`. A function of
/// `units_done` alone, so an interrupted and resumed sweep, an uninterrupted one and a merge
/// of shards all write the same marks.
pub fn mark_stride(units_done: u64) -> u64 {
    let mut stride = CHUNK_UNITS;
    while units_done.saturating_sub(1) / stride > MAX_MARKS as u64 {
        stride = stride.saturating_mul(2);
    }
    stride
}

/// A running 64-bit FNV-1a checksum (a few hundred MB/s to 0.7 GB/s; see output/README.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv64(pub u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    pub fn update(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }

    /// Parses 16 hex digits, as [`Fnv64::hex`] writes them.
    pub fn parse_hex(hex: &str) -> Option<Self> {
        Self::parse(hex)
    }

    fn parse(hex: &str) -> Option<Self> {
        (hex.len() == 16)
            .then(|| u64::from_str_radix(hex, 16).ok())
            .flatten()
            .map(Self)
    }
}

/// A 64-bit FNV-1a fingerprint, as 16 hex digits.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut h = Fnv64::default();
    h.update(bytes);
    h.hex()
}

/// Header of `sweep_runs.csv`: point, each parameter, then the columns of `runs.csv`.
pub fn sweep_runs_header(plan: &SweepPlan) -> Vec<String> {
    std::iter::once("point".to_string())
        .chain(plan.names.iter().cloned())
        .chain(RUNS_HEADER.iter().map(|s| s.to_string()))
        .collect()
}

fn read_checkpoint(dir: &Path) -> Result<Option<Checkpoint>> {
    read_checkpoint_of(dir, "sweep")
}

/// Reads `dir/checkpoint.json` of a `what` (sweep, benchmark) folder, if there is one.
pub(crate) fn read_checkpoint_of(dir: &Path, what: &str) -> Result<Option<Checkpoint>> {
    let path = dir.join(CHECKPOINT);
    if !path.exists() {
        return Ok(None);
    }
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let damaged = |e: serde_json::Error| {
        anyhow::anyhow!(
            "{}: damaged, or not a peacesim checkpoint ({e}). Run the {what} (or shard) again \
             with --force.",
            path.display()
        )
    };
    let value: serde_json::Value = serde_json::from_str(&text).map_err(damaged)?;
    let format = value.get("format").and_then(|f| f.as_u64()).unwrap_or(1);
    if format != CHECKPOINT_FORMAT {
        bail!(
            "{}: checkpoint format {format}, but this peacesim reads format {CHECKPOINT_FORMAT} \
             (with checksums): it was written by another version of peacesim. Run that {what} \
             again with --force.",
            path.display()
        );
    }
    let cp = serde_json::from_str(&text).map_err(damaged)?;
    Ok(Some(cp))
}

/// Writes a file whole, streamed by `fill`: temporary file, sync, rename, sync the folder.
pub fn write_atomic_with(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let tmp = dir.join(format!(".{name}.tmp"));
    let path = dir.join(name);
    {
        let f = File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        let mut w = BufWriter::with_capacity(1 << 16, f);
        fill(&mut w).with_context(|| format!("cannot write {}", tmp.display()))?;
        let f = w
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        f.sync_all()
            .with_context(|| format!("cannot write {}", tmp.display()))?;
    }
    fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    if let Ok(d) = File::open(dir) {
        d.sync_all().ok();
    }
    Ok(())
}

/// Writes a small file whole: temporary file, sync, rename, sync the folder.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let tmp = dir.join(format!(".{name}.tmp"));
    let path = dir.join(name);
    {
        let mut f =
            File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .with_context(|| format!("cannot write {}", tmp.display()))?;
    }
    fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    if let Ok(d) = File::open(dir) {
        d.sync_all().ok();
    }
    Ok(())
}

/// Streams a sweep's rows into its folder, chunk by chunk, with checkpoints.
pub struct SweepWriter {
    dir: PathBuf,
    file: File,
    checkpoint: Checkpoint,
    regimes: Vec<String>,
    /// The running checksum of the CSV written so far (`checkpoint.csv_hash`).
    hash: Fnv64,
    /// The recorded files, open for appending, with their running checksums, in the order of
    /// `checkpoint.recorded`.
    recorded: Vec<(File, Fnv64)>,
}

impl SweepWriter {
    /// Starts a fresh sweep folder. An existing folder is replaced only if peacesim wrote it
    /// and it does not hold an unfinished sweep (that needs `--resume`), or with `force`.
    pub fn start(
        dir: &Path,
        spec_hash: &str,
        shard: Shard,
        units: std::ops::Range<u64>,
        plan: &SweepPlan,
        regimes: Vec<String>,
        force: bool,
    ) -> Result<Self> {
        Self::start_recording(
            dir,
            spec_hash,
            shard,
            units,
            plan,
            regimes,
            force,
            Vec::new(),
        )
    }

    /// [`Self::start`], also creating the recorded files `recorded` (name, header), as
    /// [`sweep_recorded_headers`] gives them.
    #[allow(clippy::too_many_arguments)]
    pub fn start_recording(
        dir: &Path,
        spec_hash: &str,
        shard: Shard,
        units: std::ops::Range<u64>,
        plan: &SweepPlan,
        regimes: Vec<String>,
        force: bool,
        recorded: Vec<(&str, Vec<u8>)>,
    ) -> Result<Self> {
        check_replaceable(dir, force)?;
        if !force
            && let Some(cp) = read_checkpoint(dir).unwrap_or(None)
            && !cp.complete
        {
            bail!(
                "{}: holds an unfinished sweep ({} of {} units done). Pass --resume to continue \
                 it, or --force to start over.",
                dir.display(),
                cp.units_done,
                cp.unit_end - cp.unit_start
            );
        }
        // The new folder is staged beside the old one and swapped in whole (the old one is
        // deleted only then, and only after the checks above); a sweep killed before the swap
        // leaves the old folder as it was.
        let staged = StagedDir::create(dir, force)?;
        let mut header = csv::Writer::from_writer(Vec::new());
        header.write_record(sweep_runs_header(plan))?;
        let header = header.into_inner()?;
        let path = staged.path(SWEEP_RUNS);
        let mut file =
            File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        file.write_all(&header)?;
        file.sync_all()?;
        let mut hash = Fnv64::default();
        hash.update(&header);
        let mut files = Vec::new();
        let mut entries = Vec::new();
        for (name, header) in &recorded {
            let path = staged.path(name);
            let mut f =
                File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
            f.write_all(header)?;
            f.sync_all()?;
            let mut h = Fnv64::default();
            h.update(header);
            entries.push(RecordedFile {
                name: name.to_string(),
                bytes: header.len() as u64,
                hash: h.hex(),
            });
            files.push((f, h));
        }
        let checkpoint =
            Checkpoint::started(spec_hash, shard, units, header.len(), hash.hex(), entries);
        let mut writer = Self {
            dir: staged.dir().to_path_buf(),
            file,
            checkpoint,
            regimes,
            hash,
            recorded: files,
        };
        writer.save_checkpoint()?;
        // The open CSV moves with its folder.
        writer.dir = staged.commit()?;
        Ok(writer)
    }

    /// Reopens a sweep folder after an interruption: checks that it is the same sweep and
    /// shard, verifies every byte the checkpoint vouches for ([`verify_sweep_runs`]), and only
    /// then cuts the CSV back to the last checkpoint. A folder that fails a check is left as
    /// it was.
    pub fn resume(
        dir: &Path,
        spec_hash: &str,
        shard: Shard,
        plan: &SweepPlan,
        regimes: Vec<String>,
    ) -> Result<Self> {
        let Some(checkpoint) = read_checkpoint(dir)? else {
            bail!(
                "{}: no sweep to resume here (no {CHECKPOINT}). Run without --resume to start it.",
                dir.display()
            );
        };
        if checkpoint.spec_hash != spec_hash {
            bail!(
                "{}: holds a different sweep (fingerprint {} ≠ {spec_hash}): the scenario, the \
                 sweep or the regimes changed. Resume with the same file, or start over with \
                 --force.",
                dir.display(),
                checkpoint.spec_hash
            );
        }
        if (checkpoint.shard_index, checkpoint.shard_count) != (shard.index, shard.count) {
            bail!(
                "{}: holds shard {}/{}, not {}/{}",
                dir.display(),
                checkpoint.shard_index,
                checkpoint.shard_count,
                shard.index,
                shard.count
            );
        }
        let units = shard.units(plan.units());
        verify_sweep_runs(dir, &checkpoint, plan, &regimes, units, RESUME_REMEDY)?;
        verify_recorded(dir, &checkpoint, false, RESUME_REMEDY)?;
        let mut recorded = Vec::new();
        for r in &checkpoint.recorded {
            let path = dir.join(&r.name);
            let mut f = OpenOptions::new()
                .write(true)
                .open(&path)
                .with_context(|| format!("cannot reopen {}", path.display()))?;
            f.set_len(r.bytes)?;
            f.sync_all()?;
            f.seek(SeekFrom::End(0))?;
            let h = Fnv64::parse(&r.hash).context("checked by verify_recorded")?;
            recorded.push((f, h));
        }
        let path = dir.join(SWEEP_RUNS);
        let file = OpenOptions::new()
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot reopen {}", path.display()))?;
        file.set_len(checkpoint.csv_bytes)?;
        file.sync_all()?;
        let mut file = file;
        file.seek(SeekFrom::End(0))?;
        let hash = Fnv64::parse(&checkpoint.csv_hash).context("checked by verify_sweep_runs")?;
        Ok(Self {
            dir: dir.to_path_buf(),
            file,
            checkpoint,
            regimes,
            hash,
            recorded,
        })
    }

    /// Verifies the whole of `sweep_runs.csv` against the checkpoint (after the last chunk,
    /// before the folder is summarised and marked complete): it must be exactly the bytes the
    /// checkpoint vouches for.
    pub fn verify(&self, plan: &SweepPlan) -> Result<()> {
        let path = self.dir.join(SWEEP_RUNS);
        let len = fs::metadata(&path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .len();
        if len != self.checkpoint.csv_bytes {
            bail!(
                "{}: is {len} bytes long, but this sweep wrote {}: it was changed while the sweep \
                 ran. Run the sweep again with --force.",
                path.display(),
                self.checkpoint.csv_bytes
            );
        }
        let units = self.checkpoint.unit_start..self.checkpoint.unit_end;
        let remedy = "it was changed while the sweep ran. Run the sweep again with --force.";
        verify_sweep_runs(
            &self.dir,
            &self.checkpoint,
            plan,
            &self.regimes,
            units,
            remedy,
        )?;
        verify_recorded(&self.dir, &self.checkpoint, true, remedy)
    }

    /// The first unit not yet done.
    pub fn next_unit(&self) -> u64 {
        self.checkpoint.unit_start + self.checkpoint.units_done
    }

    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    fn save_checkpoint(&self) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(&self.checkpoint)?;
        write_atomic(&self.dir, CHECKPOINT, &bytes)
    }

    /// Appends a chunk's rows (synced), then records the checkpoint.
    pub fn write_chunk(&mut self, plan: &SweepPlan, results: &[UnitResult]) -> Result<()> {
        let mut rows = csv::Writer::from_writer(Vec::new());
        for u in results {
            let point = u.point.to_string();
            let params: Vec<String> = plan.labels(u.point);
            for (name, o) in self.regimes.iter().zip(&u.outcomes) {
                let mut record: Vec<String> =
                    Vec::with_capacity(4 + params.len() + super::OUTCOME_FIELDS);
                record.push(point.clone());
                record.extend(params.iter().cloned());
                record.push(name.clone());
                record.push(u.replicate.to_string());
                record.push(u.seed.to_string());
                record.extend(outcome_fields(o));
                rows.write_record(&record)?;
            }
        }
        let bytes = rows.into_inner()?;
        // The recorded rows first: a file longer than its checkpoint is cut back on resume.
        for (k, (file, hash)) in self.recorded.iter_mut().enumerate() {
            let entry = &mut self.checkpoint.recorded[k];
            let mut len = 0;
            for u in results {
                for r in &u.recorded {
                    let part = if k == 0 { &r.monthly } else { &r.agents };
                    file.write_all(part).with_context(|| {
                        format!("cannot write {}", self.dir.join(&entry.name).display())
                    })?;
                    hash.update(part);
                    len += part.len() as u64;
                }
            }
            file.sync_data()?;
            entry.bytes += len;
            entry.hash = hash.hex();
        }
        self.file.write_all(&bytes)?;
        self.file.sync_data()?;
        let cp = &mut self.checkpoint;
        if cp.units_done > 0 {
            cp.marks.push(Mark {
                units: cp.units_done,
                bytes: cp.csv_bytes,
                hash: cp.csv_hash.clone(),
            });
        }
        self.hash.update(&bytes);
        cp.units_done += results.len() as u64;
        cp.csv_bytes += bytes.len() as u64;
        cp.csv_hash = self.hash.hex();
        let stride = mark_stride(cp.units_done);
        cp.marks.retain(|m| m.units.is_multiple_of(stride));
        self.save_checkpoint()
    }

    /// Marks the folder complete (after every other output is written).
    pub fn finish(mut self) -> Result<Checkpoint> {
        self.checkpoint.complete = true;
        self.save_checkpoint()?;
        Ok(self.checkpoint)
    }
}

/// What to do about a damaged sweep folder met by `--resume` (or a finished sweep).
const RESUME_REMEDY: &str = "the folder was changed or damaged after peacesim wrote it, and was \
                             left as it is. Start the sweep over with --force.";
/// What to do about a damaged shard met by `merge`.
const MERGE_REMEDY: &str = "the shard was changed or damaged after peacesim wrote it; nothing \
                            was written. Run that shard again with --force.";

/// The bytes of `sweep_runs.csv`'s header for `plan`.
pub fn sweep_runs_header_bytes(plan: &SweepPlan) -> Result<Vec<u8>> {
    let mut header = csv::Writer::from_writer(Vec::new());
    header.write_record(sweep_runs_header(plan))?;
    Ok(header.into_inner()?)
}

/// What a checkpointed file of runs holds, for the checks sweeps and benchmarks share: its
/// name and header, and the key each row must carry. A unit (a sweep point × replicate, a
/// benchmark condition × replicate) is `rows_per_unit` consecutive rows.
pub struct RowLayout<'a> {
    /// The file: `sweep_runs.csv`, `benchmark_runs.csv`.
    pub file: &'a str,
    /// Its header, byte for byte.
    pub header: Vec<u8>,
    /// What the folder holds, in messages: `sweep`, `benchmark`.
    pub what: &'a str,
    /// Rows per unit, and what they are in messages (`regimes`, `strategies`).
    pub rows_per_unit: u64,
    pub row_noun: &'a str,
    /// Fields of every row.
    pub fields: usize,
    /// The leading fields that identify a row, shown when a row is out of place.
    pub key_fields: usize,
    /// `None` when `record` (of `fields` fields) carries the key of row `k` of unit `unit`;
    /// else (and always without a record) that key, described: `point 3, regime network,
    /// replicate 7, seed 123`.
    #[allow(clippy::type_complexity)]
    pub check: Box<dyn Fn(u64, u64, Option<&csv::ByteRecord>) -> Option<String> + 'a>,
}

/// The layout of `sweep_runs.csv` for `plan` and `regimes`.
pub fn sweep_layout<'a>(plan: &'a SweepPlan, regimes: &'a [String]) -> Result<RowLayout<'a>> {
    let k = plan.names.len();
    let params = std::cell::RefCell::new((usize::MAX, Vec::<String>::new()));
    Ok(RowLayout {
        file: SWEEP_RUNS,
        header: sweep_runs_header_bytes(plan)?,
        what: "sweep",
        rows_per_unit: regimes.len() as u64,
        row_noun: "regimes",
        fields: 4 + k + super::OUTCOME_FIELDS,
        key_fields: 4 + k,
        check: Box::new(move |unit, r, record| {
            let point = (unit / plan.replicates) as usize;
            let replicate = unit % plan.replicates;
            let regime = &regimes[r as usize];
            let mut params = params.borrow_mut();
            if params.0 != point {
                *params = (point, plan.labels(point));
            }
            let seed = run_seed(plan.seed, replicate);
            let ok = record.is_some_and(|record| {
                record[0] == *point.to_string().as_bytes()
                    && params
                        .1
                        .iter()
                        .enumerate()
                        .all(|(i, v)| record[1 + i] == *v.as_bytes())
                    && record[1 + k] == *regime.as_bytes()
                    && record[2 + k] == *replicate.to_string().as_bytes()
                    && record[3 + k] == *seed.to_string().as_bytes()
            });
            (!ok).then(|| {
                format!("point {point}, regime {regime}, replicate {replicate}, seed {seed}")
            })
        }),
    })
}

/// Checks a checkpoint's fields against each other and against the run plan (the shard's
/// `units`, the header's length), before any file is read.
fn check_checkpoint(
    dir: &Path,
    cp: &Checkpoint,
    layout: &RowLayout,
    units: &std::ops::Range<u64>,
    remedy: &str,
) -> Result<()> {
    let header_len = layout.header.len() as u64;
    let file = layout.file;
    let path = dir.join(CHECKPOINT);
    let fail = |what: String| -> Result<()> { bail!("{}: {what}; {remedy}", path.display()) };
    if (cp.unit_start, cp.unit_end) != (units.start, units.end) {
        return fail(format!(
            "its units {}..{} are not shard {}/{}'s units {}..{} of this sweep",
            cp.unit_start, cp.unit_end, cp.shard_index, cp.shard_count, units.start, units.end
        ));
    }
    let total = units.end - units.start;
    if cp.units_done > total {
        return fail(format!(
            "units_done = {} is more than the shard's {total} units",
            cp.units_done
        ));
    }
    if cp.complete && cp.units_done != total {
        return fail(format!(
            "it says complete with {} of {total} units done",
            cp.units_done
        ));
    }
    if cp.csv_bytes < header_len {
        return fail(format!(
            "csv_bytes = {} is less than the {header_len} bytes of {file}'s header",
            cp.csv_bytes
        ));
    }
    if Fnv64::parse(&cp.csv_hash).is_none() {
        return fail(format!(
            "csv_hash = {:?} is not a checksum (16 hex digits)",
            cp.csv_hash
        ));
    }
    let stride = mark_stride(cp.units_done);
    let expected: Vec<u64> = (1..)
        .map(|i| i * stride)
        .take_while(|&u| u < cp.units_done)
        .collect();
    let found: Vec<u64> = cp.marks.iter().map(|m| m.units).collect();
    if found != expected {
        return fail(format!(
            "its marks are at {found:?} units, not at every {stride} units below units_done = {}",
            cp.units_done
        ));
    }
    let mut last = header_len;
    for m in &cp.marks {
        if m.bytes < last || m.bytes > cp.csv_bytes || Fnv64::parse(&m.hash).is_none() {
            return fail(format!(
                "its mark at {} units (bytes = {}, hash = {:?}) is not a checksum within \
                 bytes {last}..{} of {file}",
                m.units, m.bytes, m.hash, cp.csv_bytes
            ));
        }
        last = m.bytes;
    }
    Ok(())
}

/// Compares the start of `path` with the header this sweep writes.
fn check_header(path: &Path, header: &[u8], what: &str, remedy: &str) -> Result<()> {
    let mut found = Vec::with_capacity(header.len());
    File::open(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .take(header.len() as u64)
        .read_to_end(&mut found)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if let Some(at) = (0..header.len()).find(|&i| found.get(i) != Some(&header[i])) {
        bail!(
            "{}: its header (line 1) differs from this {what}'s at byte {at} (expected `{}`); \
             {remedy}",
            path.display(),
            String::from_utf8_lossy(header).trim_end()
        );
    }
    Ok(())
}

/// Reads the rows of `path` between its header and byte `csv_bytes`, and checks that they are
/// exactly `units_done` units of `layout.rows_per_unit` rows, each with `layout.fields` fields
/// and the key `layout.check` puts there (units counted from `unit_start`). Returns the byte
/// offset at which each of `boundaries` (ascending unit counts) starts.
#[allow(clippy::too_many_arguments)]
fn scan_rows(
    path: &Path,
    layout: &RowLayout,
    csv_bytes: u64,
    unit_start: u64,
    units_done: u64,
    boundaries: &[u64],
    remedy: &str,
) -> Result<Vec<u64>> {
    let shown = path.display();
    let header_len = layout.header.len() as u64;
    let mut file = File::open(path).with_context(|| format!("cannot read {shown}"))?;
    file.seek(SeekFrom::Start(header_len))?;
    let body = BufReader::with_capacity(1 << 16, file).take(csv_bytes - header_len);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let r = layout.rows_per_unit;
    let noun = layout.row_noun;
    let what = layout.what;
    let expected_rows = units_done.saturating_mul(r);
    let mut record = csv::ByteRecord::new();
    let mut offsets = Vec::with_capacity(boundaries.len());
    let mut wanted = boundaries.iter().copied().peekable();
    let mut row: u64 = 0;
    loop {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| anyhow::anyhow!("{shown}: row {}: {e}; {remedy}", row + 1))?;
        if !more {
            break;
        }
        let at = header_len + record.position().map_or(0, |p| p.byte());
        if row >= expected_rows {
            bail!(
                "{shown}: row {} (byte {at}) is past the {expected_rows} rows the checkpoint \
                 vouches for ({units_done} units × {r} {noun}); {remedy}",
                row + 1
            );
        }
        if row.is_multiple_of(r) && wanted.peek() == Some(&(row / r)) {
            offsets.push(at);
            wanted.next();
        }
        let unit = unit_start + row / r;
        // A row with the wrong number of fields is not read, its expected key only described.
        let fields_ok = record.len() == layout.fields;
        let wrong = (layout.check)(unit, row % r, fields_ok.then_some(&record));
        if let Some(expected) = wrong {
            let found: Vec<String> = record
                .iter()
                .take(layout.key_fields)
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            bail!(
                "{shown}: row {} (byte {at}) is not the row this {what} has there: expected \
                 {expected} and {} fields, found `{}` and {} fields; {remedy}",
                row + 1,
                layout.fields,
                found.join(","),
                record.len()
            );
        }
        row += 1;
    }
    if row != expected_rows {
        bail!(
            "{shown}: its first {csv_bytes} bytes hold {row} rows, but the checkpoint vouches for \
             {units_done} units × {r} {noun} = {expected_rows} rows (the rows end at byte \
             {csv_bytes}); {remedy}"
        );
    }
    if offsets.len() != boundaries.len() {
        bail!(
            "{shown}: rows end before unit {:?}; {remedy}",
            wanted.peek()
        );
    }
    Ok(offsets)
}

/// The running checksum of the first `len` bytes of `path`, and its values at each of `at`
/// (ascending byte offsets, at most `len`).
/// Checks the recorded files of a checkpoint: each at least (with `exact`, exactly) as long as
/// the checkpoint says, and its first bytes the ones it vouches for.
pub fn verify_recorded(dir: &Path, cp: &Checkpoint, exact: bool, remedy: &str) -> Result<()> {
    for r in &cp.recorded {
        let path = dir.join(&r.name);
        let len = fs::metadata(&path)
            .with_context(|| format!("{}: cannot be read; {remedy}", path.display()))?
            .len();
        if len < r.bytes || (exact && len != r.bytes) {
            bail!(
                "{}: is {len} bytes long, but its checkpoint says {} bytes: rows were lost, cut \
                 or added; {remedy}",
                path.display(),
                r.bytes
            );
        }
        let (_, hash) = hash_prefix(&path, r.bytes, &[])?;
        if hash.hex() != r.hash {
            bail!(
                "{}: its first {} bytes are not the ones the checkpoint vouches for (their \
                 checksum differs); {remedy}",
                path.display(),
                r.bytes
            );
        }
    }
    Ok(())
}

/// Concatenates the shards' recorded files (those of the first shard's checkpoint), in shard
/// order and under one header, into `dir`; checks that the bytes copied from each shard are the
/// ones its checkpoint vouches for, and returns the whole sweep's entries.
pub fn concatenate_recorded(shards: &[ShardFolder], dir: &Path) -> Result<Vec<RecordedFile>> {
    let mut entries = Vec::new();
    for (k, first) in shards[0].checkpoint.recorded.iter().enumerate() {
        let out = dir.join(&first.name);
        let target =
            File::create(&out).with_context(|| format!("cannot write {}", out.display()))?;
        let mut target = BufWriter::with_capacity(1 << 16, target);
        let mut written = Fnv64::default();
        let mut total = 0u64;
        let mut buf = vec![0u8; 1 << 16];
        for (i, s) in shards.iter().enumerate() {
            let Some(entry) = s
                .checkpoint
                .recorded
                .get(k)
                .filter(|e| e.name == first.name)
            else {
                bail!(
                    "{}: records no {} although {} does; {MERGE_REMEDY}",
                    s.dir.display(),
                    first.name,
                    shards[0].dir.display()
                );
            };
            let path = s.dir.join(&entry.name);
            let file =
                File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let mut reader = BufReader::new(file.take(entry.bytes));
            let mut own = Fnv64::default();
            // The header: the first line.
            let mut header = Vec::new();
            std::io::BufRead::read_until(&mut reader, b'\n', &mut header)
                .with_context(|| format!("cannot read {}", path.display()))?;
            own.update(&header);
            if i == 0 {
                target.write_all(&header)?;
                written.update(&header);
                total += header.len() as u64;
            }
            total += copy_rest(&mut reader, &mut target, [&mut own, &mut written], &mut buf)
                .with_context(|| format!("cannot copy {} to {}", path.display(), out.display()))?;
            if own.hex() != entry.hash {
                bail!(
                    "{}: its rows are not the ones its checkpoint vouches for (the checksum \
                     differs); {MERGE_REMEDY}",
                    path.display()
                );
            }
        }
        let target = target.into_inner().map_err(|e| e.into_error())?;
        target.sync_all()?;
        entries.push(RecordedFile {
            name: first.name.clone(),
            bytes: total,
            hash: written.hex(),
        });
    }
    Ok(entries)
}

/// Copies the rest of `reader` to `target` through `buf`, updating both checksums (the
/// shard's own and the merged file's); returns the bytes copied.
fn copy_rest(
    reader: &mut impl Read,
    target: &mut impl Write,
    hashes: [&mut Fnv64; 2],
    buf: &mut [u8],
) -> std::io::Result<u64> {
    let [own, written] = hashes;
    let mut total = 0;
    loop {
        let n = reader.read(buf)?;
        if n == 0 {
            return Ok(total);
        }
        own.update(&buf[..n]);
        written.update(&buf[..n]);
        target.write_all(&buf[..n])?;
        total += n as u64;
    }
}

fn hash_prefix(path: &Path, len: u64, at: &[u64]) -> Result<(Vec<Fnv64>, Fnv64)> {
    let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut reader = file.take(len);
    let mut buf = vec![0u8; 1 << 16];
    let mut hash = Fnv64::default();
    let mut pos: u64 = 0;
    let mut snapshots = Vec::with_capacity(at.len());
    let mut next = at.iter().copied().peekable();
    loop {
        while next.peek() == Some(&pos) {
            snapshots.push(hash);
            next.next();
        }
        let n = reader
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        let mut chunk = &buf[..n];
        while let Some(&cut) = next.peek() {
            let end = pos + chunk.len() as u64;
            if cut >= end {
                break;
            }
            let (a, b) = chunk.split_at((cut - pos) as usize);
            hash.update(a);
            pos = cut;
            chunk = b;
            snapshots.push(hash);
            next.next();
        }
        hash.update(chunk);
        pos += chunk.len() as u64;
    }
    if pos != len || snapshots.len() != at.len() {
        bail!("{}: ends at byte {pos}, before byte {len}", path.display());
    }
    Ok((snapshots, hash))
}

/// Verifies that `dir/sweep_runs.csv` holds exactly what checkpoint `cp` vouches for: the
/// checkpoint's fields are consistent with each other and with the plan (the shard's `units`);
/// the header is this sweep's, byte for byte; the rows up to `csv_bytes` are `units_done` units
/// × regimes rows, each with the point, parameters, regime, replicate and seed the plan puts
/// there; and their checksums (every mark and the total) match. Reads the file, never changes
/// it. An error names the file and where it diverges, then `remedy`.
pub fn verify_sweep_runs(
    dir: &Path,
    cp: &Checkpoint,
    plan: &SweepPlan,
    regimes: &[String],
    units: std::ops::Range<u64>,
    remedy: &str,
) -> Result<()> {
    verify_rows(dir, cp, &sweep_layout(plan, regimes)?, units, remedy)
}

/// Verifies that `dir/<layout.file>` holds exactly what checkpoint `cp` vouches for, as
/// [`verify_sweep_runs`] does for a sweep: the checkpoint's fields, the header, every row's key,
/// the number of rows and the checksums. Reads the file, never changes it.
pub fn verify_rows(
    dir: &Path,
    cp: &Checkpoint,
    layout: &RowLayout,
    units: std::ops::Range<u64>,
    remedy: &str,
) -> Result<()> {
    let header = &layout.header;
    check_checkpoint(dir, cp, layout, &units, remedy)?;
    let path = dir.join(layout.file);
    let len = fs::metadata(&path)
        .with_context(|| format!("{}: cannot be read; {remedy}", path.display()))?
        .len();
    if len < cp.csv_bytes {
        bail!(
            "{}: is shorter ({len} bytes) than its checkpoint says ({} bytes): rows were lost or \
             cut; {remedy}",
            path.display(),
            cp.csv_bytes
        );
    }
    check_header(&path, header, layout.what, remedy)?;
    let mark_units: Vec<u64> = cp.marks.iter().map(|m| m.units).collect();
    let offsets = scan_rows(
        &path,
        layout,
        cp.csv_bytes,
        cp.unit_start,
        cp.units_done,
        &mark_units,
        remedy,
    )?;
    let r = layout.rows_per_unit;
    for (m, &at) in cp.marks.iter().zip(&offsets) {
        if m.bytes != at {
            bail!(
                "{}: its mark at {} units says row {} starts at byte {}, but in {} it starts at \
                 byte {at}; {remedy}",
                dir.join(CHECKPOINT).display(),
                m.units,
                m.units * r + 1,
                m.bytes,
                path.display()
            );
        }
    }
    let at: Vec<u64> = cp.marks.iter().map(|m| m.bytes).collect();
    let (hashes, total) = hash_prefix(&path, cp.csv_bytes, &at)?;
    let ends = cp
        .marks
        .iter()
        .map(|m| (m.units, m.bytes, m.hash.as_str()))
        .chain([(cp.units_done, cp.csv_bytes, cp.csv_hash.as_str())]);
    let (mut from_units, mut from_bytes) = (0, 0);
    for ((units, bytes, want), got) in ends.zip(hashes.iter().chain([&total])) {
        if got.hex() != want {
            bail!(
                "{}: bytes {from_bytes}..{bytes} (rows {}..{}) are not the ones the checkpoint \
                 vouches for (their checksum differs); {remedy}",
                path.display(),
                from_units * r + 1,
                units * r,
            );
        }
        (from_units, from_bytes) = (units, bytes);
    }
    Ok(())
}

/// The checkpoint of a complete, whole sweep whose rows are in `dir/sweep_runs.csv` (a merge
/// of shards): the same bytes a one-machine sweep writes. Checks the rows as
/// [`verify_sweep_runs`] does, and that the file's checksum is `written` (what was copied).
pub fn whole_checkpoint(
    dir: &Path,
    spec_hash: &str,
    plan: &SweepPlan,
    regimes: &[String],
    written: Fnv64,
    recorded: Vec<RecordedFile>,
) -> Result<Checkpoint> {
    let layout = sweep_layout(plan, regimes)?;
    whole_checkpoint_of(dir, spec_hash, &layout, plan.units(), written, recorded)
}

/// [`whole_checkpoint`] for any [`RowLayout`] of `units_done` units.
pub fn whole_checkpoint_of(
    dir: &Path,
    spec_hash: &str,
    layout: &RowLayout,
    units_done: u64,
    written: Fnv64,
    recorded: Vec<RecordedFile>,
) -> Result<Checkpoint> {
    let remedy = "the merged file differs from what was copied into it; nothing was replaced. \
                  Run the merge again.";
    let path = dir.join(layout.file);
    check_header(&path, &layout.header, layout.what, remedy)?;
    let csv_bytes = fs::metadata(&path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    let stride = mark_stride(units_done);
    let boundaries: Vec<u64> = (1..)
        .map(|i| i * stride)
        .take_while(|&u| u < units_done)
        .collect();
    let offsets = scan_rows(&path, layout, csv_bytes, 0, units_done, &boundaries, remedy)?;
    let (hashes, total) = hash_prefix(&path, csv_bytes, &offsets)?;
    if total != written {
        bail!(
            "{}: its checksum differs from that of the bytes copied; {remedy}",
            path.display()
        );
    }
    Ok(Checkpoint {
        format: CHECKPOINT_FORMAT,
        spec_hash: spec_hash.to_string(),
        shard_index: 0,
        shard_count: 1,
        unit_start: 0,
        unit_end: units_done,
        units_done,
        csv_bytes,
        csv_hash: total.hex(),
        complete: true,
        recorded,
        marks: boundaries
            .iter()
            .zip(&offsets)
            .zip(&hashes)
            .map(|((&units, &bytes), h)| Mark {
                units,
                bytes,
                hash: h.hex(),
            })
            .collect(),
    })
}

/// Per point and regime, the moments of every outcome: what `sweep_summary.csv`, the
/// sensitivity analysis and the sweep plots are made of. One flat array: 24 bytes per point,
/// regime and outcome (about 1.4 KB a point with 3 regimes and 19 outcomes).
#[derive(Debug, Clone)]
pub struct SweepSummary {
    pub regimes: Vec<String>,
    /// Points summarised.
    pub points: usize,
    /// `[(point × regimes + regime) × OUTCOMES + outcome]`: see [`SweepSummary::moments`].
    pub moments: Vec<Moments>,
    /// The regime differences are taken from: `competitive` if run, else the first.
    pub reference: usize,
    /// Like `moments`: the paired difference from the reference regime, over the replicates of
    /// the point where both are defined (empty for the reference itself).
    pub differences: Vec<Moments>,
}

impl SweepSummary {
    /// Empty moments for `points` points under `regimes`.
    pub fn new(points: usize, regimes: &[String]) -> Self {
        let cells = points * regimes.len() * OUTCOMES.len();
        Self {
            regimes: regimes.to_vec(),
            points,
            moments: vec![Moments::default(); cells],
            reference: regimes.iter().position(|r| r == "competitive").unwrap_or(0),
            differences: vec![Moments::default(); cells],
        }
    }

    /// The paired difference of `outcome` at `point` between `regime` and the reference.
    pub fn difference(&self, point: usize, regime: usize, outcome: usize) -> &Moments {
        &self.differences[self.index(point, regime, outcome)]
    }

    fn index(&self, point: usize, regime: usize, outcome: usize) -> usize {
        (point * self.regimes.len() + regime) * OUTCOMES.len() + outcome
    }

    /// The moments of `outcome` (an index into [`OUTCOMES`]) at `point` under `regime`.
    pub fn moments(&self, point: usize, regime: usize, outcome: usize) -> &Moments {
        &self.moments[self.index(point, regime, outcome)]
    }

    /// Like [`SweepSummary::moments`], `None` out of range.
    pub fn get(&self, point: usize, regime: usize, outcome: usize) -> Option<&Moments> {
        (point < self.points && regime < self.regimes.len() && outcome < OUTCOMES.len())
            .then(|| self.moments(point, regime, outcome))
    }

    pub fn moments_mut(&mut self, point: usize, regime: usize, outcome: usize) -> &mut Moments {
        let i = self.index(point, regime, outcome);
        &mut self.moments[i]
    }

    pub fn mean(&self, point: usize, regime: usize, outcome: usize) -> Option<f64> {
        self.moments(point, regime, outcome).mean()
    }
}

fn parse_month(field: &str) -> Result<Option<u32>> {
    if field.is_empty() {
        Ok(None)
    } else {
        Ok(Some(field.parse()?))
    }
}

/// The outcome of a run from its CSV fields (the columns after regime, replicate, seed).
fn outcome_from_fields(f: &[&str]) -> Result<RunOutcome> {
    let num = |s: &str| -> Result<f64> { Ok(s.parse::<f64>()?) };
    Ok(RunOutcome {
        agreement_month: parse_month(f[1])?,
        relapse_month: parse_month(f[3])?,
        cumulative_violence: num(f[4])?,
        max_parallel_forums: f[5].parse()?,
        mean_parallel_forums: num(f[6])?,
        forum_switches: f[7].parse()?,
        dnh_violations: f[8].parse()?,
        rotations: f[9].parse()?,
        final_trust_party: num(f[10])?,
        final_trust_third: num(f[11])?,
        leverage_spent: num(f[12])?,
        coordination_cost: num(f[13])?,
        pressure_delivered: 0.0,
        agreement_leverage_share: None,
        agreement_ownership: None,
        compliance: if f[14].is_empty() {
            None
        } else {
            Some(num(f[14])?)
        },
        defections: f[15].parse()?,
        rival_initiatives: f[16].parse()?,
        visibility_moves: f[17].parse()?,
    })
}

/// Reads `sweep_runs.csv` back (streaming) into per-point moments. Summaries are computed from
/// the file, so a resumed, a merged and an uninterrupted sweep give the same bytes.
pub fn summarize(csv_path: &Path, plan: &SweepPlan, regimes: &[String]) -> Result<SweepSummary> {
    let file =
        File::open(csv_path).with_context(|| format!("cannot read {}", csv_path.display()))?;
    let mut reader = csv::Reader::from_reader(BufReader::new(file));
    let k = plan.names.len();
    let mut summary = SweepSummary::new(plan.points.len(), regimes);
    // The rows of one unit (point × replicate), one per regime, are consecutive: they are held
    // until the unit is complete, then paired with the reference regime's.
    type Values = [Option<f64>; OUTCOMES.len()];
    let mut unit: Option<(usize, String)> = None;
    let mut held: Vec<Option<Values>> = vec![None; regimes.len()];
    let pair = |summary: &mut SweepSummary, point: usize, held: &mut Vec<Option<Values>>| {
        if let Some(base) = held[summary.reference] {
            for (r, vals) in held.iter().enumerate() {
                let Some(vals) = vals else { continue };
                if r == summary.reference {
                    continue;
                }
                for (o, (v, b)) in vals.iter().zip(&base).enumerate() {
                    if let (Some(x), Some(b)) = (v, b) {
                        let i = summary.index(point, r, o);
                        summary.differences[i].push(x - b);
                    }
                }
            }
        }
        held.iter_mut().for_each(|h| *h = None);
    };
    for (line, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", csv_path.display(), line + 2))?;
        let fields: Vec<&str> = record.iter().collect();
        let bad = || format!("{}: row {} is malformed", csv_path.display(), line + 2);
        let point: usize = fields
            .first()
            .and_then(|p| p.parse().ok())
            .with_context(bad)?;
        let regime = fields.get(1 + k).with_context(bad)?;
        let r = regimes.iter().position(|x| x == regime).with_context(bad)?;
        if point >= plan.points.len() || fields.len() != 4 + k + super::OUTCOME_FIELDS {
            bail!(bad());
        }
        let outcome = outcome_from_fields(&fields[4 + k..]).with_context(bad)?;
        let values = outcome_values(&outcome);
        for (o, v) in values.into_iter().enumerate() {
            if let Some(x) = v {
                summary.moments_mut(point, r, o).push(x);
            }
        }
        let replicate = fields.get(2 + k).with_context(bad)?;
        if unit
            .as_ref()
            .is_some_and(|(p, rep)| (*p, rep.as_str()) != (point, *replicate))
        {
            let (p, _) = unit.take().expect("checked");
            pair(&mut summary, p, &mut held);
        }
        unit = Some((point, replicate.to_string()));
        held[r] = Some(values);
    }
    if let Some((p, _)) = unit {
        pair(&mut summary, p, &mut held);
    }
    Ok(summary)
}

/// Writes `sweep_summary.csv` into `dir`, streamed (temporary file, sync, rename): never held
/// in memory, whatever the number of points.
pub fn write_sweep_summary(dir: &Path, plan: &SweepPlan, summary: &SweepSummary) -> Result<()> {
    write_atomic_with(dir, SWEEP_SUMMARY, |w| {
        write_sweep_summary_to(w, plan, summary)
    })
}

/// `sweep_summary.csv` in memory, for small sweeps (examples, tests); the CLI streams it with
/// [`write_sweep_summary`].
pub fn sweep_summary_csv(plan: &SweepPlan, summary: &SweepSummary) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_sweep_summary_to(&mut out, plan, summary)?;
    Ok(out)
}

/// `sweep_summary.csv`: per point, regime and outcome, n, mean and 95% CI.
pub fn write_sweep_summary_to(
    w: &mut dyn Write,
    plan: &SweepPlan,
    summary: &SweepSummary,
) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let header: Vec<String> = std::iter::once("point".to_string())
        .chain(plan.names.iter().cloned())
        // After the point and parameters, the columns of `summary.csv`.
        .chain(crate::output::SUMMARY_HEADER.map(String::from))
        .collect();
    out.write_record(&header)?;
    let mut record: Vec<String> = Vec::with_capacity(plan.names.len() + 12);
    let reference = &summary.regimes[summary.reference];
    let none = Moments::default();
    for p in 0..plan.points.len() {
        let point = p.to_string();
        let params: Vec<String> = plan.labels(p);
        for (r, regime) in summary.regimes.iter().enumerate() {
            for (k, outcome) in OUTCOMES.iter().enumerate() {
                let m = summary.moments(p, r, k);
                let ci = if is_proportion(outcome) {
                    m.wilson95()
                } else {
                    m.ci95()
                };
                // The reference's difference from itself is not a result: left empty.
                let d = if r == summary.reference {
                    &none
                } else {
                    summary.difference(p, r, k)
                };
                let dci = d.ci95();
                record.clear();
                record.push(point.clone());
                record.extend(params.iter().cloned());
                record.extend([
                    regime.clone(),
                    outcome.to_string(),
                    m.n.to_string(),
                    fmt_opt(m.mean()),
                    fmt_opt(ci.map(|c| c.0)),
                    fmt_opt(ci.map(|c| c.1)),
                    reference.clone(),
                    d.n.to_string(),
                    fmt_opt(d.mean()),
                    fmt_opt(dci.map(|c| c.0)),
                    fmt_opt(dci.map(|c| c.1)),
                ]);
                out.write_record(&record)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Morris elementary effects per regime, outcome and parameter: μ* (mean absolute effect:
/// importance), μ (mean effect: direction) and σ (spread: interactions or non-linearity),
/// in outcome units per full range of the parameter (Morris 1991; Campolongo et al. 2007).
/// For a categorical parameter (a switch, names) an elementary effect is the change of the
/// outcome when the level changes, signed towards the level listed later in `values`: μ* is
/// the mean absolute change (importance), μ the mean change towards later-listed levels (for
/// `values = [false, true]`, the effect of switching on).
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub regime: String,
    pub outcome: &'static str,
    pub parameter: String,
    pub n: u64,
    pub mu_star: f64,
    pub mu: f64,
    pub sigma: Option<f64>,
}

/// Elementary effects of a Morris sweep.
pub fn elementary_effects(plan: &SweepPlan, summary: &SweepSummary) -> Vec<Effect> {
    let k = plan.names.len();
    let mut effects = Vec::new();
    for (r, regime) in summary.regimes.iter().enumerate() {
        for (o, outcome) in OUTCOMES.iter().enumerate() {
            for (i, name) in plan.names.iter().enumerate() {
                let (mut signed, mut absolute) = (Moments::default(), Moments::default());
                for (t, order) in plan.moves.iter().enumerate() {
                    let Some(step) = order.iter().position(|&m| m == i) else {
                        continue;
                    };
                    let a = t * (k + 1) + step;
                    let (lo, hi) = plan.ranges[i];
                    let step = plan.points[a + 1][i] - plan.points[a][i];
                    let dx = if plan.is_categorical(i) {
                        // One change of level (never 0: a move always changes the level).
                        if step == 0.0 { 0.0 } else { step.signum() }
                    } else {
                        step / (hi - lo)
                    };
                    let (Some(ya), Some(yb)) = (summary.mean(a, r, o), summary.mean(a + 1, r, o))
                    else {
                        continue;
                    };
                    if dx == 0.0 || !dx.is_finite() {
                        continue;
                    }
                    let ee = (yb - ya) / dx;
                    signed.push(ee);
                    absolute.push(ee.abs());
                }
                if let (Some(mu), Some(mu_star)) = (signed.mean(), absolute.mean()) {
                    effects.push(Effect {
                        regime: regime.clone(),
                        outcome,
                        parameter: name.clone(),
                        n: signed.n,
                        mu_star,
                        mu,
                        sigma: signed.sd(),
                    });
                }
            }
        }
    }
    effects
}

/// `sensitivity.csv`.
pub fn sensitivity_csv(effects: &[Effect]) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "regime",
        "outcome",
        "parameter",
        "n",
        "mu_star",
        "mu",
        "sigma",
    ])?;
    for e in effects {
        out.write_record([
            e.regime.as_str(),
            e.outcome,
            e.parameter.as_str(),
            &e.n.to_string(),
            &super::fmt_f64(e.mu_star),
            &super::fmt_f64(e.mu),
            &fmt_opt(e.sigma),
        ])?;
    }
    Ok(out.into_inner()?)
}

/// What a shard folder says about itself, checked before merging.
#[derive(Debug, Clone)]
pub struct ShardFolder {
    pub dir: PathBuf,
    pub checkpoint: Checkpoint,
}

/// Checks that `dirs` are the complete, distinct shards 0..N−1 of one sweep; returns them in
/// shard order.
pub fn check_shards(dirs: &[PathBuf]) -> Result<Vec<ShardFolder>> {
    check_shard_folders(dirs, SWEEP_RUNS, "sweep")
}

/// [`check_shards`] for shards of a `what` (sweep, benchmark) whose rows are in `file`.
pub fn check_shard_folders(dirs: &[PathBuf], file: &str, what: &str) -> Result<Vec<ShardFolder>> {
    if dirs.is_empty() {
        bail!("merge: name the shard folders to merge");
    }
    let mut shards = Vec::new();
    for dir in dirs {
        let Some(checkpoint) = read_checkpoint_of(dir, what)? else {
            bail!(
                "{}: not a {what} shard folder (no {CHECKPOINT})",
                dir.display()
            );
        };
        if !checkpoint.complete {
            bail!(
                "{}: shard {}/{} is not finished ({} of {} units); resume it with --resume",
                dir.display(),
                checkpoint.shard_index,
                checkpoint.shard_count,
                checkpoint.units_done,
                checkpoint.unit_end.saturating_sub(checkpoint.unit_start)
            );
        }
        let csv = dir.join(file);
        let len = fs::metadata(&csv).map(|m| m.len()).unwrap_or(0);
        if len < checkpoint.csv_bytes {
            bail!(
                "{}: is shorter ({len} bytes) than its checkpoint says ({} bytes): rows were lost \
                 or cut. Run that shard again (with --force).",
                csv.display(),
                checkpoint.csv_bytes
            );
        }
        shards.push(ShardFolder {
            dir: dir.clone(),
            checkpoint,
        });
    }
    let first = shards[0].checkpoint.clone();
    for s in &shards {
        if s.checkpoint.spec_hash != first.spec_hash {
            bail!(
                "{}: belongs to a different {what} (fingerprint {} ≠ {} of {})",
                s.dir.display(),
                s.checkpoint.spec_hash,
                first.spec_hash,
                shards[0].dir.display()
            );
        }
        if s.checkpoint.shard_count != first.shard_count {
            bail!(
                "{}: is a shard of {} parts, {} of {}",
                s.dir.display(),
                s.checkpoint.shard_count,
                shards[0].dir.display(),
                first.shard_count
            );
        }
    }
    shards.sort_by_key(|s| s.checkpoint.shard_index);
    for pair in shards.windows(2) {
        if pair[0].checkpoint.shard_index == pair[1].checkpoint.shard_index {
            bail!(
                "{} and {}: both are shard {}/{}",
                pair[0].dir.display(),
                pair[1].dir.display(),
                pair[0].checkpoint.shard_index,
                first.shard_count
            );
        }
    }
    let have: Vec<u64> = shards.iter().map(|s| s.checkpoint.shard_index).collect();
    let missing: Vec<String> = (0..first.shard_count)
        .filter(|i| !have.contains(i))
        .map(|i| format!("{i}/{}", first.shard_count))
        .collect();
    if !missing.is_empty() {
        bail!("merge: missing shard(s) {}", missing.join(", "));
    }
    Ok(shards)
}

/// Verifies every shard (see [`verify_sweep_runs`]) against its checkpoint and the plan of
/// the sweep, before anything is written.
pub fn verify_shards(shards: &[ShardFolder], plan: &SweepPlan, regimes: &[String]) -> Result<()> {
    verify_shard_rows(shards, &sweep_layout(plan, regimes)?, plan.units())
}

/// [`verify_shards`] for any [`RowLayout`] of `total_units` units.
pub fn verify_shard_rows(
    shards: &[ShardFolder],
    layout: &RowLayout,
    total_units: u64,
) -> Result<()> {
    for s in shards {
        let shard = Shard {
            index: s.checkpoint.shard_index,
            count: s.checkpoint.shard_count,
        };
        verify_rows(
            &s.dir,
            &s.checkpoint,
            layout,
            shard.units(total_units),
            MERGE_REMEDY,
        )?;
        verify_recorded(&s.dir, &s.checkpoint, false, MERGE_REMEDY)?;
    }
    Ok(())
}

/// Concatenates the shards' rows, in shard order and under one header, into `out`; checks
/// that the bytes copied from each shard are the ones its checkpoint vouches for, and returns
/// the checksum of what was written.
pub fn concatenate(shards: &[ShardFolder], plan: &SweepPlan, out: &Path) -> Result<Fnv64> {
    concatenate_rows(shards, SWEEP_RUNS, &sweep_runs_header_bytes(plan)?, out)
}

/// [`concatenate`] for the shards' `file` with `header`.
pub fn concatenate_rows(
    shards: &[ShardFolder],
    file: &str,
    header: &[u8],
    out: &Path,
) -> Result<Fnv64> {
    let target = File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
    let mut target = BufWriter::with_capacity(1 << 16, target);
    let mut written = Fnv64::default();
    let mut buf = vec![0u8; 1 << 16];
    for (k, s) in shards.iter().enumerate() {
        let path = s.dir.join(file);
        let f = File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
        // Only the checkpointed bytes belong to the shard.
        let mut reader = BufReader::new(f.take(s.checkpoint.csv_bytes));
        let mut own = Fnv64::default();
        let mut found = vec![0u8; header.len()];
        reader
            .read_exact(&mut found)
            .with_context(|| format!("cannot read {}", path.display()))?;
        own.update(&found);
        if k == 0 {
            target.write_all(&found)?;
            written.update(&found);
        }
        copy_rest(&mut reader, &mut target, [&mut own, &mut written], &mut buf)
            .with_context(|| format!("cannot copy {} to {}", path.display(), out.display()))?;
        if own.hex() != s.checkpoint.csv_hash {
            bail!(
                "{}: changed while it was being merged (its checksum differs); {MERGE_REMEDY}",
                path.display()
            );
        }
    }
    let target = target.into_inner().map_err(|e| e.into_error())?;
    target.sync_all()?;
    Ok(written)
}
