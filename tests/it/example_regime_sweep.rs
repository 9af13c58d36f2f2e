//! A regime written outside the crate runs through a sweep as `examples/minimal_consultation.rs`
//! runs it: `run_units` with a factory mixing built-in and custom regimes, rows streamed by
//! `SweepWriter`, the summary read back by `summarize`. Adding the custom regime leaves the
//! built-in regimes' rows unchanged: common random numbers do not depend on the set of regimes.

use anyhow::anyhow;
use peacesim::experiment::OUTCOMES;
use peacesim::experiment::design::SweepPlan;
use peacesim::experiment::sweep::{RegimeFactory, Shard, run_units};
use peacesim::model::World;
use peacesim::output::sweep_files::{
    SWEEP_RUNS, SWEEP_SUMMARY, SweepSummary, SweepWriter, summarize, sweep_summary_csv,
    write_atomic,
};
use peacesim::regime::{self, Plan, Regime, plan_independent};
use peacesim::scenario::sweep::SweepValue;
use peacesim::scenario::{Scenario, SweepConfig, SweepDesign, SweepParameter};
use std::path::Path;
use std::sync::Arc;
use tempfile::TempDir;

const REPLICATES: u64 = 10;
const POINTS: usize = 2;
const CUSTOM: &str = "everyone_consults";
const BUILT_IN: [&str; 2] = ["competitive", "hierarchical"];

/// Competition in which every active actor consults the others before its moves.
struct EveryoneConsults;

impl Regime for EveryoneConsults {
    fn name(&self) -> &str {
        CUSTOM
    }
    fn plan(&self, world: &World, plan: &mut Plan) {
        plan_independent(world, plan);
        let month = world.month();
        for (j, actor) in world.third_parties().iter().enumerate() {
            plan.cooperating[j] = actor.is_active(month);
        }
        plan.consultation = 0.8;
        plan.information_sharing = 0.4;
        plan.effort_share = 0.02;
    }
}

/// The baseline swept over two posting lengths, with `REPLICATES` replicates per point.
fn sweep_scenario() -> (Scenario, SweepPlan) {
    let mut scenario = Scenario::baseline();
    let config = SweepConfig {
        design: SweepDesign::Grid,
        samples: None,
        levels: 4,
        replicates: Some(REPLICATES),
        seed: Some(2022),
        parameters: vec![SweepParameter {
            path: "rotation.posting_months".into(),
            values: vec![SweepValue::Number(24.0), SweepValue::Number(48.0)],
            min: None,
            max: None,
            steps: None,
        }],
    };
    scenario.sweep = Some(config.clone());
    scenario.revalidate("test sweep").unwrap();
    let plan = SweepPlan::new(&scenario, &config);
    plan.check_points(&scenario).unwrap();
    assert_eq!(plan.points.len(), POINTS);
    (scenario, plan)
}

fn built_ins(scenario: &Scenario) -> anyhow::Result<Vec<Arc<dyn Regime>>> {
    BUILT_IN
        .iter()
        .map(|n| regime::built_in(n, scenario).ok_or_else(|| anyhow!("no regime {n}")))
        .collect()
}

/// The custom regime first, so that it also shifts the built-in regimes' positions.
fn with_custom(scenario: &Scenario) -> anyhow::Result<Vec<Arc<dyn Regime>>> {
    let mut regimes: Vec<Arc<dyn Regime>> = vec![Arc::new(EveryoneConsults)];
    regimes.extend(built_ins(scenario)?);
    Ok(regimes)
}

/// Runs the sweep into `dir` as the example does; returns the rows and the summary.
fn run_sweep(
    dir: &Path,
    scenario: &Scenario,
    plan: &SweepPlan,
    factory: &RegimeFactory,
) -> (Vec<Vec<String>>, SweepSummary) {
    let names: Vec<String> = factory(scenario)
        .unwrap()
        .iter()
        .map(|r| r.name().to_string())
        .collect();
    let units = 0..plan.units();
    let mut writer = SweepWriter::start(
        dir,
        "test",
        Shard::WHOLE,
        units.clone(),
        plan,
        names.clone(),
        false,
    )
    .unwrap();
    run_units(scenario, plan, factory, units, 2, &mut |chunk| {
        writer.write_chunk(plan, chunk)
    })
    .unwrap();
    let summary = summarize(&dir.join(SWEEP_RUNS), plan, &names).unwrap();
    write_atomic(
        dir,
        SWEEP_SUMMARY,
        &sweep_summary_csv(plan, &summary).unwrap(),
    )
    .unwrap();
    assert!(writer.finish().unwrap().complete);
    (read_csv(&dir.join(SWEEP_RUNS)), summary)
}

/// The data rows of a CSV file (without the header).
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// Column of the regime's name in `sweep_runs.csv`: after `point` and one column per parameter.
const REGIME_COLUMN: usize = 2;

#[test]
fn a_custom_regime_sweeps_beside_built_in_ones_on_common_random_numbers() {
    let (scenario, plan) = sweep_scenario();
    let tmp = TempDir::new().unwrap();
    let (rows, summary) = run_sweep(&tmp.path().join("with"), &scenario, &plan, &with_custom);
    let (alone, _) = run_sweep(&tmp.path().join("without"), &scenario, &plan, &built_ins);

    // One row per point × replicate × regime, in that order, named after the regime.
    let names = [CUSTOM, BUILT_IN[0], BUILT_IN[1]];
    assert_eq!(rows.len(), POINTS * REPLICATES as usize * names.len());
    for (i, row) in rows.iter().enumerate() {
        let unit = i / names.len();
        assert_eq!(row[0], (unit / REPLICATES as usize).to_string(), "row {i}");
        assert_eq!(row[REGIME_COLUMN], names[i % names.len()], "row {i}");
        assert_eq!(
            row[REGIME_COLUMN + 1],
            (unit % REPLICATES as usize).to_string()
        );
    }

    // The summary counts every replicate of every point and regime, in memory and in the file.
    let agreement = OUTCOMES.iter().position(|o| *o == "agreement").unwrap();
    assert_eq!(summary.regimes, names);
    for p in 0..POINTS {
        for r in 0..names.len() {
            assert_eq!(summary.moments(p, r, agreement).n, REPLICATES, "{p} {r}");
        }
    }
    let summary_rows: Vec<_> = read_csv(&tmp.path().join("with").join(SWEEP_SUMMARY))
        .into_iter()
        .filter(|r| r[REGIME_COLUMN + 1] == "agreement")
        .collect();
    assert_eq!(summary_rows.len(), POINTS * names.len());
    for r in &summary_rows {
        assert_eq!(r[REGIME_COLUMN + 2], REPLICATES.to_string(), "{r:?}");
    }

    // Adding the custom regime changes none of the built-in regimes' rows, byte for byte.
    let built_in_rows: Vec<_> = rows
        .iter()
        .filter(|r| r[REGIME_COLUMN] != CUSTOM)
        .cloned()
        .collect();
    assert_eq!(built_in_rows, alone);

    // ...and the custom regime really ran its own plan: its runs are not competition's.
    let outcomes = |regime: &str| -> Vec<Vec<String>> {
        rows.iter()
            .filter(|r| r[REGIME_COLUMN] == regime)
            .map(|r| r[REGIME_COLUMN + 3..].to_vec())
            .collect()
    };
    assert_ne!(outcomes(CUSTOM), outcomes("competitive"));
}
