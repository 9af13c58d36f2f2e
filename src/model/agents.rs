//! The agents and the tables they meet at. State lives in plain vectors indexed by small ids;
//! the pairwise trust matrices live in [`super::World`].

use crate::scenario::ThirdPartyKind;

/// A government, armed group or other party to the conflict.
#[derive(Debug, Clone)]
pub struct ConflictParty {
    pub name: String,
    /// Military capability now (0–1); drifts with battlefield shocks.
    pub capability: f64,
    /// Capability the party reverts to (0–1).
    pub capability_base: f64,
    /// External patron support now (0–1).
    pub patron: f64,
    /// Patron support the surges decay back to (0–1).
    pub patron_base: f64,
    /// This replicate's optimism about winning (logit units).
    pub optimism: f64,
    /// Accumulated cost of fighting (0–1).
    pub pain: f64,
    /// Perceived probability of winning militarily (0–1).
    pub win_estimate: f64,
    /// Readiness to settle: hurting and not expecting to win (0–1).
    pub readiness: f64,
    /// Felt pressure from leverage (pressure units, ≥ 0).
    pub pressure: f64,
    /// Table the party engages at, by forum id (= convenor id).
    pub forum: Option<usize>,
    /// Violence this party inflicted this month (violence index units).
    pub violence: f64,
    /// Propensity to use violence (multiplier).
    pub violence_propensity: f64,
    /// Months of extra violence left after a do-no-harm violation.
    pub spike_months_left: u32,
    /// Harmed by a premature move last month: counts as pressed when choosing a table this month,
    /// then cleared.
    pub harmed: bool,
}

/// A mediator, diplomat, mediation support organisation or insider mediator: an organisation
/// with a posted person. Trust and context knowledge are partly personal (reset when the
/// person rotates) and partly institutional (kept).
#[derive(Debug, Clone)]
pub struct ThirdParty {
    pub name: String,
    pub kind: ThirdPartyKind,
    /// Party this actor leans towards, if any.
    pub favours: Option<usize>,
    /// Strength of the lean (0–1).
    pub bias: f64,
    /// Drive to run its own table (0–1).
    pub ambition: f64,
    /// Recognised mandate (0–1).
    pub mandate: f64,
    /// Leverage capacity (leverage units).
    pub leverage_cap: f64,
    /// Leverage available now (0 ≤ leverage ≤ cap).
    pub leverage: f64,
    /// Context knowledge of the current person (0–1).
    pub knowledge: f64,
    /// Context knowledge usable this month, after sharing and analysis (0–1).
    pub knowledge_effective: f64,
    /// Effectiveness this month: learning curve, departure dip, meeting time (0–1).
    pub effectiveness: f64,
    /// Months the current person has been in post.
    pub tenure: u32,
    /// Month the current posting ends (diplomats only; others rotate by hazard).
    pub posting_end: Option<u32>,
    /// Times the person has rotated so far.
    pub rotations: u32,
    /// Project funding in place (support organisations; always true for others).
    pub funded: bool,
    /// Month the current funding cycle ends (support organisations).
    pub funding_end: u32,
    /// First month the actor is present.
    pub entry_month: u32,
    /// Stake in peace (0–1).
    pub peace: f64,
    /// Recognition motive (0–1).
    pub recognition: f64,
    /// Funding pressure (0–1).
    pub funding_need: f64,
    /// National or patron interest, already scaled by bias (0–1); 0 for impartial actors.
    pub interest: f64,
    /// Parties it may not talk to (indices).
    pub no_contact: Vec<usize>,
    /// What it chose to do this month (ODD 7.11).
    pub action: Action,
    /// It broke ranks this month; peers may notice next month.
    pub defected: bool,
    /// It has broken ranks and not played its role since.
    pub out_of_role: bool,
}

impl ThirdParty {
    /// Whether this kind of actor can convene a table: MSOs support, they do not convene.
    pub fn can_convene(&self) -> bool {
        self.kind != ThirdPartyKind::SupportOrg
    }

    /// Present and able to act this month.
    pub fn is_active(&self, month: u32) -> bool {
        month >= self.entry_month && self.funded
    }

    /// Whether it may talk to party `i` (its mandate allows it).
    pub fn may_contact(&self, i: usize) -> bool {
        !self.no_contact.contains(&i)
    }

    /// Lean towards party `i`: +bias if it favours `i`, −bias if it favours another, 0 if
    /// impartial.
    pub fn lean_towards(&self, i: usize) -> f64 {
        match self.favours {
            None => 0.0,
            Some(f) if f == i => self.bias,
            Some(_) => -self.bias,
        }
    }
}

/// What a third party does in a month (ODD 7.11). A member of a coordination structure either
/// complies with its role or breaks ranks by one of the other actions; an actor without a role
/// chooses among those.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Action {
    /// Not present, not negotiating, or not yet decided.
    #[default]
    Idle,
    /// Convenes the table the institution gave it (lead, facilitator, network convenor).
    Lead,
    /// Plays the role the institution proposed (backs its table, pools, is vetted).
    Comply,
    /// Runs its own table: a rival channel when an institution proposed another role.
    OwnTable,
    /// Works alone: its own leverage target and visible public moves.
    Freelance,
    /// Backs a table of its own choosing, outside any institution (no pooling, no vetting).
    Back(usize),
    /// Shields its protégé: withholds leverage and relieves the pressure others put on it
    /// (a side deal).
    Shield,
}

impl Action {
    /// Short name used in the chronicle and events.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Lead => "lead",
            Self::Comply => "comply",
            Self::OwnTable => "own_table",
            Self::Freelance => "freelance",
            Self::Back(_) => "back",
            Self::Shield => "shield",
        }
    }
}

/// A table (process, forum). Forum `j` is the table convened by third party `j`, so a forum
/// needs no allocation and a party's forum id names its convenor.
#[derive(Debug, Clone, Default)]
pub struct Forum {
    pub open: bool,
    /// Progress toward a signable text (0–1).
    pub progress: f64,
    /// Consecutive months without any party.
    pub idle_months: u32,
    /// Parties engaged this month.
    pub parties_present: u32,
    /// The convenor could act this month (consensus reached, not in a lapse).
    pub acted: bool,
}
