//! The terminal tables: the short results table printed after `run`, the checks of
//! `validate`, and the helpers that keep every line within [`WIDTH`] columns.

use peacesim::commands;
use peacesim::experiment::Results;
use peacesim::experiment::validation::Check;
use peacesim::scenario::Scenario;

/// Columns of a terminal: no line a command prints (but a path) is wider.
pub const WIDTH: usize = commands::TERMINAL_WIDTH;

/// Spaces between two columns.
const GAP: usize = 2;

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.1}", 100.0 * v)).unwrap_or("–".into())
}

fn num(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.1}")).unwrap_or("–".into())
}

fn width(text: &str) -> usize {
    text.chars().count()
}

/// `text` cut to `max` characters, the last one an ellipsis when it is cut.
pub fn shorten(text: &str, max: usize) -> String {
    if width(text) <= max {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// `text` broken at spaces into lines of at most `WIDTH` characters; lines after the first
/// start with `indent`. A word longer than a line stays whole.
pub fn wrap(text: &str, indent: &str) -> String {
    commands::wrap("", text, indent)
}

/// Rows of cells as aligned columns, each as wide as its widest cell: the first column left,
/// the others right-aligned.
fn columns(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| width(s))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - width(cell);
            if c == 0 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str(&" ".repeat(GAP + pad));
                line.push_str(cell);
            }
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

/// The results of `run` in two tables of one line per regime, at most [`WIDTH`] columns
/// wide: the agreement rate with its interval and paired difference, timing and relapse; then
/// violence, parallel tables, switches, do-no-harm violations and members' compliance.
pub fn render(scenario: &Scenario, results: &Results) -> String {
    let reference = &results.regime_names[results.reference];
    let mut first = vec![vec![
        "regime".to_string(),
        "agreement % [95% CI]".to_string(),
        "Δ pp [95% CI]".to_string(),
        "month".to_string(),
        "relapse%".to_string(),
    ]];
    let mut second = vec![vec![
        "regime".to_string(),
        "violence".to_string(),
        "tables".to_string(),
        "switches".to_string(),
        "DNH".to_string(),
        "comply%".to_string(),
    ]];
    for name in &results.regime_names {
        let get = |o: &str| results.get(name, o).expect("known outcome");
        let agree = get("agreement");
        let ci = agree.values.wilson95();
        let diff = &agree.difference;
        let diff_text = match (diff.mean(), diff.ci95()) {
            _ if name == reference => "(reference)".to_string(),
            (Some(m), Some((lo, hi))) => {
                format!("{:+.1} [{:+.1}, {:+.1}]", 100.0 * m, 100.0 * lo, 100.0 * hi)
            }
            _ => "–".to_string(),
        };
        first.push(vec![
            name.clone(),
            format!(
                "{} [{}, {}]",
                pct(agree.values.mean()),
                pct(ci.map(|c| c.0)),
                pct(ci.map(|c| c.1))
            ),
            diff_text,
            num(get("agreement_month").values.mean()),
            pct(get("relapse_given_agreement").values.mean()),
        ]);
        second.push(vec![
            name.clone(),
            num(get("cumulative_violence").values.mean()),
            format!(
                "{:.2}",
                get("mean_parallel_forums").values.mean().unwrap_or(0.0)
            ),
            num(get("forum_switches").values.mean()),
            num(get("dnh_violations").values.mean()),
            pct(get("compliance").values.mean()),
        ]);
    }
    // Names written in [strategies.<name>] may be long: shortened so that the wider table
    // fits, never below the header's width.
    let rest = |rows: &[Vec<String>]| -> usize {
        (1..rows[0].len())
            .map(|c| GAP + rows.iter().map(|r| width(&r[c])).max().unwrap_or(0))
            .sum()
    };
    let room = WIDTH
        .saturating_sub(rest(&first).max(rest(&second)))
        .max(width("regime"));
    let mut shortened = false;
    for rows in [&mut first, &mut second] {
        for row in rows.iter_mut().skip(1) {
            if width(&row[0]) > room {
                row[0] = shorten(&row[0], room);
                shortened = true;
            }
        }
    }
    let mut s = wrap(
        &format!(
            "{} — {} paired replicates, horizon {} months, implementation {} months",
            scenario.scenario.name,
            results.replicates,
            scenario.world.horizon_months,
            scenario.world.implementation_months
        ),
        "  ",
    );
    s.push('\n');
    s.push_str(&columns(&first));
    s.push('\n');
    s.push_str(&columns(&second));
    s.push('\n');
    s.push_str(&wrap(
        &format!(
            "Δ: paired difference in agreement from {reference}, in percentage points. month: \
             mean month of agreement; relapse%: share of agreements that relapsed; tables: mean \
             parallel tables; comply%: share of role-months members played their role (– \
             without roles); other columns: per-run means.{}",
            if shortened {
                " Long regime names are shortened (…); summary.csv has them whole."
            } else {
                ""
            }
        ),
        "",
    ));
    s
}

/// The closing line of `run`: how many runs and how long (the folder follows on a line of its
/// own, as a path may be long).
pub fn closing(runs: u64, regimes: usize, replicates: u64, seconds: f64, threads: usize) -> String {
    wrap(
        &format!(
            "{runs} runs ({regimes} regimes × {replicates} replicates) in {seconds:.2} s on \
             {threads} threads"
        ),
        "  ",
    )
}

/// The checks of `validate`: per check, its verdict, fact and name on one line, then the metric,
/// then what was measured against what was expected, wrapped to [`WIDTH`] columns.
pub fn validation(checks: &[Check]) -> String {
    let mut s = String::new();
    for c in checks {
        let verdict = if c.pass { "pass" } else { "FAIL" };
        s.push_str(&wrap(
            &format!("{verdict} fact {}: {}", c.fact, c.name),
            "        ",
        ));
        s.push_str(&commands::wrap("      ", &c.metric, "        "));
        s.push_str(&commands::wrap(
            "      ",
            &format!(
                "measured {:.2} [{:.2}, {:.2}], expected {}; {} replicates",
                c.value, c.ci_low, c.ci_high, c.expected, c.replicates
            ),
            "        ",
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_fits(text: &str) {
        for line in text.lines() {
            assert!(width(line) <= WIDTH, "{} columns: {line:?}", width(line));
        }
    }

    #[test]
    fn wrapped_text_fits_and_keeps_every_word() {
        let text = "word ".repeat(60) + &"x".repeat(90);
        let wrapped = wrap(&text, "    ");
        let long: Vec<&str> = wrapped.lines().filter(|l| width(l) > WIDTH).collect();
        assert_eq!(
            long,
            [format!("    {}", "x".repeat(90))],
            "only the one long word"
        );
        assert_eq!(
            wrapped.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        assert_fits(&wrap(&"Δ–é ".repeat(40), ""));
    }

    #[test]
    fn validation_checks_fit_in_80_columns() {
        let check = Check {
            fact: 6,
            name: "A fact with a name of thirty ch",
            metric: "agreement, hierarchical − competitive, under the calibration with a long \
                     metric name of sixty characters and more"
                .to_string(),
            expected: "> 0.05 pp (whole 95% CI)".to_string(),
            value: -123.456,
            ci_low: -1234.5,
            ci_high: 1234.5,
            pass: false,
            replicates: 2000,
        };
        let text = validation(&[
            check.clone(),
            Check {
                pass: true,
                ..check
            },
        ]);
        assert_fits(&text);
        assert!(text.starts_with("FAIL fact 6: A fact"), "{text}");
        assert!(
            text.contains("measured -123.46 [-1234.50, 1234.50]"),
            "{text}"
        );
    }
}
