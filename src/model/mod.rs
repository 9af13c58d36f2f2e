//! The model: agents, their state, and one month of the peace process.
//!
//! [`simulate`] runs one replicate under one regime. The schedule of a month, and the source
//! of every rule, is in `docs/ODD.md`; the comments here name the rule's section there.
//! The model knows nothing about files, threads or plots.

mod agents;
mod events;
pub mod random;
pub mod record;
mod step;
mod strategy;
#[doc(hidden)]
pub mod trust;

pub use agents::{Action, ConflictParty, Forum, ThirdParty};
pub use events::{Event, EventKind};
pub use strategy::Motive;

use crate::regime::{Plan, Regime};
use crate::scenario::{Scenario, ThirdPartyKind};
use random::Streams;

/// The per-month quantities recorded for every run, in the order of the series buffer.
pub const METRICS: [&str; 12] = [
    "agreement",
    "relapse",
    "violence",
    "parallel_forums",
    "trust_party_third",
    "trust_among_third",
    "mutual_readiness",
    "progress",
    "leverage_stock",
    "coordination_cost",
    "compliance",
    "defections",
];

/// Where the process stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Talks are possible (before an agreement and within the horizon).
    Negotiating,
    /// An agreement was signed in month `since` and is being implemented.
    Implementing { since: u32 },
    /// The agreement survived the implementation window.
    Durable,
    /// The agreement collapsed back into war.
    Relapsed,
    /// The horizon passed without an agreement.
    Expired,
}

/// The outcomes of one run (one regime, one replicate).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunOutcome {
    /// Month (1-based) the agreement was signed, if any.
    pub agreement_month: Option<u32>,
    /// Month (1-based) the agreement relapsed, if it did.
    pub relapse_month: Option<u32>,
    /// Violence summed over every month of the run (violence index units).
    pub cumulative_violence: f64,
    /// Most tables holding a party at once during negotiations.
    pub max_parallel_forums: u32,
    /// Mean number of tables holding a party per negotiating month.
    pub mean_parallel_forums: f64,
    /// Moves of a party from one open table to another.
    pub forum_switches: u32,
    /// Premature proposals or public moves that harmed trust.
    pub dnh_violations: u32,
    /// Staff rotations of all third parties.
    pub rotations: u32,
    /// Mean party→third-party trust at the end of the run.
    pub final_trust_party: f64,
    /// Mean trust among third parties at the end of the run.
    pub final_trust_third: f64,
    /// Leverage spent (leverage units).
    pub leverage_spent: f64,
    /// Staff time spent coordinating (staff-months).
    pub coordination_cost: f64,
    /// Pressure that the leverage spent actually delivered to parties, after dilution by
    /// alternative tables and loss of credibility (pressure units; not written to runs.csv).
    pub pressure_delivered: f64,
    /// Share of the parties' hurting that leverage supplied at signing (0–1).
    pub agreement_leverage_share: Option<f64>,
    /// Local ownership of the agreement at signing: parties' trust in an involved insider (0–1).
    pub agreement_ownership: Option<f64>,
    /// Share of actor-months with a role proposed by a coordination structure in which the
    /// actor played it (0–1); undefined when no role was ever proposed (competition).
    pub compliance: Option<f64>,
    /// Actor-months in which a member broke ranks.
    pub defections: u32,
    /// Tables opened while another table already held a party: rival initiatives.
    pub rival_initiatives: u32,
    /// Public moves made by actors working alone for visibility (not at their own table, not in
    /// a role).
    pub visibility_moves: u32,
}

/// The state of one run.
#[derive(Debug, Clone)]
pub struct World<'s> {
    scenario: &'s Scenario,
    month: u32,
    phase: Phase,
    parties: Vec<ConflictParty>,
    actors: Vec<ThirdParty>,
    forums: Vec<Forum>,
    /// Party i's trust in third party j at `i * n_actors + j`.
    party_trust: Vec<f64>,
    /// The organisation's reputation with party i: what personal trust resets toward.
    party_trust_base: Vec<f64>,
    /// Month until which party i's trust in j cannot rebuild (do no harm).
    grudge_until: Vec<u32>,
    /// Third parties' trust in each other.
    actor_trust: trust::TrustMatrix,
    /// Third party j had a funded support organisation behind it last month (handover).
    supported: Vec<bool>,
    streams: Streams,
    /// Scratch: leverage pushes this month (source actor, target party, amount, pooled).
    pushes: Vec<(usize, usize, f64, bool)>,
    /// Scratch: cooperating members (or rival convenors) this month.
    members: Vec<usize>,
    /// Scratch: per actor, how many of this month's members have a lower id.
    member_rank: Vec<u32>,
    /// Scratch: the actors whose trust with a rotating actor is reset.
    partners: Vec<usize>,
    /// Scratch: tables a funded support organisation backs this month.
    table_supported: Vec<bool>,
    /// Scratch: technical support per table this month.
    support: Vec<f64>,
    /// Scratch: alternative tables each party could turn to this month.
    alternatives: Vec<u32>,
    /// Scratch: uncoordinated sources pressing each party this month.
    sources: Vec<u32>,
    /// Scratch: pressure relief shielding partisans give each party this month.
    shields: Vec<f64>,
    /// Scratch: the open tables this month, by id (parties' choice of table).
    open_tables: Vec<usize>,
    /// Scratch: the tables where parties harmed by a mistimed move sit.
    harmed_tables: Vec<usize>,
    /// Scratch: per table, whether a member backs it this month (leverage pooling).
    member_backed: Vec<bool>,
    /// Scratch: the three open tables with the best prospects this month, best first.
    top_tables: [Option<usize>; 3],
    /// Scratch: the table the institution proposes this month (its lead's), if any.
    institution: Option<usize>,
    /// Scratch: each table's prospect this month as actors judge it (ODD 7.11).
    prospects: Vec<f64>,
    /// Scratch: whether `prospects[f]` holds this month's value (open or convened tables).
    prospect_known: Vec<bool>,
    /// Scratch: tables holding a party when prospects are judged this month.
    holding: usize,
    /// Share of role-holders who complied last month, as everyone observes it (1 when there
    /// were none).
    observed_compliance: f64,
    /// Role-holders and compliers this month (for the compliance series).
    role_holders: u32,
    compliers: u32,
    /// Actor-months with a role and with compliance, over the run.
    role_months: u64,
    complied_months: u64,
    outcome: RunOutcome,
    negotiating_months: u32,
    parallel_sum: f64,
    coordination_this_month: f64,
    violence_total: f64,
    /// The chronicle, when the run is traced.
    events: Option<Vec<Event>>,
    /// `exp(−t / learning_months)` for every tenure `t` this run can reach: the learning
    /// curve's exponential (ODD 7.2), computed once per run instead of once per actor-month.
    learning_decay: Vec<f64>,
}

impl<'s> World<'s> {
    /// Initial state of replicate `seed` (ODD 5, initialisation). Draws only from the world and
    /// personnel streams, in a fixed order, so every regime starts from the same state.
    pub fn new(scenario: &'s Scenario, seed: u64) -> Self {
        let np = scenario.parties.len();
        let nt = scenario.third_parties.len();
        let mut streams = Streams::new(
            seed,
            np,
            scenario.third_parties.iter().map(|t| t.name.as_str()),
        );
        let jitter = scenario.world.initial_jitter;
        let patrons_on = scenario.mechanisms.patrons;

        let parties: Vec<ConflictParty> = scenario
            .parties
            .iter()
            .map(|p| {
                let cap_jitter = (2.0 * streams.world_uniform() - 1.0) * jitter;
                let optimism_z = random::normal(streams.world_uniform(), streams.world_uniform());
                let pain_jitter = (2.0 * streams.world_uniform() - 1.0) * jitter;
                let capability = (p.capability + cap_jitter).clamp(0.01, 0.99);
                let patron = if patrons_on { p.patron_support } else { 0.0 };
                ConflictParty {
                    name: p.name.clone(),
                    capability,
                    capability_base: capability,
                    patron,
                    patron_base: patron,
                    optimism: p.optimism + scenario.ripeness.optimism_sd * optimism_z,
                    pain: (p.initial_pain + pain_jitter).clamp(0.0, 1.0),
                    win_estimate: 0.5,
                    readiness: 0.0,
                    pressure: 0.0,
                    forum: None,
                    violence: 0.0,
                    violence_propensity: p.violence,
                    spike_months_left: 0,
                    harmed: false,
                }
            })
            .collect();

        // Each third party's initial draws come from its own stream: its posting phase, funding
        // clock and posting length, then one trust draw per party.
        let rot = &scenario.rotation;
        let mut party_trust = vec![0.0; np * nt];
        let mut actors = Vec::with_capacity(nt);
        for (j, t) in scenario.third_parties.iter().enumerate() {
            // Postings are staggered: the current person arrived some time ago.
            let phase_u = streams.actor_uniform(j);
            let funding_u = streams.actor_uniform(j);
            let posting_u = streams.actor_uniform(j);
            for i in 0..np {
                let lean = match scenario.party_index(&t.favours) {
                    None => 0.0,
                    Some(f) if f == i => 0.5 * t.bias * scenario.trust.bias_penalty,
                    Some(_) => -t.bias * scenario.trust.bias_penalty,
                };
                let noise = (2.0 * streams.actor_uniform(j) - 1.0) * jitter;
                party_trust[i * nt + j] = (t.initial_trust + lean + noise).clamp(0.0, 1.0);
            }
            let posting = posting_length(rot.posting_months, rot.posting_jitter_months, posting_u);
            // Late entrants arrive fresh; others have been in post for part of their kind's
            // typical stay.
            let typical_stay = match t.kind {
                ThirdPartyKind::Diplomat => posting,
                ThirdPartyKind::Mediator => rot.envoy_tenure_months,
                ThirdPartyKind::SupportOrg => rot.support_staff_tenure_months,
                ThirdPartyKind::Insider => rot.insider_tenure_months,
            };
            let tenure = if t.entry_month > 0 {
                0
            } else {
                (phase_u * typical_stay).floor() as u32
            };
            let posting_end = (t.kind == ThirdPartyKind::Diplomat)
                .then(|| (posting - tenure as f64).ceil().max(1.0) as u32 + t.entry_month);
            let cycle = scenario.funding.cycle_months;
            let favours = scenario.party_index(&t.favours);
            actors.push(ThirdParty {
                name: t.name.clone(),
                kind: t.kind,
                favours,
                bias: t.bias,
                ambition: t.ambition_level(),
                mandate: t.mandate_level(),
                leverage_cap: t.leverage_capacity() * scenario.leverage.capacity_scale,
                leverage: t.leverage_capacity() * scenario.leverage.capacity_scale,
                knowledge: t.knowledge,
                knowledge_effective: t.knowledge,
                effectiveness: 1.0,
                tenure,
                posting_end,
                rotations: 0,
                funded: true,
                funding_end: (t.entry_month + 1).saturating_add((funding_u * cycle as f64) as u32),
                entry_month: t.entry_month,
                peace: t.peace_stake(),
                recognition: t.recognition_motive(),
                funding_need: t.funding_pressure(),
                interest: if favours.is_some() {
                    t.interest_weight() * t.bias
                } else {
                    0.0
                },
                no_contact: t
                    .no_contact
                    .iter()
                    .filter_map(|name| scenario.party_index(name))
                    .collect(),
                action: Action::Idle,
                defected: false,
                out_of_role: false,
            });
        }

        let actor_trust = trust::TrustMatrix::new(nt, scenario.trust.initial_among_third_parties);
        // Tenure grows by at most one a month from its initial value.
        let longest = actors.iter().map(|a| a.tenure).max().unwrap_or(0) as usize
            + scenario.total_months()
            + 1;
        let learning_decay = (0..longest)
            .map(|t| (-(t as f64) / rot.learning_months).exp())
            .collect();

        let mut world = Self {
            scenario,
            month: 0,
            phase: Phase::Negotiating,
            parties,
            actors,
            forums: vec![Forum::default(); nt],
            party_trust_base: party_trust.clone(),
            party_trust,
            grudge_until: vec![0; np * nt],
            actor_trust,
            supported: vec![false; nt],
            streams,
            pushes: Vec::with_capacity(2 * nt + np),
            sources: vec![0; np],
            prospects: vec![0.0; nt],
            prospect_known: vec![false; nt],
            holding: 0,
            top_tables: [None; 3],
            open_tables: Vec::with_capacity(nt),
            harmed_tables: Vec::with_capacity(np),
            member_backed: vec![false; nt],
            institution: None,
            shields: vec![0.0; np],
            observed_compliance: 1.0,
            role_holders: 0,
            compliers: 0,
            role_months: 0,
            complied_months: 0,
            members: Vec::with_capacity(nt),
            member_rank: Vec::with_capacity(nt),
            partners: Vec::with_capacity(2 * nt),
            table_supported: vec![false; nt],
            support: vec![0.0; nt],
            alternatives: vec![0; np],
            outcome: RunOutcome::default(),
            negotiating_months: 0,
            parallel_sum: 0.0,
            coordination_this_month: 0.0,
            violence_total: 0.0,
            events: None,
            learning_decay,
        };
        world.update_ripeness();
        world
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &'s Scenario {
        self.scenario
    }

    /// Current month, counted from 0.
    pub fn month(&self) -> u32 {
        self.month
    }

    /// Where the process stands.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Whether talks are possible this month.
    pub fn is_negotiating(&self) -> bool {
        self.phase == Phase::Negotiating
    }

    pub fn parties(&self) -> &[ConflictParty] {
        &self.parties
    }

    pub fn third_parties(&self) -> &[ThirdParty] {
        &self.actors
    }

    /// Tables; forum `j` is the table of third party `j`.
    pub fn forums(&self) -> &[Forum] {
        &self.forums
    }

    /// Party `i`'s trust in third party `j` (0–1).
    pub fn party_trust(&self, i: usize, j: usize) -> f64 {
        self.party_trust[i * self.actors.len() + j]
    }

    /// Third party `a`'s trust in third party `b` (0–1).
    pub fn actor_trust(&self, a: usize, b: usize) -> f64 {
        self.actor_trust.get(a, b)
    }

    /// The actor among `convenors` (in increasing order; `convenes` tells membership) whom
    /// `a` trusts most, `a` excluded, ties to the lower id. Costs O(pairs of `a` whose trust
    /// ever moved) in a large run rather than O(convenors).
    pub fn most_trusted_convenor(
        &self,
        a: usize,
        convenors: &[usize],
        convenes: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        self.actor_trust.most_trusted(a, convenors, convenes)
    }

    /// Third party `a`'s mean trust in all the others (O(1)).
    pub fn mean_actor_trust_of(&self, a: usize) -> f64 {
        self.actor_trust.mean_of(a)
    }

    /// Mean trust of all parties in third party `j`.
    pub fn mean_party_trust_in(&self, j: usize) -> f64 {
        let n = self.parties.len();
        (0..n).map(|i| self.party_trust(i, j)).sum::<f64>() / n as f64
    }

    /// This month's uniform draw for `j`'s decision to open a table of its own. Regimes use it
    /// instead of a generator of their own so that replicates stay paired.
    pub fn initiative_draw(&self, j: usize) -> f64 {
        self.streams.actor_draw(j, random::DECISION_OFFSET)
    }

    /// Records an event if the run is traced.
    fn log(&mut self, event: impl FnOnce(u32) -> Event) {
        if let Some(events) = &mut self.events {
            events.push(event(self.month));
        }
    }

    /// The outcomes so far.
    pub fn outcome(&self) -> &RunOutcome {
        &self.outcome
    }
}

/// A diplomat's posting length drawn uniformly within the jitter (months, ≥ 1).
fn posting_length(mean: f64, jitter: f64, u: f64) -> f64 {
    (mean + (2.0 * u - 1.0) * jitter).max(1.0)
}

/// Runs replicate `seed` of `scenario` under `regime`. `series` receives the per-month metrics
/// (`total_months × METRICS.len()`, month-major); it is a buffer the caller reuses so that a run
/// allocates only its world, and a month allocates nothing.
pub fn simulate(
    scenario: &Scenario,
    regime: &dyn Regime,
    seed: u64,
    series: &mut [f64],
) -> RunOutcome {
    run_months(scenario, regime, seed, series, false, None).outcome
}

/// Runs like [`simulate`] and appends the run's rows to `recorder` (started by the caller with
/// the run's identifying fields). The outcome and series are exactly those of [`simulate`]:
/// recording draws no random numbers.
pub fn simulate_recorded(
    scenario: &Scenario,
    regime: &dyn Regime,
    seed: u64,
    series: &mut [f64],
    recorder: &mut record::Recorder,
) -> RunOutcome {
    run_months(scenario, regime, seed, series, false, Some(recorder)).outcome
}

/// A traced run: its outcome, its chronicle and the state of every month.
#[derive(Debug, Clone)]
pub struct Trace {
    pub outcome: RunOutcome,
    pub events: Vec<Event>,
    /// One snapshot per month, after the month's step.
    pub snapshots: Vec<Snapshot>,
}

/// What a picture of one month needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Month (1-based).
    pub month: u32,
    /// Per third party: its table is open.
    pub forum_open: Vec<bool>,
    /// Per table: progress (0–1).
    pub progress: Vec<f64>,
    /// Per party: the table it engages at.
    pub party_forum: Vec<Option<usize>>,
    /// Party i's trust in third party j at `i * n_third_parties + j`.
    pub party_trust: Vec<f64>,
    /// Per party: readiness (0–1).
    pub readiness: Vec<f64>,
    pub phase: Phase,
}

impl World<'_> {
    fn snapshot(&self) -> Snapshot {
        Snapshot {
            month: self.month + 1,
            forum_open: self.forums.iter().map(|f| f.open).collect(),
            progress: self.forums.iter().map(|f| f.progress).collect(),
            party_forum: self.parties.iter().map(|p| p.forum).collect(),
            party_trust: self.party_trust.clone(),
            readiness: self.parties.iter().map(|p| p.readiness).collect(),
            phase: self.phase,
        }
    }
}

fn run_months(
    scenario: &Scenario,
    regime: &dyn Regime,
    seed: u64,
    series: &mut [f64],
    traced: bool,
    mut recorder: Option<&mut record::Recorder>,
) -> Trace {
    let months = scenario.total_months();
    assert_eq!(
        series.len(),
        months * METRICS.len(),
        "series buffer must hold total_months × METRICS values"
    );
    let mut world = World::new(scenario, seed);
    world.events = traced.then(Vec::new);
    let mut snapshots = Vec::new();
    let mut plan = Plan::new(scenario.third_parties.len());
    for t in 0..months {
        world.month = t as u32;
        world.step(regime, &mut plan);
        let row = &mut series[t * METRICS.len()..(t + 1) * METRICS.len()];
        world.record(row);
        if let Some(rec) = recorder.as_deref_mut() {
            world.record_rows(&plan, row, rec);
        }
        if traced {
            snapshots.push(world.snapshot());
        }
    }
    let (outcome, events) = world.finish();
    Trace {
        outcome,
        events,
        snapshots,
    }
}

/// Runs like [`simulate`] and also returns the chronicle and monthly snapshots of the run. The
/// outcome and series are exactly those of [`simulate`] with the same seed: tracing draws no
/// random numbers.
pub fn simulate_traced(
    scenario: &Scenario,
    regime: &dyn Regime,
    seed: u64,
    series: &mut [f64],
) -> Trace {
    run_months(scenario, regime, seed, series, true, None)
}
