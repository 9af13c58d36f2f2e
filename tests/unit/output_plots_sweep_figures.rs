//! Unit tests of `output::plots::sweep_figures` (`src/output/plots/sweep_figures.rs`).

use peacesim::experiment::design::SweepPlan;
use peacesim::experiment::{OUTCOMES, is_proportion};
use peacesim::output::plots::sweep_figures::*;
use peacesim::output::sweep_files::elementary_effects;
use peacesim::output::sweep_files::{Effect, SweepSummary};
use peacesim::scenario::SweepDesign;
use peacesim::scenario::{Scenario, SweepConfig, SweepParameter};

const REGIMES: [&str; 3] = ["competitive", "hierarchical", "network"];

fn values(path: &str, values: &[f64]) -> SweepParameter {
    SweepParameter {
        path: path.into(),
        values: values
            .iter()
            .map(|&v| peacesim::scenario::sweep::SweepValue::Number(v))
            .collect(),
        min: None,
        max: None,
        steps: None,
    }
}

fn range(path: &str, min: f64, max: f64) -> SweepParameter {
    SweepParameter {
        path: path.into(),
        values: Vec::new(),
        min: Some(min),
        max: Some(max),
        steps: None,
    }
}

fn plan(design: SweepDesign, parameters: Vec<SweepParameter>) -> SweepPlan {
    let config = SweepConfig {
        design,
        samples: Some(6),
        levels: 4,
        replicates: Some(20),
        seed: Some(3),
        parameters,
    };
    SweepPlan::new(&Scenario::baseline(), &config)
}

/// Twenty made-up runs per point and regime, varying with the point and the regime.
fn summary(plan: &SweepPlan) -> SweepSummary {
    let regimes: Vec<String> = REGIMES.iter().map(|s| s.to_string()).collect();
    let mut summary = SweepSummary::new(plan.points.len(), &regimes);
    for p in 0..plan.points.len() {
        for r in 0..regimes.len() {
            for (k, outcome) in OUTCOMES.iter().enumerate() {
                let m = summary.moments_mut(p, r, k);
                for rep in 0..20usize {
                    let x = if is_proportion(outcome) {
                        f64::from((rep + p + 3 * r) % 4 == 0)
                    } else {
                        (rep % 5 + p + r + k) as f64
                    };
                    m.push(x);
                }
            }
        }
    }
    summary
}

/// Writes the figures of `plan` and checks that exactly `expected` were written, each as a
/// non-empty PNG and an SVG naming the parameters and the regimes.
fn check(plan: &SweepPlan, summary: &SweepSummary, effects: &[Effect], expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    write_sweep_figures(plan, summary, effects, dir.path()).unwrap();
    let mut written: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut wanted: Vec<String> = expected
        .iter()
        .flat_map(|s| [format!("{s}.png"), format!("{s}.svg")])
        .collect();
    wanted.sort();
    assert_eq!(written, wanted);
    for stem in expected {
        let png = std::fs::read(dir.path().join(format!("{stem}.png"))).unwrap();
        assert!(
            png.len() > 1000 && png.starts_with(b"\x89PNG"),
            "{stem}.png"
        );
        let svg = std::fs::read_to_string(dir.path().join(format!("{stem}.svg"))).unwrap();
        assert!(svg.starts_with("<svg"), "{stem}.svg");
        for name in &plan.names {
            assert!(svg.contains(name.as_str()), "{stem}.svg lacks {name}");
        }
        let shown: Vec<&str> = if *stem == "heatmap_difference" {
            REGIMES[1..].to_vec()
        } else {
            REGIMES.to_vec()
        };
        for regime in shown {
            assert!(svg.contains(regime), "{stem}.svg lacks {regime}");
        }
    }
}

#[test]
fn one_parameter_grid_draws_outcome_curves() {
    let plan = plan(
        SweepDesign::Grid,
        vec![values("rotation.posting_months", &[36.0, 12.0, 24.0, 48.0])],
    );
    let stems: Vec<String> = LINE_OUTCOMES
        .iter()
        .map(|(o, _, _)| format!("sweep_{o}"))
        .collect();
    let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
    check(&plan, &summary(&plan), &[], &stems);
}

#[test]
fn two_parameter_grid_draws_heatmaps() {
    let plan = plan(
        SweepDesign::Grid,
        vec![
            values("rotation.posting_months", &[12.0, 24.0, 36.0]),
            values("count.mediator", &[1.0, 2.0]),
        ],
    );
    let summary = summary(&plan);
    check(
        &plan,
        &summary,
        &[],
        &["heatmap_agreement", "heatmap_difference"],
    );
    // Without the competitive regime there is nothing to take differences from.
    let mut other = summary.clone();
    other.regimes[0] = "solo".into();
    let dir = tempfile::tempdir().unwrap();
    write_sweep_figures(&plan, &other, &[], dir.path()).unwrap();
    assert!(dir.path().join("heatmap_agreement.png").exists());
    assert!(!dir.path().join("heatmap_difference.png").exists());
}

#[test]
fn latin_hypercube_and_larger_grids_draw_scatter() {
    let lhs = plan(
        SweepDesign::Lhs,
        vec![
            range("rotation.posting_months", 12.0, 60.0),
            range("trust.build_rate", 0.01, 0.1),
        ],
    );
    check(&lhs, &summary(&lhs), &[], &["sweep_scatter"]);
    let grid = plan(
        SweepDesign::Grid,
        vec![
            values("rotation.posting_months", &[12.0, 36.0]),
            values("count.mediator", &[1.0, 2.0]),
            values("trust.build_rate", &[0.02, 0.06]),
        ],
    );
    check(&grid, &summary(&grid), &[], &["sweep_scatter"]);
}

#[test]
fn morris_draws_the_sensitivity_plane() {
    let plan = plan(
        SweepDesign::Morris,
        vec![
            range("rotation.posting_months", 12.0, 60.0),
            range("trust.build_rate", 0.01, 0.1),
            range("leverage.dilution", 0.1, 0.9),
        ],
    );
    let summary = summary(&plan);
    let effects = elementary_effects(&plan, &summary);
    assert!(effects.iter().any(|e| e.outcome == "agreement"));
    check(&plan, &summary, &effects, &["sensitivity"]);
}

fn levels(path: &str, names: &[&str]) -> SweepParameter {
    use peacesim::scenario::sweep::SweepValue;
    SweepParameter {
        path: path.into(),
        values: names
            .iter()
            .map(|n| match *n {
                "true" => SweepValue::Switch(true),
                "false" => SweepValue::Switch(false),
                _ => SweepValue::Level(n.to_string()),
            })
            .collect(),
        min: None,
        max: None,
        steps: None,
    }
}

/// Whether an SVG shows `label` as a text of its own (a tick label).
fn shows(svg: &str, label: &str) -> bool {
    svg.contains(&format!(">\n{label}\n</text>"))
}

#[test]
fn categorical_axes_are_labelled_with_their_levels() {
    let dir = tempfile::tempdir().unwrap();
    let svg = |stem: &str| std::fs::read_to_string(dir.path().join(format!("{stem}.svg"))).unwrap();
    let one = plan(
        SweepDesign::Grid,
        vec![levels("mechanisms.forum_shopping", &["true", "false"])],
    );
    check(
        &one,
        &summary(&one),
        &[],
        &[
            "sweep_agreement",
            "sweep_relapse_given_agreement",
            "sweep_cumulative_violence",
            "sweep_forum_switches",
        ],
    );
    write_sweep_figures(&one, &summary(&one), &[], dir.path()).unwrap();
    let line = svg("sweep_agreement");
    assert!(shows(&line, "true") && shows(&line, "false"), "{line}");
    // Not the level indices, and no unit read from the baseline's comments.
    assert!(!shows(&line, "0.5"));
    assert!(shows(&line, "mechanisms.forum_shopping"));
    assert!(line.contains("bars are 95%"));

    let two = plan(
        SweepDesign::Grid,
        vec![
            levels("third_parties.diplomat.favours", &["none", "Government"]),
            levels("mechanisms.trust", &["false", "true"]),
        ],
    );
    check(
        &two,
        &summary(&two),
        &[],
        &["heatmap_agreement", "heatmap_difference"],
    );
    write_sweep_figures(&two, &summary(&two), &[], dir.path()).unwrap();
    let heat = svg("heatmap_agreement");
    for label in ["none", "Government", "true", "false"] {
        assert!(shows(&heat, label), "heatmap lacks {label}");
    }

    let lhs = plan(
        SweepDesign::Lhs,
        vec![
            range("trust.build_rate", 0.01, 0.1),
            levels("third_parties.diplomat.kind", &["diplomat", "mediator"]),
        ],
    );
    check(&lhs, &summary(&lhs), &[], &["sweep_scatter"]);
    write_sweep_figures(&lhs, &summary(&lhs), &[], dir.path()).unwrap();
    let scatter = svg("sweep_scatter");
    assert!(shows(&scatter, "diplomat") && shows(&scatter, "mediator"));
}

#[test]
fn morris_effects_of_a_switch_are_changes_per_change_of_level() {
    let plan = plan(
        SweepDesign::Morris,
        vec![
            range("trust.build_rate", 0.01, 0.1),
            levels("mechanisms.trust", &["false", "true"]),
        ],
    );
    let summary = summary(&plan);
    let effects = elementary_effects(&plan, &summary);
    let k = OUTCOMES
        .iter()
        .position(|o| *o == "cumulative_violence")
        .unwrap();
    // By hand: every step that moves the switch, (y after − y before) × ±1 towards `true`.
    let mut by_hand = Vec::new();
    for (t, order) in plan.moves.iter().enumerate() {
        let step = order.iter().position(|&m| m == 1).unwrap();
        let a = t * 3 + step;
        let sign = plan.points[a + 1][1] - plan.points[a][1];
        let change = summary.mean(a + 1, 0, k).unwrap() - summary.mean(a, 0, k).unwrap();
        by_hand.push(change * sign);
    }
    let e = effects
        .iter()
        .find(|e| {
            e.regime == REGIMES[0]
                && e.outcome == "cumulative_violence"
                && e.parameter == "mechanisms.trust"
        })
        .unwrap();
    let n = by_hand.len() as f64;
    assert_eq!(e.n, by_hand.len() as u64);
    assert!((e.mu - by_hand.iter().sum::<f64>() / n).abs() < 1e-9);
    assert!((e.mu_star - by_hand.iter().map(|x| x.abs()).sum::<f64>() / n).abs() < 1e-9);
    assert!(e.mu_star > 0.0);
    check(&plan, &summary, &effects, &["sensitivity"]);
}

#[test]
fn units_come_from_the_baseline_comments() {
    assert_eq!(
        parameter_label("rotation.posting_months"),
        "rotation.posting_months (months)"
    );
    assert_eq!(
        parameter_label("trust.build_rate"),
        "trust.build_rate (fraction/event)"
    );
    assert_eq!(
        parameter_label("count.mediator"),
        "count.mediator (number of mediators)"
    );
    assert_eq!(
        parameter_label("third_parties.diplomat.leverage"),
        "third_parties.diplomat.leverage (leverage units)"
    );
    assert_eq!(
        parameter_label("parties.Government.capability"),
        "parties.Government.capability (0–1)"
    );
    assert_eq!(
        parameter_label("regimes.network.consensus_delay"),
        "regimes.network.consensus_delay (dimensionless)"
    );
    assert_eq!(parameter_label("no.such_thing"), "no.such_thing");
}

#[test]
fn numbers_are_short() {
    assert_eq!(number(12.0), "12");
    assert_eq!(number(0.55 * 0.1), "0.055");
    assert_eq!(number(0.1 + 0.2), "0.3");
    assert_eq!(number(-0.0), "0");
    assert_eq!(number(2.5), "2.5");
    assert_eq!(nice_top(57.0), 60.0);
    assert_eq!(nice_ticks(0.01, 0.1, 5.0).len(), 5);
}
