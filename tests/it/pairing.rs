//! Replicates are paired across `count.<kind>` sweep points: each third party draws from its
//! own random stream, keyed by its name, so adding or removing actors leaves every other
//! actor's draws — and so its initial posting, funding clock and the parties' initial trust in
//! it — unchanged.

use peacesim::model::{World, random::run_seed};
use peacesim::scenario::{Scenario, sweep::apply};

/// The state an actor starts a run with, as far as random draws decide it.
fn initial(world: &World, j: usize) -> (u32, Option<u32>, u32, Vec<u64>) {
    let a = &world.third_parties()[j];
    let trust = (0..world.parties().len())
        .map(|i| world.party_trust(i, j).to_bits())
        .collect();
    (a.tenure, a.posting_end, a.funding_end, trust)
}

#[test]
fn adding_or_removing_actors_leaves_the_others_draws_unchanged() {
    let base = Scenario::baseline();
    let variants = [
        apply(&base, "count.diplomat", 1.0).unwrap(),
        apply(&base, "count.diplomat", 6.0).unwrap(),
        apply(&base, "count.mediator", 4.0).unwrap(),
        apply(&base, "count.support_org", 0.0).unwrap(),
    ];
    for replicate in 0..20 {
        let seed = run_seed(base.experiment.seed, replicate);
        let world = World::new(&base, seed);
        for v in &variants {
            assert_ne!(v.third_parties.len(), base.third_parties.len());
            let other = World::new(v, seed);
            let mut shared = 0;
            for (j, t) in base.third_parties.iter().enumerate() {
                if let Some(k) = v.third_party_index(&t.name) {
                    assert_eq!(
                        initial(&world, j),
                        initial(&other, k),
                        "replicate {replicate}: {} starts differently",
                        t.name
                    );
                    shared += 1;
                }
            }
            assert!(shared >= 4);
        }
    }
}

#[test]
fn different_actors_and_replicates_draw_differently() {
    // `count.diplomat` = 4 copies State C (settings identical, name "State C #2"): only their
    // streams can make the two start differently.
    let base = apply(&Scenario::baseline(), "count.diplomat", 4.0).unwrap();
    let (c, copy) = (
        base.third_party_index("State C").unwrap(),
        base.third_party_index("State C #2").unwrap(),
    );
    let a = World::new(&base, run_seed(1, 0));
    let b = World::new(&base, run_seed(1, 1));
    assert_ne!(initial(&a, c).3, initial(&a, copy).3);
    assert_ne!(initial(&a, c), initial(&b, c));
}
