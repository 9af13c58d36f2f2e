//! Strategic choice: each month every active third party chooses what to do (ODD 7.11).
//!
//! A regime proposes roles; it cannot force anyone. A member weighs playing its role against
//! breaking ranks — opening or keeping a rival channel, working alone for visibility, backing
//! another table, or shielding its protégé — and an actor without a role weighs the same
//! options. The value of an option is a weighted sum of what it offers the actor's motives
//! (peace, recognition, funding, national or patron interest) plus what the institution adds or
//! takes (legitimacy of its lead, others' observed compliance, the expected sanction, meeting
//! time); the choice is a logit (quantal response) of these values with a stated temperature,
//! drawn from the actor's own random stream so that replicates stay paired across regimes.

use super::random::{DECISION_OFFSET, STRATEGY_OFFSET};
use super::{Action, Event, EventKind, World};
use crate::regime::Plan;

/// What most favoured the option an actor chose over playing its role (for the chronicle).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motive {
    Peace,
    Recognition,
    Funding,
    Interest,
    /// The institution itself: a lead of low legitimacy, others' defections, meeting time.
    Institution,
}

impl Motive {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Peace => "stake in peace",
            Self::Recognition => "recognition motive",
            Self::Funding => "funding pressure",
            Self::Interest => "national interest",
            Self::Institution => "the institution's pull",
        }
    }
}

/// One option's value, split by motive so the chronicle can say why it was chosen.
#[derive(Debug, Clone, Copy, Default)]
struct Value {
    peace: f64,
    recognition: f64,
    funding: f64,
    interest: f64,
    institution: f64,
}

impl Value {
    fn total(&self) -> f64 {
        self.peace + self.recognition + self.funding + self.interest + self.institution
    }
}

/// Visibility of each option to funders and the public (0–1; ODD 7.11, table of options).
const VISIBLE_OWN_TABLE: f64 = 1.0;
const VISIBLE_FREELANCE: f64 = 0.8;
const VISIBLE_BACK: f64 = 0.3;
const VISIBLE_SHIELD: f64 = 0.1;
/// Visibility of a member in a role: this much plus its credit share.
const VISIBLE_MEMBER: f64 = 0.3;
/// Share of visibility that counts toward recognition (the rest of recognition is credit).
const RECOGNITION_VISIBILITY: f64 = 0.2;
/// Share of the best table's prospect that working alone contributes to peace.
const FREELANCE_PEACE: f64 = 0.5;
/// What convening a table of its own offers a partisan's interest: it sets the agenda and shapes
/// the text in its protégé's favour (MSN paper, note 9, quasi-mediation; the parallel processes
/// states sponsor for their side).
const VENUE_CONTROL: f64 = 0.5;
/// Most options an actor weighs in a month.
const MAX_OPTIONS: usize = 5;

impl World<'_> {
    /// The strategic step, after the regime's plan and before talks (ODD 3 and 7.11): peers
    /// notice last month's defections; then every active actor chooses, and the plan is changed
    /// to what actors actually do.
    pub(super) fn choose_actions(&mut self, plan: &mut Plan) {
        let month = self.month;
        self.notice_defections(plan);
        self.role_holders = 0;
        self.compliers = 0;
        let strategic = self.scenario.mechanisms.strategic;
        if strategic {
            self.update_prospects(plan);
            self.institution =
                (0..plan.convenes.len()).find(|&f| plan.convenes[f] && plan.cooperating[f]);
        }
        for j in 0..self.actors.len() {
            if !self.actors[j].is_active(month) {
                self.actors[j].action = Action::Idle;
                continue;
            }
            if plan.cooperating[j] && plan.convenes[j] {
                self.actors[j].action = Action::Lead;
                continue;
            }
            let role = plan.has_role(j);
            let action = if strategic {
                self.strategic_choice(plan, j, role)
            } else if role {
                Action::Comply
            } else if plan.convenes[j] {
                Action::OwnTable
            } else if let Some(f) = plan.backs[j] {
                Action::Back(f)
            } else {
                Action::Freelance
            };
            if role {
                self.role_holders += 1;
                if action == Action::Comply {
                    self.compliers += 1;
                } else {
                    self.outcome.defections += 1;
                }
            }
            let (was, out) = (self.actors[j].action, self.actors[j].out_of_role);
            let a = &mut self.actors[j];
            a.action = action;
            a.defected = role && action != Action::Comply;
            if role {
                a.out_of_role = action != Action::Comply;
            }
            if strategic {
                self.apply_choice(plan, j, action);
            }
            // The chronicle tells when a member breaks ranks (or changes how) and when it
            // comes back.
            let breaks = role && action != Action::Comply && (!out || was != action);
            let returns = role && action == Action::Comply && out;
            if breaks || returns {
                self.log_choice(plan, j, action);
            }
        }
        self.role_months += u64::from(self.role_holders);
        self.complied_months += u64::from(self.compliers);
        self.observed_compliance = if self.role_holders > 0 {
            f64::from(self.compliers) / f64::from(self.role_holders)
        } else {
            1.0
        };
    }

    /// Last month's defections come to light with a chance that grows with information sharing
    /// (peer monitoring); every member's trust in a defector then breaks.
    fn notice_defections(&mut self, plan: &Plan) {
        let st = &self.scenario.strategy;
        let tr = &self.scenario.trust;
        let chance = st.detection + (1.0 - st.detection) * plan.information_sharing;
        let loss = (tr.break_build_ratio * tr.build_rate * st.defection_severity).min(1.0);
        let contacts = (self.scenario.information.contacts as usize).max(1);
        // The members this month, by id (the list information is shared along, 7.4).
        self.members.clear();
        self.members
            .extend((0..self.actors.len()).filter(|&b| plan.cooperating[b]));
        // Each actor's rank among the members (those with a lower id), made when a large
        // coordination first needs it this month.
        self.member_rank.clear();
        for j in 0..self.actors.len() {
            if !std::mem::take(&mut self.actors[j].defected) {
                continue;
            }
            let u = self.streams.actor_draw(j, STRATEGY_OFFSET + 1);
            if u >= chance {
                continue;
            }
            if self.scenario.mechanisms.trust {
                let others = self.members.len() - usize::from(plan.cooperating[j]);
                if others <= contacts {
                    // Every other member notices (a coordination of up to contacts + 1).
                    for k in 0..self.members.len() {
                        let b = self.members[k];
                        if b != j {
                            let t = self.actor_trust.get(b, j);
                            self.actor_trust.set(b, j, t * (1.0 - loss));
                        }
                    }
                } else {
                    // A larger one: the defector's `contacts` nearest members in the list,
                    // alternately after and before it (its sharing partners when it is a
                    // member), as peer monitoring runs along the same sparse network.
                    let m = self.members.len();
                    if self.member_rank.is_empty() {
                        let mut rank = 0;
                        for b in 0..self.actors.len() {
                            self.member_rank.push(rank);
                            rank += u32::from(plan.cooperating[b]);
                        }
                    }
                    let at = self.member_rank[j] as usize;
                    debug_assert_eq!(at, self.members.partition_point(|&b| b < j));
                    let after = at + usize::from(plan.cooperating[j]);
                    for k in 1..=contacts {
                        let b = self.members[super::step::contact(after, at, k, m)];
                        let t = self.actor_trust.get(b, j);
                        self.actor_trust.set(b, j, t * (1.0 - loss));
                    }
                }
            }
            let after = self.mean_trust_in_actor_among(plan, j);
            self.log(|m| {
                Event::new(m, EventKind::DefectionNoticed)
                    .actor(j)
                    .values(chance, after)
            });
        }
    }

    /// Members' mean trust in `j` (for the chronicle; only computed when traced).
    fn mean_trust_in_actor_among(&self, plan: &Plan, j: usize) -> f64 {
        if self.events.is_none() {
            return 0.0;
        }
        let (mut sum, mut n) = (0.0, 0usize);
        for b in 0..self.actors.len() {
            if b != j && plan.cooperating[b] {
                sum += self.actor_trust.get(b, j);
                n += 1;
            }
        }
        if n == 0 { 0.0 } else { sum / n as f64 }
    }

    /// Each table's prospect as actors judge it: the parties' mean trust in its convenor
    /// (zero for a party the convenor may not talk to), raised by the progress made, and
    /// divided among the tables that hold parties (parallel processes split the effort).
    ///
    /// Computed here for the open tables and those the plan convenes, which any actor's options
    /// may name; another actor's own table is judged only when it considers opening one
    /// ([`Self::prospect`]), with the same formula, so a value is the same wherever it is
    /// computed.
    fn update_prospects(&mut self, plan: &Plan) {
        self.holding = self
            .forums
            .iter()
            .filter(|f| f.open && f.parties_present > 0)
            .count();
        for f in 0..self.actors.len() {
            let known = self.forums[f].open || plan.convenes[f];
            self.prospect_known[f] = known;
            if known {
                self.prospects[f] = self.compute_prospect(f);
            }
        }
        // The three best open tables (best prospect first; ties to the lower id): enough to
        // find each actor's best table other than its own and its institution's.
        self.top_tables = [None; 3];
        for f in (0..self.forums.len()).filter(|&f| self.forums[f].open) {
            let better = |g: Option<usize>| {
                g.is_none_or(|g| self.prospects[f].total_cmp(&self.prospects[g]).is_gt())
            };
            if let Some(k) = (0..3).find(|&k| better(self.top_tables[k])) {
                self.top_tables.copy_within(k..2, k + 1);
                self.top_tables[k] = Some(f);
            }
        }
    }

    /// Table `f`'s prospect this month (see [`Self::update_prospects`]).
    fn prospect(&self, f: usize) -> f64 {
        if self.prospect_known[f] {
            self.prospects[f]
        } else {
            self.compute_prospect(f)
        }
    }

    fn compute_prospect(&self, f: usize) -> f64 {
        let a = &self.actors[f];
        if !a.can_convene() {
            return 0.0;
        }
        let np = self.parties.len();
        let mut trust = 0.0;
        for i in 0..np {
            if a.may_contact(i) {
                trust += self.party_trust(i, f);
            }
        }
        let forum = &self.forums[f];
        let progress = if forum.open { forum.progress } else { 0.0 };
        let own_holds = (forum.open && forum.parties_present > 0) as usize;
        let rivals = self.holding - own_holds;
        let prospect = trust / np as f64 * (0.5 + 0.5 * progress);
        // Dividing by 1 changes nothing: skip the division when no rival holds parties.
        if rivals == 0 {
            prospect
        } else {
            prospect / (1 + rivals) as f64
        }
    }

    /// The open table with the best prospect other than `a` and `b` (ties to the lower id).
    fn best_table_except(&self, a: usize, b: Option<usize>) -> Option<usize> {
        self.top_tables
            .iter()
            .flatten()
            .copied()
            .find(|&f| f != a && Some(f) != b)
    }

    /// How much pressing at table `f` would hurt what `j`'s protégé wants: the protégé is the
    /// holdout there and not ready to settle (0–1).
    fn harm_to_protege(&self, j: usize, f: Option<usize>) -> f64 {
        let (Some(p), Some(f)) = (self.actors[j].favours, f) else {
            return 0.0;
        };
        let threshold = self.scenario.do_no_harm.timing_threshold;
        let r = self.parties[p].readiness;
        if r < threshold && self.table_complete(f) && self.holdout_at(f) == Some(p) {
            1.0 - r
        } else {
            0.0
        }
    }

    /// What shielding would give `j`'s protégé: relief from pressure it feels while it is not
    /// ready to settle (0–1).
    fn shield_need(&self, j: usize) -> f64 {
        let Some(p) = self.actors[j].favours else {
            return 0.0;
        };
        let party = &self.parties[p];
        let threshold = self.scenario.do_no_harm.timing_threshold;
        if party.readiness >= threshold {
            return 0.0;
        }
        let pressed = (party.pressure / self.scenario.leverage.pressed_threshold).min(1.0);
        (1.0 - party.readiness) * pressed
    }

    /// The options open to `j` this month and their values (ODD 7.11).
    fn options(
        &self,
        plan: &Plan,
        j: usize,
        role: bool,
        out: &mut [(Action, Value); MAX_OPTIONS],
    ) -> usize {
        let st = &self.scenario.strategy;
        let a = &self.actors[j];
        let urgency = self.funding_urgency(j);
        let (w_p, w_r, w_f, w_i) = (a.peace, a.recognition, a.funding_need * urgency, a.interest);
        let sanction = if role {
            plan.sanction * (st.detection + (1.0 - st.detection) * plan.information_sharing)
        } else {
            0.0
        };
        let recognise =
            |credit: f64, visible: f64| w_r * (credit + RECOGNITION_VISIBILITY * visible);
        // The institution's table: the one `j` is asked to back, else the lead's (found once per
        // month in `choose_actions`; choices leave it unchanged, since the lead does not choose).
        let institution_table = if role {
            plan.backs[j].or(self.institution)
        } else {
            None
        };
        let best = self.best_table_except(j, institution_table);
        let p_best = best
            .map_or(0.0, |f| self.prospect(f))
            .max(institution_table.map_or(0.0, |c| self.prospect(c)));
        let mut n = 0;
        if role {
            let c = institution_table;
            let p_c = c.map_or(0.0, |c| self.prospect(c));
            let credit = plan.credit[j];
            let legitimacy = c.map_or(0.5, |c| {
                0.5 * self.actors[c].mandate + 0.5 * self.actor_trust(j, c)
            });
            out[n] = (
                Action::Comply,
                Value {
                    peace: w_p * p_c,
                    recognition: recognise(
                        credit * p_c,
                        VISIBLE_MEMBER + (1.0 - VISIBLE_MEMBER) * credit,
                    ),
                    funding: w_f * (VISIBLE_MEMBER + (1.0 - VISIBLE_MEMBER) * credit),
                    interest: -w_i * self.harm_to_protege(j, c),
                    institution: st.legitimacy_weight * (legitimacy - 0.5)
                        + st.reciprocity * (self.observed_compliance - 1.0)
                        - plan.effort_share,
                },
            );
            n += 1;
        }
        if a.can_convene() {
            let f = &self.forums[j];
            let keeps = f.open && f.idle_months < self.scenario.forums.idle_close_months;
            let chance = self.scenario.forums.initiative_rate * a.ambition;
            if keeps || self.streams.actor_draw(j, DECISION_OFFSET) < chance {
                let p = self.prospect(j);
                out[n] = (
                    Action::OwnTable,
                    Value {
                        peace: w_p * p,
                        recognition: recognise(p, VISIBLE_OWN_TABLE),
                        funding: w_f * VISIBLE_OWN_TABLE,
                        interest: w_i * VENUE_CONTROL,
                        institution: -sanction,
                    },
                );
                n += 1;
            }
        }
        out[n] = (
            Action::Freelance,
            Value {
                peace: w_p * FREELANCE_PEACE * p_best,
                recognition: recognise(0.0, VISIBLE_FREELANCE),
                funding: w_f * VISIBLE_FREELANCE,
                interest: 0.0,
                institution: -sanction,
            },
        );
        n += 1;
        if let Some(f) = best {
            let p = self.prospect(f);
            out[n] = (
                Action::Back(f),
                Value {
                    peace: w_p * p,
                    recognition: recognise(0.0, VISIBLE_BACK),
                    funding: w_f * VISIBLE_BACK,
                    interest: -w_i * self.harm_to_protege(j, Some(f)),
                    institution: -sanction,
                },
            );
            n += 1;
        }
        if a.favours.is_some() && a.leverage_cap > 0.0 {
            out[n] = (
                Action::Shield,
                Value {
                    peace: 0.0,
                    recognition: recognise(0.0, VISIBLE_SHIELD),
                    funding: w_f * VISIBLE_SHIELD,
                    interest: w_i * self.shield_need(j),
                    institution: -sanction,
                },
            );
            n += 1;
        }
        n
    }

    /// How pressing funding is now: for a support organisation whose project funding cycles,
    /// it grows as the cycle's end nears (1 in the last month); for others it is constant.
    fn funding_urgency(&self, j: usize) -> f64 {
        let a = &self.actors[j];
        if a.kind != crate::scenario::ThirdPartyKind::SupportOrg
            || !self.scenario.mechanisms.funding_cycles
        {
            return 1.0;
        }
        let cycle = f64::from(self.scenario.funding.cycle_months.max(1));
        let left = f64::from(a.funding_end.saturating_sub(self.month));
        (1.0 - left / cycle).clamp(0.0, 1.0)
    }

    /// A logit draw among `j`'s options; last month's choice gets the inertia bonus.
    fn strategic_choice(&self, plan: &Plan, j: usize, role: bool) -> Action {
        let mut options = [(Action::Idle, Value::default()); MAX_OPTIONS];
        let n = self.options(plan, j, role, &mut options);
        let st = &self.scenario.strategy;
        let last = self.actors[j].action;
        let mut utility = [0.0; MAX_OPTIONS];
        for k in 0..n {
            utility[k] = options[k].1.total()
                + if options[k].0 == last {
                    st.inertia
                } else {
                    0.0
                };
        }
        let top = utility[..n]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        if n == 1 {
            return options[0].0;
        }
        let mut weight = [0.0; MAX_OPTIONS];
        let mut sum = 0.0;
        for k in 0..n {
            // exp(0) = 1 exactly: the best option needs no exponential.
            weight[k] = if utility[k] == top {
                1.0
            } else {
                ((utility[k] - top) / st.temperature).exp()
            };
            sum += weight[k];
        }
        let u = self.streams.actor_draw(j, STRATEGY_OFFSET) * sum;
        let mut acc = 0.0;
        for k in 0..n {
            acc += weight[k];
            if u < acc {
                return options[k].0;
            }
        }
        options[n - 1].0
    }

    /// Changes the plan to what `j` actually does: only those who comply stay members.
    fn apply_choice(&mut self, plan: &mut Plan, j: usize, action: Action) {
        match action {
            Action::Comply | Action::Lead | Action::Idle => {}
            Action::OwnTable => {
                plan.cooperating[j] = false;
                plan.backs[j] = None;
                plan.convenes[j] = true;
            }
            Action::Freelance | Action::Shield => {
                plan.cooperating[j] = false;
                plan.backs[j] = None;
                plan.convenes[j] = false;
            }
            Action::Back(f) => {
                plan.cooperating[j] = false;
                plan.backs[j] = Some(f);
                plan.convenes[j] = false;
            }
        }
    }

    /// Records that `j` broke ranks (with the motive that most favoured it over its role and
    /// the lead's legitimacy) or came back to its role.
    fn log_choice(&mut self, plan: &Plan, j: usize, action: Action) {
        if self.events.is_none() {
            return;
        }
        let c = plan.backs[j].filter(|_| action == Action::Comply);
        if action == Action::Comply {
            self.log(|m| {
                let mut e = Event::new(m, EventKind::Rejoined).actor(j);
                e.forum = c;
                e
            });
            return;
        }
        // The plan was changed already; recompute the options as the actor saw them.
        let mut shown = plan.clone();
        shown.cooperating[j] = true;
        // The institution's table, found at the start of the step (the lead still convenes it).
        let institution = self.institution;
        shown.backs[j] = institution;
        shown.convenes[j] = false;
        let mut options = [(Action::Idle, Value::default()); MAX_OPTIONS];
        let n = self.options(&shown, j, true, &mut options);
        let comply = options[..n]
            .iter()
            .find(|o| o.0 == Action::Comply)
            .map(|o| o.1)
            .unwrap_or_default();
        let chosen = options[..n]
            .iter()
            .find(|o| o.0 == action)
            .map(|o| o.1)
            .unwrap_or_default();
        let gains = [
            (Motive::Peace, chosen.peace - comply.peace),
            (Motive::Recognition, chosen.recognition - comply.recognition),
            (Motive::Funding, chosen.funding - comply.funding),
            (Motive::Interest, chosen.interest - comply.interest),
            (Motive::Institution, chosen.institution - comply.institution),
        ];
        let motive = gains
            .iter()
            .copied()
            .fold((Motive::Institution, f64::NEG_INFINITY), |a, b| {
                if b.1 > a.1 { b } else { a }
            })
            .0;
        let a = &self.actors[j];
        let weight = match motive {
            Motive::Peace => a.peace,
            Motive::Recognition => a.recognition,
            Motive::Funding => a.funding_need * self.funding_urgency(j),
            Motive::Interest => a.interest,
            Motive::Institution => self.observed_compliance,
        };
        let legitimacy = institution.map_or(0.0, |c| {
            0.5 * self.actors[c].mandate + 0.5 * self.actor_trust(j, c)
        });
        let forum = match action {
            Action::OwnTable => Some(j),
            Action::Back(f) => Some(f),
            _ => None,
        };
        let party = match action {
            Action::Shield => a.favours,
            _ => None,
        };
        self.log(|m| {
            let mut e = Event::new(m, EventKind::BrokeRanks)
                .actor(j)
                .values(weight, legitimacy);
            e.forum = forum;
            e.party = party;
            e.action = Some(action);
            e.motive = Some(motive);
            e
        });
    }
}
