//! The short results table printed after `run`.

use peacesim::experiment::Results;
use peacesim::scenario::Scenario;
use std::fmt::Write;

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.1}", 100.0 * v)).unwrap_or("–".into())
}

fn num(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.1}")).unwrap_or("–".into())
}

/// One line per regime: agreement rate with CI and paired difference, timing, relapse,
/// violence, parallel tables, switches, do-no-harm violations and members' compliance.
pub fn render(scenario: &Scenario, results: &Results) -> String {
    let mut s = String::new();
    let reference = &results.regime_names[results.reference];
    // Wide enough for the longest name (strategies written in TOML may be long).
    let w = results
        .regime_names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(14);
    let _ = writeln!(
        s,
        "{} — {} paired replicates, horizon {} months, implementation {} months",
        scenario.scenario.name,
        results.replicates,
        scenario.world.horizon_months,
        scenario.world.implementation_months
    );
    let _ = writeln!(
        s,
        "{:<w$} {:>20} {:>22} {:>7} {:>9} {:>9} {:>7} {:>8} {:>6} {:>8}",
        "regime",
        "agreement % (95% CI)",
        format!("Δ vs {reference} (pp)"),
        "month",
        "relapse%",
        "violence",
        "tables",
        "switches",
        "DNH",
        "comply%"
    );
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
        let _ = writeln!(
            s,
            "{:<w$} {:>20} {:>22} {:>7} {:>9} {:>9} {:>7} {:>8} {:>6} {:>8}",
            name,
            format!(
                "{} [{}, {}]",
                pct(agree.values.mean()),
                pct(ci.map(|c| c.0)),
                pct(ci.map(|c| c.1))
            ),
            diff_text,
            num(get("agreement_month").values.mean()),
            pct(get("relapse_given_agreement").values.mean()),
            num(get("cumulative_violence").values.mean()),
            format!(
                "{:.2}",
                get("mean_parallel_forums").values.mean().unwrap_or(0.0)
            ),
            num(get("forum_switches").values.mean()),
            num(get("dnh_violations").values.mean()),
            pct(get("compliance").values.mean()),
        );
    }
    let _ = writeln!(
        s,
        "month: mean month of agreement; relapse%: share of agreements that relapsed; \
         tables: mean parallel tables; comply%: share of role-months members played their \
         role (– without roles); per-run means otherwise."
    );
    s
}
