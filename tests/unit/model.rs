//! Unit tests of `model` (`src/model/mod.rs`).

use peacesim::model::*;
use peacesim::regime::built_in;
use peacesim::scenario::Scenario;

#[test]
fn tracing_changes_nothing_and_tells_the_story() {
    let scenario = Scenario::baseline();
    let len = scenario.total_months() * METRICS.len();
    for name in ["competitive", "hierarchical", "network"] {
        let regime = built_in(name, &scenario).unwrap();
        for seed in 0..20 {
            let (mut a, mut b) = (vec![0.0; len], vec![0.0; len]);
            let plain = simulate(&scenario, regime.as_ref(), seed, &mut a);
            let trace = simulate_traced(&scenario, regime.as_ref(), seed, &mut b);
            let (traced, events) = (trace.outcome, trace.events);
            assert_eq!(trace.snapshots.len(), scenario.total_months());
            assert_eq!(plain, traced);
            // Bit for bit: months without roles record compliance as NaN.
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a), bits(&b));
            let count = |k: EventKind| events.iter().filter(|e| e.kind == k).count() as u32;
            assert_eq!(count(EventKind::Rotation), plain.rotations);
            assert_eq!(count(EventKind::PartySwitched), plain.forum_switches);
            assert_eq!(
                count(EventKind::Agreement),
                plain.agreement_month.is_some() as u32
            );
            assert_eq!(
                count(EventKind::Relapse),
                plain.relapse_month.is_some() as u32
            );
            assert!(events.windows(2).all(|w| w[0].month <= w[1].month));
            // A run with defections tells at least the first, each with what the member
            // did and why; none under competition, where nobody has a role.
            let broke: Vec<_> = events
                .iter()
                .filter(|e| e.kind == EventKind::BrokeRanks)
                .collect();
            assert_eq!(
                plain.defections > 0,
                !broke.is_empty(),
                "{name} seed {seed}"
            );
            assert!(broke.len() as u32 <= plain.defections);
            assert!(
                broke
                    .iter()
                    .all(|e| e.action.is_some() && e.motive.is_some() && e.actor.is_some())
            );
        }
    }
}
