//! Benchmarking coordination strategies over a suite of conflicts (`peacesim benchmark`).
//!
//! A suite is a set of *conditions*: the shipped case-study scenarios plus conflicts sampled by
//! Latin hypercube (through the sweep machinery, with its documented seed) over stated ranges
//! of the baseline's conditions. Every strategy faces every condition with the same replicate
//! seeds (paired). Per condition and strategy the runs give agreement, durable agreement
//! (signed and not relapsed within the implementation window), violence and coordination cost;
//! the leaderboard averages them over conditions (each condition counts once), with paired
//! differences from competition, ranks with bootstrap intervals over conditions, the share of
//! conditions where a strategy is best and its worst-case regret.

use super::design::SweepPlan;
use super::stats::Moments;
use super::sweep::CHUNK_UNITS;
use crate::model::random::run_seed;
use crate::model::{METRICS, RunOutcome, simulate};
use crate::regime::{self, Regime};
use crate::scenario::{
    BASELINE_SOURCE, Scenario, StrategyDef, SweepConfig, SweepDesign, SweepParameter,
    sweep::SweepValue,
};
use anyhow::{Context, Result, anyhow};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The measures of a strategy in a condition, in this order.
pub const MEASURES: [&str; 4] = [
    "agreement",
    "durable_agreement",
    "cumulative_violence",
    "coordination_cost",
];

/// Bootstrap resamples of the conditions for rank intervals.
pub const RANK_RESAMPLES: usize = 1000;

/// The stream of the bootstrap's draws (the design's own stream is 1,000).
const RANK_STREAM: u64 = 2_000;

/// A range of a condition sampled for the suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// Dotted path of a number in the scenario, as in a sweep.
    pub path: String,
    pub min: f64,
    pub max: f64,
}

/// A benchmark suite (the `[benchmark]` table of a suite file).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    /// Strategies compared (built-in regimes or strategies defined in the base scenario).
    pub strategies: Vec<String>,
    /// Paired replicates per condition and strategy.
    pub replicates: u64,
    /// Master seed of the runs and of the sampled conditions.
    pub seed: u64,
    /// Scenario files taken whole as conditions (paths relative to the suite file).
    #[serde(default)]
    pub scenarios: Vec<String>,
    /// Conditions sampled by Latin hypercube over `ranges` on the base scenario.
    #[serde(default)]
    pub sampled: u64,
    #[serde(default)]
    pub ranges: Vec<Range>,
    /// Strategies written in the suite file (`[strategies.<name>]`, as in a scenario), added to
    /// every condition so that `strategies` may name them.
    #[serde(skip)]
    pub written: BTreeMap<String, StrategyDef>,
}

/// One condition of the suite: a name and its scenario (regimes, replicates and seed set by
/// the suite).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Condition {
    pub name: String,
    /// Where it comes from: a scenario file, or the sampled values.
    pub source: String,
    pub scenario: Scenario,
}

/// The conditions of `suite`: each scenario in `files` (name, text), then `sampled` points on
/// `base`, all set to run the suite's strategies, replicates and seed.
pub fn conditions(
    suite: &Suite,
    base: &Scenario,
    files: &[(String, Scenario)],
) -> Result<Vec<Condition>> {
    let mut out = Vec::new();
    let mut set = |mut s: Scenario, name: String, source: String| -> Result<()> {
        for (k, def) in &suite.written {
            s.strategies.insert(k.clone(), def.clone());
        }
        s.experiment.regimes = suite.strategies.clone();
        s.experiment.replicates = suite.replicates;
        s.experiment.seed = suite.seed;
        s.revalidate(&format!("benchmark condition {name}"))
            .map_err(|e| anyhow!("{e}"))?;
        out.push(Condition {
            name,
            source,
            scenario: s,
        });
        Ok(())
    };
    for (source, s) in files {
        set(s.clone(), s.scenario.name.clone(), source.clone())?;
    }
    if suite.sampled > 0 {
        let config = SweepConfig {
            design: SweepDesign::Lhs,
            samples: Some(suite.sampled),
            levels: 4,
            replicates: Some(suite.replicates),
            seed: Some(suite.seed),
            parameters: suite
                .ranges
                .iter()
                .map(|r| SweepParameter {
                    path: r.path.clone(),
                    values: Vec::<SweepValue>::new(),
                    min: Some(r.min),
                    max: Some(r.max),
                    steps: None,
                })
                .collect(),
        };
        let plan = SweepPlan::new(base, &config);
        for p in 0..plan.points.len() {
            let s = plan
                .scenario_at(base, p)
                .map_err(|e| anyhow!("sampled condition {p}: {e}"))?;
            let values: Vec<String> = plan
                .names
                .iter()
                .zip(plan.labels(p))
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            set(s, format!("sampled_{p}"), values.join("; "))?;
        }
    }
    Ok(out)
}

/// Per condition and strategy, the moments of each measure, and the paired differences from
/// the reference strategy.
#[derive(Debug, Clone)]
pub struct Cell {
    pub values: [Moments; MEASURES.len()],
    pub difference: [Moments; MEASURES.len()],
    /// Durable agreement (0/1) of each replicate, in replicate order: for differences from
    /// whichever strategy turns out best.
    pub durable: Vec<f64>,
}

fn measures(o: &RunOutcome) -> [f64; MEASURES.len()] {
    let agreed = o.agreement_month.is_some();
    let durable = agreed && o.relapse_month.is_none();
    [
        f64::from(u8::from(agreed)),
        f64::from(u8::from(durable)),
        o.cumulative_violence,
        o.coordination_cost,
    ]
}

/// The index of the reference strategy: `competitive` if compared, else the first.
pub fn reference(strategies: &[String]) -> usize {
    strategies
        .iter()
        .position(|s| s == "competitive")
        .unwrap_or(0)
}

/// One strategy's line of the leaderboard.
#[derive(Debug, Clone)]
pub struct Standing {
    pub strategy: String,
    /// Per measure: the mean over conditions of the condition means.
    pub mean: [f64; MEASURES.len()],
    /// Per measure: the paired difference from the reference, averaged over conditions, with
    /// its 95% interval (replicate noise of each condition's mean difference).
    pub difference: [Option<(f64, f64, f64)>; MEASURES.len()],
    /// Rank by durable agreement (1 = best), and its bootstrap 95% interval over conditions.
    pub rank: usize,
    pub rank_interval: (usize, usize),
    /// Share of conditions where this strategy has the highest durable agreement (ties
    /// shared).
    pub best_share: f64,
    /// Largest shortfall in durable agreement from the best strategy of a condition.
    pub worst_regret: f64,
    /// Durable agreement's paired difference from the top-ranked strategy (the first of them
    /// if tied), averaged over conditions, with its 95% interval; `None` for that strategy.
    pub versus_best: Option<(f64, f64, f64)>,
}

/// Ranks of `scores` (higher is better; ties get the better rank, 1-based).
fn ranks(scores: &[f64]) -> Vec<usize> {
    scores
        .iter()
        .map(|&x| 1 + scores.iter().filter(|&&y| y > x).count())
        .collect()
}

/// The leaderboard from `cells[condition][strategy]`.
pub fn leaderboard(strategies: &[String], cells: &[Vec<Cell>], seed: u64) -> Vec<Standing> {
    let c = cells.len();
    let s = strategies.len();
    let durable = 1;
    let mean_of =
        |cond: usize, st: usize, k: usize| cells[cond][st].values[k].mean().unwrap_or(0.0);
    let overall: Vec<f64> = (0..s)
        .map(|st| (0..c).map(|cond| mean_of(cond, st, durable)).sum::<f64>() / c.max(1) as f64)
        .collect();
    let rank = ranks(&overall);
    // Bootstrap over conditions: the ranks a strategy takes when the suite is resampled.
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(RANK_STREAM);
    let mut boot: Vec<Vec<usize>> = vec![Vec::with_capacity(RANK_RESAMPLES); s];
    if c > 0 {
        for _ in 0..RANK_RESAMPLES {
            let pick: Vec<usize> = (0..c).map(|_| rng.random_range(0..c)).collect();
            let scores: Vec<f64> = (0..s)
                .map(|st| {
                    pick.iter()
                        .map(|&cond| mean_of(cond, st, durable))
                        .sum::<f64>()
                })
                .collect();
            for (st, r) in ranks(&scores).into_iter().enumerate() {
                boot[st].push(r);
            }
        }
    }
    let best: Vec<f64> = (0..c)
        .map(|cond| {
            (0..s)
                .map(|st| mean_of(cond, st, durable))
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .collect();
    (0..s)
        .map(|st| {
            let mut b = boot[st].clone();
            b.sort_unstable();
            let at = |q: f64| {
                b.get(((b.len() as f64 - 1.0) * q).round() as usize)
                    .copied()
            };
            let mut mean = [0.0; MEASURES.len()];
            let mut difference = [None; MEASURES.len()];
            for k in 0..MEASURES.len() {
                mean[k] = (0..c).map(|cond| mean_of(cond, st, k)).sum::<f64>() / c.max(1) as f64;
                let diffs: Vec<&Moments> =
                    (0..c).map(|cond| &cells[cond][st].difference[k]).collect();
                if diffs.iter().all(|d| d.n >= 2) && c > 0 {
                    let m = diffs.iter().map(|d| d.mean().unwrap_or(0.0)).sum::<f64>() / c as f64;
                    let var: f64 = diffs
                        .iter()
                        .map(|d| d.sd().unwrap_or(0.0).powi(2) / d.n as f64)
                        .sum::<f64>()
                        / (c * c) as f64;
                    let half = 1.96 * var.sqrt();
                    difference[k] = Some((m, m - half, m + half));
                }
            }
            let wins: f64 = (0..c)
                .map(|cond| {
                    let x = mean_of(cond, st, durable);
                    if x >= best[cond] {
                        let tied = (0..s)
                            .filter(|&o| mean_of(cond, o, durable) >= best[cond])
                            .count();
                        1.0 / tied as f64
                    } else {
                        0.0
                    }
                })
                .sum();
            let regret = (0..c)
                .map(|cond| best[cond] - mean_of(cond, st, durable))
                .fold(0.0, f64::max);
            Standing {
                strategy: strategies[st].clone(),
                mean,
                difference,
                rank: rank[st],
                rank_interval: (at(0.025).unwrap_or(rank[st]), at(0.975).unwrap_or(rank[st])),
                best_share: wins / c.max(1) as f64,
                worst_regret: regret,
                versus_best: versus(cells, st, rank.iter().position(|&r| r == 1).unwrap_or(0)),
            }
        })
        .collect()
}

/// Durable agreement of strategy `st` minus that of `top`, paired by replicate within each
/// condition and averaged over conditions, with a 95% interval (each condition's replicate
/// noise, combined); `None` for `top` itself or without two replicates everywhere.
fn versus(cells: &[Vec<Cell>], st: usize, top: usize) -> Option<(f64, f64, f64)> {
    if st == top || cells.is_empty() {
        return None;
    }
    let c = cells.len() as f64;
    let (mut sum, mut var) = (0.0, 0.0);
    for cond in cells {
        let mut d = Moments::default();
        for (x, y) in cond[st].durable.iter().zip(&cond[top].durable) {
            d.push(x - y);
        }
        if d.n < 2 {
            return None;
        }
        sum += d.mean().unwrap_or(0.0);
        var += d.sd().unwrap_or(0.0).powi(2) / d.n as f64;
    }
    let (m, half) = (sum / c, 1.96 * (var / (c * c)).sqrt());
    Some((m, m - half, m + half))
}

/// The name the default suite's base scenario is known by in messages.
pub const DEFAULT_BASE: &str = BASELINE_SOURCE;

/// The default suite (`scenarios/benchmark/default.toml`), built in.
pub const DEFAULT_SUITE: &str = include_str!("../../scenarios/benchmark/default.toml");

/// The case-study files the default suite names, built in (name as written, text).
pub const DEFAULT_SCENARIOS: [(&str, &str); 4] = [
    (
        "../mali_ecowas.toml",
        include_str!("../../scenarios/mali_ecowas.toml"),
    ),
    (
        "../myanmar_spiraling.toml",
        include_str!("../../scenarios/myanmar_spiraling.toml"),
    ),
    (
        "../philippines_icg.toml",
        include_str!("../../scenarios/philippines_icg.toml"),
    ),
    (
        "../training_parallel_processes.toml",
        include_str!("../../scenarios/training_parallel_processes.toml"),
    ),
];

/// A suite file: its `[benchmark]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SuiteFile {
    benchmark: Suite,
    #[serde(default)]
    strategies: BTreeMap<String, StrategyDef>,
}

/// The conditions of `suite` with their scenario files read from `dir` (the suite file's
/// folder), or, with `dir = None`, from the case studies built in (the default suite's); the
/// sampled conditions are drawn on the built-in baseline. See [`conditions`].
pub fn suite_conditions(suite: &Suite, dir: Option<&std::path::Path>) -> Result<Vec<Condition>> {
    let mut files = Vec::new();
    for file in &suite.scenarios {
        let scenario = match dir {
            Some(dir) => Scenario::from_file(&dir.join(file)),
            None => match DEFAULT_SCENARIOS.iter().find(|(f, _)| f == file) {
                Some((_, text)) => Scenario::from_toml_str(text, file),
                None => anyhow::bail!(
                    "{file}: not a case study built in ({}); give the suite as a file",
                    DEFAULT_SCENARIOS.map(|(f, _)| f).join(", ")
                ),
            },
        }
        .map_err(|e| anyhow!("{e}"))?;
        files.push((file.clone(), scenario));
    }
    conditions(suite, &Scenario::baseline(), &files)
}

/// Reads a suite file and builds its conditions ([`suite_conditions`] from its folder).
pub fn load_suite(path: &std::path::Path) -> Result<(Suite, Vec<Condition>)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the suite", path.display()))?;
    let suite = parse_suite(&text, &path.display().to_string())?;
    let dir = path.parent().unwrap_or(std::path::Path::new(""));
    let conds = suite_conditions(&suite, Some(dir))?;
    Ok((suite, conds))
}

/// Reads a suite from TOML `text` (named `file` in messages).
pub fn parse_suite(text: &str, file: &str) -> Result<Suite> {
    let parsed: SuiteFile =
        toml::from_str(text).map_err(|e| anyhow!("{file}: {}", e.to_string().trim_end()))?;
    let mut s = parsed.benchmark;
    s.written = parsed.strategies;
    if s.strategies.is_empty() {
        anyhow::bail!("{file}: field `benchmark.strategies`: list at least one strategy");
    }
    if s.replicates < 2 {
        anyhow::bail!(
            "{file}: field `benchmark.replicates` = {}: at least 2 (intervals need two runs)",
            s.replicates
        );
    }
    if s.scenarios.is_empty() && s.sampled == 0 {
        anyhow::bail!(
            "{file}: the suite has no condition: list `benchmark.scenarios` or set \
             `benchmark.sampled` ≥ 1 with `benchmark.ranges`"
        );
    }
    if s.sampled > 0 && s.ranges.is_empty() {
        anyhow::bail!(
            "{file}: field `benchmark.ranges`: sampled conditions need at least one range"
        );
    }
    for (i, r) in s.ranges.iter().enumerate() {
        if !(r.min.is_finite() && r.max.is_finite() && r.min <= r.max) {
            anyhow::bail!(
                "{file}: field `benchmark.ranges[{i}]` ({}): min {} and max {} must be finite \
                 with min ≤ max",
                r.path,
                r.min,
                r.max
            );
        }
    }
    Ok(s)
}

/// `conditions.csv`: per condition and strategy, each measure's mean and 95% interval and the
/// paired difference from the reference strategy with its interval.
pub fn conditions_csv(
    conditions: &[Condition],
    strategies: &[String],
    cells: &[Vec<Cell>],
) -> Result<Vec<u8>> {
    let fmt = |x: Option<f64>| x.map(|v| format!("{v:.6}")).unwrap_or_default();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["condition", "source", "strategy", "n"];
    let mut names = Vec::new();
    for m in MEASURES {
        for suffix in [
            "",
            "_ci_low",
            "_ci_high",
            "_diff",
            "_diff_ci_low",
            "_diff_ci_high",
        ] {
            names.push(format!("{m}{suffix}"));
        }
    }
    header.extend(names.iter().map(String::as_str));
    w.write_record(&header)?;
    let reference = reference(strategies);
    for (c, cond) in conditions.iter().enumerate() {
        for (s, name) in strategies.iter().enumerate() {
            let cell = &cells[c][s];
            let mut row = vec![
                cond.name.clone(),
                cond.source.clone(),
                name.clone(),
                cell.values[0].n.to_string(),
            ];
            for k in 0..MEASURES.len() {
                let v = &cell.values[k];
                let ci = if k < 2 { v.wilson95() } else { v.ci95() };
                let d = &cell.difference[k];
                let dci = if s == reference { None } else { d.ci95() };
                row.extend([
                    fmt(v.mean()),
                    fmt(ci.map(|c| c.0)),
                    fmt(ci.map(|c| c.1)),
                    fmt(if s == reference { None } else { d.mean() }),
                    fmt(dci.map(|c| c.0)),
                    fmt(dci.map(|c| c.1)),
                ]);
            }
            w.write_record(&row)?;
        }
    }
    Ok(w.into_inner()?)
}

/// `leaderboard.csv`: one row per strategy, in rank order.
pub fn leaderboard_csv(standings: &[Standing], reference: &str) -> Result<Vec<u8>> {
    let fmt = |x: f64| format!("{x:.6}");
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "rank".to_string(),
        "rank_low".to_string(),
        "rank_high".to_string(),
        "strategy".to_string(),
    ];
    for m in MEASURES {
        header.push(m.to_string());
        for suffix in ["_diff", "_diff_ci_low", "_diff_ci_high"] {
            header.push(format!("{m}{suffix}"));
        }
    }
    header.extend(
        [
            "best_share",
            "worst_regret",
            "durable_vs_best",
            "durable_vs_best_ci_low",
            "durable_vs_best_ci_high",
            "reference",
        ]
        .map(String::from),
    );
    w.write_record(&header)?;
    let mut order: Vec<&Standing> = standings.iter().collect();
    order.sort_by_key(|s| s.rank);
    for s in order {
        let mut row = vec![
            s.rank.to_string(),
            s.rank_interval.0.to_string(),
            s.rank_interval.1.to_string(),
            s.strategy.clone(),
        ];
        for k in 0..MEASURES.len() {
            row.push(fmt(s.mean[k]));
            match s.difference[k] {
                Some((m, lo, hi)) if s.strategy != reference => {
                    row.extend([fmt(m), fmt(lo), fmt(hi)]);
                }
                _ => row.extend([String::new(), String::new(), String::new()]),
            }
        }
        row.extend([fmt(s.best_share), fmt(s.worst_regret)]);
        match s.versus_best {
            Some((m, lo, hi)) => row.extend([fmt(m), fmt(lo), fmt(hi)]),
            None => row.extend([String::new(), String::new(), String::new()]),
        }
        row.push(reference.to_string());
        w.write_record(&row)?;
    }
    Ok(w.into_inner()?)
}

/// The benchmark's `report.html`: one self-contained page (no script, no network) with the
/// leaderboard, the figure (inlined SVG) and the durable agreement of every strategy in every
/// condition.
pub fn benchmark_report_html(
    suite_name: &str,
    suite: &Suite,
    strategies: &[String],
    conditions: &[Condition],
    standings: &[Standing],
    cells: &[Vec<Cell>],
    figure_svg: &str,
) -> String {
    use crate::output::escape;
    use std::fmt::Write;
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    let reference_name = &strategies[reference(strategies)];
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>peacesim benchmark</title>\n<style>{}</style>\n</head>\n<body>\n\
         <h1>Benchmark of coordination strategies</h1>\n<p class=\"meta\">Suite: {} — {} \
         conditions × {} strategies × {} paired replicates, seed {}. Every strategy faces every \
         condition with the same replicate seeds. A simulation with stated, illustrative \
         parameters — not a forecast of any real process.</p>\n",
        crate::output::report_style(),
        escape(suite_name),
        conditions.len(),
        strategies.len(),
        suite.replicates,
        suite.seed
    );
    h.push_str(
        "<h2>Leaderboard</h2>\n<table>\n<thead><tr><th>Rank [95%]</th><th>Strategy</th>\
         <th>Durable agreement</th><th>Δ vs reference [95%]</th><th>Agreement</th>\
         <th>Violence</th><th>Coordination cost</th><th>Conditions won</th>\
         <th>Worst regret</th></tr></thead>\n<tbody>\n",
    );
    let mut order: Vec<&Standing> = standings.iter().collect();
    order.sort_by_key(|s| s.rank);
    for s in order {
        let diff = match s.difference[1] {
            Some((m, lo, hi)) if s.strategy != *reference_name => {
                let (m, lo, hi, clear) = crate::output::share_difference_text(m, lo, hi);
                format!(
                    "<span class=\"diff{}\">{m} [{lo}, {hi}]</span>",
                    if clear { " clear" } else { "" },
                )
            }
            _ => "(reference)".into(),
        };
        let _ = writeln!(
            h,
            "<tr><td>{} [{}–{}]</td><td>{}</td><td>{}</td><td>{diff}</td><td>{}</td>\
             <td>{:.1}</td><td>{:.1}</td><td>{}</td><td>{:.1} pp</td></tr>",
            s.rank,
            s.rank_interval.0,
            s.rank_interval.1,
            escape(&s.strategy),
            pct(s.mean[1]),
            pct(s.mean[0]),
            s.mean[2],
            s.mean[3],
            pct(s.best_share),
            100.0 * s.worst_regret
        );
    }
    let _ = writeln!(
        h,
        "</tbody>\n</table>\n<p class=\"note\">Means over conditions (each condition counts \
         once). Rank by durable agreement (signed and not relapsed within the implementation \
         window); its interval from {RANK_RESAMPLES} bootstrap resamples of the conditions. Δ: \
         the paired difference from <b>{}</b>, bold when its 95% interval excludes zero. \
         Conditions won: share of conditions where the strategy has the highest durable \
         agreement (ties shared). Worst regret: its largest shortfall from the best strategy of \
         a condition.</p>",
        escape(reference_name)
    );
    let _ = write!(
        h,
        "<h2>Where each strategy wins and loses</h2>\n<figure id=\"benchmark\">\n{figure_svg}\n\
         </figure>\n<h2>Durable agreement per condition</h2>\n<table>\n<thead><tr>\
         <th>Condition</th><th>Source</th>"
    );
    for s in strategies {
        let _ = write!(h, "<th>{}</th>", escape(s));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (c, cond) in conditions.iter().enumerate() {
        let best = (0..strategies.len())
            .map(|s| cells[c][s].values[1].mean().unwrap_or(0.0))
            .fold(f64::NEG_INFINITY, f64::max);
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"note\">{}</td>",
            escape(&cond.name),
            escape(&cond.source)
        );
        for cell in &cells[c] {
            let x = cell.values[1].mean().unwrap_or(0.0);
            if x >= best {
                let _ = write!(h, "<td><b>{}</b></td>", pct(x));
            } else {
                let _ = write!(h, "<td>{}</td>", pct(x));
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str(
        "</tbody>\n</table>\n<p class=\"note\">Bold: the condition's best strategy. Files beside \
         this report: <a href=\"leaderboard.csv\">leaderboard.csv</a>, \
         <a href=\"conditions.csv\">conditions.csv</a> (every measure with intervals), \
         <a href=\"benchmark_runs.csv\">benchmark_runs.csv</a> (every run), \
         <a href=\"manifest.json\">manifest.json</a>, and the figure as PNG and SVG.</p>\n\
         </body>\n</html>\n",
    );
    h
}

/// A strategy written in Rust: builds its [`Regime`] for a condition's scenario (a regime may
/// read the scenario's actors, as the built-in ones do).
pub type StrategyFactory<'a> = dyn Fn(&Scenario) -> Result<Arc<dyn Regime>> + Send + Sync + 'a;

/// Everything that determines a benchmark's runs: the suite (after command-line overrides),
/// the strategies written in its file, every strategy compared in order (the suite's, then
/// those registered in Rust) and every condition with its scenario. Its [`Spec::fingerprint`]
/// is what resuming and merging check; the manifest holds it whole, so a merge needs no file
/// but the shards.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Spec {
    pub suite: Suite,
    /// The strategies written in the suite file (`[strategies.<name>]`).
    pub strategies: BTreeMap<String, StrategyDef>,
    /// Every strategy compared, in column order.
    pub compared: Vec<String>,
    pub conditions: Vec<Condition>,
}

impl Spec {
    /// Runs: conditions × replicates units, each running every compared strategy.
    pub fn units(&self) -> u64 {
        self.conditions.len() as u64 * self.suite.replicates
    }

    /// The fingerprint of the spec and the version of peacesim that runs it (16 hex digits).
    pub fn fingerprint(&self) -> String {
        let json = serde_json::to_vec(self).expect("a benchmark spec serialises");
        let mut bytes = env!("CARGO_PKG_VERSION").as_bytes().to_vec();
        bytes.push(0);
        bytes.extend(json);
        crate::output::sweep_files::fingerprint(&bytes)
    }
}

/// Every strategy's run of one unit: replicate `replicate` of condition `condition`, all
/// strategies from the same seed (paired).
#[derive(Debug, Clone)]
pub struct UnitResult {
    pub unit: u64,
    pub condition: usize,
    pub replicate: u64,
    pub seed: u64,
    /// Per compared strategy, in order.
    pub outcomes: Vec<RunOutcome>,
}

/// A benchmark ready to run: a suite, its conditions, and any strategies written in Rust.
///
/// ```no_run
/// use peacesim::experiment::benchmark::{Benchmark, conditions, parse_suite};
/// use peacesim::scenario::Scenario;
/// # fn main() -> anyhow::Result<()> {
/// let suite = parse_suite(
///     "[benchmark]\nstrategies = [\"competitive\"]\nreplicates = 4\nseed = 1\nsampled = 2\n\
///      [[benchmark.ranges]]\npath = \"rotation.posting_months\"\nmin = 12\nmax = 60\n",
///     "suite.toml",
/// )?;
/// let base = Scenario::baseline();
/// let conds = conditions(&suite, &base, &[])?;
/// let mut bench = Benchmark::new(suite, conds);
/// bench.add_strategy("my_regime", |s: &Scenario| {
///     // build your `Regime` for this condition's scenario
///     # let _ = s; unimplemented!()
/// })?;
/// let cells = bench.run(0)?; // [condition][strategy]
/// # let _ = cells; Ok(())
/// # }
/// ```
pub struct Benchmark<'a> {
    suite: Suite,
    conditions: Vec<Condition>,
    rust: Vec<(String, Box<StrategyFactory<'a>>)>,
}

impl<'a> Benchmark<'a> {
    /// The suite's own strategies (built-in and written in TOML) on `conditions` (see
    /// [`conditions`]).
    pub fn new(suite: Suite, conditions: Vec<Condition>) -> Self {
        Self {
            suite,
            conditions,
            rust: Vec::new(),
        }
    }

    /// Adds a strategy written in Rust, compared after the suite's: `factory` builds its
    /// regime for each condition's scenario. It runs every condition with the same replicate
    /// seeds as the others (paired). The name is letters, digits and `_`, and not one the
    /// suite already compares, a built-in regime's or a strategy written in the suite file.
    pub fn add_strategy(
        &mut self,
        name: &str,
        factory: impl Fn(&Scenario) -> Result<Arc<dyn Regime>> + Send + Sync + 'a,
    ) -> Result<()> {
        if name.is_empty()
            || name.chars().count() > crate::scenario::MAX_NAME_CHARS
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            anyhow::bail!(
                "benchmark strategy {name:?}: a name is 1 to {} letters, digits or `_`",
                crate::scenario::MAX_NAME_CHARS
            );
        }
        if self.strategies().iter().any(|s| s == name)
            || crate::scenario::BUILT_IN_REGIMES.contains(&name)
            || self.suite.written.contains_key(name)
        {
            anyhow::bail!(
                "benchmark strategy {name:?}: the name is taken (compared already: {}; built-in: \
                 {}); name the strategy otherwise",
                self.strategies().join(", "),
                crate::scenario::BUILT_IN_REGIMES.join(", ")
            );
        }
        self.rust.push((name.to_string(), Box::new(factory)));
        Ok(())
    }

    /// Adds a strategy written in Rust that needs nothing from the condition: the same regime
    /// object runs every condition, under its own [`Regime::name`].
    pub fn add_regime(&mut self, regime: Arc<dyn Regime>) -> Result<()> {
        let name = regime.name().to_string();
        self.add_strategy(&name, move |_| Ok(regime.clone()))
    }

    pub fn suite(&self) -> &Suite {
        &self.suite
    }

    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// Every strategy compared, in order: the suite's, then those added in Rust.
    pub fn strategies(&self) -> Vec<String> {
        self.suite
            .strategies
            .iter()
            .cloned()
            .chain(self.rust.iter().map(|(n, _)| n.clone()))
            .collect()
    }

    /// What determines the runs (see [`Spec`]).
    pub fn spec(&self) -> Spec {
        Spec {
            suite: self.suite.clone(),
            strategies: self.suite.written.clone(),
            compared: self.strategies(),
            conditions: self.conditions.clone(),
        }
    }

    /// Units: conditions × replicates.
    pub fn units(&self) -> u64 {
        self.conditions.len() as u64 * self.suite.replicates
    }

    /// The regimes of every compared strategy for condition `c`.
    fn regimes(&self, c: usize) -> Result<Vec<Arc<dyn Regime>>> {
        let cond = &self.conditions[c];
        let mut out = regime::from_scenario(&cond.scenario)
            .map_err(|e| anyhow!("condition {}: {e}", cond.name))?;
        for (name, factory) in &self.rust {
            out.push(
                factory(&cond.scenario)
                    .with_context(|| format!("condition {}: strategy {name}", cond.name))?,
            );
        }
        Ok(out)
    }

    /// Runs units `range` (unit `u` is replicate `u % replicates` of condition
    /// `u / replicates`) in parallel chunks of [`CHUNK_UNITS`] on `threads` worker threads
    /// (0 = one per core); `on_chunk` receives each chunk in unit order, while the next is
    /// computed. Results do not depend on `threads` or on where a range starts.
    pub fn run_units(
        &self,
        range: std::ops::Range<u64>,
        threads: usize,
        on_chunk: &mut dyn FnMut(&[UnitResult]) -> Result<()>,
    ) -> Result<()> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        super::pipeline::in_order(
            &pool,
            range,
            CHUNK_UNITS,
            |chunk| self.compute_chunk(chunk.start, chunk.end),
            |chunk| on_chunk(&chunk),
        )
    }

    /// Units `start..end`, simulated in parallel on the current pool, in unit order.
    fn compute_chunk(&self, start: u64, end: u64) -> Result<Vec<UnitResult>> {
        let r = self.suite.replicates;
        let first = (start / r) as usize;
        let last = ((end - 1) / r) as usize;
        let built = (first..=last)
            .map(|c| self.regimes(c))
            .collect::<Result<Vec<_>>>()?;
        Ok((start..end)
            .into_par_iter()
            .map(|unit| {
                let condition = (unit / r) as usize;
                let replicate = unit % r;
                let scenario = &self.conditions[condition].scenario;
                let seed = run_seed(self.suite.seed, replicate);
                let mut series = vec![0.0; scenario.total_months() * METRICS.len()];
                let outcomes = built[condition - first]
                    .iter()
                    .map(|regime| simulate(scenario, regime.as_ref(), seed, &mut series))
                    .collect();
                UnitResult {
                    unit,
                    condition,
                    replicate,
                    seed,
                    outcomes,
                }
            })
            .collect())
    }

    /// Runs the whole benchmark in memory: `cells[condition][strategy]`, the same numbers
    /// `peacesim benchmark` writes (see [`leaderboard`], [`conditions_csv`]).
    pub fn run(&self, threads: usize) -> Result<Vec<Vec<Cell>>> {
        let strategies = self.strategies();
        let mut cells = empty_cells(self.conditions.len(), strategies.len());
        let reference = reference(&strategies);
        self.run_units(0..self.units(), threads, &mut |chunk| {
            for u in chunk {
                let m: Vec<_> = u.outcomes.iter().map(measures).collect();
                absorb(&mut cells[u.condition], reference, &m);
            }
            Ok(())
        })?;
        Ok(cells)
    }
}

/// `conditions × strategies` empty cells.
pub fn empty_cells(conditions: usize, strategies: usize) -> Vec<Vec<Cell>> {
    let cell = Cell {
        values: Default::default(),
        difference: Default::default(),
        durable: Vec::new(),
    };
    vec![vec![cell; strategies]; conditions]
}

/// Adds one replicate's measures (one per strategy, paired) to a condition's cells.
fn absorb(cells: &mut [Cell], reference: usize, m: &[[f64; MEASURES.len()]]) {
    let base = m[reference];
    for (s, m) in m.iter().enumerate() {
        cells[s].durable.push(m[1]);
        for k in 0..MEASURES.len() {
            cells[s].values[k].push(m[k]);
            if s != reference {
                cells[s].difference[k].push(m[k] - base[k]);
            }
        }
    }
}

/// The file of every run of a benchmark, streamed as the runs finish.
pub const BENCHMARK_RUNS: &str = "benchmark_runs.csv";

/// Columns of `benchmark_runs.csv`.
pub const RUNS_COLUMNS: [&str; 10] = [
    "condition",
    "strategy",
    "replicate",
    "seed",
    "agreement",
    "durable_agreement",
    "cumulative_violence",
    "coordination_cost",
    "agreement_month",
    "relapse_month",
];

/// The header of `benchmark_runs.csv`.
pub fn runs_header() -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(RUNS_COLUMNS)?;
    Ok(w.into_inner()?)
}

/// The rows of `benchmark_runs.csv` for a chunk: one per unit and strategy. Measures are
/// written in full (shortest exact decimal), so the numbers read back from the file are the
/// ones computed, bit for bit.
pub fn runs_rows(spec: &Spec, chunk: &[UnitResult]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let month = |m: Option<u32>| m.map(|m| m.to_string()).unwrap_or_default();
    for u in chunk {
        let name = &spec.conditions[u.condition].name;
        let (replicate, seed) = (u.replicate.to_string(), u.seed.to_string());
        for (strategy, o) in spec.compared.iter().zip(&u.outcomes) {
            let m = measures(o);
            w.write_record([
                name.as_str(),
                strategy,
                &replicate,
                &seed,
                &m[0].to_string(),
                &m[1].to_string(),
                &m[2].to_string(),
                &m[3].to_string(),
                &month(o.agreement_month),
                &month(o.relapse_month),
            ])?;
        }
    }
    Ok(w.into_inner()?)
}

/// Reads `benchmark_runs.csv` (already verified against its checkpoint) back into
/// `cells[condition][strategy]`: summaries are computed from the file, so a resumed, a merged
/// and an uninterrupted benchmark give the same bytes, equal to [`Benchmark::run`]'s.
pub fn summarize_runs(path: &std::path::Path, spec: &Spec) -> Result<Vec<Vec<Cell>>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut reader = csv::Reader::from_reader(std::io::BufReader::new(file));
    let s = spec.compared.len();
    let r = spec.suite.replicates;
    let reference = reference(&spec.compared);
    let mut cells = empty_cells(spec.conditions.len(), s);
    let mut held = Vec::with_capacity(s);
    let mut rows: u64 = 0;
    for (line, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", path.display(), line + 2))?;
        let bad = || anyhow!("{}: row {} is malformed", path.display(), line + 2);
        let unit = rows / s as u64;
        let c = (unit / r) as usize;
        let k = (rows % s as u64) as usize;
        if c >= spec.conditions.len()
            || record.len() != RUNS_COLUMNS.len()
            || record[0] != *spec.conditions[c].name
            || record[1] != *spec.compared[k]
        {
            return Err(bad());
        }
        let num = |i: usize| record[i].parse::<f64>().map_err(|_| bad());
        held.push([num(4)?, num(5)?, num(6)?, num(7)?]);
        if held.len() == s {
            absorb(&mut cells[c], reference, &held);
            held.clear();
        }
        rows += 1;
    }
    if rows != spec.units() * s as u64 {
        anyhow::bail!(
            "{}: holds {rows} rows, not the {} of {} units × {s} strategies",
            path.display(),
            spec.units() * s as u64,
            spec.units()
        );
    }
    Ok(cells)
}
