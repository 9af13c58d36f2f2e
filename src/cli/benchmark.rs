//! `peacesim benchmark`: every strategy over a suite of conflicts, a leaderboard; and the merge
//! of a sharded benchmark (`peacesim merge`).

use super::{BenchmarkArgs, Failure, MergeArgs, claim_output, progress_bar_of};
use anyhow::Context;
use peacesim::experiment::benchmark::{
    BENCHMARK_RUNS, Benchmark, DEFAULT_SUITE, MEASURES, Spec, Standing, parse_suite, reference,
    runs_rows, suite_conditions,
};
use peacesim::experiment::sweep::Shard;
use peacesim::output::benchmark_files::{BenchmarkWriter, benchmark_layout, write_results};
use peacesim::output::sweep_files::{
    CHECKPOINT, check_shard_folders, concatenate_rows, verify_shard_rows, whole_checkpoint_of,
    write_atomic,
};

use peacesim::scenario::printable;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

fn input(e: anyhow::Error) -> Failure {
    Failure::Input(format!("{e:#}"))
}

fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// What a benchmark folder's manifest records: the spec whole (a merge rebuilds everything
/// from it), the shard and its units, and when it ran.
struct BenchmarkManifest<'a> {
    spec: &'a Spec,
    /// The suite as the user named it (`the default suite`, a path): in messages and the report.
    suite_source: &'a str,
    /// The suite file's stem: the default folder is `output/benchmark-<stem>`.
    suite_stem: &'a str,
    hash: &'a str,
    shard: Shard,
    units: std::ops::Range<u64>,
    threads: usize,
    started: &'a str,
    merged_shards: Option<u64>,
}

impl BenchmarkManifest<'_> {
    fn to_json(&self, finished: Option<String>) -> anyhow::Result<Vec<u8>> {
        let mut m = serde_json::to_value(self.spec)?;
        let extra = serde_json::json!({
            "tool": "peacesim",
            "version": env!("CARGO_PKG_VERSION"),
            "build": peacesim::output::build_info(),
            "command_line": std::env::args().collect::<Vec<_>>(),
            "suite_source": self.suite_source,
            "suite_stem": self.suite_stem,
            "spec_hash": self.hash,
            "shard": { "index": self.shard.index, "count": self.shard.count },
            "units": { "start": self.units.start, "end": self.units.end },
            "merged_shards": self.merged_shards,
            "threads": self.threads,
            "started": self.started,
            "finished": finished,
        });
        if let (Some(m), serde_json::Value::Object(extra)) = (m.as_object_mut(), extra) {
            m.extend(extra);
        }
        let mut bytes = serde_json::to_vec_pretty(&m)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

pub(super) fn benchmark(args: BenchmarkArgs) -> Result<(), Failure> {
    let (text, name, dir) = match &args.suite {
        Some(path) => (
            std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read the suite", path.display()))
                .map_err(input)?,
            path.display().to_string(),
            path.parent().map(PathBuf::from).unwrap_or_default(),
        ),
        None => (
            DEFAULT_SUITE.to_string(),
            "the default suite".to_string(),
            PathBuf::new(),
        ),
    };
    let mut suite = parse_suite(&text, &name).map_err(input)?;
    if let Some(r) = args.replicates {
        suite.replicates = r;
    }
    let threads = super::resolve_threads(args.threads)?;
    let shard = match &args.shard {
        Some(text) => Shard::parse(text).map_err(Failure::Input)?,
        None => Shard::WHOLE,
    };
    let conds =
        suite_conditions(&suite, args.suite.as_ref().map(|_| dir.as_path())).map_err(input)?;
    let bench = Benchmark::new(suite, conds);
    let spec = bench.spec();
    let hash = spec.fingerprint();
    let total = spec.units();
    let units = shard.units(total);
    let stem = args
        .suite
        .as_ref()
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "default".into());
    let target = args.out.clone().unwrap_or_else(|| {
        let folder = if shard.is_whole() {
            format!("benchmark-{stem}")
        } else {
            format!("benchmark-{stem}-shard-{}-of-{}", shard.index, shard.count)
        };
        PathBuf::from("output").join(folder)
    });
    let out = claim_output(&target, args.suite.as_deref())?;
    let target = out.path().to_path_buf();
    let layout = benchmark_layout(&spec)?;
    let mut writer = if args.resume {
        BenchmarkWriter::resume(&target, &hash, shard, &layout, total).map_err(input)?
    } else {
        BenchmarkWriter::start(&target, &hash, shard, units.clone(), args.force).map_err(input)?
    };
    let started = now();
    let record = BenchmarkManifest {
        spec: &spec,
        suite_source: &name,
        suite_stem: &stem,
        hash: &hash,
        shard,
        units: units.clone(),
        threads,
        started: &started,
        merged_shards: None,
    };
    if !args.resume {
        write_atomic(&target, "manifest.json", &record.to_json(None)?)?;
    }
    let clock = Instant::now();
    let from = writer.next_unit();
    let per_unit = spec.compared.len() as u64;
    let bar = progress_bar_of((units.end - units.start) * per_unit, args.quiet, "runs");
    bar.set_position((from - units.start) * per_unit);
    bench.run_units(from..units.end, threads, &mut |chunk| {
        writer.write_rows(&runs_rows(&spec, chunk)?, chunk.len() as u64)?;
        bar.set_position((writer.next_unit() - units.start) * per_unit);
        Ok(())
    })?;
    bar.finish_and_clear();
    // Never summarise, or mark complete, rows that are not the ones written.
    writer.verify(&layout)?;
    let standings = if shard.is_whole() {
        Some(write_results(&target, &spec, &name, !args.no_plots)?)
    } else {
        None
    };
    write_atomic(&target, "manifest.json", &record.to_json(Some(now()))?)?;
    writer.finish()?;
    if !args.quiet {
        if let Some(standings) = &standings {
            print_table(&spec, standings);
            println!();
        }
        let runs = (units.end - from) * per_unit;
        let whole = format!(
            "{} conditions × {} strategies × {} replicates = {} runs",
            spec.conditions.len(),
            spec.compared.len(),
            spec.suite.replicates,
            total * per_unit
        );
        let secs = clock.elapsed().as_secs_f64();
        if shard.is_whole() && from == 0 {
            println!("{whole} in {secs:.1} s");
        } else {
            let part = if shard.is_whole() {
                String::new()
            } else {
                format!("shard {}/{}: ", shard.index, shard.count)
            };
            println!("{whole}\n{part}{runs} runs in {secs:.1} s");
        }
        println!("→ {}/", target.display());
    }
    Ok(())
}

/// The ranked table on the terminal (80 columns).
fn print_table(spec: &Spec, standings: &[Standing]) {
    let reference_name = &spec.compared[reference(&spec.compared)];
    let mut order: Vec<_> = standings.iter().collect();
    order.sort_by_key(|s| s.rank);
    println!(
        "{:<4} {:<14} {:>8} {:>9} {:>16} {:>6} {:>7}",
        "rank", "strategy", "durable", "agreement", "durable Δ vs ref", "best", "regret"
    );
    for s in order {
        let diff = match s.difference[1] {
            Some((m, _, _)) if s.strategy != *reference_name => {
                format!("{:+.1} pp", 100.0 * m).replace('-', "−")
            }
            _ => "(reference)".into(),
        };
        let rank = if s.rank_interval.0 == s.rank_interval.1 {
            s.rank.to_string()
        } else {
            format!("{}–{}", s.rank_interval.0, s.rank_interval.1)
        };
        println!(
            "{:<4} {:<14} {:>7.1}% {:>8.1}% {:>16} {:>5.0}% {:>6.1}pp",
            rank,
            printable(&s.strategy),
            100.0 * s.mean[1],
            100.0 * s.mean[0],
            diff,
            100.0 * s.best_share,
            100.0 * s.worst_regret,
        );
    }
    debug_assert_eq!(MEASURES[1], "durable_agreement");
}

/// Whether `dir` holds a benchmark (or a shard of one) rather than a sweep.
pub(super) fn is_benchmark_folder(dir: &Path) -> bool {
    dir.join(BENCHMARK_RUNS).is_file()
}

/// `peacesim merge` of benchmark shards: checks that they are the complete, distinct shards of
/// one benchmark and verifies every byte their checkpoints vouch for before anything is
/// written; then writes the files of the whole benchmark, byte-identical to an unsharded run.
pub(super) fn merge(args: MergeArgs) -> Result<(), Failure> {
    let shards = check_shard_folders(&args.dirs, BENCHMARK_RUNS, "benchmark").map_err(input)?;
    let manifest_path = shards[0].dir.join("manifest.json");
    let text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))
        .map_err(input)?;
    let manifest: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a peacesim manifest", manifest_path.display()))
        .map_err(input)?;
    let spec: Spec = serde_json::from_value(manifest.clone())
        .with_context(|| {
            format!(
                "{}: not a benchmark manifest (fields suite, strategies, compared, conditions)",
                manifest_path.display()
            )
        })
        .map_err(input)?;
    let hash = spec.fingerprint();
    if hash != shards[0].checkpoint.spec_hash {
        return Err(Failure::Input(format!(
            "{}: its manifest does not match its checkpoint (fingerprint {hash} ≠ {}): it was \
             edited, or written by another version of peacesim. Run that shard again with \
             --force.",
            shards[0].dir.display(),
            shards[0].checkpoint.spec_hash
        )));
    }
    let text_of = |key: &str| manifest[key].as_str().unwrap_or_default().to_string();
    let suite_source = text_of("suite_source");
    let stem = Some(text_of("suite_stem"))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "merged".into());
    let layout = benchmark_layout(&spec)?;
    let total = spec.units();
    // Every shard's rows are checked against its checkpoint before anything is written.
    verify_shard_rows(&shards, &layout, total).map_err(input)?;
    let target = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("benchmark-{stem}")));
    let (_claim, target, staged) = super::sweep::stage_merge(&target, &args.dirs, args.force)?;
    let real_name = |e| super::sweep::staged_name(&staged, &target, e);
    let written = concatenate_rows(
        &shards,
        BENCHMARK_RUNS,
        &layout.header,
        &staged.path(BENCHMARK_RUNS),
    )
    .map_err(real_name)?;
    let checkpoint = whole_checkpoint_of(staged.dir(), &hash, &layout, total, written, Vec::new())
        .map_err(real_name)?;
    let standings =
        write_results(staged.dir(), &spec, &suite_source, !args.no_plots).map_err(real_name)?;
    let count = shards[0].checkpoint.shard_count;
    let bytes = BenchmarkManifest {
        spec: &spec,
        suite_source: &suite_source,
        suite_stem: &stem,
        hash: &hash,
        shard: Shard::WHOLE,
        units: 0..total,
        threads: 0,
        started: manifest["started"].as_str().unwrap_or(""),
        merged_shards: Some(count),
    }
    .to_json(Some(now()))?;
    staged.write_file("manifest.json", &bytes)?;
    staged.write_file(
        CHECKPOINT,
        &serde_json::to_vec_pretty(&checkpoint).map_err(anyhow::Error::from)?,
    )?;
    let written = staged.commit()?;
    if !args.quiet {
        print_table(&spec, &standings);
        println!();
        println!(
            "merged {count} shards: {} conditions × {} strategies × {} replicates → {}/",
            spec.conditions.len(),
            spec.compared.len(),
            spec.suite.replicates,
            written.display()
        );
    }
    Ok(())
}
