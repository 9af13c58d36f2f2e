//! Benchmark output: `benchmark_runs.csv` streamed with checkpoints (resumable after a crash,
//! shardable, merged byte for byte), and `conditions.csv`, `leaderboard.csv`, the figure and
//! `report.html` computed from it.
//!
//! The folder follows the sweep's rules (see [`super::sweep_files`]): rows are appended and
//! synced a chunk of [`crate::experiment::sweep::CHUNK_UNITS`] units (condition × replicate) at a time, then
//! `checkpoint.json` is replaced atomically with the units done, the CSV's length and its
//! checksums; `--resume` verifies every byte the checkpoint vouches for (the checkpoint's
//! fields, the header, every row's condition, strategy, replicate and seed, the number of rows,
//! the checksums) before it cuts the CSV back to the checkpoint and continues; `merge` verifies
//! every shard the same way before it writes anything.

use super::folder::{StagedDir, check_replaceable};
use super::sweep_files::{
    CHECKPOINT, Checkpoint, Fnv64, Mark, RowLayout, mark_stride, read_checkpoint_of, verify_rows,
    write_atomic,
};
use crate::experiment::benchmark::{
    BENCHMARK_RUNS, RUNS_COLUMNS, Spec, Standing, benchmark_report_html, conditions_csv,
    leaderboard, leaderboard_csv, reference, runs_header, summarize_runs,
};
use crate::experiment::sweep::Shard;
use crate::model::random::run_seed;
use anyhow::{Context, Result, bail};
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// What to do about a damaged benchmark folder met by `--resume`.
pub const RESUME_REMEDY: &str = "the folder was changed or damaged after peacesim wrote it, and \
                                 was left as it is. Start the benchmark over with --force.";

/// The layout of `benchmark_runs.csv` for `spec`: unit `u` is replicate `u % replicates` of
/// condition `u / replicates`, one row per compared strategy.
pub fn benchmark_layout(spec: &Spec) -> Result<RowLayout<'_>> {
    let r = spec.suite.replicates;
    Ok(RowLayout {
        file: BENCHMARK_RUNS,
        header: runs_header()?,
        what: "benchmark",
        rows_per_unit: spec.compared.len() as u64,
        row_noun: "strategies",
        fields: RUNS_COLUMNS.len(),
        key_fields: 4,
        check: Box::new(move |unit, k, record| {
            let Some(condition) = spec.conditions.get((unit / r) as usize).map(|c| &c.name) else {
                return Some(format!("no row (unit {unit} is past the benchmark's last)"));
            };
            let strategy = &spec.compared[k as usize];
            let replicate = unit % r;
            let seed = run_seed(spec.suite.seed, replicate);
            let ok = record.is_some_and(|record| {
                record[0] == *condition.as_bytes()
                    && record[1] == *strategy.as_bytes()
                    && record[2] == *replicate.to_string().as_bytes()
                    && record[3] == *seed.to_string().as_bytes()
            });
            (!ok).then(|| {
                format!(
                    "condition {condition}, strategy {strategy}, replicate {replicate}, seed {seed}"
                )
            })
        }),
    })
}

/// Streams a benchmark's (or shard's) rows into its folder, chunk by chunk, with checkpoints.
pub struct BenchmarkWriter {
    dir: PathBuf,
    file: File,
    checkpoint: Checkpoint,
    hash: Fnv64,
}

impl BenchmarkWriter {
    /// Starts a fresh benchmark folder: staged beside any old one and swapped in whole. An
    /// existing folder is replaced only if peacesim wrote it and it does not hold an unfinished
    /// benchmark (that needs `--resume`), or with `force`.
    pub fn start(
        dir: &Path,
        spec_hash: &str,
        shard: Shard,
        units: std::ops::Range<u64>,
        force: bool,
    ) -> Result<Self> {
        check_replaceable(dir, force)?;
        if !force
            && let Some(cp) = read_checkpoint_of(dir, "benchmark").unwrap_or(None)
            && !cp.complete
        {
            bail!(
                "{}: holds an unfinished benchmark or sweep ({} of {} units done). Pass --resume \
                 to continue it, or --force to start over.",
                dir.display(),
                cp.units_done,
                cp.unit_end - cp.unit_start
            );
        }
        let staged = StagedDir::create(dir, force)?;
        let header = runs_header()?;
        let path = staged.path(BENCHMARK_RUNS);
        let mut file =
            File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        file.write_all(&header)?;
        file.sync_all()?;
        let mut hash = Fnv64::default();
        hash.update(&header);
        let checkpoint = Checkpoint::started(
            spec_hash,
            shard,
            units,
            header.len(),
            hash.hex(),
            Vec::new(),
        );
        let mut writer = Self {
            dir: staged.dir().to_path_buf(),
            file,
            checkpoint,
            hash,
        };
        writer.save_checkpoint()?;
        writer.dir = staged.commit()?;
        Ok(writer)
    }

    /// Reopens a benchmark folder after an interruption: checks that it is the same benchmark
    /// (fingerprint) and shard, verifies every byte the checkpoint vouches for, and only then
    /// cuts the CSV back to the last checkpoint. A folder that fails a check is left as it was.
    pub fn resume(
        dir: &Path,
        spec_hash: &str,
        shard: Shard,
        layout: &RowLayout,
        total_units: u64,
    ) -> Result<Self> {
        let Some(checkpoint) = read_checkpoint_of(dir, "benchmark")? else {
            bail!(
                "{}: no benchmark to resume here (no {CHECKPOINT}). Run without --resume to \
                 start it.",
                dir.display()
            );
        };
        if !dir.join(BENCHMARK_RUNS).exists() {
            bail!(
                "{}: holds no benchmark (no {BENCHMARK_RUNS}; a sweep?). Resume it with the \
                 command that started it, or start over with --force.",
                dir.display()
            );
        }
        if checkpoint.spec_hash != spec_hash {
            bail!(
                "{}: holds a different benchmark (fingerprint {} ≠ {spec_hash}): the suite, its \
                 conditions, strategies, replicates or seed, or the version of peacesim changed. \
                 Resume with the same suite and options, or start over with --force.",
                dir.display(),
                checkpoint.spec_hash
            );
        }
        if (checkpoint.shard_index, checkpoint.shard_count) != (shard.index, shard.count) {
            let held = Shard {
                index: checkpoint.shard_index,
                count: checkpoint.shard_count,
            };
            let name = |s: Shard| {
                if s.is_whole() {
                    "the whole benchmark".to_string()
                } else {
                    format!("shard {}/{}", s.index, s.count)
                }
            };
            let how = if held.is_whole() {
                "without --shard".to_string()
            } else {
                format!("with --shard {}/{}", held.index, held.count)
            };
            bail!(
                "{}: holds {}, not {}: resume it {how}, or run {} in another folder (--out).",
                dir.display(),
                name(held),
                name(shard),
                name(shard)
            );
        }
        verify_rows(
            dir,
            &checkpoint,
            layout,
            shard.units(total_units),
            RESUME_REMEDY,
        )?;
        let path = dir.join(BENCHMARK_RUNS);
        let mut file = OpenOptions::new()
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot reopen {}", path.display()))?;
        file.set_len(checkpoint.csv_bytes)?;
        file.sync_all()?;
        file.seek(SeekFrom::End(0))?;
        let hash = Fnv64::parse_hex(&checkpoint.csv_hash).context("checked by verify_rows")?;
        Ok(Self {
            dir: dir.to_path_buf(),
            file,
            checkpoint,
            hash,
        })
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

    /// Appends the rows of `units` units (synced), then records the checkpoint.
    pub fn write_rows(&mut self, bytes: &[u8], units: u64) -> Result<()> {
        self.file
            .write_all(bytes)
            .and_then(|_| self.file.sync_data())
            .with_context(|| format!("cannot write {}", self.dir.join(BENCHMARK_RUNS).display()))?;
        let cp = &mut self.checkpoint;
        if cp.units_done > 0 {
            cp.marks.push(Mark {
                units: cp.units_done,
                bytes: cp.csv_bytes,
                hash: cp.csv_hash.clone(),
            });
        }
        self.hash.update(bytes);
        cp.units_done += units;
        cp.csv_bytes += bytes.len() as u64;
        cp.csv_hash = self.hash.hex();
        let stride = mark_stride(cp.units_done);
        cp.marks.retain(|m| m.units.is_multiple_of(stride));
        self.save_checkpoint()
    }

    /// Verifies the whole of `benchmark_runs.csv` against the checkpoint (after the last
    /// chunk, before anything is computed from it).
    pub fn verify(&self, layout: &RowLayout) -> Result<()> {
        let path = self.dir.join(BENCHMARK_RUNS);
        let len = std::fs::metadata(&path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .len();
        let remedy =
            "it was changed while the benchmark ran. Run the benchmark again with --force.";
        if len != self.checkpoint.csv_bytes {
            bail!(
                "{}: is {len} bytes long, but this benchmark wrote {}: {remedy}",
                path.display(),
                self.checkpoint.csv_bytes
            );
        }
        let units = self.checkpoint.unit_start..self.checkpoint.unit_end;
        verify_rows(&self.dir, &self.checkpoint, layout, units, remedy)
    }

    /// Marks the folder complete (after every other output is written).
    pub fn finish(mut self) -> Result<Checkpoint> {
        self.checkpoint.complete = true;
        self.save_checkpoint()?;
        Ok(self.checkpoint)
    }
}

/// Computes the leaderboard from `dir/benchmark_runs.csv` (complete and verified) and writes
/// `conditions.csv`, `leaderboard.csv` and, with `plots`, the figure and `report.html` into
/// `dir`; `suite_name` names the suite in the report. Returns the standings.
pub fn write_results(
    dir: &Path,
    spec: &Spec,
    suite_name: &str,
    plots: bool,
) -> Result<Vec<Standing>> {
    let cells = summarize_runs(&dir.join(BENCHMARK_RUNS), spec)?;
    let strategies = &spec.compared;
    let standings = leaderboard(strategies, &cells, spec.suite.seed);
    let reference_name = &strategies[reference(strategies)];
    write_atomic(
        dir,
        "conditions.csv",
        &conditions_csv(&spec.conditions, strategies, &cells)?,
    )?;
    write_atomic(
        dir,
        "leaderboard.csv",
        &leaderboard_csv(&standings, reference_name)?,
    )?;
    if plots {
        let svg = super::plots::write_benchmark_figure(&spec.conditions, strategies, &cells, dir)?;
        let html = benchmark_report_html(
            suite_name,
            &spec.suite,
            strategies,
            &spec.conditions,
            &standings,
            &cells,
            &svg,
        );
        write_atomic(dir, "report.html", html.as_bytes())?;
    }
    Ok(standings)
}
