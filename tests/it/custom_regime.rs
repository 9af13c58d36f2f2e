//! Regimes written outside the crate run through the same runner as the built-in ones, and the
//! runner really applies their plans.

use peacesim::experiment::{self, Design, OUTCOMES, ReplicateResult, ReplicateSink, Results};
use peacesim::model::{METRICS, World};
use peacesim::regime::{self, Plan, Regime, plan_independent};
use peacesim::scenario::Scenario;
use std::sync::Arc;

const REPLICATES: u64 = 120;
const SEED: u64 = 7;

/// Competition re-implemented outside the crate under another name.
struct CompetitiveCopy;

impl Regime for CompetitiveCopy {
    fn name(&self) -> &str {
        "competitive_copy"
    }
    fn plan(&self, world: &World, plan: &mut Plan) {
        plan_independent(world, plan);
    }
}

/// Nobody ever convenes a table: the plan is left blank.
struct NobodyConvenes;

impl Regime for NobodyConvenes {
    fn name(&self) -> &str {
        "nobody_convenes"
    }
    fn plan(&self, _: &World, _: &mut Plan) {}
}

/// A careless plan: out-of-range rates, self-backing and backing of tables that do not exist.
/// The engine must sanitise it rather than panic or produce non-finite numbers.
struct Careless;

impl Regime for Careless {
    fn name(&self) -> &str {
        "careless"
    }
    fn plan(&self, world: &World, plan: &mut Plan) {
        plan_independent(world, plan);
        let n = plan.backs.len();
        for j in 0..n {
            plan.cooperating[j] = true;
            plan.backs[j] = Some(if j % 2 == 0 { j } else { n + 5 });
        }
        plan.pooled = true;
        plan.consultation = f64::NAN;
        plan.information_sharing = 7.0;
        plan.action_rate = -3.0;
        plan.effort_share = 2.0;
        plan.support_absorption = f64::INFINITY;
    }
}

#[derive(Default)]
struct Collect(Vec<ReplicateResult>);

impl ReplicateSink for Collect {
    fn accept(&mut self, r: &ReplicateResult) -> anyhow::Result<()> {
        self.0.push(r.clone());
        Ok(())
    }
}

fn run_with_custom(custom: Vec<Arc<dyn Regime>>) -> (Results, Vec<ReplicateResult>) {
    run_scenario_with_custom(&Scenario::baseline(), custom)
}

fn run_scenario_with_custom(
    scenario: &Scenario,
    custom: Vec<Arc<dyn Regime>>,
) -> (Results, Vec<ReplicateResult>) {
    let mut regimes: Vec<Arc<dyn Regime>> = ["competitive", "hierarchical"]
        .iter()
        .map(|n| regime::built_in(n, scenario).unwrap())
        .collect();
    regimes.extend(custom);
    let design = Design {
        replicates: REPLICATES,
        seed: SEED,
        threads: 2,
        regimes,
    };
    let mut sink = Collect::default();
    let results = experiment::run(scenario, &design, &mut sink, &mut |_| {}).unwrap();
    (results, sink.0)
}

fn mean(results: &Results, regime: &str, outcome: &str) -> f64 {
    results.get(regime, outcome).unwrap().values.mean().unwrap()
}

#[test]
fn custom_regimes_run_beside_built_in_ones_with_sane_results() {
    let (results, reps) = run_with_custom(vec![Arc::new(CompetitiveCopy), Arc::new(Careless)]);
    assert_eq!(
        results.regime_names,
        [
            "competitive",
            "hierarchical",
            "competitive_copy",
            "careless"
        ]
    );
    assert_eq!(results.regime_names[results.reference], "competitive");
    assert_eq!(reps.len() as u64, REPLICATES);
    let horizon = Scenario::baseline().world.horizon_months as f64;
    for name in &results.regime_names {
        for outcome in [
            "agreement",
            "relapse",
            "cumulative_violence",
            "forum_switches",
        ] {
            let s = results.get(name, outcome).unwrap();
            assert_eq!(s.values.n, REPLICATES, "{name} {outcome}");
            assert_eq!(s.difference.n, REPLICATES, "{name} {outcome}");
        }
        for outcome in [
            "agreement",
            "relapse",
            "final_trust_party",
            "final_trust_third",
        ] {
            let m = mean(&results, name, outcome);
            assert!((0.0..=1.0).contains(&m), "{name} {outcome} = {m}");
        }
        if let Some(month) = results.get(name, "agreement_month").unwrap().values.mean() {
            assert!(
                (1.0..=horizon).contains(&month),
                "{name} agreement month {month}"
            );
        }
    }
    for (r, rep) in reps.iter().enumerate() {
        assert_eq!(rep.replicate, r as u64, "replicates arrive in order");
        for o in &rep.outcomes {
            let values = experiment::outcome_values(o);
            assert!(
                values.iter().flatten().all(|v| v.is_finite()),
                "replicate {r}: {o:?}"
            );
        }
        // Compliance is NaN (undefined) in months without roles; everything else is finite.
        let compliance = METRICS.iter().position(|m| *m == "compliance").unwrap();
        for series in &rep.series {
            for (k, v) in series.iter().enumerate() {
                assert!(
                    v.is_finite() || (k % METRICS.len() == compliance && v.is_nan()),
                    "replicate {r}"
                );
            }
        }
    }
}

#[test]
fn an_outside_copy_of_competition_reproduces_it_run_for_run() {
    let (results, reps) = run_with_custom(vec![Arc::new(CompetitiveCopy)]);
    for rep in &reps {
        assert_eq!(
            rep.outcomes[0], rep.outcomes[2],
            "replicate {}",
            rep.replicate
        );
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bits(&rep.series[0]),
            bits(&rep.series[2]),
            "replicate {}",
            rep.replicate
        );
    }
    for outcome in OUTCOMES {
        let d = &results.get("competitive_copy", outcome).unwrap().difference;
        if d.n > 0 {
            assert_eq!(d.mean(), Some(0.0), "{outcome}");
        }
    }
    // ...while a built-in coordinated regime does differ, so the comparison can fail.
    assert_ne!(
        mean(&results, "hierarchical", "forum_switches"),
        mean(&results, "competitive", "forum_switches")
    );
}

/// With fixed behaviour (`mechanisms.strategic = false`) the plan is applied as it is: a regime
/// in which nobody convenes gets no agreement.
#[test]
fn the_runner_applies_the_custom_plan_nobody_convenes_means_no_agreement() {
    let mut scenario = Scenario::baseline();
    scenario.mechanisms.strategic = false;
    let (results, reps) = run_scenario_with_custom(&scenario, vec![Arc::new(NobodyConvenes)]);
    let agreement = results.get("nobody_convenes", "agreement").unwrap();
    assert_eq!(agreement.values.n, REPLICATES);
    assert_eq!(agreement.values.mean(), Some(0.0));
    assert_eq!(
        mean(&results, "nobody_convenes", "max_parallel_forums"),
        0.0
    );
    assert_eq!(mean(&results, "nobody_convenes", "forum_switches"), 0.0);
    assert_eq!(mean(&results, "nobody_convenes", "coordination_cost"), 0.0);
    for rep in &reps {
        assert_eq!(rep.outcomes[2].agreement_month, None);
    }
    // The same replicates under competition do reach agreements: the zero is the plan's doing.
    assert!(mean(&results, "competitive", "agreement") > 0.0);
}

/// With strategic actors, a plan that proposes no roles is no institution at all: every actor
/// chooses for itself, exactly as under competition, run for run.
#[test]
fn with_strategic_actors_a_blank_plan_is_competition() {
    let (results, reps) = run_with_custom(vec![Arc::new(NobodyConvenes)]);
    for rep in &reps {
        assert_eq!(
            rep.outcomes[0], rep.outcomes[2],
            "replicate {}",
            rep.replicate
        );
    }
    assert!(mean(&results, "nobody_convenes", "agreement") > 0.0);
}
