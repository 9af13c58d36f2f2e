//! Hierarchical coordination: one recognised lead convenes the only table and allocates roles
//! (Lanz & Gasser 2013). Diplomats pool leverage behind it, support organisations back it,
//! moves are vetted. Its costs are real: the lead can absorb the support of only so many
//! backers (bottleneck), and when the lead's envoy rotates, coordination lapses until the
//! successor has settled in (single point of failure).

use super::{Plan, Regime, plan_independent};
use crate::model::World;
use crate::scenario::Scenario;

/// One lead, everyone else in support.
#[derive(Debug, Clone)]
pub struct Hierarchical {
    lead: usize,
    style: LeadStyle,
}

/// The knobs a lead-based regime shares with the contact group.
#[derive(Debug, Clone)]
pub(crate) struct LeadStyle {
    /// Backers the lead absorbs at full effect.
    pub capacity: f64,
    /// Months of lapse after the lead's person rotates.
    pub gap_months: u32,
    /// Share of members' time in meetings.
    pub meeting_cost: f64,
    /// Share of the lead's moves vetted, at full capacity.
    pub consultation: f64,
    /// Information flows among all members (contact group) rather than through the lead only.
    pub group_sharing: bool,
    /// Share of the credit the lead keeps; members share the rest.
    pub lead_credit: f64,
    /// Expected loss of a member whose defection is noticed.
    pub sanction: f64,
    /// Backers' leverage is pooled through the lead.
    pub pooled: bool,
    /// Per third party: asked to take a role (`None`: every active actor). Non-members act on
    /// their own.
    pub members: Option<Vec<bool>>,
}

impl Hierarchical {
    /// The lead named in `[regimes.hierarchical]`, or the mediator with the highest mandate.
    pub fn from_scenario(s: &Scenario) -> Self {
        let h = &s.regimes.hierarchical;
        Self {
            lead: s.lead_index(&h.lead),
            style: LeadStyle {
                capacity: h.lead_capacity,
                gap_months: h.handover_gap_months,
                meeting_cost: h.meeting_cost,
                consultation: h.consultation,
                group_sharing: false,
                lead_credit: h.lead_credit,
                sanction: h.sanction,
                pooled: true,
                members: None,
            },
        }
    }
}

impl Regime for Hierarchical {
    fn name(&self) -> &str {
        "hierarchical"
    }

    fn plan(&self, world: &World, plan: &mut Plan) {
        plan_led(world, plan, self.lead, &self.style);
    }
}

/// The plan of a regime led by `lead`: its table is the only one proposed; every other active
/// actor (every other active member, when `style.members` lists them; non-members act on their
/// own) is asked to back it, and the lead keeps `lead_credit` of the credit. Before the lead arrives, everyone acts on their own. During a lapse (the lead's
/// person has rotated and been in post for at most `gap_months`), the table goes on under
/// the newcomer but coordination stops: nothing is pooled, vetted or shared, and the other
/// actors use their leverage and make public moves on their own (support organisations keep
/// supporting the table). They do not open rival tables: roles were allocated, and a rival
/// process takes longer to set up than a handover lasts.
pub(crate) fn plan_led(world: &World, plan: &mut Plan, lead: usize, style: &LeadStyle) {
    let month = world.month();
    let l = &world.third_parties()[lead];
    if !l.is_active(month) {
        plan_independent(world, plan);
        return;
    }
    // A successor who arrived this month has tenure 1 when regimes plan: the lapse covers
    // tenures 1..=gap_months, i.e. exactly `gap_months` months.
    let member = |j: usize| style.members.as_ref().is_none_or(|m| m[j]);
    if l.rotations > 0 && l.tenure <= style.gap_months {
        if let Some(m) = &style.members {
            // Non-members act on their own; members (and the lead) are kept out of it.
            for (j, &is) in m.iter().enumerate() {
                plan.cooperating[j] = is || j == lead;
            }
            plan.convenes[lead] = true;
            plan_independent(world, plan);
            plan.cooperating.fill(false);
        }
        plan.convenes[lead] = true;
        for (j, a) in world.third_parties().iter().enumerate() {
            if j != lead && member(j) && !a.can_convene() && a.is_active(month) {
                plan.backs[j] = Some(lead);
            }
        }
        return;
    }
    plan.convenes[lead] = true;
    plan.cooperating[lead] = true;
    let mut backers = 0usize;
    for (j, a) in world.third_parties().iter().enumerate() {
        if j != lead && member(j) && a.is_active(month) {
            plan.backs[j] = Some(lead);
            plan.cooperating[j] = true;
            backers += 1;
        }
    }
    plan.credit[lead] = style.lead_credit;
    for j in 0..plan.credit.len() {
        if j != lead && plan.cooperating[j] {
            plan.credit[j] = (1.0 - style.lead_credit) / backers.max(1) as f64;
        }
    }
    plan.sanction = style.sanction;
    let absorption = (style.capacity / backers.max(1) as f64).min(1.0);
    plan.pooled = style.pooled;
    plan.support_absorption = absorption;
    plan.consultation = style.consultation * absorption;
    plan.information_sharing = if style.group_sharing { 1.0 } else { absorption };
    plan.effort_share = style.meeting_cost;
    plan.action_rate = 1.0;
    if style.members.is_some() {
        plan_independent(world, plan);
    }
}
