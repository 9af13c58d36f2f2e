//! The contact group: one facilitator supported by a group of states and NGOs that pools
//! leverage and technical support and shares information among all members, as the
//! International Contact Group on Mindanao did (MSN paper, ch. 4, Philippines). A hybrid of the
//! hierarchical and network regimes: one table and one lead, but group-wide sharing, a larger
//! span of support and a shorter lapse when the facilitator's person rotates.

use super::hierarchical::{LeadStyle, plan_led};
use super::{Plan, Regime};
use crate::model::World;
use crate::scenario::Scenario;

/// One facilitator and a supporting group.
#[derive(Debug, Clone)]
pub struct ContactGroup {
    facilitator: usize,
    style: LeadStyle,
}

impl ContactGroup {
    /// The facilitator named in `[regimes.contact_group]`, or the mediator with the highest
    /// mandate.
    pub fn from_scenario(s: &Scenario) -> Self {
        let g = &s.regimes.contact_group;
        Self {
            facilitator: s.lead_index(&g.facilitator),
            style: LeadStyle {
                capacity: g.lead_capacity,
                gap_months: g.handover_gap_months,
                meeting_cost: g.meeting_cost,
                consultation: g.consultation,
                group_sharing: true,
                lead_credit: g.lead_credit,
                sanction: g.sanction,
                pooled: true,
                members: None,
            },
        }
    }
}

impl Regime for ContactGroup {
    fn name(&self) -> &str {
        "contact_group"
    }

    fn plan(&self, world: &World, plan: &mut Plan) {
        plan_led(world, plan, self.facilitator, &self.style);
    }
}
