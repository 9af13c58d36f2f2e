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
