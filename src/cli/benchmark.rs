//! `peacesim benchmark`: every strategy over a suite of conflicts, a leaderboard.

use super::{BenchmarkArgs, Failure, claim_output, progress_bar_of};
use anyhow::Context;
use peacesim::experiment::benchmark::benchmark_report_html;
use peacesim::experiment::benchmark::{
    DEFAULT_SCENARIOS, DEFAULT_SUITE, MEASURES, conditions, conditions_csv, leaderboard,
    leaderboard_csv, parse_suite, reference, run_condition,
};
use peacesim::output::{StagedDir, plots};
use peacesim::scenario::{Scenario, printable};
use std::path::PathBuf;
use std::time::Instant;

pub(super) fn benchmark(args: BenchmarkArgs) -> Result<(), Failure> {
    let input = |e: anyhow::Error| Failure::Input(format!("{e:#}"));
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
    let mut files = Vec::new();
    for file in &suite.scenarios {
        let scenario = match (
            &args.suite,
            DEFAULT_SCENARIOS.iter().find(|(f, _)| f == file),
        ) {
            (None, Some((_, text))) => Scenario::from_toml_str(text, file),
            _ => Scenario::from_file(&dir.join(file)),
        }
        .map_err(|e| Failure::Input(e.to_string()))?;
        files.push((file.clone(), scenario));
    }
    let base = Scenario::baseline();
    let conds = conditions(&suite, &base, &files).map_err(input)?;
    let stem = args
        .suite
        .as_ref()
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "default".into());
    let target = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("benchmark-{stem}")));
    let out = claim_output(&target, args.suite.as_deref())?;
    let staged = StagedDir::create(out.path(), args.force).map_err(input)?;
    let clock = Instant::now();
    let runs_per = suite.replicates * suite.strategies.len() as u64;
    let bar = progress_bar_of(conds.len() as u64 * runs_per, args.quiet, "runs");
    let mut cells = Vec::with_capacity(conds.len());
    for (k, c) in conds.iter().enumerate() {
        cells.push(run_condition(c, threads)?);
        bar.set_position((k as u64 + 1) * runs_per);
    }
    bar.finish_and_clear();
    let standings = leaderboard(&suite.strategies, &cells, suite.seed);
    let reference_name = &suite.strategies[reference(&suite.strategies)];
    staged.write_file(
        "conditions.csv",
        &conditions_csv(&conds, &suite.strategies, &cells)?,
    )?;
    staged.write_file(
        "leaderboard.csv",
        &leaderboard_csv(&standings, reference_name)?,
    )?;
    let manifest = serde_json::json!({
        "tool": "peacesim",
        "version": env!("CARGO_PKG_VERSION"),
        "build": peacesim::output::build_info(),
        "command_line": std::env::args().collect::<Vec<_>>(),
        "suite_source": name,
        "suite": suite,
        "strategies": suite.written,
        "conditions": conds.iter().map(|c| serde_json::json!({"name": c.name, "source": c.source})).collect::<Vec<_>>(),
        "threads": threads,
    });
    if !args.no_plots {
        let svg = plots::write_benchmark_figure(&conds, &suite.strategies, &cells, staged.dir())?;
        let html = benchmark_report_html(&name, &suite, &conds, &standings, &cells, &svg);
        staged.write_file("report.html", html.as_bytes())?;
    }
    let mut bytes = serde_json::to_vec_pretty(&manifest).map_err(anyhow::Error::from)?;
    bytes.push(b'\n');
    staged.write_file("manifest.json", &bytes)?;
    let written = staged.commit()?;
    if !args.quiet {
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
        println!(
            "\n{} conditions × {} strategies × {} replicates = {} runs in {:.1} s\n→ {}/",
            conds.len(),
            suite.strategies.len(),
            suite.replicates,
            conds.len() as u64 * runs_per,
            clock.elapsed().as_secs_f64(),
            written.display()
        );
    }
    Ok(())
}
