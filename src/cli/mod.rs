//! Command-line interface: argument parsing, the `run` and `check` commands, exit statuses.
//!
//! Exit status 0 on success, 2 on bad input (arguments, scenario files, an output folder that
//! may not be replaced), 1 on a failure while running or writing.

mod benchmark;
mod studio;
mod sweep;
mod table;
mod validate;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use peacesim::commands;
use peacesim::experiment::{self, Design};
use peacesim::model::{METRICS, random::run_seed, simulate_traced};
use peacesim::output::{
    Input, Manifest, OutputTarget, ReportInfo, RunsWriter, StagedDir, chronicle, claim, events_csv,
    plots, report_html, summary_csv, timeseries_csv, trajectories::TrajectoryWriter,
};
use peacesim::regime;
use peacesim::scenario::{BASELINE_SOURCE, BASELINE_TOML, RecordLevel, Scenario, printable};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

#[derive(Parser, Debug)]
#[command(
    name = "peacesim",
    version,
    about = "Agent-based simulation of competing and coordinating third parties in peace processes",
    long_about = "peacesim simulates peace processes in which mediators, diplomats, mediation \
support organisations and insider mediators compete or coordinate (hierarchically, as a network \
or as a contact group). Each regime faces the same simulated conflicts (paired replicates), so the \
differences it reports are the regime's.\n\nStart with `peacesim run` (the built-in baseline), \
then copy `peacesim baseline > my.toml`, edit it, `peacesim check my.toml` and `peacesim run my.toml`.",
    after_help = "Exit status: 0 success, 1 failure while running or writing, 2 bad input."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run every regime of a scenario over paired replicates; write runs.csv, timeseries.csv,
    /// summary.csv, manifest.json, scenario.toml, figures (PNG and SVG) and report.html.
    Run(RunArgs),
    /// Narrate one run (one regime, one replicate): a chronicle on the terminal, events.csv, a
    /// timeline plot and an animated GIF. Replicate K is exactly replicate K of `run`.
    Trace(TraceArgs),
    /// Run the parameter sweep of a scenario's [sweep] table: every point × regime × replicate,
    /// streamed to sweep_runs.csv with checkpoints; then sweep_summary.csv, plots, report.html
    /// and, for a Morris or Sobol' design, sensitivity.csv.
    Sweep(SweepArgs),
    /// Merge the folders of a sharded sweep or benchmark (--shard i/N) into the files of the
    /// whole sweep or benchmark.
    Merge(MergeArgs),
    /// Benchmark coordination strategies over a suite of conflicts (the case studies and
    /// sampled conditions), paired: every run streamed to benchmark_runs.csv with checkpoints
    /// (--resume, --shard i/N and merge as for a sweep); then conditions.csv, leaderboard.csv, a
    /// figure, report.html and a ranked table.
    Benchmark(BenchmarkArgs),
    /// Run the stylized facts of the model (docs/VALIDATION.md) as paired experiments on a calibration
    /// (the built-in baseline by default); print a table, write validation.csv and a figure;
    /// exit 0 only if every check holds (1 if any fails).
    Validate(ValidateArgs),
    /// Validate scenario files without running them.
    Check {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the built-in baseline scenario: a commented template to copy and edit.
    Baseline,
    /// Start the trainers' studio: an interactive page on this machine (127.0.0.1) to pick or
    /// edit a scenario, set its mechanisms and motives, watch two regimes month by month on the
    /// same replicate, run paired replicates and export the settings as a scenario file.
    Studio(studio::StudioArgs),
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Scenario file (TOML). Without it, the built-in baseline scenario runs.
    file: Option<PathBuf>,
    /// Paired replicates per regime (overrides experiment.replicates).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    replicates: Option<u64>,
    /// Master seed (overrides experiment.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads; 0 = one per core. Results are identical for any value.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Output folder [default: output/<scenario name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Regimes to compare, comma-separated (overrides experiment.regimes):
    /// competitive, hierarchical, network, contact_group, or a strategy the scenario writes in
    /// [strategies.<name>].
    #[arg(long, value_delimiter = ',')]
    regimes: Option<Vec<String>>,
    /// Record every run's path (overrides experiment.record): `monthly` writes
    /// trajectories.csv (one row per run and month), `agents` also agents.csv (one row per
    /// run, month and third party), `off` neither.
    #[arg(long, value_name = "LEVEL", value_parser = parse_record)]
    record: Option<RecordLevel>,
    /// Replace an existing output folder that peacesim did not write, deleting everything in
    /// it. Never the root, the current folder or one above it, $HOME or one above it, or a
    /// folder holding an input.
    #[arg(long)]
    force: bool,
    /// Skip the plots and the HTML report (CSV files and manifest only).
    #[arg(long)]
    no_plots: bool,
    /// No progress bar and no table; only errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct TraceArgs {
    /// Scenario file (TOML). Without it, the built-in baseline scenario runs.
    file: Option<PathBuf>,
    /// Regime to trace: competitive, hierarchical, network, contact_group.
    #[arg(long)]
    regime: String,
    /// Replicate to trace, from 0 to experiment.replicates − 1.
    #[arg(long)]
    replicate: u64,
    /// Replicates the scenario runs (overrides experiment.replicates; bounds --replicate).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    replicates: Option<u64>,
    /// Master seed (overrides experiment.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Output folder [default: output/<scenario>-trace-<regime>-<replicate>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace an existing output folder that peacesim did not write, deleting everything in
    /// it. Never the root, the current folder or one above it, $HOME or one above it, or a
    /// folder holding an input.
    #[arg(long)]
    force: bool,
    /// Skip the timeline plot and the animation.
    #[arg(long)]
    no_plots: bool,
    /// Do not print the chronicle.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct SweepArgs {
    /// Scenario file (TOML) with a [sweep] table.
    file: PathBuf,
    /// Worker threads; 0 = one per core. Results are identical for any value.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Output folder [default: output/<scenario>-sweep, or output/<scenario>-sweep-shard-<i>-of-<N>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run only shard i of N (0 ≤ i < N): a contiguous block of the work, for job arrays.
    #[arg(long, value_name = "i/N")]
    shard: Option<String>,
    /// Continue an interrupted sweep in its folder from its last checkpoint.
    #[arg(long)]
    resume: bool,
    /// Record every run's path (overrides experiment.record): `monthly` writes
    /// trajectories.csv, `agents` also agents.csv; `off` neither. A resumed sweep needs the
    /// same level.
    #[arg(long, value_name = "LEVEL", value_parser = parse_record)]
    record: Option<RecordLevel>,
    /// Replace an existing folder even if it holds an unfinished sweep or was not written by
    /// peacesim, deleting everything in it. Never the root, the current folder or one above
    /// it, $HOME or one above it, or a folder holding an input.
    #[arg(long)]
    force: bool,
    /// Skip the plots.
    #[arg(long)]
    no_plots: bool,
    /// No progress bar and no closing message.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct ValidateArgs {
    /// Scenario file (TOML) whose calibration to check. Without it, the built-in baseline.
    file: Option<PathBuf>,
    /// Worker threads; 0 = one per core. Results are identical for any value.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Output folder [default: output/<scenario>-validation].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace an existing output folder that peacesim did not write, deleting everything in
    /// it. Never the root, the current folder or one above it, $HOME or one above it, or a
    /// folder holding an input.
    #[arg(long)]
    force: bool,
    /// Skip the figure.
    #[arg(long)]
    no_plots: bool,
    /// Judge every check on all 2,000 replicates with its 95% interval, instead of deciding
    /// clear checks early on 250, 500 or 1,000 with a 99.9% interval (about five times the
    /// runs; the figures of docs/VALIDATION.md).
    #[arg(long)]
    all_replicates: bool,
    /// Print only failures.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct BenchmarkArgs {
    /// Suite file (TOML, a [benchmark] table). Without it, the default suite
    /// (scenarios/benchmark/default.toml, built in).
    suite: Option<PathBuf>,
    /// Paired replicates per condition and strategy (overrides benchmark.replicates).
    #[arg(long, value_parser = clap::value_parser!(u64).range(2..=100_000_000))]
    replicates: Option<u64>,
    /// Worker threads; 0 = one per core. Results are identical for any value.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Output folder [default: output/benchmark-<suite name>, or
    /// output/benchmark-<suite name>-shard-<i>-of-<N>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run only shard i of N (0 ≤ i < N): a contiguous block of the runs, for job arrays;
    /// `peacesim merge` joins the shards.
    #[arg(long, value_name = "i/N")]
    shard: Option<String>,
    /// Continue an interrupted benchmark in its folder from its last checkpoint.
    #[arg(long)]
    resume: bool,
    /// Skip the figure and the HTML report (CSV files and manifest only).
    #[arg(long)]
    no_plots: bool,
    /// Replace an existing folder even if it holds an unfinished benchmark or was not written
    /// by peacesim, deleting everything in it. Never the root, the current folder or one above
    /// it, $HOME or one above it, or a folder holding an input.
    #[arg(long)]
    force: bool,
    /// No progress bar and no table; only errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct MergeArgs {
    /// The shard folders (every shard 0..N−1 of one sweep or benchmark, in any order).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Output folder [default: output/<scenario>-sweep, output/benchmark-<suite name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace an existing output folder that peacesim did not write, deleting everything in
    /// it. Never the root, the current folder or one above it, $HOME or one above it, or a
    /// folder holding an input.
    #[arg(long)]
    force: bool,
    /// Skip the plots.
    #[arg(long)]
    no_plots: bool,
    /// No closing message.
    #[arg(long, short)]
    quiet: bool,
}

/// A failure, and whose it is.
enum Failure {
    /// The user's input is wrong: exit 2.
    Input(String),
    /// Something failed while running or writing: exit 1.
    Runtime(anyhow::Error),
    /// The command ran, and its answer is "no" (a stylized fact does not hold): exit 1.
    Verdict(String),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Runtime(e)
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Trace(args) => trace(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Merge(args) => sweep::merge(args),
        Command::Benchmark(args) => benchmark::benchmark(args),
        Command::Validate(args) => validate::validate(args),
        Command::Check { files } => check(&files),
        Command::Studio(args) => studio::studio(args),
        Command::Baseline => {
            print!("{BASELINE_TOML}");
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            eprintln!("error: {}", printable(&msg));
            ExitCode::from(2)
        }
        Err(Failure::Runtime(e)) => {
            eprintln!("error: {}", printable(&format!("{e:#}")));
            ExitCode::from(1)
        }
        Err(Failure::Verdict(msg)) => {
            eprintln!("{}", printable(&msg));
            ExitCode::from(1)
        }
    }
}

fn check(files: &[PathBuf]) -> Result<(), Failure> {
    let mut bad = Vec::new();
    for file in files {
        match Scenario::from_file(file) {
            Ok(s) => println!("{}", commands::check_line(&file.display().to_string(), &s)),
            Err(e) => bad.push(e.to_string()),
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Failure::Input(bad.join("\n")))
    }
}

/// Command-line overrides of the scenario's experiment section.
struct Overrides<'a> {
    file: Option<&'a PathBuf>,
    replicates: Option<u64>,
    seed: Option<u64>,
    regimes: Option<&'a Vec<String>>,
    record: Option<RecordLevel>,
}

fn parse_record(text: &str) -> Result<RecordLevel, String> {
    RecordLevel::parse(text)
}

fn load(args: Overrides) -> Result<(Scenario, String), Failure> {
    let (mut scenario, source) = match args.file {
        Some(path) => (
            Scenario::from_file(path).map_err(|e| Failure::Input(e.to_string()))?,
            path.display().to_string(),
        ),
        None => (Scenario::baseline(), BASELINE_SOURCE.to_string()),
    };
    let overrides = commands::Overrides {
        replicates: args.replicates,
        seed: args.seed,
        regimes: args.regimes.map(Vec::as_slice),
        record: args.record,
    };
    commands::apply_overrides(&mut scenario, &source, overrides).map_err(Failure::Input)?;
    Ok((scenario, source))
}

fn run(args: RunArgs) -> Result<(), Failure> {
    let (scenario, source) = load(Overrides {
        file: args.file.as_ref(),
        replicates: args.replicates,
        seed: args.seed,
        regimes: args.regimes.as_ref(),
        record: args.record,
    })?;
    let threads = resolve_threads(args.threads)?;
    let regimes = regime::from_scenario(&scenario).map_err(Failure::Input)?;
    let target = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&scenario.scenario.name));
    let out = claim_output(&target, args.file.as_deref())?;
    let staged =
        StagedDir::create(out.path(), args.force).map_err(|e| Failure::Input(format!("{e:#}")))?;
    let design = Design {
        replicates: scenario.experiment.replicates,
        seed: scenario.experiment.seed,
        threads,
        regimes,
    };
    let names: Vec<String> = design
        .regimes
        .iter()
        .map(|r| r.name().to_string())
        .collect();
    let started = SystemTime::now();
    let bar = progress_bar(design.replicates, args.quiet);
    let runs = RunsWriter::create(&staged.path("runs.csv"), names.clone())?;
    let trajectories = TrajectoryWriter::create(staged.dir(), &scenario)?;
    let mut sinks = (runs, trajectories);
    let results = experiment::run(&scenario, &design, &mut sinks, &mut |done| {
        bar.set_position(done)
    })?;
    bar.finish_and_clear();
    sinks.0.finish()?;
    if let Some(t) = sinks.1 {
        t.finish()?;
    }
    // The tables and the figures are independent: they are made side by side on the run's
    // threads.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start the worker threads")?;
    let (tables, figures) = pool.install(|| {
        rayon::join(
            || Ok::<_, anyhow::Error>((timeseries_csv(&results)?, summary_csv(&results)?)),
            || {
                if args.no_plots {
                    Ok(Vec::new())
                } else {
                    plots::write_run_figures(&results, staged.dir())
                }
            },
        )
    });
    let (timeseries, summary) = tables?;
    let figures = figures?;
    staged.write_file("timeseries.csv", &timeseries)?;
    staged.write_file("summary.csv", &summary)?;
    let manifest = Manifest {
        tool: "peacesim",
        version: env!("CARGO_PKG_VERSION"),
        build: peacesim::output::build_info(),
        command_line: std::env::args().collect(),
        scenario_source: source,
        seed: design.seed,
        replicates: design.replicates,
        regimes: names,
        threads,
        started: humantime::format_rfc3339_seconds(started).to_string(),
        finished: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        scenario: &scenario,
    };
    staged.write_file("manifest.json", &manifest.to_json()?)?;
    staged.write_file("scenario.toml", scenario_toml(&scenario)?.as_bytes())?;
    if !args.no_plots {
        let info = ReportInfo {
            scenario: &scenario,
            version: env!("CARGO_PKG_VERSION"),
            seed: design.seed,
            finished: &manifest.finished,
        };
        staged.write_file(
            "report.html",
            report_html(&info, &results, &figures).as_bytes(),
        )?;
    }
    let written = staged.commit().context("cannot put the results in place")?;
    if !args.quiet {
        let elapsed = started.elapsed().unwrap_or_default();
        print!("{}", printable(&table::render(&scenario, &results)));
        print!(
            "\n{}",
            table::closing(
                design.replicates * design.regimes.len() as u64,
                design.regimes.len(),
                design.replicates,
                elapsed.as_secs_f64(),
                threads,
            )
        );
        println!("→ {}/", written.display());
    }
    Ok(())
}

/// Resolves, checks and locks a command's output folder before any work (the rules are in
/// `peacesim::output::target`). The lock is held until the value is dropped.
fn claim_output(out: &Path, scenario: Option<&Path>) -> Result<OutputTarget, Failure> {
    let inputs: Vec<Input> = scenario
        .map(|path| Input {
            path,
            what: "the scenario file",
        })
        .into_iter()
        .collect();
    claim(out, &inputs).map_err(|e| Failure::Input(format!("{e:#}")))
}

/// Worker threads to use: `--threads 0` means one per core (`peacesim::commands`).
fn resolve_threads(requested: usize) -> Result<usize, Failure> {
    commands::resolve_threads(requested).map_err(Failure::Input)
}

/// The resolved scenario as TOML: `peacesim run <folder>/scenario.toml` reproduces the run.
fn scenario_toml(scenario: &Scenario) -> anyhow::Result<String> {
    let body = toml::to_string(scenario).context("cannot write scenario.toml")?;
    Ok(format!(
        "# The scenario of this run, with defaults and command-line options resolved.\n\
         # `peacesim run scenario.toml` reproduces the run (same version of peacesim).\n\n{body}"
    ))
}

fn progress_bar(len: u64, quiet: bool) -> ProgressBar {
    progress_bar_of(len, quiet, "replicates")
}

/// A progress bar with rate and ETA on stderr; hidden when quiet or when stderr is not a
/// terminal (indicatif draws nothing then).
fn progress_bar_of(len: u64, quiet: bool, unit: &str) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(progress_style(len, unit));
    bar
}

/// Most characters the rate (`12,345/s`, a whole number per second) and the ETA (`59m`) take
/// in the progress line; wider values (millions of runs a second, days to go) are not met.
const RATE_CHARS: usize = 11;
const ETA_CHARS: usize = 4;

/// The progress line: elapsed time, bar, done/total, unit, rate (rounded to a whole number per
/// second) and ETA. The bar is as wide as fits in 79 columns (one fewer than a terminal of 80,
/// whose last column would wrap) with the widest counts `len` can reach, from 5 to 30.
fn progress_style(len: u64, unit: &str) -> ProgressStyle {
    let count = indicatif::HumanCount(len).to_string().chars().count();
    // "00:00:01 [" + bar + "] " + "pos/len unit" + " (" + rate + ", ETA " + eta + ")"
    let fixed =
        8 + 2 + 2 + 2 * count + 1 + 1 + unit.chars().count() + 2 + RATE_CHARS + 6 + ETA_CHARS + 1;
    let bar = (table::WIDTH - 1).saturating_sub(fixed).clamp(5, 30);
    ProgressStyle::with_template(&format!(
        "{{elapsed_precise}} [{{bar:{bar}}}] {{human_pos}}/{{human_len}} {unit} \
         ({{per_sec:0}}, ETA {{eta}})"
    ))
    .expect("valid template")
    .progress_chars("=> ")
}

fn trace(args: TraceArgs) -> Result<(), Failure> {
    let (scenario, source) = load(Overrides {
        file: args.file.as_ref(),
        replicates: args.replicates,
        seed: args.seed,
        regimes: None,
        record: None,
    })?;
    let regime = regime::by_name(&args.regime, &scenario).ok_or_else(|| {
        Failure::Input(format!(
            "--regime: unknown regime {:?}; known: {}",
            args.regime,
            regime::known_names(&scenario).join(", ")
        ))
    })?;
    let replicates = scenario.experiment.replicates;
    if args.replicate >= replicates {
        return Err(Failure::Input(format!(
            "--replicate {}: out of range; scenario {:?} runs replicates 0 to {} \
             (experiment.replicates = {replicates}; raise it with --replicates)",
            args.replicate,
            scenario.scenario.name,
            replicates - 1
        )));
    }
    let target = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!(
            "{}-trace-{}-{}",
            scenario.scenario.name, args.regime, args.replicate
        ))
    });
    let out = claim_output(&target, args.file.as_deref())?;
    let staged =
        StagedDir::create(out.path(), args.force).map_err(|e| Failure::Input(format!("{e:#}")))?;
    let started = SystemTime::now();
    let seed = run_seed(scenario.experiment.seed, args.replicate);
    let mut series = vec![0.0; scenario.total_months() * METRICS.len()];
    let traced = simulate_traced(&scenario, regime.as_ref(), seed, &mut series);
    let story = chronicle(&scenario, &args.regime, args.replicate, seed, &traced);
    staged.write_file("events.csv", &events_csv(&scenario, &traced)?)?;
    staged.write_file("chronicle.txt", story.as_bytes())?;
    if !args.no_plots {
        plots::write_trace_timeline(
            &scenario,
            &args.regime,
            args.replicate,
            &traced,
            &series,
            staged.dir(),
        )?;
        plots::write_trace_animation(&scenario, &args.regime, &traced, staged.dir())?;
    }
    let manifest = serde_json::json!({
        "tool": "peacesim",
        "version": env!("CARGO_PKG_VERSION"),
        "build": peacesim::output::build_info(),
        "command_line": std::env::args().collect::<Vec<_>>(),
        "scenario_source": source,
        "master_seed": scenario.experiment.seed,
        "regime": args.regime,
        "replicate": args.replicate,
        "run_seed": seed,
        "started": humantime::format_rfc3339_seconds(started).to_string(),
        "finished": humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        "scenario": &scenario,
    });
    let mut bytes = serde_json::to_vec_pretty(&manifest).context("cannot write manifest.json")?;
    bytes.push(b'\n');
    staged.write_file("manifest.json", &bytes)?;
    let written = staged.commit().context("cannot put the trace in place")?;
    if !args.quiet {
        print!("{}", printable(&story));
        println!("\nwrote {}/", written.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::{ProgressDrawTarget, TermLike};
    use std::sync::{Arc, Mutex};

    /// A terminal of 80 columns that keeps what is written to it.
    #[derive(Debug, Clone, Default)]
    struct Screen(Arc<Mutex<Vec<String>>>);

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            80
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push(s.to_string());
            Ok(())
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push(s.to_string());
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_progress_line_fits_80_columns_with_a_whole_rate() {
        for (len, unit) in [
            (1000, "replicates"),
            (100_000_000, "replicates"),
            (3000, "runs"),
        ] {
            let screen = Screen::default();
            let bar = ProgressBar::with_draw_target(
                Some(len),
                ProgressDrawTarget::term_like(Box::new(screen.clone())),
            );
            bar.set_style(progress_style(len, unit));
            for step in 1..=5 {
                std::thread::sleep(std::time::Duration::from_millis(30));
                bar.set_position(step * 97);
                bar.force_draw();
            }
            let lines: Vec<String> = screen.0.lock().unwrap().clone();
            // The bar's lines (indicatif also writes padding of its own).
            let lines: Vec<&String> = lines.iter().filter(|l| l.contains("ETA")).collect();
            assert!(!lines.is_empty(), "nothing drawn");
            eprintln!("{}", lines[lines.len() - 1]);
            for line in lines {
                assert!(
                    line.chars().count() < 80,
                    "{} columns: {line:?}",
                    line.chars().count()
                );
                assert!(line.contains(unit), "{line:?}");
                // A rate such as 3,233/s: a whole number, not 3,233.3333/s.
                let rate = line.split('(').nth(1).and_then(|r| r.split("/s").next());
                let rate = rate.unwrap_or_else(|| panic!("no rate in {line:?}"));
                assert!(!rate.contains('.'), "{line:?}");
            }
        }
    }
}
