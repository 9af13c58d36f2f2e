//! The step loop allocates nothing: a run's allocations do not grow with its length.

use crate::counting::allocations;
use peacesim::model::{METRICS, simulate};
use peacesim::regime::built_in;
use peacesim::scenario::Scenario;

fn allocations_of_run(scenario: &Scenario, regime: &str) -> usize {
    let regime = built_in(regime, scenario).unwrap();
    let mut series = vec![0.0; scenario.total_months() * METRICS.len()];
    let before = allocations();
    simulate(scenario, regime.as_ref(), 7, &mut series);
    allocations() - before
}

#[test]
fn months_do_not_allocate() {
    let mut short = Scenario::baseline();
    short.world.horizon_months = 12;
    short.world.implementation_months = 6;
    let mut long = Scenario::baseline();
    long.world.horizon_months = 240;
    long.world.implementation_months = 120;
    for regime in ["competitive", "hierarchical", "network", "contact_group"] {
        let a = allocations_of_run(&short, regime);
        let b = allocations_of_run(&long, regime);
        assert_eq!(a, b, "{regime}: {a} allocations for 18 months, {b} for 360");
    }
}
