//! Network-based cooperation: peers who trust each other jointly divide the labour by
//! comparative advantage (Lanz & Gasser 2013; Ricigliano 2003, networks of effective action).
//! The best-placed member convenes, the others back it, information is shared along the network
//! and no single rotation stops it. Its costs: consensus takes longer and meetings take more
//! time the larger the network, and actors who do not trust the others stay outside and act on
//! their own.

use super::{Plan, Regime, plan_independent};
use crate::model::World;
use crate::scenario::{NetworkParams, Scenario};

/// Peers dividing labour by strengths.
#[derive(Debug, Clone)]
pub struct Network {
    params: NetworkParams,
    /// Per third party: may join (`None`: everybody may).
    members: Option<Vec<bool>>,
    /// Backers' leverage is pooled through the convenor.
    pooled: bool,
}

/// A sitting convenor keeps the role unless a member is this much better placed (hysteresis:
/// networks do not reshuffle roles every month).
const KEEP_CONVENOR: f64 = 0.8;

impl Network {
    pub fn from_scenario(s: &Scenario) -> Self {
        Self::configured(s.regimes.network.clone(), None, true)
    }

    /// A network with these parameters, open to `members` only (`None`: everybody), pooling
    /// or not (strategies written in TOML).
    pub(crate) fn configured(
        params: NetworkParams,
        members: Option<Vec<bool>>,
        pooled: bool,
    ) -> Self {
        Self {
            params,
            members,
            pooled,
        }
    }

    /// How well placed `j` is to convene: parties' trust, usable knowledge, effectiveness
    /// and impartiality.
    fn placement(world: &World, j: usize) -> f64 {
        let a = &world.third_parties()[j];
        world.mean_party_trust_in(j) * a.knowledge_effective * a.effectiveness * (1.0 - a.bias)
    }
}

impl Regime for Network {
    fn name(&self) -> &str {
        "network"
    }

    fn plan(&self, world: &World, plan: &mut Plan) {
        let month = world.month();
        let actors = world.third_parties();
        // Membership reads each actor's mean trust in all the others from the world's running
        // sums (O(1) per actor; actors not yet present count at their initial trust).
        for a in (0..actors.len()).filter(|&a| actors[a].is_active(month)) {
            plan.cooperating[a] = self.members.as_ref().is_none_or(|m| m[a])
                && world.mean_actor_trust_of(a) >= self.params.trust_threshold;
        }
        let members = plan.members();
        // The best-placed member (ties to the lower id), each placement computed once.
        let best = (0..actors.len())
            .filter(|&j| plan.cooperating[j] && actors[j].can_convene())
            .map(|j| (j, Self::placement(world, j)))
            .fold(None, |acc: Option<(usize, f64)>, (j, p)| match acc {
                Some((_, q)) if p.total_cmp(&q).is_le() => acc,
                _ => Some((j, p)),
            });
        let (Some((best, best_placement)), true) = (best, members >= 2) else {
            plan.cooperating.fill(false);
            plan_independent(world, plan);
            return;
        };
        let sitting = (0..actors.len()).find(|&j| {
            plan.cooperating[j]
                && actors[j].can_convene()
                && world.forums()[j].open
                && Self::placement(world, j) >= KEEP_CONVENOR * best_placement
        });
        let convenor = sitting.unwrap_or(best);
        plan.convenes[convenor] = true;
        for j in 0..actors.len() {
            if plan.cooperating[j] && j != convenor {
                plan.backs[j] = Some(convenor);
            }
        }
        let n = members as f64;
        // Credit is shared equally among members (a network of peers).
        for j in 0..actors.len() {
            if plan.cooperating[j] {
                plan.credit[j] = 1.0 / n;
            }
        }
        plan.sanction = self.params.sanction;
        plan.pooled = self.pooled;
        plan.consultation = self.params.consultation;
        plan.information_sharing = 1.0;
        plan.action_rate = 1.0 / (1.0 + self.params.consensus_delay * (n - 1.0));
        plan.effort_share =
            (self.params.meeting_cost_per_member * (n - 1.0)).min(self.params.meeting_cost_cap);
        plan_independent(world, plan);
    }
}
