//! One month of the process (ODD 3, process overview and schedule; ODD 7, submodels).

use super::Action;
use super::random::{DECISION_OFFSET, DECISIONS_PER_PARTY, WORLD_GLOBAL, WORLD_PER_PARTY, normal};
use super::{Event, EventKind, Phase, RunOutcome, World};
use crate::regime::{Plan, Regime};
use crate::scenario::ThirdPartyKind;

/// Decision-stream slots per actor.
const D_MOVE: usize = 1;
const D_JUDGE: usize = 2; // and 3: a normal
const D_CONSULT: usize = 4;
const D_ACTION: usize = 5;

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl World<'_> {
    /// Advances one month: shocks, personnel, the regime's plan, talks or implementation,
    /// violence and ripeness (ODD 3).
    pub(super) fn step(&mut self, regime: &dyn Regime, plan: &mut Plan) {
        self.streams.next_month();
        self.expire_at_horizon();
        self.coordination_this_month = 0.0;
        self.battlefield_and_patrons();
        self.personnel();
        plan.reset();
        regime.plan(self, plan);
        plan.sanitize();
        if self.phase == Phase::Negotiating {
            self.choose_actions(plan);
        } else {
            self.idle_actions(plan);
        }
        self.mark_support(plan);
        if self.phase == Phase::Negotiating {
            self.apply_effort(plan);
        }
        match self.phase {
            Phase::Negotiating => self.negotiate_month(plan),
            Phase::Implementing { since } => self.implement_month(since),
            Phase::Durable | Phase::Relapsed | Phase::Expired => {}
        }
        self.regenerate_leverage();
        self.violence_and_pain();
        self.update_ripeness();
    }

    /// Outside talks nobody has a role or a choice to make; strategic actors outside an
    /// institution back nobody.
    fn idle_actions(&mut self, plan: &mut Plan) {
        self.role_holders = 0;
        self.compliers = 0;
        if self.scenario.mechanisms.strategic {
            for j in 0..self.actors.len() {
                if !plan.cooperating[j] {
                    plan.convenes[j] = false;
                    plan.backs[j] = None;
                }
            }
        }
        for a in &mut self.actors {
            a.action = Action::Idle;
            a.defected = false;
        }
    }

    /// The first month after the horizon without an agreement: talks end, tables close.
    fn expire_at_horizon(&mut self) {
        if self.phase == Phase::Negotiating && self.month >= self.scenario.world.horizon_months {
            self.phase = Phase::Expired;
            self.close_all_forums();
            self.log(|m| Event::new(m, EventKind::HorizonReached));
        }
    }

    fn negotiate_month(&mut self, plan: &Plan) {
        self.open_and_close_forums(plan);
        self.share_information(plan);
        self.choose_forums(plan);
        self.decide_actions(plan);
        self.apply_leverage(plan);
        self.make_moves(plan);
        let tables = self.forums.iter().filter(|f| f.parties_present > 0).count() as u32;
        self.rivalry(plan);
        self.advance_talks(plan);
        self.outcome.max_parallel_forums = self.outcome.max_parallel_forums.max(tables);
        self.parallel_sum += tables as f64;
        self.negotiating_months += 1;
    }

    // ---- ODD 7.1 battlefield and patrons -------------------------------------------------

    fn battlefield_and_patrons(&mut self) {
        let w = &self.scenario.world;
        let pa = &self.scenario.patrons;
        let patrons_on = self.scenario.mechanisms.patrons;
        for (i, p) in self.parties.iter_mut().enumerate() {
            let u = &self.streams.world_u[i * WORLD_PER_PARTY..(i + 1) * WORLD_PER_PARTY];
            let z = normal(u[0], u[1]);
            p.capability += w.capability_drift * z
                + w.capability_reversion * (p.capability_base - p.capability);
            p.capability = p.capability.clamp(0.01, 0.99);
            if !patrons_on {
                continue;
            }
            if u[4] < pa.surge_hazard {
                p.patron += pa.surge_size;
            }
            p.patron += pa.decay * (p.patron_base - p.patron);
            p.patron = p.patron.clamp(0.0, 1.0);
        }
    }

    // ---- ODD 7.2 staff rotation, learning, funding ---------------------------------------

    fn personnel(&mut self) {
        let month = self.month;
        let rot = &self.scenario.rotation;
        let fund = &self.scenario.funding;
        for j in 0..self.actors.len() {
            let u_rotation = self.streams.actor_draw(j, 0);
            let u_funding = self.streams.actor_draw(j, 1);
            if month < self.actors[j].entry_month {
                continue;
            }
            if self.actors[j].kind == ThirdPartyKind::SupportOrg
                && self.scenario.mechanisms.funding_cycles
            {
                self.funding_cycle(j, u_funding, fund.cycle_months, fund.renewal_probability);
            }
            if !self.actors[j].funded {
                continue;
            }
            if self.scenario.mechanisms.rotation && self.rotation_due(j, u_rotation) {
                self.rotate(j, u_rotation);
            }
            let rotation_on = self.scenario.mechanisms.rotation;
            let a = &mut self.actors[j];
            // Effectiveness uses the months completed in post: a newcomer's first month is at
            // arrival_effectiveness.
            // Tenure never outgrows the table (built for the longest possible tenure).
            let decay = self.learning_decay[a.tenure as usize];
            a.effectiveness = effectiveness(a, month, rot, rotation_on, decay);
            a.tenure += 1;
            a.knowledge += rot.knowledge_gain * (1.0 - a.knowledge);
            a.knowledge_effective = a.knowledge;
        }
    }

    /// Project funding ends and is renewed or not (MSN paper, challenge 2).
    fn funding_cycle(&mut self, j: usize, u: f64, cycle: u32, renewal: f64) {
        let month = self.month;
        let base = self.scenario.rotation.knowledge_baseline;
        let refunding = self.scenario.funding.refunding_hazard;
        let a = &mut self.actors[j];
        if a.funded && month >= a.funding_end {
            if u < renewal {
                a.funding_end = month.saturating_add(cycle);
                self.log(|m| Event::new(m, EventKind::FundingRenewed).actor(j));
            } else {
                // The project team disbands: its context knowledge leaves with it.
                a.funded = false;
                a.knowledge = base;
                a.leverage = 0.0;
                self.log(|m| Event::new(m, EventKind::FundingEnded).actor(j));
            }
        } else if !a.funded && u < refunding {
            a.funded = true;
            a.funding_end = month.saturating_add(cycle);
            a.tenure = 0;
            self.log(|m| Event::new(m, EventKind::FundingRestored).actor(j));
        }
    }

    fn rotation_due(&self, j: usize, u: f64) -> bool {
        let a = &self.actors[j];
        let rot = &self.scenario.rotation;
        match a.kind {
            ThirdPartyKind::Diplomat => a.posting_end.is_some_and(|end| self.month >= end),
            ThirdPartyKind::Mediator => u < 1.0 / rot.envoy_tenure_months,
            ThirdPartyKind::SupportOrg => u < 1.0 / rot.support_staff_tenure_months,
            ThirdPartyKind::Insider => u < 1.0 / rot.insider_tenure_months,
        }
    }

    /// The person leaves: personal trust and knowledge fall back toward the organisation's
    /// baseline; institutional memory and a supported handover keep part (docs/ODD.md 7.2).
    fn rotate(&mut self, j: usize, u: f64) {
        let rot = &self.scenario.rotation;
        let keep = (rot.institutional_memory
            + if self.supported[j] {
                rot.handover_bonus
            } else {
                0.0
            })
        .min(1.0);
        let nt = self.actors.len();
        let trust_before = self.mean_party_trust_in(j);
        for i in 0..self.parties.len() {
            let k = i * nt + j;
            let base = self.party_trust_base[k];
            self.party_trust[k] = base + keep * (self.party_trust[k] - base);
        }
        let base = self.scenario.trust.initial_among_third_parties;
        let mut partners = std::mem::take(&mut self.partners);
        self.actor_trust.partners_of(j, &mut partners);
        for &b in &partners {
            for (x, y) in [(j, b), (b, j)] {
                let t = self.actor_trust.get(x, y);
                // An entry at the initial value stays there (and changes no sum).
                if t != base {
                    self.actor_trust.set(x, y, base + keep * (t - base));
                }
            }
        }
        self.partners = partners;
        let a = &mut self.actors[j];
        a.knowledge = rot.knowledge_baseline + keep * (a.knowledge - rot.knowledge_baseline);
        a.tenure = 0;
        a.rotations += 1;
        if a.kind == ThirdPartyKind::Diplomat {
            // The rotation draw is free for diplomats (their departure is scheduled), so it
            // sets the next posting's length.
            let length =
                super::posting_length(rot.posting_months, rot.posting_jitter_months, u).round();
            a.posting_end = Some(self.month + length as u32);
        }
        self.outcome.rotations += 1;
        let trust_after = self.mean_party_trust_in(j);
        self.log(|m| {
            Event::new(m, EventKind::Rotation)
                .actor(j)
                .values(trust_before, trust_after)
        });
    }

    /// Meetings take staff time from every cooperating actor (coordination cost).
    fn apply_effort(&mut self, plan: &Plan) {
        let month = self.month;
        for (j, a) in self.actors.iter_mut().enumerate() {
            if !a.is_active(month) {
                a.effectiveness = 0.0;
                continue;
            }
            if plan.cooperating[j] {
                a.effectiveness *= 1.0 - plan.effort_share;
                self.coordination_this_month += plan.effort_share;
            }
        }
        self.outcome.coordination_cost += self.coordination_this_month;
    }

    // ---- ODD 7.3 tables: opening, closing, choosing, shopping -------------------------------

    fn open_and_close_forums(&mut self, plan: &Plan) {
        let month = self.month;
        // Tables holding a party before any opens: a table opened beside one is a rival
        // initiative.
        let holding = self
            .forums
            .iter()
            .filter(|f| f.open && f.parties_present > 0)
            .count();
        for j in 0..self.forums.len() {
            let wants =
                plan.convenes[j] && self.actors[j].can_convene() && self.actors[j].is_active(month);
            let f = &mut self.forums[j];
            if wants && !f.open {
                if holding > 0 {
                    self.outcome.rival_initiatives += 1;
                }
                *f = super::Forum {
                    open: true,
                    ..Default::default()
                };
                self.log(|m| Event::new(m, EventKind::ForumOpened).actor(j).forum(j));
            } else if !wants && f.open {
                self.close_forum(j);
            }
        }
        self.count_presence();
    }

    fn close_forum(&mut self, j: usize) {
        if self.forums[j].open {
            self.log(|m| Event::new(m, EventKind::ForumClosed).actor(j).forum(j));
        }
        self.forums[j] = super::Forum::default();
        for p in &mut self.parties {
            if p.forum == Some(j) {
                p.forum = None;
            }
        }
    }

    pub(super) fn close_all_forums(&mut self) {
        for j in 0..self.forums.len() {
            self.close_forum(j);
        }
    }

    fn count_presence(&mut self) {
        for f in &mut self.forums {
            f.parties_present = 0;
        }
        for p in &self.parties {
            if let Some(f) = p.forum {
                self.forums[f].parties_present += 1;
            }
        }
        for f in &mut self.forums {
            if f.open && f.parties_present == 0 {
                f.idle_months += 1;
            } else {
                f.idle_months = 0;
            }
        }
    }

    /// How attractive table `g` is to party `i`: trust in its convenor, the convenor's lean,
    /// and the pull of the other parties already there. Inlined into [`Self::choose_forums`],
    /// its only caller.
    #[inline(always)]
    fn table_score(&self, i: usize, g: usize) -> f64 {
        let others = (self.parties.len() - 1).max(1) as f64;
        let here = self.parties[i].forum == Some(g);
        let others_present = self.forums[g].parties_present as f64 - if here { 1.0 } else { 0.0 };
        let courting = if self.scenario.mechanisms.strategic {
            self.scenario.strategy.courting * self.actors[g].recognition
        } else {
            0.0
        };
        self.party_trust(i, g)
            + 0.5 * self.actors[g].lean_towards(i)
            + self.scenario.forums.convergence_pull * others_present / others
            + courting
    }

    /// A table party `i` may move to: open, not its own, and not a partner table that refers
    /// the party back to the agreed one.
    fn accepts(&self, plan: &Plan, i: usize, g: usize) -> bool {
        if !self.forums[g].open || !self.actors[g].may_contact(i) {
            return false;
        }
        match self.parties[i].forum {
            None => true,
            Some(f) => f != g && !(plan.cooperating[f] && plan.cooperating[g]),
        }
    }

    /// Parties join a table, and (forum shopping) switch when pressed or harmed (MSN paper,
    /// challenge 1: "conflict parties may choose to turn to another process").
    // Out of line, with the table scores inlined into its loop: where parties weigh many
    // tables (about 580 scores a month among 20 parties at 500 actors) the compiler keeps what
    // does not change from table to table out of the loop, and the rest of the month's code
    // stays compact.
    #[inline(never)]
    fn choose_forums(&mut self, plan: &Plan) {
        let fc = &self.scenario.forums;
        let shopping = self.scenario.mechanisms.forum_shopping;
        // The open tables, listed once (moves change who sits where, not which tables are open).
        let mut open = std::mem::take(&mut self.open_tables);
        open.clear();
        open.extend((0..self.forums.len()).filter(|&g| self.forums[g].open));
        for i in 0..self.parties.len() {
            let u = self.streams.party_u[i * DECISIONS_PER_PARTY];
            let current = self.parties[i].forum;
            // A seated party looks around only in a month it considers shopping: the tables'
            // scores are needed only then (skipping them changes nothing).
            if current.is_some() {
                let p = &self.parties[i];
                let pressed = p.harmed || p.pressure > self.scenario.leverage.pressed_threshold;
                let rate = if pressed {
                    fc.shop_rate
                } else {
                    fc.consider_rate
                };
                if !shopping || u >= rate {
                    continue;
                }
            }
            let best = open
                .iter()
                .copied()
                .filter(|&g| self.accepts(plan, i, g))
                .map(|g| (g, self.table_score(i, g)))
                .fold(None, |acc: Option<(usize, f64)>, (g, s)| match acc {
                    Some((_, bs)) if bs >= s => acc,
                    _ => Some((g, s)),
                });
            let Some((g, score)) = best else { continue };
            match current {
                None => {
                    if self.party_trust(i, g) >= fc.engage_trust {
                        self.move_party(i, g);
                        self.log(|m| {
                            Event::new(m, EventKind::PartyJoined)
                                .party(i)
                                .actor(g)
                                .forum(g)
                        });
                    }
                }
                // Shopping is on and the party considers it this month (checked above).
                Some(f) => {
                    if score > self.table_score(i, f) + fc.shop_margin {
                        self.move_party(i, g);
                        self.outcome.forum_switches += 1;
                        let before = self.parties[i].pressure;
                        self.parties[i].pressure *= 1.0 - fc.shop_escape;
                        let after = self.parties[i].pressure;
                        self.log(|m| {
                            Event::new(m, EventKind::PartySwitched)
                                .party(i)
                                .actor(g)
                                .forum(g)
                                .left(f)
                                .values(before, after)
                        });
                    }
                }
            }
        }
        self.open_tables = open;
        // A party harmed by last month's premature move has now had its chance to leave.
        for p in &mut self.parties {
            p.harmed = false;
        }
    }

    fn move_party(&mut self, i: usize, g: usize) {
        if let Some(f) = self.parties[i].forum {
            self.forums[f].parties_present -= 1;
        }
        self.parties[i].forum = Some(g);
        self.forums[g].parties_present += 1;
        self.forums[g].idle_months = 0;
    }

    // ---- ODD 7.4 information sharing and stakeholder overview --------------------------------

    fn share_information(&mut self, plan: &Plan) {
        let info = &self.scenario.information;
        let month = self.month;
        if self.scenario.mechanisms.information_sharing && plan.information_sharing > 0.0 {
            let nt = self.actors.len();
            let step =
                info.sharing_rate * plan.information_sharing * self.scenario.trust.build_rate;
            let mut best_knowledge: f64 = 0.0;
            for a in 0..nt {
                if plan.cooperating[a] && self.actors[a].is_active(month) {
                    best_knowledge = best_knowledge.max(self.actors[a].knowledge);
                }
            }
            self.members.clear();
            for a in 0..nt {
                if plan.cooperating[a] && self.actors[a].is_active(month) {
                    self.members.push(a);
                }
            }
            let shared = info.overview_weight * plan.information_sharing * best_knowledge;
            for &a in &self.members {
                let actor = &mut self.actors[a];
                actor.knowledge_effective = actor.knowledge_effective.max(shared);
            }
            if self.scenario.mechanisms.trust {
                self.share_trust(step, info.contacts as usize);
            }
        }
        // Support organisations' analysis goes to the lead of the table they back.
        if !self.scenario.mechanisms.information_sharing {
            return;
        }
        for m in 0..self.actors.len() {
            let a = &self.actors[m];
            if a.kind != ThirdPartyKind::SupportOrg || !a.is_active(month) {
                continue;
            }
            if let Some(f) = plan.backs[m] {
                let lead = &mut self.actors[f];
                lead.knowledge_effective =
                    (lead.knowledge_effective + info.analysis_boost).min(1.0);
            }
        }
    }

    /// Which actors a funded support organisation stands behind this month: the convenor of the
    /// table it backs and that table's other backers. Their next handover keeps more (ODD 7.2).
    fn mark_support(&mut self, plan: &Plan) {
        // First the tables a funded support organisation backs, then everyone at or behind
        // such a table: two linear passes.
        self.table_supported.fill(false);
        for m in 0..self.actors.len() {
            let a = &self.actors[m];
            if a.kind == ThirdPartyKind::SupportOrg
                && a.is_active(self.month)
                && let Some(f) = plan.backs[m]
            {
                self.table_supported[f] = true;
            }
        }
        for j in 0..self.actors.len() {
            self.supported[j] =
                self.table_supported[j] || plan.backs[j].is_some_and(|f| self.table_supported[f]);
        }
    }

    /// Sharing builds trust between members who share: in a network of up to `contacts + 1`
    /// members everyone shares with everyone; in a larger one each member shares with its
    /// `contacts` nearest neighbours in the member list (a sparse network: cost grows with the
    /// members, not with their pairs).
    fn share_trust(&mut self, step: f64, contacts: usize) {
        let m = self.members.len();
        let contacts = contacts.max(1);
        if m <= contacts + 1 {
            // Dense: every other member, in the order p+1, …, m−1, 0, …, p−1 (the sums of
            // trust are accumulated in this order).
            for p in 0..m {
                let a = self.members[p];
                for q in (p + 1..m).chain(0..p) {
                    let b = self.members[q];
                    let t = self.actor_trust.get(a, b);
                    self.actor_trust.set(a, b, t + step * (1.0 - t));
                }
            }
            return;
        }
        for p in 0..m {
            let a = self.members[p];
            for k in 1..=contacts {
                let b = self.members[contact(p + 1, p, k, m)];
                let t = self.actor_trust.get(a, b);
                self.actor_trust.set(a, b, t + step * (1.0 - t));
            }
        }
    }

    // ---- ODD 7.5 leverage ------------------------------------------------------------------

    /// Whether each open table can act this month: cooperating tables act only when consensus
    /// is reached (network) — a cost of coordination.
    fn decide_actions(&mut self, plan: &Plan) {
        for j in 0..self.forums.len() {
            let u = self.streams.actor_draw(j, DECISION_OFFSET + D_ACTION);
            let f = &mut self.forums[j];
            f.acted = f.open && (!plan.cooperating[j] || u < plan.action_rate);
        }
    }

    fn regenerate_leverage(&mut self) {
        let lv = &self.scenario.leverage;
        let month = self.month;
        for a in &mut self.actors {
            if a.is_active(month) {
                a.leverage = (a.leverage + lv.regen_rate * a.leverage_cap).min(a.leverage_cap);
            }
        }
        for p in &mut self.parties {
            p.pressure *= 1.0 - lv.pressure_decay;
        }
    }

    /// The party at table `f` least ready to settle: the one leverage is aimed at.
    pub(super) fn holdout_at(&self, f: usize) -> Option<usize> {
        (0..self.parties.len())
            .filter(|&i| self.parties[i].forum == Some(f))
            .min_by(|&a, &b| {
                self.parties[a]
                    .readiness
                    .total_cmp(&self.parties[b].readiness)
            })
    }

    pub(super) fn table_complete(&self, f: usize) -> bool {
        self.forums[f].parties_present as usize == self.parties.len()
    }

    /// The party an independent actor presses: the least ready of the parties at a table. A
    /// partisan presses its own protégé only to deliver it — when the protégé is the holdout
    /// and ready enough for a move to be timely (Kydd 2003; Favretto 2009) — and otherwise the
    /// least ready of the others.
    /// `least` is [`Self::least_ready_at_a_table`], found once a month.
    fn independent_target(&self, j: usize, least: Option<usize>) -> Option<usize> {
        let favours = self.actors[j].favours;
        let threshold = self.scenario.do_no_harm.timing_threshold;
        match (least, favours) {
            (Some(p), Some(f)) if p == f && self.parties[p].readiness < threshold => {
                (0..self.parties.len())
                    .filter(|&i| self.parties[i].forum.is_some() && Some(i) != favours)
                    .min_by(|&a, &b| {
                        self.parties[a]
                            .readiness
                            .total_cmp(&self.parties[b].readiness)
                    })
            }
            _ => least,
        }
    }

    /// The least ready of the parties at a table (ties to the lower index).
    fn least_ready_at_a_table(&self) -> Option<usize> {
        (0..self.parties.len())
            .filter(|&i| self.parties[i].forum.is_some())
            .min_by(|&a, &b| {
                self.parties[a]
                    .readiness
                    .total_cmp(&self.parties[b].readiness)
            })
    }

    /// Leverage is spent and moves a party's acceptance. Pooled behind a lead it is one
    /// coherent signal; uncoordinated it is many, which lowers credibility; and every
    /// alternative table a party can turn to dilutes it (MSN paper, challenge 1).
    fn apply_leverage(&mut self, plan: &Plan) {
        if !self.scenario.mechanisms.leverage {
            return;
        }
        let lv = &self.scenario.leverage;
        let month = self.month;
        self.pushes.clear();
        // Readiness and seats do not change while leverage is spent.
        let least = self.least_ready_at_a_table();
        // The tables a member backs (pooling needs one), marked in one pass.
        if plan.pooled {
            self.member_backed.fill(false);
            for (b, &c) in plan.backs.iter().zip(&plan.cooperating) {
                if let (Some(f), true) = (*b, c) {
                    self.member_backed[f] = true;
                }
            }
        }
        for j in 0..self.actors.len() {
            let a = &self.actors[j];
            if !a.is_active(month) || a.leverage <= 0.0 {
                continue;
            }
            let spend = a.leverage.min(lv.spend_rate * a.leverage_cap);
            if a.action == Action::Shield {
                // A side deal: the leverage relieves the protégé instead of pressing anyone.
                if let Some(p) = a.favours {
                    let relief = spend * a.effectiveness * self.scenario.strategy.shield_effect;
                    self.actors[j].leverage -= spend;
                    self.outcome.leverage_spent += spend;
                    self.shields[p] += relief;
                }
                continue;
            }
            // Where j's leverage goes: its own table, the table it backs, or its own target.
            // Only members pool, behind a member's table.
            let (table, pooled) = if plan.convenes[j] && self.forums[j].open {
                (
                    Some(j),
                    plan.pooled && plan.cooperating[j] && self.member_backed[j],
                )
            } else if let Some(f) = plan.backs[j] {
                (
                    Some(f),
                    plan.pooled && plan.cooperating[j] && plan.cooperating[f],
                )
            } else {
                (None, false)
            };
            let target = match table {
                Some(f) if self.forums[f].acted && self.table_complete(f) => self.holdout_at(f),
                Some(_) => None,
                None if a.can_convene() => self.independent_target(j, least),
                None => None,
            };
            let Some(target) = target else { continue };
            let absorption = if pooled && table != Some(j) {
                plan.support_absorption
            } else {
                1.0
            };
            // A partisan is credible with its own side (Kydd 2003).
            let credible = if a.favours == Some(target) {
                1.0 + self.scenario.strategy.protege_credibility * a.bias
            } else {
                1.0
            };
            self.pushes.push((
                j,
                target,
                spend * a.effectiveness * absorption * credible,
                pooled,
            ));
            self.actors[j].leverage -= spend;
            self.outcome.leverage_spent += spend;
        }
        self.sources.fill(0);
        for &(_, target, _, pooled) in &self.pushes {
            if !pooled {
                self.sources[target] += 1;
            }
        }
        for i in 0..self.parties.len() {
            self.alternatives[i] = self.alternatives(plan, i) as u32;
        }
        for k in 0..self.pushes.len() {
            let (source, target, amount, pooled) = self.pushes[k];
            // Uncoordinated signals contradict each other: each of n sources is believed
            // 1/(1 + contradiction·(n − 1)), so their total saturates at 1/contradiction
            // but never falls as sources are added (ODD 7.5).
            let credibility = if pooled {
                1.0
            } else {
                1.0 / (1.0 + lv.contradiction * f64::from(self.sources[target].saturating_sub(1)))
            };
            let alternatives = f64::from(self.alternatives[target]);
            let before = self.parties[target].pressure;
            self.parties[target].pressure +=
                amount * credibility / (1.0 + lv.dilution * alternatives);
            let after = self.parties[target].pressure;
            self.outcome.pressure_delivered += after - before;
            self.log(|m| {
                Event::new(m, EventKind::LeverageApplied)
                    .actor(source)
                    .party(target)
                    .values(before, after)
            });
        }
        for p in 0..self.parties.len() {
            let relief = std::mem::take(&mut self.shields[p]);
            if relief > 0.0 {
                let party = &mut self.parties[p];
                party.pressure = (party.pressure - relief).max(0.0);
            }
        }
    }

    /// Open tables other than its own that party `i` could turn to.
    fn alternatives(&self, plan: &Plan, i: usize) -> usize {
        // The open tables were listed when parties chose theirs this month; none opened or
        // closed since.
        debug_assert_eq!(
            self.open_tables.len(),
            self.forums.iter().filter(|f| f.open).count()
        );
        self.open_tables
            .iter()
            .filter(|&&g| self.accepts(plan, i, g))
            .count()
    }

    // ---- ODD 7.6 do no harm: proposals and public moves ------------------------------------

    fn make_moves(&mut self, plan: &Plan) {
        let month = self.month;
        let best_knowledge = self.best_cooperating_knowledge(plan);
        for j in 0..self.actors.len() {
            let a = &self.actors[j];
            if !a.is_active(month) || !a.can_convene() {
                continue;
            }
            let d = |k: usize| self.streams.actor_draw(j, DECISION_OFFSET + k);
            let leads_table = self.forums[j].open && self.forums[j].parties_present > 0;
            // Working alone, in public: shielding is done in private, so it makes no moves.
            let independent = !plan.convenes[j]
                && plan.backs[j].is_none()
                && !plan.cooperating[j]
                && a.action != Action::Shield;
            let rate = if leads_table && self.forums[j].acted {
                self.scenario.do_no_harm.move_rate
            } else if independent {
                self.scenario.do_no_harm.move_rate * a.ambition
            } else {
                0.0
            };
            if d(D_MOVE) >= rate {
                continue;
            }
            if !leads_table {
                self.outcome.visibility_moves += 1;
            }
            let knowledge = if plan.cooperating[j] && d(D_CONSULT) < plan.consultation {
                best_knowledge
            } else {
                a.knowledge_effective
            };
            let z = normal(d(D_JUDGE), d(D_JUDGE + 1));
            self.move_by(j, leads_table, knowledge, z);
        }
    }

    fn best_cooperating_knowledge(&self, plan: &Plan) -> f64 {
        (0..self.actors.len())
            .filter(|&b| plan.cooperating[b] && self.actors[b].is_active(self.month))
            .map(|b| self.actors[b].knowledge_effective)
            .fold(0.0, f64::max)
    }

    /// Actor `j` reads the parties' readiness with an error that shrinks with knowledge and
    /// moves only if it believes the moment is right. A move at the wrong moment is a do-no-harm
    /// violation: trust breaks for a long time, the table loses ground and the parties fight
    /// harder (MSN paper, challenge 4).
    fn move_by(&mut self, j: usize, at_own_table: bool, knowledge: f64, z: f64) {
        let dnh = &self.scenario.do_no_harm;
        let targeted = |p: &super::ConflictParty| {
            if at_own_table {
                p.forum == Some(j)
            } else {
                p.forum.is_some()
            }
        };
        let true_readiness = self
            .parties
            .iter()
            .filter(|p| targeted(p))
            .map(|p| p.readiness)
            .fold(f64::INFINITY, f64::min);
        if !true_readiness.is_finite() {
            return;
        }
        let estimate = true_readiness + dnh.misjudgement_sd * (1.0 - knowledge) * z;
        if estimate < dnh.timing_threshold {
            return;
        }
        let well_timed = true_readiness >= dnh.timing_threshold;
        if well_timed {
            if at_own_table {
                let cap = if self.table_complete(j) {
                    1.0
                } else {
                    self.scenario.forums.partial_table_cap
                };
                let f = &mut self.forums[j];
                let before = f.progress;
                f.progress = f
                    .progress
                    .max((f.progress + dnh.good_move_progress).min(cap));
                let after = f.progress;
                self.log(|m| {
                    Event::new(m, EventKind::Proposal)
                        .actor(j)
                        .forum(j)
                        .values(before, after)
                });
            }
            for i in 0..self.parties.len() {
                if targeted(&self.parties[i]) {
                    self.build_trust(i, j, 1.0);
                }
            }
            return;
        }
        if !self.scenario.mechanisms.do_no_harm {
            return;
        }
        self.outcome.dnh_violations += 1;
        let nt = self.actors.len();
        for i in 0..self.parties.len() {
            if !targeted(&self.parties[i]) {
                continue;
            }
            let before = self.party_trust(i, j);
            self.break_trust(i, j, dnh.severity);
            let after = self.party_trust(i, j);
            self.log(|m| {
                Event::new(m, EventKind::DoNoHarmViolation)
                    .actor(j)
                    .party(i)
                    .values(before, after)
            });
            // A memory longer than any run lasts the whole run.
            self.grudge_until[i * nt + j] = self.month.saturating_add(dnh.memory_months);
            let p = &mut self.parties[i];
            p.spike_months_left = dnh.spike_months;
            p.harmed = true;
        }
        // Each table where a harmed party sits loses ground once, in the order of the tables.
        let mut tables = std::mem::take(&mut self.harmed_tables);
        tables.clear();
        tables.extend(
            self.parties
                .iter()
                .filter(|p| targeted(p))
                .filter_map(|p| p.forum),
        );
        tables.sort_unstable();
        tables.dedup();
        for &f in &tables {
            let before = self.forums[f].progress;
            self.forums[f].progress *= 1.0 - dnh.progress_setback;
            let after = self.forums[f].progress;
            self.log(|m| {
                Event::new(m, EventKind::Setback)
                    .actor(j)
                    .forum(f)
                    .values(before, after)
            });
        }
        self.harmed_tables = tables;
    }

    // ---- ODD 7.7 trust ---------------------------------------------------------------------

    /// A positive event of `weight`: closes a share of the gap to full trust, unless the party
    /// still holds a grudge (do no harm).
    fn build_trust(&mut self, i: usize, j: usize, weight: f64) {
        if !self.scenario.mechanisms.trust {
            return;
        }
        let k = i * self.actors.len() + j;
        if self.month < self.grudge_until[k] {
            return;
        }
        let t = &mut self.party_trust[k];
        *t += (self.scenario.trust.build_rate * weight).min(1.0) * (1.0 - *t);
    }

    /// `events` negative events: each removes `break_build_ratio` times what a positive one
    /// builds, as a share of current trust (negativity bias; Slovic 1993).
    fn break_trust(&mut self, i: usize, j: usize, events: f64) {
        if !self.scenario.mechanisms.trust {
            return;
        }
        let tr = &self.scenario.trust;
        let loss = (tr.break_build_ratio * tr.build_rate * events).min(1.0);
        let t = &mut self.party_trust[i * self.actors.len() + j];
        *t *= 1.0 - loss;
    }

    /// Rival tables that hold parties erode trust between their convenors (MSN paper,
    /// challenges 1 and 5).
    fn rivalry(&mut self, plan: &Plan) {
        if !self.scenario.mechanisms.trust {
            return;
        }
        let tr = &self.scenario.trust;
        let loss = (tr.rivalry_rate * tr.break_build_ratio * tr.build_rate).min(1.0);
        // Only convenors of tables holding parties are rivals: pairs among them, not among
        // all actors.
        self.members.clear();
        for a in 0..self.actors.len() {
            if self.forums[a].open && self.forums[a].parties_present > 0 {
                self.members.push(a);
            }
        }
        for &a in &self.members {
            for &b in &self.members {
                if b != a && !(plan.cooperating[a] && plan.cooperating[b]) {
                    let t = self.actor_trust.get(a, b);
                    self.actor_trust.set(a, b, t * (1.0 - loss));
                }
            }
        }
    }

    // ---- ODD 7.8 talks and signing -------------------------------------------------------------

    fn advance_talks(&mut self, plan: &Plan) {
        let fc = &self.scenario.forums;
        let month = self.month;
        self.tally_support(plan, month);
        for f in 0..self.forums.len() {
            if !self.forums[f].open || !self.forums[f].acted || self.forums[f].parties_present == 0
            {
                continue;
            }
            let mut trust_sum = 0.0;
            for i in 0..self.parties.len() {
                if self.parties[i].forum == Some(f) {
                    trust_sum += self.party_trust(i, f);
                    let eff = self.actors[f].effectiveness;
                    self.build_trust(i, f, eff);
                }
            }
            let mean_trust = trust_sum / self.forums[f].parties_present as f64;
            let support = self.support[f];
            let rate =
                fc.progress_rate * self.actors[f].effectiveness * mean_trust * (1.0 + support);
            let complete = self.table_complete(f);
            let forum = &mut self.forums[f];
            if complete {
                forum.progress += rate * (1.0 - forum.progress);
            } else if forum.progress < fc.partial_table_cap {
                forum.progress = (forum.progress
                    + fc.partial_table_factor * rate * (1.0 - forum.progress))
                    .min(fc.partial_table_cap);
            }
        }
        self.try_signing(plan);
    }

    /// Technical support from funded support organisations, per table they back (one pass).
    fn tally_support(&mut self, plan: &Plan, month: u32) {
        let strength = self.scenario.funding.support_strength;
        let absorption = if plan.pooled {
            plan.support_absorption
        } else {
            1.0
        };
        self.support.fill(0.0);
        for m in 0..self.actors.len() {
            let a = &self.actors[m];
            if a.kind == ThirdPartyKind::SupportOrg
                && a.is_active(month)
                && let Some(f) = plan.backs[m]
            {
                self.support[f] += strength * a.effectiveness * absorption;
            }
        }
    }

    /// Party `i`'s acceptance of the text at table `f`, and the share of its hurting that
    /// leverage supplied (the rest is the war's own pain).
    fn acceptance(&self, i: usize, f: usize) -> (f64, f64) {
        let fc = &self.scenario.forums;
        let p = &self.parties[i];
        let logit = fc.accept_base
            + fc.accept_readiness * p.readiness
            + fc.accept_trust * (self.party_trust(i, f) - 0.5)
            - self.scenario.patrons.acceptance_penalty * p.patron;
        let applied = self.applied_pain(p);
        let share = if p.pain + applied > 0.0 {
            applied / (p.pain + applied)
        } else {
            0.0
        };
        (logistic(logit), share)
    }

    /// The pain leverage adds: sticks and withheld carrots make the stalemate hurt more
    /// (Zartman's mediator as manipulator). It acts through ripeness, so no amount of it makes
    /// a party that expects to win accept.
    fn applied_pain(&self, p: &super::ConflictParty) -> f64 {
        if self.scenario.mechanisms.leverage {
            self.scenario.leverage.effect * p.pressure
        } else {
            0.0
        }
    }

    /// At the (at most one) complete table with enough progress, the parties sign with a
    /// chance that grows with progress and with every party's acceptance.
    fn try_signing(&mut self, plan: &Plan) {
        let fc = &self.scenario.forums;
        // A complete table holds every party, so it can only be the first party's.
        let Some(f) = self
            .parties
            .first()
            .and_then(|p| p.forum)
            .filter(|&f| self.forums[f].open && self.table_complete(f))
        else {
            return;
        };
        let progress = self.forums[f].progress;
        if progress < fc.signing_progress {
            return;
        }
        let (mut chance, mut share_sum) = (fc.agreement_rate * progress, 0.0);
        for i in 0..self.parties.len() {
            let (a, share) = self.acceptance(i, f);
            chance *= a;
            share_sum += share;
        }
        let u = self.streams.world_u[self.parties.len() * WORLD_PER_PARTY];
        if u >= chance {
            return;
        }
        // How much of the parties' hurting leverage supplied: agreements bought with it are
        // fragile once it is withdrawn (Beardsley 2008, 2011).
        let share = share_sum / self.parties.len() as f64;
        self.outcome.agreement_month = Some(self.month + 1);
        self.outcome.agreement_leverage_share = Some(share);
        self.outcome.agreement_ownership = Some(self.local_ownership(plan, f));
        self.log(|m| {
            Event::new(m, EventKind::Agreement)
                .actor(f)
                .forum(f)
                .values(progress, share)
        });
        self.phase = Phase::Implementing { since: self.month };
        self.close_all_forums();
    }

    /// Local ownership of an agreement signed at table `f`: the parties' mean trust in the most
    /// trusted insider mediator who convened or backed the table (docs/ODD.md 7.8, local ownership;
    /// MSN paper, ch. 4 on WANEP building local capacity). 0 without an involved insider.
    fn local_ownership(&self, plan: &Plan, f: usize) -> f64 {
        (0..self.actors.len())
            .filter(|&j| {
                self.actors[j].kind == ThirdPartyKind::Insider
                    && self.actors[j].is_active(self.month)
                    && (j == f || plan.backs[j] == Some(f))
            })
            .map(|j| self.mean_party_trust_in(j))
            .fold(0.0, f64::max)
    }

    // ---- ODD 7.9 implementation and relapse -------------------------------------------------------

    fn implement_month(&mut self, since: u32) {
        let world = &self.scenario.world;
        // Hazard months are since+1 ..= since+implementation_months: a full window.
        if self.month > since + world.implementation_months {
            self.phase = Phase::Durable;
            return;
        }
        if !self.scenario.mechanisms.relapse {
            return;
        }
        let im = &self.scenario.implementation;
        let share = self.outcome.agreement_leverage_share.unwrap_or(0.0);
        let patron = self.parties.iter().map(|p| p.patron).fold(0.0, f64::max);
        let hazard = im.base_relapse_hazard
            * (1.0 + im.leverage_fragility * share)
            * (1.0 - im.followup_protection * self.followup())
            * (1.0 - im.ownership_protection * self.outcome.agreement_ownership.unwrap_or(0.0))
            * (1.0 + im.patron_spoiler * patron);
        let u = self.streams.world_u[self.parties.len() * WORLD_PER_PARTY + WORLD_GLOBAL - 1];
        if u < hazard.clamp(0.0, 1.0) {
            self.phase = Phase::Relapsed;
            self.outcome.relapse_month = Some(self.month + 1);
            self.log(|m| Event::new(m, EventKind::Relapse));
        }
    }

    /// Diplomats' follow-up support: their effectiveness times the parties' trust in them
    /// (MSN paper, opportunity 3 and recommendation 8).
    fn followup(&self) -> f64 {
        let month = self.month;
        let (mut sum, mut n) = (0.0, 0usize);
        for j in 0..self.actors.len() {
            let a = &self.actors[j];
            if a.kind == ThirdPartyKind::Diplomat && a.is_active(month) {
                sum += a.effectiveness * self.mean_party_trust_in(j);
                n += 1;
            }
        }
        if n == 0 { 0.0 } else { sum / n as f64 }
    }

    // ---- ODD 7.10 violence, pain, ripeness ---------------------------------------------------------

    fn phase_violence(&self) -> f64 {
        match self.phase {
            Phase::Implementing { .. } | Phase::Durable => self.scenario.world.residual_violence,
            Phase::Negotiating | Phase::Relapsed | Phase::Expired => 1.0,
        }
    }

    fn violence_and_pain(&mut self) {
        let w = &self.scenario.world;
        let rp = &self.scenario.ripeness;
        let absorption = self.scenario.patrons.pain_absorption;
        let phase = self.phase_violence();
        let mut total = 0.0;
        for i in 0..self.parties.len() {
            let u = &self.streams.world_u[i * WORLD_PER_PARTY..(i + 1) * WORLD_PER_PARTY];
            let z = normal(u[2], u[3]);
            let noise = (w.violence_noise * z - 0.5 * w.violence_noise * w.violence_noise).exp();
            let calm = match self.parties[i].forum {
                Some(f) if self.table_complete(f) => 1.0 - w.talks_calm,
                _ => 1.0,
            };
            let p = &mut self.parties[i];
            let spike = if p.spike_months_left > 0 {
                p.spike_months_left -= 1;
                1.0 + self.scenario.do_no_harm.violence_spike
            } else {
                1.0
            };
            p.violence = w.violence_scale
                * p.violence_propensity
                * p.capability
                * noise
                * spike
                * calm
                * phase;
            total += p.violence;
        }
        for p in &mut self.parties {
            let received = total - p.violence;
            p.pain +=
                rp.pain_rate * received * (1.0 - absorption * p.patron) - rp.pain_recovery * p.pain;
            p.pain = p.pain.clamp(0.0, 1.0);
        }
        self.outcome.cumulative_violence += total;
        self.violence_total = total;
    }

    pub(super) fn update_ripeness(&mut self) {
        let rp = &self.scenario.ripeness;
        let weight = self.scenario.patrons.capability_weight;
        let np = self.parties.len();
        let strength = |p: &super::ConflictParty| p.capability * (1.0 + weight * p.patron);
        let total: f64 = self.parties.iter().map(strength).sum();
        for i in 0..np {
            let own = strength(&self.parties[i]);
            let others = (total - own) / (np - 1) as f64;
            let felt = self.parties[i].pain + self.applied_pain(&self.parties[i]);
            let p = &mut self.parties[i];
            p.win_estimate = logistic(rp.win_slope * (own - others) + p.optimism);
            p.readiness = if self.scenario.mechanisms.ripeness {
                // Zartman's mutually hurting stalemate: hurting (the war's pain and the pain
                // leverage adds), and not expecting to win.
                logistic((felt - rp.pain_threshold) / rp.pain_width)
                    * logistic((rp.win_threshold - p.win_estimate) / rp.win_width)
            } else {
                rp.off_level
            };
        }
    }

    // ---- recording --------------------------------------------------------------------------

    pub(super) fn record(&self, out: &mut [f64]) {
        let nt = self.actors.len();
        let np = self.parties.len();
        let agreed = self.outcome.agreement_month.is_some();
        let relapsed = self.outcome.relapse_month.is_some();
        let tables = self.forums.iter().filter(|f| f.parties_present > 0).count();
        let mutual = self
            .parties
            .iter()
            .map(|p| p.readiness)
            .fold(f64::INFINITY, f64::min);
        let progress = self.forums.iter().map(|f| f.progress).fold(0.0, f64::max);
        let cap: f64 = self.actors.iter().map(|a| a.leverage_cap).sum();
        let stock: f64 = self.actors.iter().map(|a| a.leverage).sum();
        out[0] = agreed as u8 as f64;
        out[1] = relapsed as u8 as f64;
        out[2] = self.violence_total;
        out[3] = tables as f64;
        out[4] = self.party_trust.iter().sum::<f64>() / (np * nt) as f64;
        out[5] = self.mean_actor_trust();
        out[6] = mutual;
        out[7] = progress;
        out[8] = if cap > 0.0 { stock / cap } else { 0.0 };
        out[9] = self.coordination_this_month;
        // Undefined (NaN, skipped when averaging) in months without roles.
        out[10] = if self.role_holders > 0 {
            f64::from(self.compliers) / f64::from(self.role_holders)
        } else {
            f64::NAN
        };
        out[11] = f64::from(self.role_holders - self.compliers);
    }

    fn mean_actor_trust(&self) -> f64 {
        self.actor_trust.mean()
    }

    pub(super) fn finish(mut self) -> (RunOutcome, Vec<Event>) {
        let np = self.parties.len();
        let nt = self.actors.len();
        self.outcome.mean_parallel_forums = if self.negotiating_months > 0 {
            self.parallel_sum / self.negotiating_months as f64
        } else {
            0.0
        };
        self.outcome.final_trust_party = self.party_trust.iter().sum::<f64>() / (np * nt) as f64;
        self.outcome.final_trust_third = self.mean_actor_trust();
        self.outcome.compliance =
            (self.role_months > 0).then(|| self.complied_months as f64 / self.role_months as f64);
        (self.outcome, self.events.unwrap_or_default())
    }
}

/// The position of the `k`-th contact (k ≥ 1) in a list of `m` members, alternately after and
/// before a place in it: `after`, `before − 1`, `after + 1`, `before − 2`, … cyclically. A member
/// at position p has `after = p + 1`, `before = p` (its sharing partners, ODD 7.4); an actor not
/// in the list has both at its insertion point (who notices its defection, ODD 7.11.6).
pub(super) fn contact(after: usize, before: usize, k: usize, m: usize) -> usize {
    if k % 2 == 1 {
        (after + k.div_ceil(2) - 1) % m
    } else {
        (before + m - k / 2) % m
    }
}

/// Effectiveness of the person in post: the learning curve after arrival and the dip before a
/// known departure (docs/ODD.md 7.2).
fn effectiveness(
    a: &super::ThirdParty,
    month: u32,
    rot: &crate::scenario::RotationConfig,
    rotation_on: bool,
    decay: f64,
) -> f64 {
    // `decay` is exp(−tenure / learning_months), from the run's table.
    let learning = 1.0 - (1.0 - rot.arrival_effectiveness) * decay;
    // Without rotation nobody leaves, so nobody dips before leaving.
    let leaving = rotation_on
        && a.posting_end
            .is_some_and(|end| (end.saturating_sub(month) as f64) <= rot.departure_months);
    learning
        * if leaving {
            1.0 - rot.departure_dip
        } else {
            1.0
        }
}
