//! Strategies written in TOML (`[strategies.<name>]`): a structure (`led`, `network` or
//! `independent`) and the institutional rules the engine exposes, mapped onto the same planning
//! code as the built-in regimes (`plan_led`, the network's plan, `plan_independent`). Every rule
//! left out takes the value the built-in regime of the same structure has in the scenario, so a
//! strategy that sets nothing plans exactly as that regime does.

use super::hierarchical::{LeadStyle, plan_led};
use super::{Network, Plan, Regime, plan_independent};
use crate::model::World;
use crate::scenario::{Members, Scenario, StrategyDef, Structure, ThirdPartyKind};

/// Lead of a `led` strategy written as `rotating` when no `rotation_months` is given (months).
pub const DEFAULT_ROTATION_MONTHS: u32 = 12;

/// A strategy from the scenario file.
#[derive(Debug, Clone)]
pub struct Written {
    name: String,
    rule: Rule,
}

#[derive(Debug, Clone)]
enum Rule {
    Led {
        lead: LeadChoice,
        style: LeadStyle,
    },
    Network(Network),
    /// Everyone on their own; with `consult`, the members present consult before acting.
    Independent {
        consult: Option<Consult>,
        members: Option<Vec<bool>>,
    },
}

/// Minimal consultation: the rules of a consulting `independent` strategy.
#[derive(Debug, Clone)]
struct Consult {
    consultation: f64,
    information_sharing: f64,
    meeting_cost: f64,
    sanction: f64,
}

/// How a `led` strategy's lead is chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum LeadChoice {
    /// Always this third party.
    Fixed(usize),
    /// The chair passes every `months` months, in order of the file, among these third
    /// parties (those present that month).
    Rotating { eligible: Vec<usize>, months: u32 },
}

/// The members a strategy lists, as a flag per third party (`None`: `"all"`). Unknown names
/// were refused by validation.
fn member_flags(s: &Scenario, members: &Members) -> Option<Vec<bool>> {
    match members {
        Members::All(_) => None,
        Members::Listed(names) => {
            let mut flags = vec![false; s.third_parties.len()];
            for n in names {
                if let Some(i) = s.third_party_index(n) {
                    flags[i] = true;
                }
            }
            Some(flags)
        }
    }
}

/// The lead a `led` strategy's `lead` setting names (`None`: the scenario's
/// `regimes.hierarchical.lead`). Among listed members only, when `members` is a list.
pub fn lead_choice(
    s: &Scenario,
    lead: Option<&str>,
    rotation_months: Option<u32>,
    members: Option<&[bool]>,
) -> LeadChoice {
    let member = |i: usize| members.is_none_or(|m| m[i]);
    let can_lead = |i: usize| member(i) && s.third_parties[i].kind != ThirdPartyKind::SupportOrg;
    // Mediators first, then mandate; ties to the earlier in the file (as `lead_index`).
    let best = |filter: &dyn Fn(usize) -> bool| {
        let rank = |i: usize| {
            let t = &s.third_parties[i];
            (
                matches!(t.kind, ThirdPartyKind::Mediator) as u8,
                t.mandate_level(),
            )
        };
        (0..s.third_parties.len())
            .filter(|&i| filter(i))
            .reduce(|b, i| if rank(i) > rank(b) { i } else { b })
    };
    let lead = lead.unwrap_or(&s.regimes.hierarchical.lead);
    match lead {
        "rotating" => LeadChoice::Rotating {
            eligible: (0..s.third_parties.len())
                .filter(|&i| can_lead(i))
                .collect(),
            months: rotation_months.unwrap_or(DEFAULT_ROTATION_MONTHS).max(1),
        },
        "insider" => LeadChoice::Fixed(
            best(&|i| can_lead(i) && s.third_parties[i].kind == ThirdPartyKind::Insider)
                .or_else(|| best(&can_lead))
                .unwrap_or(0),
        ),
        "" | "highest_mandate" if members.is_none() => LeadChoice::Fixed(s.lead_index("")),
        "" | "highest_mandate" => LeadChoice::Fixed(best(&can_lead).unwrap_or(0)),
        name => LeadChoice::Fixed(s.lead_index(name)),
    }
}

impl Written {
    /// The strategy `name` of the scenario, if it defines one.
    pub fn from_scenario(name: &str, s: &Scenario) -> Option<Self> {
        Some(Self::new(name, s.strategies.get(name)?, s))
    }

    /// The strategy `def`, called `name`, in scenario `s`.
    pub fn new(name: &str, def: &StrategyDef, s: &Scenario) -> Self {
        let members = member_flags(s, &def.members);
        let rule = match def.structure {
            Structure::Independent => {
                let any = consults(def);
                Rule::Independent {
                    consult: any.then(|| Consult {
                        consultation: def.consultation.unwrap_or(0.0),
                        information_sharing: def.information_sharing.unwrap_or(0.0),
                        meeting_cost: def.meeting_cost.unwrap_or(0.0),
                        sanction: def.sanction.unwrap_or(0.0),
                    }),
                    members,
                }
            }
            Structure::Network => {
                let n = &s.regimes.network;
                let mut params = n.clone();
                params.trust_threshold = def.trust_threshold.unwrap_or(n.trust_threshold);
                params.consensus_delay = def.consensus_delay.unwrap_or(n.consensus_delay);
                params.meeting_cost_per_member = def
                    .meeting_cost_per_member
                    .unwrap_or(n.meeting_cost_per_member);
                params.meeting_cost_cap = def.meeting_cost_cap.unwrap_or(n.meeting_cost_cap);
                params.consultation = def.consultation.unwrap_or(n.consultation);
                params.sanction = def.sanction.unwrap_or(n.sanction);
                Rule::Network(Network::configured(
                    params,
                    members,
                    def.pooling.unwrap_or(true),
                ))
            }
            Structure::Led => {
                let h = &s.regimes.hierarchical;
                let lead = lead_choice(
                    s,
                    def.lead.as_deref(),
                    def.rotation_months,
                    members.as_deref(),
                );
                Rule::Led {
                    lead,
                    style: LeadStyle {
                        capacity: def.lead_capacity.unwrap_or(h.lead_capacity),
                        gap_months: def.handover_gap_months.unwrap_or(h.handover_gap_months),
                        meeting_cost: def.meeting_cost.unwrap_or(h.meeting_cost),
                        consultation: def.consultation.unwrap_or(h.consultation),
                        group_sharing: def.group_sharing.unwrap_or(false),
                        lead_credit: def.lead_credit.unwrap_or(h.lead_credit),
                        sanction: def.sanction.unwrap_or(h.sanction),
                        pooled: def.pooling.unwrap_or(true),
                        members,
                    },
                }
            }
        };
        Self {
            name: name.to_string(),
            rule,
        }
    }

    /// The lead this month, for a `led` strategy (`None`: another structure, or nobody
    /// eligible is present).
    pub fn lead_at(&self, world: &World) -> Option<usize> {
        match &self.rule {
            Rule::Led { lead, .. } => current_lead(lead, world),
            _ => None,
        }
    }
}

/// Whether an `independent` strategy sets any consultation rule (otherwise it is competition).
fn consults(def: &StrategyDef) -> bool {
    def.consultation.is_some()
        || def.information_sharing.is_some()
        || def.meeting_cost.is_some()
        || def.sanction.is_some()
}

/// The lead in post this month. A rotating chair passes every `months` months to the next
/// eligible third party present that month, in the order of the file.
fn current_lead(choice: &LeadChoice, world: &World) -> Option<usize> {
    match choice {
        LeadChoice::Fixed(i) => Some(*i),
        LeadChoice::Rotating { eligible, months } => {
            let month = world.month();
            let actors = world.third_parties();
            rotating_turn(eligible, |i| actors[i].is_active(month), month, *months)
        }
    }
}

/// Whose turn it is in `month` when the chair passes every `months` months among the
/// `eligible` (in order) who are `present`: turn ⌊month / months⌋ modulo those present.
pub fn rotating_turn(
    eligible: &[usize],
    present: impl Fn(usize) -> bool,
    month: u32,
    months: u32,
) -> Option<usize> {
    let count = eligible.iter().filter(|&&i| present(i)).count();
    if count == 0 {
        return None;
    }
    let turn = (month / months.max(1)) as usize % count;
    eligible.iter().copied().filter(|&i| present(i)).nth(turn)
}

impl Regime for Written {
    fn name(&self) -> &str {
        &self.name
    }

    fn plan(&self, world: &World, plan: &mut Plan) {
        match &self.rule {
            Rule::Independent { consult, members } => {
                plan_independent(world, plan);
                let Some(c) = consult else { return };
                // As `examples/minimal_consultation.rs`: each actor keeps its own table and
                // the whole credit for it; the members present consult, share and pay for it.
                let month = world.month();
                for (j, a) in world.third_parties().iter().enumerate() {
                    plan.cooperating[j] =
                        a.is_active(month) && members.as_ref().is_none_or(|m| m[j]);
                }
                for j in 0..plan.credit.len() {
                    plan.credit[j] = if plan.convenes[j] { 1.0 } else { 0.0 };
                }
                plan.sanction = c.sanction;
                plan.pooled = false;
                plan.consultation = c.consultation;
                plan.information_sharing = c.information_sharing;
                plan.effort_share = c.meeting_cost;
                plan.action_rate = 1.0;
                plan.support_absorption = 1.0;
            }
            Rule::Network(n) => n.plan(world, plan),
            Rule::Led { lead, style } => match current_lead(lead, world) {
                Some(l) => plan_led(world, plan, l, style),
                None => plan_independent(world, plan),
            },
        }
    }
}
