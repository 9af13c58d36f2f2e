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
use super::{Design, ReplicateResult, ReplicateSink};
use crate::model::RunOutcome;
use crate::regime;
use crate::scenario::{
    BASELINE_SOURCE, Scenario, StrategyDef, SweepConfig, SweepDesign, SweepParameter,
    sweep::SweepValue,
};
use anyhow::{Context, Result, anyhow};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
#[derive(Debug, Clone)]
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

struct Collect {
    cells: Vec<Cell>,
    reference: usize,
}

impl ReplicateSink for Collect {
    fn accept(&mut self, rep: &ReplicateResult) -> Result<()> {
        let base = measures(&rep.outcomes[self.reference]);
        for (s, o) in rep.outcomes.iter().enumerate() {
            let m = measures(o);
            self.cells[s].durable.push(m[1]);
            for k in 0..MEASURES.len() {
                self.cells[s].values[k].push(m[k]);
                if s != self.reference {
                    self.cells[s].difference[k].push(m[k] - base[k]);
                }
            }
        }
        Ok(())
    }
}

/// The index of the reference strategy: `competitive` if compared, else the first.
pub fn reference(strategies: &[String]) -> usize {
    strategies
        .iter()
        .position(|s| s == "competitive")
        .unwrap_or(0)
}

/// Runs every strategy on `condition` (paired replicates): one cell per strategy.
pub fn run_condition(condition: &Condition, threads: usize) -> Result<Vec<Cell>> {
    let s = &condition.scenario;
    let regimes = regime::from_scenario(s).map_err(anyhow::Error::msg)?;
    let design = Design {
        replicates: s.experiment.replicates,
        seed: s.experiment.seed,
        threads,
        regimes,
    };
    let n = s.experiment.regimes.len();
    let mut sink = Collect {
        cells: vec![
            Cell {
                values: Default::default(),
                difference: Default::default(),
                durable: Vec::new(),
            };
            n
        ],
        reference: reference(&s.experiment.regimes),
    };
    super::run(s, &design, &mut sink, &mut |_| {})
        .with_context(|| format!("condition {}", condition.name))?;
    Ok(sink.cells)
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
    conditions: &[Condition],
    standings: &[Standing],
    cells: &[Vec<Cell>],
    figure_svg: &str,
) -> String {
    use crate::output::escape;
    use std::fmt::Write;
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    let reference_name = &suite.strategies[reference(&suite.strategies)];
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
        suite.strategies.len(),
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
    for s in &suite.strategies {
        let _ = write!(h, "<th>{}</th>", escape(s));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (c, cond) in conditions.iter().enumerate() {
        let best = (0..suite.strategies.len())
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
         <a href=\"manifest.json\">manifest.json</a>, and the figure as PNG and SVG.</p>\n\
         </body>\n</html>\n",
    );
    h
}
