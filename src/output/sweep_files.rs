//! Sweep output: `sweep_runs.csv` streamed with checkpoints (resumable after a crash),
//! `sweep_summary.csv` and `sensitivity.csv` computed from it, and the merge of shards.
//!
//! Crash safety: rows are appended and synced chunk by chunk; only then is `checkpoint.json`
//! replaced (write, sync, rename) with the number of units done and the byte length of the CSV
//! at that point. `--resume` truncates the CSV to that length and continues, so no row is lost,
//! cut or written twice, whatever instant the process died at.

use super::folder::{StagedDir, check_replaceable};
use super::{fmt_opt, outcome_fields};
use crate::experiment::design::SweepPlan;
use crate::experiment::stats::Moments;
use crate::experiment::sweep::{Shard, UnitResult};
use crate::experiment::{OUTCOMES, is_proportion, outcome_values};
use crate::model::RunOutcome;
use crate::output::RUNS_HEADER;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

pub const SWEEP_RUNS: &str = "sweep_runs.csv";
pub const SWEEP_SUMMARY: &str = "sweep_summary.csv";
pub const SENSITIVITY: &str = "sensitivity.csv";
pub const CHECKPOINT: &str = "checkpoint.json";

/// Progress of a sweep (or shard) folder, replaced atomically after every synced chunk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
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
    /// All units done and every output written.
    pub complete: bool,
}

/// A 64-bit FNV-1a fingerprint, as 16 hex digits.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Header of `sweep_runs.csv`: point, each parameter, then the columns of `runs.csv`.
pub fn sweep_runs_header(plan: &SweepPlan) -> Vec<String> {
    std::iter::once("point".to_string())
        .chain(plan.names.iter().cloned())
        .chain(RUNS_HEADER.iter().map(|s| s.to_string()))
        .collect()
}

/// A parameter value as written in the CSV files: exact (shortest round-trip form).
fn fmt_param(x: f64) -> String {
    format!("{x}")
}

fn read_checkpoint(dir: &Path) -> Result<Option<Checkpoint>> {
    let path = dir.join(CHECKPOINT);
    if !path.exists() {
        return Ok(None);
    }
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let cp = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a peacesim checkpoint", path.display()))?;
    Ok(Some(cp))
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
        let checkpoint = Checkpoint {
            spec_hash: spec_hash.to_string(),
            shard_index: shard.index,
            shard_count: shard.count,
            unit_start: units.start,
            unit_end: units.end,
            units_done: 0,
            csv_bytes: header.len() as u64,
            complete: false,
        };
        let mut writer = Self {
            dir: staged.dir().to_path_buf(),
            file,
            checkpoint,
            regimes,
        };
        writer.save_checkpoint()?;
        // The open CSV moves with its folder.
        writer.dir = staged.commit()?;
        Ok(writer)
    }

    /// Reopens a sweep folder after an interruption: checks that it is the same sweep and
    /// shard, and cuts the CSV back to the last checkpoint.
    pub fn resume(dir: &Path, spec_hash: &str, shard: Shard, regimes: Vec<String>) -> Result<Self> {
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
        let path = dir.join(SWEEP_RUNS);
        let file = OpenOptions::new()
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot reopen {}", path.display()))?;
        let len = file.metadata()?.len();
        if len < checkpoint.csv_bytes {
            bail!(
                "{}: is shorter ({len} bytes) than its checkpoint says ({}); the folder was \
                 changed by hand. Start over with --force.",
                path.display(),
                checkpoint.csv_bytes
            );
        }
        file.set_len(checkpoint.csv_bytes)?;
        file.sync_all()?;
        let mut file = file;
        use std::io::Seek;
        file.seek(std::io::SeekFrom::End(0))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            file,
            checkpoint,
            regimes,
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

    /// Appends a chunk's rows (synced), then records the checkpoint.
    pub fn write_chunk(&mut self, plan: &SweepPlan, results: &[UnitResult]) -> Result<()> {
        let mut rows = csv::Writer::from_writer(Vec::new());
        for u in results {
            let point = u.point.to_string();
            let params: Vec<String> = plan.points[u.point].iter().map(|&v| fmt_param(v)).collect();
            for (name, o) in self.regimes.iter().zip(&u.outcomes) {
                let mut record: Vec<String> = Vec::with_capacity(4 + params.len() + 14);
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
        self.file.write_all(&bytes)?;
        self.file.sync_data()?;
        self.checkpoint.units_done += results.len() as u64;
        self.checkpoint.csv_bytes += bytes.len() as u64;
        self.save_checkpoint()
    }

    /// Marks the folder complete (after every other output is written).
    pub fn finish(mut self) -> Result<Checkpoint> {
        self.checkpoint.complete = true;
        self.save_checkpoint()?;
        Ok(self.checkpoint)
    }
}

/// Per point and regime, the moments of every outcome: what `sweep_summary.csv`, the
/// sensitivity analysis and the sweep plots are made of.
#[derive(Debug, Clone)]
pub struct SweepSummary {
    pub regimes: Vec<String>,
    /// `[point][regime][outcome]`.
    pub moments: Vec<Vec<Vec<Moments>>>,
}

impl SweepSummary {
    pub fn mean(&self, point: usize, regime: usize, outcome: usize) -> Option<f64> {
        self.moments[point][regime][outcome].mean()
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
    })
}

/// Reads `sweep_runs.csv` back (streaming) into per-point moments. Summaries are computed from
/// the file, so a resumed, a merged and an uninterrupted sweep give the same bytes.
pub fn summarize(csv_path: &Path, plan: &SweepPlan, regimes: &[String]) -> Result<SweepSummary> {
    let file =
        File::open(csv_path).with_context(|| format!("cannot read {}", csv_path.display()))?;
    let mut reader = csv::Reader::from_reader(BufReader::new(file));
    let k = plan.names.len();
    let mut moments =
        vec![vec![vec![Moments::default(); OUTCOMES.len()]; regimes.len()]; plan.points.len()];
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
        if point >= plan.points.len() || fields.len() != 4 + k + 14 {
            bail!(bad());
        }
        let outcome = outcome_from_fields(&fields[4 + k..]).with_context(bad)?;
        for (m, v) in moments[point][r].iter_mut().zip(outcome_values(&outcome)) {
            if let Some(x) = v {
                m.push(x);
            }
        }
    }
    Ok(SweepSummary {
        regimes: regimes.to_vec(),
        moments,
    })
}

/// `sweep_summary.csv`: per point, regime and outcome, n, mean and 95% CI.
pub fn sweep_summary_csv(plan: &SweepPlan, summary: &SweepSummary) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let header: Vec<String> = std::iter::once("point".to_string())
        .chain(plan.names.iter().cloned())
        .chain(["regime", "outcome", "n", "mean", "ci_low", "ci_high"].map(String::from))
        .collect();
    out.write_record(&header)?;
    for (p, values) in plan.points.iter().enumerate() {
        for (r, regime) in summary.regimes.iter().enumerate() {
            for (k, outcome) in OUTCOMES.iter().enumerate() {
                let m = &summary.moments[p][r][k];
                let ci = if is_proportion(outcome) {
                    m.wilson95()
                } else {
                    m.ci95()
                };
                let mut record = vec![p.to_string()];
                record.extend(values.iter().map(|&v| fmt_param(v)));
                record.extend([
                    regime.clone(),
                    outcome.to_string(),
                    m.n.to_string(),
                    fmt_opt(m.mean()),
                    fmt_opt(ci.map(|c| c.0)),
                    fmt_opt(ci.map(|c| c.1)),
                ]);
                out.write_record(&record)?;
            }
        }
    }
    Ok(out.into_inner()?)
}

/// Morris elementary effects per regime, outcome and parameter: μ* (mean absolute effect:
/// importance), μ (mean effect: direction) and σ (spread: interactions or non-linearity),
/// in outcome units per full range of the parameter (Morris 1991; Campolongo et al. 2007).
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
                    let dx = (plan.points[a + 1][i] - plan.points[a][i]) / (hi - lo);
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
    if dirs.is_empty() {
        bail!("merge: name the shard folders to merge");
    }
    let mut shards = Vec::new();
    for dir in dirs {
        let Some(checkpoint) = read_checkpoint(dir)? else {
            bail!(
                "{}: not a sweep shard folder (no {CHECKPOINT})",
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
                checkpoint.unit_end - checkpoint.unit_start
            );
        }
        let csv = dir.join(SWEEP_RUNS);
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
                "{}: belongs to a different sweep (fingerprint {} ≠ {} of {})",
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

/// Concatenates the shards' rows, in shard order and under one header, into `out`.
pub fn concatenate(shards: &[ShardFolder], out: &Path) -> Result<()> {
    let mut target =
        File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
    for (k, s) in shards.iter().enumerate() {
        let path = s.dir.join(SWEEP_RUNS);
        let file = File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
        // Only the checkpointed bytes belong to the shard.
        let mut reader = BufReader::new(file.take(s.checkpoint.csv_bytes));
        let mut header = String::new();
        reader.read_line(&mut header)?;
        if k == 0 {
            target.write_all(header.as_bytes())?;
        }
        std::io::copy(&mut reader, &mut target)
            .with_context(|| format!("cannot copy {}", path.display()))?;
    }
    target.sync_all()?;
    Ok(())
}
