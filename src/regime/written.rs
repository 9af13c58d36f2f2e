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
pub(crate) enum LeadChoice {
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
pub(crate) fn lead_choice(
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
pub(crate) fn rotating_turn(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::BASELINE_TOML;

    const EXAMPLE: &str = include_str!("../../scenarios/strategies.toml");

    fn example() -> Scenario {
        Scenario::from_toml_str(EXAMPLE, "strategies.toml").unwrap()
    }

    /// The baseline with `table` appended and `name` listed as a regime; the error text if it
    /// is refused.
    fn with(name: &str, table: &str) -> Result<Scenario, String> {
        let text = BASELINE_TOML.replacen(
            "regimes = [\"competitive\", \"hierarchical\", \"network\"]",
            &format!("regimes = [\"competitive\", \"{name}\"]"),
            1,
        ) + "\n"
            + table;
        Scenario::from_toml_str(&text, "s.toml").map_err(|e| e.to_string())
    }

    fn index(s: &Scenario, name: &str) -> usize {
        s.third_party_index(name).unwrap()
    }

    #[test]
    fn the_example_strategies_parse_and_are_listed() {
        let s = example();
        let names: Vec<&str> = s.strategies.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "friends_group",
                "insider_led",
                "minimal_consultation",
                "rotating_convenor"
            ]
        );
        let regimes = crate::regime::from_scenario(&s).unwrap();
        let listed: Vec<&str> = regimes.iter().map(|r| r.name()).collect();
        assert_eq!(listed, s.experiment.regimes);
    }

    #[test]
    fn a_rotating_chair_passes_at_the_period_among_those_present() {
        let eligible = [0, 2, 5];
        let all = |_: usize| true;
        let turns: Vec<_> = [0, 11, 12, 23, 24, 35, 36]
            .iter()
            .map(|&m| rotating_turn(&eligible, all, m, 12).unwrap())
            .collect();
        assert_eq!(turns, [0, 0, 2, 2, 5, 5, 0]);
        // An absent member is skipped; nobody present: no lead.
        assert_eq!(rotating_turn(&eligible, |i| i != 2, 12, 12), Some(5));
        assert_eq!(rotating_turn(&eligible, |_| false, 12, 12), None);
        // The example's rotating convenor: mediators, diplomats and the insider, not the
        // support organisation, in the order of the file, every 24 months.
        let s = example();
        let d = &s.strategies["rotating_convenor"];
        let LeadChoice::Rotating { eligible, months } =
            lead_choice(&s, d.lead.as_deref(), d.rotation_months, None)
        else {
            panic!("not rotating")
        };
        assert_eq!(months, 24);
        assert!(!eligible.contains(&index(&s, "Support Org")));
        assert_eq!(eligible.len(), s.third_parties.len() - 1);
        let w = World::new(&s, 1);
        assert_eq!(
            Written::from_scenario("rotating_convenor", &s)
                .unwrap()
                .lead_at(&w),
            Some(eligible[0])
        );
    }

    #[test]
    fn leads_are_chosen_as_written() {
        let s = example();
        let lead = |name: &str| {
            let d = &s.strategies[name];
            lead_choice(&s, d.lead.as_deref(), d.rotation_months, None)
        };
        assert_eq!(
            lead("insider_led"),
            LeadChoice::Fixed(index(&s, "Insider Mediator"))
        );
        assert_eq!(
            lead("friends_group"),
            LeadChoice::Fixed(index(&s, "UN Envoy"))
        );
        // highest_mandate among listed members only.
        let members: Vec<bool> = s
            .third_parties
            .iter()
            .map(|t| t.name.starts_with("State"))
            .collect();
        let LeadChoice::Fixed(l) = lead_choice(&s, Some("highest_mandate"), None, Some(&members))
        else {
            panic!()
        };
        assert!(s.third_parties[l].name.starts_with("State"));
    }

    #[test]
    fn a_group_of_friends_gives_roles_only_to_its_members() {
        let s = example();
        let friends = Written::from_scenario("friends_group", &s).unwrap();
        let listed = ["UN Envoy", "State B", "State C", "Support Org"];
        for seed in 0..5 {
            let w = World::new(&s, seed);
            let mut plan = Plan::new(s.third_parties.len());
            friends.plan(&w, &mut plan);
            let lead = index(&s, "UN Envoy");
            assert!(plan.convenes[lead]);
            for (j, t) in s.third_parties.iter().enumerate() {
                let member = listed.contains(&t.name.as_str());
                assert_eq!(plan.cooperating[j], member, "{}", t.name);
                assert_eq!(plan.credit[j] > 0.0, member, "{}", t.name);
                if member && j != lead {
                    assert_eq!(plan.backs[j], Some(lead), "{}", t.name);
                }
            }
        }
    }

    #[test]
    fn a_strategy_with_no_rules_plans_as_its_built_in_regime() {
        let s = with(
            "led",
            "[strategies.led]\nstructure = \"led\"\n\n[strategies.net]\nstructure = \"network\"\n\n[strategies.alone]\nstructure = \"independent\"\n",
        )
        .unwrap();
        for (name, built_in) in [
            ("led", "hierarchical"),
            ("net", "network"),
            ("alone", "competitive"),
        ] {
            let a = crate::regime::by_name(name, &s).unwrap();
            let b = crate::regime::built_in(built_in, &s).unwrap();
            for seed in 0..5 {
                let w = World::new(&s, seed);
                let (mut pa, mut pb) = (Plan::new(7), Plan::new(7));
                a.plan(&w, &mut pa);
                b.plan(&w, &mut pb);
                assert_eq!(pa, pb, "{name}");
            }
        }
    }

    #[test]
    fn mistakes_name_the_field_the_value_and_what_is_allowed() {
        let e = with(
            "x",
            "[strategies.x]\nstructure = \"led\"\nlead_capacty = 3\n",
        )
        .unwrap_err();
        assert!(e.contains("`strategies.x.lead_capacty`"), "{e}");
        assert!(e.contains("did you mean `lead_capacity`?"), "{e}");
        let e = with("x", "[strategies.x]\nstructure = \"star\"\n").unwrap_err();
        assert!(
            e.contains("`strategies.x.structure`") && e.contains("`led`"),
            "{e}"
        );
        let e = with("hierarchical", "[strategies.hierarchical]\n").unwrap_err();
        assert!(e.contains("is the name of a built-in regime"), "{e}");
        let e = with("x", "[strategies.x]\nlead = \"UN Envoi\"\n").unwrap_err();
        assert!(
            e.contains("`strategies.x.lead` = \"UN Envoi\"")
                && e.contains("highest_mandate, rotating, insider or a third party: UN Envoy")
                && e.contains("did you mean `UN Envoy`?"),
            "{e}"
        );
        let e = with(
            "x",
            "[strategies.x]\nlead = \"rotating\"\nrotation_months = 0\n",
        )
        .unwrap_err();
        assert!(
            e.contains("`strategies.x.rotation_months` = 0") && e.contains("from 1"),
            "{e}"
        );
        let e = with("x", "[strategies.x]\nconsultation = 1.5\n").unwrap_err();
        assert!(
            e.contains("`strategies.x.consultation` = 1.5") && e.contains("from 0 to 1"),
            "{e}"
        );
        let e = with(
            "x",
            "[strategies.x]\nstructure = \"network\"\nlead = \"UN Envoy\"\n",
        )
        .unwrap_err();
        assert!(e.contains("applies only to structure = \"led\""), "{e}");
        let e = with("x", "[strategies.x]\nmembers = [\"State Z\"]\n").unwrap_err();
        assert!(e.contains("`strategies.x.members[0]` = \"State Z\""), "{e}");
        assert!(e.contains("did you mean `State A`?"), "{e}");
        let e = with("x", "[strategies.x]\nmembers = \"everyone\"\n").unwrap_err();
        assert!(e.contains("must be \"all\" or a list"), "{e}");
        let e = with("y", "[strategies.x]\n").unwrap_err();
        assert!(
            e.contains(
                "unknown regime; known: competitive, hierarchical, network, contact_group, x"
            ),
            "{e}"
        );
    }
}
