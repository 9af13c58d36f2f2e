//! A sweep's `report.html` (one self-contained page: the design, the parameters, a table per
//! point with paired differences, every figure inlined, the sensitivity analysis) and its
//! compact terminal table.

use super::report::{STYLE, escape, estimate_cell};
use super::sobol_files::SobolRow;
use super::sobol_files::{sobol_indices, sobol_sensitivity_csv};
use super::sweep_files::{Effect, SweepSummary};
use super::sweep_files::{
    SENSITIVITY, SWEEP_RUNS, SWEEP_SUMMARY, elementary_effects, sensitivity_csv, summarize,
    write_atomic, write_sweep_summary,
};
use super::trajectories::recorded_files;
use crate::experiment::OUTCOMES;
use crate::experiment::design::SweepPlan;
use crate::scenario::{Scenario, SweepDesign};
use anyhow::Result;
use std::fmt::Write;
use std::path::Path;

/// Most points the report's table lists (every point is in `sweep_summary.csv`).
pub const REPORT_POINTS: usize = 200;
/// Most points the terminal table lists one by one.
pub const TERMINAL_POINTS: usize = 12;

/// Headings and captions of the sweep figures, by file stem.
const FIGURES: [(&str, &str, &str); 8] = [
    (
        "heatmap_agreement",
        "Agreement rate over the grid",
        "Share of runs that reached an agreement at each point of the grid, one panel per \
         regime, on one colour scale.",
    ),
    (
        "heatmap_difference",
        "Difference from competition",
        "Each regime's agreement rate minus competition's at the same point, in percentage \
         points, over the same simulated conflicts (paired).",
    ),
    (
        "sweep_agreement",
        "Agreement rate along the parameter",
        "Share of runs that reached an agreement, with its 95% interval, per regime.",
    ),
    (
        "sweep_relapse_given_agreement",
        "Relapse after an agreement",
        "Share of agreements that collapsed within the implementation window, with its 95% \
         interval, per regime.",
    ),
    (
        "sweep_cumulative_violence",
        "Cumulative violence",
        "Violence summed over each run (index units), mean and 95% interval per regime.",
    ),
    (
        "sweep_forum_switches",
        "Forum switching",
        "Times a party moved to another table per run, mean and 95% interval per regime.",
    ),
    (
        "sweep_scatter",
        "Agreement rate against each parameter",
        "Each dot is a point of the design: its agreement rate under a regime against one \
         parameter's value.",
    ),
    (
        "sensitivity",
        "Sensitivity (Morris screening)",
        "μ* (importance) against σ (interactions or non-linearity) of each parameter's \
         elementary effects on the agreement rate, one panel per regime.",
    ),
];

/// What the report states besides the results.
pub struct SweepReportInfo<'a> {
    pub scenario: &'a Scenario,
    pub plan: &'a SweepPlan,
    pub version: &'a str,
    pub finished: &'a str,
}

/// A parameter value as the tables show it.
fn param(v: f64) -> String {
    format!("{v}")
}

/// The values a parameter takes in the plan: every distinct one (up to 8), else the range.
fn values_of(plan: &SweepPlan, k: usize) -> String {
    let mut seen: Vec<f64> = Vec::new();
    for p in &plan.points {
        if !seen.contains(&p[k]) {
            seen.push(p[k]);
            if seen.len() > 8 {
                break;
            }
        }
    }
    if seen.len() <= 8 && plan.design == SweepDesign::Grid {
        seen.sort_by(f64::total_cmp);
        seen.iter()
            .map(|&v| param(v))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        let (lo, hi) = plan.ranges[k];
        format!("{} to {}", param(lo), param(hi))
    }
}

fn outcome_index(name: &str) -> usize {
    OUTCOMES
        .iter()
        .position(|o| *o == name)
        .expect("a known outcome")
}

/// A cell: mean [interval], and for a regime other than the reference its paired difference.
fn cell(summary: &SweepSummary, point: usize, r: usize, outcome: &str) -> String {
    let k = outcome_index(outcome);
    let difference = (r != summary.reference).then(|| summary.difference(point, r, k));
    estimate_cell(outcome, summary.moments(point, r, k), difference)
}

/// Per regime other than the reference: points where the paired difference in `outcome` is
/// clearly positive, clearly negative, or unclear (interval includes zero or undefined).
fn verdicts(summary: &SweepSummary, r: usize, outcome: &str) -> (usize, usize, usize) {
    let k = outcome_index(outcome);
    let (mut up, mut down, mut unclear) = (0, 0, 0);
    for p in 0..summary.points {
        match summary.difference(p, r, k).ci95() {
            Some((lo, _)) if lo > 0.0 => up += 1,
            Some((_, hi)) if hi < 0.0 => down += 1,
            _ => unclear += 1,
        }
    }
    (up, down, unclear)
}

/// The whole page. `figures` are `(stem, svg)` as [`super::plots::write_sweep_figures`]
/// returns them; `files` the CSV files beside it.
pub fn sweep_report_html(
    info: &SweepReportInfo,
    summary: &SweepSummary,
    effects: &[Effect],
    sobol: &[SobolRow],
    figures: &[(String, String)],
    files: &[&str],
) -> String {
    let s = info.scenario;
    let plan = info.plan;
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>peacesim sweep — {name}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>{name}: sweep</h1>\n<p>{desc}</p>\n",
        name = escape(&s.scenario.name),
        desc = escape(&s.scenario.description),
    );
    let runs = plan.points.len() as u64 * plan.replicates * summary.regimes.len() as u64;
    let _ = write!(
        html,
        "<p class=\"meta\">Design: <b>{}</b>, {} points × {} regimes ({}) × {} paired replicates \
         = {} runs; seed {}. Replicate <i>k</i> has the same seed at every point and under every \
         regime, so differences are paired. peacesim {}, finished {}.</p>\n\
         <p class=\"meta\">A simulation with stated, illustrative parameters — not a forecast of \
         any real process.</p>\n",
        plan.design.as_str(),
        plan.points.len(),
        summary.regimes.len(),
        escape(&summary.regimes.join(", ")),
        plan.replicates,
        runs,
        plan.seed,
        escape(info.version),
        escape(info.finished),
    );
    html.push_str(
        "<h2>Parameters</h2>\n<table>\n<thead><tr><th>Parameter</th><th>Values</th></tr>\
         </thead>\n<tbody>\n",
    );
    for (k, name) in plan.names.iter().enumerate() {
        let _ = writeln!(
            html,
            "<tr><td><code>{}</code></td><td>{}</td></tr>",
            escape(name),
            escape(&values_of(plan, k))
        );
    }
    html.push_str("</tbody>\n</table>\n");

    // Where each regime differs clearly from the reference.
    let reference = &summary.regimes[summary.reference];
    if summary.regimes.len() > 1 {
        let _ = write!(
            html,
            "<h2>Where regimes differ from {}</h2>\n<table>\n<thead><tr><th>Regime</th>\
             <th>Outcome</th><th>Points clearly higher</th><th>clearly lower</th>\
             <th>unclear</th></tr></thead>\n<tbody>\n",
            escape(reference)
        );
        for (r, name) in summary.regimes.iter().enumerate() {
            if r == summary.reference {
                continue;
            }
            for outcome in ["agreement", "cumulative_violence"] {
                let (up, down, unclear) = verdicts(summary, r, outcome);
                let _ = writeln!(
                    html,
                    "<tr><td>{}</td><td>{}</td><td>{up}</td><td>{down}</td><td>{unclear}</td></tr>",
                    escape(name),
                    outcome.replace('_', " ")
                );
            }
        }
        html.push_str(
            "</tbody>\n</table>\n<p class=\"note\">A point counts as clearly higher or lower \
             when the 95% interval of the paired difference excludes zero. With many points, \
             some differ by chance alone (about 1 in 40 each way when there is no effect).</p>\n",
        );
    }

    // Per point.
    let shown = plan.points.len().min(REPORT_POINTS);
    html.push_str("<h2>Agreement rate at each point</h2>\n<table>\n<thead><tr><th>Point</th>");
    for name in &plan.names {
        let _ = write!(html, "<th><code>{}</code></th>", escape(name));
    }
    for name in &summary.regimes {
        let _ = write!(html, "<th>{}</th>", escape(name));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for p in 0..shown {
        let _ = write!(html, "<tr><td>{p}</td>");
        for label in plan.labels(p) {
            let _ = write!(html, "<td>{}</td>", escape(&label));
        }
        for r in 0..summary.regimes.len() {
            let _ = write!(html, "<td>{}</td>", cell(summary, p, r, "agreement"));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    let _ = writeln!(
        html,
        "<p class=\"note\">Each cell: the share of runs that reached an agreement with its 95% \
         interval (Wilson); Δ: the paired difference from <b>{}</b> at the same point, with its \
         95% interval, bold when it excludes zero.{} Every outcome of every point, with paired \
         differences, is in <a href=\"sweep_summary.csv\">sweep_summary.csv</a>.</p>",
        escape(reference),
        if shown < plan.points.len() {
            format!(
                " The first {shown} of {} points are shown.",
                plan.points.len()
            )
        } else {
            String::new()
        }
    );

    for (stem, svg) in figures {
        let (heading, caption) = if plan.design == SweepDesign::Sobol && stem == "sensitivity" {
            (
                "Sensitivity (Sobol' indices)",
                "First-order (S1) and total (ST) Sobol' indices of the agreement rate, with \
                 bootstrap 95% intervals, per regime and for each regime's paired difference \
                 from the reference.",
            )
        } else {
            FIGURES
                .iter()
                .find(|(f, _, _)| f == stem)
                .map(|(_, h, c)| (*h, *c))
                .unwrap_or((stem.as_str(), ""))
        };
        let _ = write!(
            html,
            "<h2>{}</h2>\n<figure id=\"{}\">\n{svg}\n<figcaption>{}</figcaption>\n</figure>\n",
            escape(heading),
            escape(stem),
            escape(caption),
        );
    }

    if !effects.is_empty() {
        html.push_str(
            "<h2>Elementary effects on the agreement rate</h2>\n<table>\n<thead><tr>\
             <th>Regime</th><th>Parameter</th><th>μ*</th><th>μ</th><th>σ</th><th>n</th></tr>\
             </thead>\n<tbody>\n",
        );
        for e in effects.iter().filter(|e| e.outcome == "agreement") {
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td><code>{}</code></td><td>{:.3}</td><td>{:+.3}</td><td>{}</td>\
                 <td>{}</td></tr>",
                escape(&e.regime),
                escape(&e.parameter),
                e.mu_star,
                e.mu,
                e.sigma.map_or("–".into(), |s| format!("{s:.3}")),
                e.n
            );
        }
        html.push_str(
            "</tbody>\n</table>\n<p class=\"note\">In agreement-rate units (0–1) per full range \
             of the parameter (Morris 1991; Campolongo et al. 2007): μ* ranks importance, μ \
             gives the direction, σ large against μ* means interactions or non-linearity. Every \
             outcome is in <a href=\"sensitivity.csv\">sensitivity.csv</a>.</p>\n",
        );
    }

    if !sobol.is_empty() {
        html.push_str(
            "<h2>Sobol' indices of the agreement rate</h2>\n<table>\n<thead><tr>\
             <th>Output</th><th>Parameter</th><th>S1 (first order)</th><th>ST (total)</th>\
             <th>rows</th></tr></thead>\n<tbody>\n",
        );
        let index = |i: &crate::experiment::sobol::Index| match i.interval {
            Some((lo, hi)) => format!(
                "{:.3} <span class=\"ci\">[{:.3}, {:.3}]</span>",
                i.value, lo, hi
            ),
            None => format!("{:.3}", i.value),
        };
        for row in sobol.iter().filter(|r| r.outcome == "agreement") {
            let output = match &row.difference_from {
                Some(base) => format!("{} − {}", row.regime, base),
                None => row.regime.clone(),
            };
            let (s1, st) = match &row.indices {
                Some((_, s1, st)) => (index(s1), index(st)),
                None => ("–".into(), "–".into()),
            };
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td><code>{}</code></td><td>{s1}</td><td>{st}</td><td>{}</td></tr>",
                escape(&output),
                escape(&row.parameter),
                row.n
            );
        }
        html.push_str(
            "</tbody>\n</table>\n<p class=\"note\">Share of the variance of each output \
             across the design explained by a parameter alone (S1, Saltelli 2010) and with its \
             interactions (ST, Jansen 1999), with bootstrap 95% intervals. Replicate noise in \
             each point's mean adds variance no parameter explains, so indices are lower than \
             with exact outputs; more replicates reduce it. Every outcome is in \
             <a href=\"sensitivity.csv\">sensitivity.csv</a>.</p>\n",
        );
    }

    let links: Vec<String> = files
        .iter()
        .map(|f| format!("<a href=\"{0}\">{0}</a>", escape(f)))
        .collect();
    let _ = write!(
        html,
        "<p class=\"note\">Files beside this report: {}, <a href=\"manifest.json\">manifest.json</a> \
         (how to reproduce), and \
         every figure as PNG and SVG. Columns are documented in peacesim's output/README.md.</p>\n\
         </body>\n</html>\n",
        links.join(", ")
    );
    html
}

/// The compact table `peacesim sweep` prints (at most 80 columns): per regime, the agreement
/// rate over the points, and against the reference how many points differ clearly; then, for
/// small designs, each point.
pub fn sweep_terminal_table(plan: &SweepPlan, summary: &SweepSummary) -> String {
    let k = outcome_index("agreement");
    let reference = &summary.regimes[summary.reference];
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<14} {:>9} {:>15}  {}",
        "regime",
        "agreement",
        "across points",
        if summary.regimes.len() > 1 {
            format!("vs {reference}: higher/lower/unclear")
        } else {
            String::new()
        }
    );
    for (r, name) in summary.regimes.iter().enumerate() {
        let means: Vec<f64> = (0..summary.points)
            .filter_map(|p| summary.moments(p, r, k).mean())
            .collect();
        if means.is_empty() {
            continue;
        }
        let avg = means.iter().sum::<f64>() / means.len() as f64;
        let lo = means.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = means.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let versus = if r == summary.reference {
            "(reference)".to_string()
        } else {
            let (up, down, unclear) = verdicts(summary, r, "agreement");
            format!("{up} / {down} / {unclear} points")
        };
        let _ = writeln!(
            s,
            "{:<14} {:>8.1}% {:>6.1}–{:>5.1}%  {}",
            truncate(name, 14),
            100.0 * avg,
            100.0 * lo,
            100.0 * hi,
            versus
        );
    }
    if plan.points.len() <= TERMINAL_POINTS && !plan.points.is_empty() {
        // Each point: its parameter values, then every regime's agreement rate; columns as
        // wide as their headers, shortened only if the line would pass 80 characters.
        let mut headers: Vec<String> = plan
            .names
            .iter()
            .map(|n| n.rsplit('.').next().unwrap_or(n).to_string())
            .chain(summary.regimes.iter().cloned())
            .collect();
        let cells: Vec<Vec<String>> = plan
            .points
            .iter()
            .enumerate()
            .map(|(p, _)| {
                plan.labels(p)
                    .into_iter()
                    .chain((0..summary.regimes.len()).map(|r| {
                        summary
                            .moments(p, r, k)
                            .mean()
                            .map_or("–".into(), |x| format!("{:.1}%", 100.0 * x))
                    }))
                    .collect()
            })
            .collect();
        let widest = |c: usize, headers: &[String]| {
            cells
                .iter()
                .map(|row| row[c].chars().count())
                .chain([headers[c].chars().count()])
                .max()
                .unwrap_or(1)
        };
        let mut widths: Vec<usize> = (0..headers.len()).map(|c| widest(c, &headers)).collect();
        while widths.iter().map(|w| w + 1).sum::<usize>() > 80 {
            let Some((c, _)) = widths.iter().enumerate().max_by_key(|(_, w)| **w) else {
                break;
            };
            let data = cells
                .iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(1);
            if widths[c] <= data.max(6) {
                break;
            }
            widths[c] -= 1;
            headers[c] = truncate(&headers[c], widths[c]);
        }
        s.push('\n');
        let line = |fields: &[String]| {
            fields
                .iter()
                .zip(&widths)
                .map(|(f, &w)| format!("{:>w$}", truncate(f, w)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let _ = writeln!(s, "{}", line(&headers));
        for row in &cells {
            let _ = writeln!(s, "{}", line(row));
        }
    }
    s
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}

/// Writes what a complete sweep's rows (in `dir/sweep_runs.csv`) give: `sweep_summary.csv`, the
/// sensitivity analysis of a Morris or Sobol' design (`sensitivity.csv`), and with `plots` the
/// figures and `report.html` (stamped `finished`). The command line and the Python package both
/// finish a sweep with it, so they write the same files.
pub fn finalize_sweep(
    dir: &Path,
    scenario: &Scenario,
    plan: &SweepPlan,
    plots: bool,
    finished: &str,
) -> Result<SweepSummary> {
    let regimes = scenario.experiment.regimes.clone();
    let summary = summarize(&dir.join(SWEEP_RUNS), plan, &regimes)?;
    write_sweep_summary(dir, plan, &summary)?;
    let effects = if plan.design == SweepDesign::Morris {
        let effects = elementary_effects(plan, &summary);
        write_atomic(dir, SENSITIVITY, &sensitivity_csv(&effects)?)?;
        effects
    } else {
        Vec::new()
    };
    let sobol = if plan.design == SweepDesign::Sobol {
        let rows = sobol_indices(plan, &summary);
        write_atomic(dir, SENSITIVITY, &sobol_sensitivity_csv(&rows)?)?;
        rows
    } else {
        Vec::new()
    };
    if plots {
        let mut figures = super::plots::write_sweep_figures(plan, &summary, &effects, dir)?;
        if !sobol.is_empty()
            && let Some(svg) = super::plots::write_sobol_figure(plan, &sobol, dir)?
        {
            figures.push(("sensitivity".to_string(), svg));
        }
        let mut files = vec![SWEEP_RUNS, SWEEP_SUMMARY];
        if !effects.is_empty() || !sobol.is_empty() {
            files.push(SENSITIVITY);
        }
        files.extend(recorded_files(scenario.experiment.record));
        let info = SweepReportInfo {
            scenario,
            plan,
            version: env!("CARGO_PKG_VERSION"),
            finished,
        };
        let html = sweep_report_html(&info, &summary, &effects, &sobol, &figures, &files);
        write_atomic(dir, "report.html", html.as_bytes())?;
    }
    Ok(summary)
}
