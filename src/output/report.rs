//! `report.html`: one self-contained page a trainer can project. SVG figures are inlined; there
//! is no script, no stylesheet link and no network access.

use crate::experiment::stats::Moments;
use crate::experiment::{OUTCOMES, Results, is_proportion};
use crate::output::plots::RUN_FIGURES;
use crate::scenario::Scenario;
use std::fmt::Write;

/// Outcomes in the report's table, with readable labels.
const TABLE: [(&str, &str); 15] = [
    ("agreement", "Agreement within the horizon"),
    ("agreement_month", "Month of agreement (if any)"),
    ("relapse_given_agreement", "Relapse after an agreement"),
    ("cumulative_violence", "Cumulative violence (index)"),
    ("mean_parallel_forums", "Parallel tables (mean)"),
    ("forum_switches", "Forum switches"),
    ("dnh_violations", "Do-no-harm violations"),
    ("rotations", "Staff rotations"),
    (
        "final_trust_party",
        "Parties' trust in third parties at the end",
    ),
    ("leverage_spent", "Leverage spent (units)"),
    ("coordination_cost", "Coordination cost (staff-months)"),
    (
        "compliance",
        "Compliance: share of role-months members played their role",
    ),
    ("defections", "Defections (member-months out of role)"),
    ("rival_initiatives", "Rival initiatives opened"),
    ("visibility_moves", "Public moves by actors working alone"),
];

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What the report states about the run besides the results.
pub struct ReportInfo<'a> {
    pub scenario: &'a Scenario,
    pub version: &'a str,
    pub seed: u64,
    pub finished: &'a str,
}

pub(crate) fn value(outcome: &str, x: f64) -> String {
    value_with(outcome, x, 0)
}

/// [`value`] with `extra` more decimals.
fn value_with(outcome: &str, x: f64, extra: usize) -> String {
    if is_proportion(outcome) {
        format!("{:.*}%", 1 + extra, 100.0 * x)
    } else if x.abs() >= 100.0 {
        format!("{x:.extra$}")
    } else if x.abs() >= 10.0 {
        format!("{:.*}", 1 + extra, x)
    } else {
        format!("{:.*}", 2 + extra, x)
    }
}

/// A signed difference with `extra` more decimals than [`value`] gives, with a true minus
/// sign; a value that rounds to zero gets no sign.
pub fn signed_with(outcome: &str, x: f64, extra: usize) -> String {
    let magnitude = if is_proportion(outcome) {
        format!("{:.*} pp", 1 + extra, 100.0 * x.abs())
    } else {
        value_with(outcome, x.abs(), extra)
    };
    if magnitude
        .trim_end_matches(" pp")
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        // Only zeros: zero at this precision.
        return magnitude;
    }
    format!("{}{magnitude}", if x < 0.0 { "−" } else { "+" })
}

/// A paired difference and its 95% interval as shown: `(mean, low, high, clear)`. `clear`
/// (the interval excludes zero) is decided on the unrounded bounds; when it holds, the bounds
/// are shown with as many more decimals as it takes (up to four) for neither to read as zero,
/// so that a bold interval never shows a zero bound.
pub fn difference_text(outcome: &str, x: f64, lo: f64, hi: f64) -> (String, String, String, bool) {
    let clear = lo > 0.0 || hi < 0.0;
    let is_zero = |s: &str| !s.starts_with(['+', '−']);
    let extra = if clear {
        (0..=4)
            .find(|&k| {
                !is_zero(&signed_with(outcome, lo, k)) && !is_zero(&signed_with(outcome, hi, k))
            })
            .unwrap_or(4)
    } else {
        0
    };
    (
        signed_with(outcome, x, extra),
        signed_with(outcome, lo, extra),
        signed_with(outcome, hi, extra),
        clear,
    )
}

/// A table cell: the mean with its 95% interval (Wilson for shares, Student t otherwise) and,
/// given a paired difference from the reference, that difference with its interval, bold when
/// the interval excludes zero.
pub(crate) fn estimate_cell(
    outcome: &str,
    values: &Moments,
    difference: Option<&Moments>,
) -> String {
    let ci = if is_proportion(outcome) {
        values.wilson95()
    } else {
        values.ci95()
    };
    let mut cell = match (values.mean(), ci) {
        (Some(m), Some((lo, hi))) => format!(
            "{} <span class=\"ci\">[{}, {}]</span>",
            value(outcome, m),
            value(outcome, lo),
            value(outcome, hi)
        ),
        (Some(m), None) => value(outcome, m),
        _ => "–".into(),
    };
    if let Some(d) = difference
        && let (Some(x), Some((lo, hi))) = (d.mean(), d.ci95())
    {
        let (x, lo, hi, clear) = difference_text(outcome, x, lo, hi);
        let _ = write!(
            cell,
            "<br><span class=\"diff{}\">Δ {x} [{lo}, {hi}]</span>",
            if clear { " clear" } else { "" },
        );
    }
    cell
}

fn summary_table(results: &Results) -> String {
    let reference = &results.regime_names[results.reference];
    let mut s = String::from("<table>\n<thead><tr><th>Outcome</th>");
    for name in &results.regime_names {
        let _ = write!(s, "<th>{}</th>", escape(name));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for (outcome, label) in TABLE {
        debug_assert!(OUTCOMES.contains(&outcome));
        let _ = write!(s, "<tr><th scope=\"row\">{}</th>", escape(label));
        for name in &results.regime_names {
            let Some(o) = results.get(name, outcome) else {
                s.push_str("<td>–</td>");
                continue;
            };
            let difference = (name != reference).then_some(&o.difference);
            let cell = estimate_cell(outcome, &o.values, difference);
            let _ = write!(s, "<td>{cell}</td>");
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    let _ = writeln!(
        s,
        "<p class=\"note\">Each cell: mean and 95% confidence interval (Wilson for shares, \
         Student t otherwise). Δ: paired difference from <b>{}</b> over the same simulated \
         conflicts, with its 95% interval, in percentage points (pp) for shares; bold when the interval \
         excludes zero (shown with more decimals when needed to tell it from zero). The month of \
         agreement and relapse after an agreement are over replicates that reached an agreement \
         (differences over replicates where both regimes did).</p>",
        escape(reference)
    );
    s
}

pub(crate) const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1200px;\
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}h1{font-size:1.9em;margin-bottom:.2em}\
h2{margin-top:2em;border-bottom:2px solid #ddd;padding-bottom:.2em}.meta{color:#555}\
table{border-collapse:collapse;width:100%;font-size:.95em}th,td{border:1px solid #ccc;\
padding:.45em .6em;text-align:left;vertical-align:top}thead th{background:#f0f0f0}\
.ci{color:#666;font-size:.9em}.diff{color:#555;font-size:.88em}.diff.clear{color:#000;\
font-weight:bold}.note{color:#555;font-size:.9em}figure{margin:1.5em 0}svg{max-width:100%;\
height:auto;border:1px solid #eee}figcaption{margin-top:.5em;font-size:1.02em}\
.swatch{display:inline-block;width:1em;height:1em;vertical-align:middle;margin-right:.3em}";

/// The whole report page. `figures` are `(stem, svg)` in [`RUN_FIGURES`] order.
pub fn report_html(info: &ReportInfo, results: &Results, figures: &[(String, String)]) -> String {
    let s = info.scenario;
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>peacesim — {name}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>{name}</h1>\n<p>{desc}</p>\n",
        name = escape(&s.scenario.name),
        desc = escape(&s.scenario.description),
    );
    let regimes: Vec<String> = results
        .regime_names
        .iter()
        .enumerate()
        .map(|(r, n)| {
            let c = crate::output::plots::regime_colour(n, r);
            format!(
                "<span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\"></span>{}",
                c.0,
                c.1,
                c.2,
                escape(n)
            )
        })
        .collect();
    let _ = write!(
        html,
        "<p class=\"meta\">Regimes compared: {}.<br>{} paired replicates per regime (every \
         regime faces the same simulated conflicts), seed {}, horizon {} months, implementation \
         {} months. peacesim {}, finished {}.</p>\n\
         <p class=\"meta\">A simulation with stated, illustrative parameters — not a forecast of \
         any real process.</p>\n",
        regimes.join(", "),
        results.replicates,
        info.seed,
        s.world.horizon_months,
        s.world.implementation_months,
        escape(info.version),
        escape(info.finished),
    );
    html.push_str("<h2>Summary</h2>\n");
    html.push_str(&summary_table(results));
    for (stem, heading, caption) in RUN_FIGURES {
        let Some((_, svg)) = figures.iter().find(|(f, _)| f == stem) else {
            continue;
        };
        let _ = write!(
            html,
            "<h2>{}</h2>\n<figure id=\"{stem}\">\n{svg}\n<figcaption>{} <span class=\"note\">\
             (<a href=\"{stem}.png\">{stem}.png</a>, <a href=\"{stem}.svg\">{stem}.svg</a>)\
             </span></figcaption>\n</figure>\n",
            escape(heading),
            escape(caption),
        );
    }
    html.push_str(
        "<p class=\"note\">Files beside this report: <a href=\"runs.csv\">runs.csv</a> (one \
         row per run), <a href=\"timeseries.csv\">timeseries.csv</a> (per regime and month), \
         <a href=\"summary.csv\">summary.csv</a> (every outcome with its interval and paired \
         difference), <a href=\"manifest.json\">manifest.json</a> (how to reproduce), and every \
         figure as PNG and SVG (linked under each). Columns are documented in peacesim's \
         output/README.md.</p>\n</body>\n</html>\n",
    );
    html
}
