//! Unit tests of `output::plots::sobol_figure` (`src/output/plots/sobol_figure.rs`).

use peacesim::experiment::design::SweepPlan;
use peacesim::output::plots::sobol_figure::*;
use peacesim::output::sobol_files::sobol_indices;
use peacesim::output::sweep_files::SweepSummary;
use peacesim::scenario::{Scenario, SweepConfig, SweepDesign, SweepParameter};

#[test]
fn the_sobol_figure_is_written() {
    let s = Scenario::baseline();
    let range = |path: &str, min: f64, max: f64| SweepParameter {
        path: path.into(),
        values: Vec::new(),
        min: Some(min),
        max: Some(max),
        steps: None,
    };
    let config = SweepConfig {
        design: SweepDesign::Sobol,
        samples: Some(16),
        levels: 4,
        replicates: Some(4),
        seed: Some(3),
        parameters: vec![
            range("trust.build_rate", 0.01, 0.1),
            range("forums.agreement_rate", 0.05, 0.4),
        ],
    };
    let plan = SweepPlan::new(&s, &config);
    let regimes: Vec<String> = ["competitive", "hierarchical"].map(String::from).to_vec();
    let mut summary = SweepSummary::new(plan.points.len(), &regimes);
    // A synthetic agreement rate driven by the second parameter, more so when coordinated.
    for (p, x) in plan.points.iter().enumerate() {
        for r in 0..2 {
            let rate = 0.3 + (r as f64 + 1.0) * (x[1] - 0.05) + 0.2 * (x[0] - 0.01);
            for rep in 0..4 {
                summary
                    .moments_mut(p, r, 0)
                    .push(if (rep as f64) < rate * 4.0 { 1.0 } else { 0.0 });
            }
        }
    }
    let rows = sobol_indices(&plan, &summary);
    let dir = tempfile::TempDir::new().unwrap();
    write_sobol_figure(&plan, &rows, dir.path()).unwrap();
    for f in ["sensitivity.png", "sensitivity.svg"] {
        let len = std::fs::metadata(dir.path().join(f)).unwrap().len();
        assert!(len > 10_000, "{f}: {len} bytes");
    }
}
