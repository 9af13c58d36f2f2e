//! `peacesim sweep` and `peacesim merge`.

use super::{Failure, MergeArgs, SweepArgs, progress_bar_of};
use anyhow::Context;
use peacesim::experiment::design::SweepPlan;
use peacesim::experiment::sweep::{RegimeFactory, Shard, run_units};
use peacesim::output::sweep_files::{
    CHECKPOINT, SWEEP_RUNS, SweepSummary, SweepWriter, check_shards, concatenate,
    concatenate_recorded, fingerprint, sweep_recorded_headers, verify_shards, whole_checkpoint,
    write_atomic,
};
use peacesim::output::sweep_report::{finalize_sweep, sweep_terminal_table};
use peacesim::output::{Input, OutputTarget, StagedDir, claim};
use peacesim::regime;
use peacesim::scenario::Scenario;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

fn input(e: anyhow::Error) -> Failure {
    Failure::Input(format!("{e:#}"))
}

/// The fingerprint of a sweep: the resolved scenario (with its sweep and regimes) and the
/// version that runs it. Resuming and merging require the same one.
fn spec_hash(scenario: &Scenario) -> String {
    let json = serde_json::to_vec(scenario).expect("a scenario serialises");
    let mut bytes = env!("CARGO_PKG_VERSION").as_bytes().to_vec();
    bytes.push(0);
    bytes.extend(json);
    fingerprint(&bytes)
}

fn built_in_regimes(s: &Scenario) -> anyhow::Result<Vec<std::sync::Arc<dyn regime::Regime>>> {
    regime::from_scenario(s).map_err(anyhow::Error::msg)
}

fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// What a sweep folder's manifest records.
struct SweepManifest<'a> {
    scenario: &'a Scenario,
    source: &'a str,
    plan: &'a SweepPlan,
    hash: &'a str,
    shard: Shard,
    units: std::ops::Range<u64>,
    started: &'a str,
    threads: usize,
}

impl SweepManifest<'_> {
    fn to_json(&self, finished: Option<String>) -> anyhow::Result<Vec<u8>> {
        let m = serde_json::json!({
            "tool": "peacesim",
            "version": env!("CARGO_PKG_VERSION"),
            "build": peacesim::output::build_info(),
            "command_line": std::env::args().collect::<Vec<_>>(),
            "scenario_source": self.source,
            "spec_hash": self.hash,
            "design": self.plan.design.as_str(),
            "parameters": self.plan.names,
            "points": self.plan.points.len(),
            "replicates": self.plan.replicates,
            "seed": self.plan.seed,
            "regimes": self.scenario.experiment.regimes,
            "shard": { "index": self.shard.index, "count": self.shard.count },
            "units": { "start": self.units.start, "end": self.units.end },
            "threads": self.threads,
            "started": self.started,
            "finished": finished,
            "scenario": self.scenario,
        });
        let mut bytes = serde_json::to_vec_pretty(&m)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

/// Writes the summary, the sensitivity analysis, the plots and the report of a complete sweep
/// (the library's [`finalize_sweep`], stamped now).
fn finalize(
    dir: &Path,
    scenario: &Scenario,
    plan: &SweepPlan,
    no_plots: bool,
) -> anyhow::Result<SweepSummary> {
    finalize_sweep(dir, scenario, plan, !no_plots, &now())
}

pub(super) fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let mut scenario =
        Scenario::from_file(&args.file).map_err(|e| Failure::Input(e.to_string()))?;
    if let Some(level) = args.record {
        scenario.experiment.record = level;
    }
    let source = args.file.display().to_string();
    let Some(config) = scenario.sweep.clone() else {
        return Err(Failure::Input(format!(
            "{source}: has no [sweep] table; add one (see scenarios/sweep_rotation.toml) or use \
             `peacesim run`"
        )));
    };
    let threads = super::resolve_threads(args.threads)?;
    let shard = match &args.shard {
        Some(text) => Shard::parse(text).map_err(Failure::Input)?,
        None => Shard::WHOLE,
    };
    // Scenario validation has checked every point (the same check as `peacesim check`).
    let plan = SweepPlan::new(&scenario, &config);
    let hash = spec_hash(&scenario);
    let units = shard.units(plan.units());
    let name = &scenario.scenario.name;
    let target = args.out.clone().unwrap_or_else(|| {
        let folder = if shard.is_whole() {
            format!("{name}-sweep")
        } else {
            format!("{name}-sweep-shard-{}-of-{}", shard.index, shard.count)
        };
        PathBuf::from("output").join(folder)
    });
    let out = super::claim_output(&target, Some(&args.file))?;
    let target = out.path().to_path_buf();
    let regimes = scenario.experiment.regimes.clone();
    let mut writer = if args.resume {
        SweepWriter::resume(&target, &hash, shard, &plan, regimes.clone()).map_err(input)?
    } else {
        SweepWriter::start_recording(
            &target,
            &hash,
            shard,
            units.clone(),
            &plan,
            regimes.clone(),
            args.force,
            sweep_recorded_headers(&scenario)?,
        )
        .map_err(input)?
    };
    let started = now();
    let record = SweepManifest {
        scenario: &scenario,
        source: &source,
        plan: &plan,
        hash: &hash,
        shard,
        units: units.clone(),
        started: &started,
        threads,
    };
    if !args.resume {
        write_atomic(&target, "manifest.json", &record.to_json(None)?)?;
    }
    let clock = Instant::now();
    let from = writer.next_unit();
    // Progress in runs, as the closing line counts them (a unit runs every regime).
    let per_unit = regimes.len() as u64;
    let bar = progress_bar_of((units.end - units.start) * per_unit, args.quiet, "runs");
    bar.set_position((from - units.start) * per_unit);
    let factory: &RegimeFactory = &built_in_regimes;
    run_units(
        &scenario,
        &plan,
        factory,
        from..units.end,
        threads,
        &mut |chunk| {
            writer.write_chunk(&plan, chunk)?;
            bar.set_position((writer.next_unit() - units.start) * per_unit);
            Ok(())
        },
    )?;
    bar.finish_and_clear();
    // Never summarise, or mark complete, rows that are not the ones written.
    writer.verify(&plan)?;
    let summary = if shard.is_whole() {
        Some(finalize(&target, &scenario, &plan, args.no_plots)?)
    } else {
        None
    };
    write_atomic(&target, "manifest.json", &record.to_json(Some(now()))?)?;
    writer.finish()?;
    if !args.quiet {
        if let Some(summary) = &summary {
            print!(
                "{}",
                peacesim::scenario::printable(&sweep_terminal_table(&plan, summary))
            );
            println!();
        }
        let runs = (units.end - from) * regimes.len() as u64;
        let secs = clock.elapsed().as_secs_f64();
        println!(
            "{} design: {} points × {} regimes × {} replicates\n{}{runs} runs in {secs:.1} s \
             ({:.0} runs/s on {threads} threads)\n→ {}/",
            plan.design.as_str(),
            plan.points.len(),
            regimes.len(),
            plan.replicates,
            if shard.is_whole() {
                String::new()
            } else {
                format!("shard {}/{}: ", shard.index, shard.count)
            },
            runs as f64 / secs.max(1e-9),
            target.display()
        );
    }
    Ok(())
}

pub(super) fn merge(args: MergeArgs) -> Result<(), Failure> {
    if args
        .dirs
        .first()
        .is_some_and(|d| super::benchmark::is_benchmark_folder(d))
    {
        return super::benchmark::merge(args);
    }
    let shards = check_shards(&args.dirs).map_err(input)?;
    let manifest_path = shards[0].dir.join("manifest.json");
    let text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))
        .map_err(input)?;
    let shard_manifest: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a peacesim manifest", manifest_path.display()))
        .map_err(input)?;
    let scenario: Scenario = serde_json::from_value(shard_manifest["scenario"].clone())
        .with_context(|| format!("{}: no scenario in the manifest", manifest_path.display()))
        .map_err(input)?;
    let hash = spec_hash(&scenario);
    if hash != shards[0].checkpoint.spec_hash {
        return Err(Failure::Input(format!(
            "{}: its manifest does not match its checkpoint (fingerprint {hash} ≠ {}); was it \
             written by another version of peacesim?",
            shards[0].dir.display(),
            shards[0].checkpoint.spec_hash
        )));
    }
    let config = scenario.sweep.clone().ok_or_else(|| {
        Failure::Input(format!(
            "{}: no [sweep] in the manifest",
            manifest_path.display()
        ))
    })?;
    let plan = SweepPlan::new(&scenario, &config);
    let regimes = scenario.experiment.regimes.clone();
    // Every shard's rows are checked against its checkpoint before anything is written.
    verify_shards(&shards, &plan, &regimes).map_err(input)?;
    let target = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!("{}-sweep", scenario.scenario.name))
    });
    let (_claim, target, staged) = stage_merge(&target, &args.dirs, args.force)?;
    let real_name = |e| staged_name(&staged, &target, e);
    let written = concatenate(&shards, &plan, &staged.path(SWEEP_RUNS)).map_err(real_name)?;
    let recorded = concatenate_recorded(&shards, staged.dir()).map_err(real_name)?;
    let checkpoint = whole_checkpoint(staged.dir(), &hash, &plan, &regimes, written, recorded)?;
    let summary = finalize(staged.dir(), &scenario, &plan, args.no_plots).map_err(real_name)?;
    let count = shards[0].checkpoint.shard_count;
    let units = 0..plan.units();
    let source = format!("merge of {count} shards");
    let bytes = SweepManifest {
        scenario: &scenario,
        source: &source,
        plan: &plan,
        hash: &hash,
        shard: Shard::WHOLE,
        units: units.clone(),
        started: shard_manifest["started"].as_str().unwrap_or(""),
        threads: 0,
    }
    .to_json(Some(now()))?;
    staged.write_file("manifest.json", &bytes)?;
    staged.write_file(
        CHECKPOINT,
        &serde_json::to_vec_pretty(&checkpoint).map_err(anyhow::Error::from)?,
    )?;
    let written = staged.commit()?;
    if !args.quiet {
        print!(
            "{}",
            peacesim::scenario::printable(&sweep_terminal_table(&plan, &summary))
        );
        println!();
        println!(
            "merged {count} shards: {} points × {} regimes × {} replicates → {}/",
            plan.points.len(),
            scenario.experiment.regimes.len(),
            plan.replicates,
            written.display()
        );
    }
    Ok(())
}

/// Claims a merge's output folder (never one of the shard folders `dirs`) and stages it: the
/// claim (held until the merge ends), the folder, and its staging folder.
pub(super) fn stage_merge(
    target: &Path,
    dirs: &[PathBuf],
    force: bool,
) -> Result<(OutputTarget, PathBuf, StagedDir), Failure> {
    let inputs: Vec<Input> = dirs
        .iter()
        .map(|path| Input {
            path,
            what: "the shard folder",
        })
        .collect();
    let out = claim(target, &inputs).map_err(input)?;
    let target = out.path().to_path_buf();
    let staged = StagedDir::create(&target, force).map_err(input)?;
    Ok((out, target, staged))
}

/// `e` with the staging folder's name replaced by the folder the user asked for.
pub(super) fn staged_name(staged: &StagedDir, target: &Path, e: anyhow::Error) -> anyhow::Error {
    let staging = staged.dir().display().to_string();
    anyhow::anyhow!(format!("{e:#}").replace(&staging, &target.display().to_string()))
}
