//! Competition: every third party runs its own initiative (Lanz & Gasser 2013; MSN paper,
//! challenge 1). Nothing is pooled, shared or vetted; parallel tables open and stay open while
//! they hold parties.

use super::{Plan, Regime};
use crate::model::World;
use crate::scenario::ThirdPartyKind;

/// Each actor for itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Competitive;

impl Regime for Competitive {
    fn name(&self) -> &str {
        "competitive"
    }

    fn plan(&self, world: &World, plan: &mut Plan) {
        plan_independent(world, plan);
    }
}

/// Fills the plan of every actor not marked `cooperating` as it acts on its own: an actor that
/// can convene keeps its table while parties come, or opens one with a monthly chance of
/// `forums.initiative_rate × ambition`; a support organisation backs the open table whose
/// convenor it trusts most (it works with its funder, MSN paper challenge 3). Coordinated
/// regimes use it for actors outside the coordination and during lapses.
pub fn plan_independent(world: &World, plan: &mut Plan) {
    let month = world.month();
    let fc = &world.scenario().forums;
    let actors = world.third_parties();
    for (j, a) in actors.iter().enumerate() {
        if plan.cooperating[j] || !a.can_convene() || !a.is_active(month) {
            continue;
        }
        let f = &world.forums()[j];
        plan.convenes[j] = if f.open {
            f.idle_months < fc.idle_close_months
        } else {
            world.initiative_draw(j) < fc.initiative_rate * a.ambition
        };
    }
    // The convenors, listed once: each support organisation picks the one it trusts most
    // (ties to the lower id) without scanning every actor.
    let mut convenors = std::mem::take(&mut plan.convenors);
    convenors.clear();
    convenors.extend((0..actors.len()).filter(|&f| plan.convenes[f]));
    for (m, a) in actors.iter().enumerate() {
        if plan.cooperating[m] || a.kind != ThirdPartyKind::SupportOrg || !a.is_active(month) {
            continue;
        }
        plan.backs[m] = world.most_trusted_convenor(m, &convenors, |f| plan.convenes[f]);
    }
    plan.convenors = convenors;
}
