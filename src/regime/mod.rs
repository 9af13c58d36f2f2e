//! Coordination regimes: how third parties organise themselves each month.
//!
//! A regime is one implementation of the small [`Regime`] trait. Each month the engine hands it
//! a read-only view of the [`World`] and a blank [`Plan`]; the regime proposes who convenes a
//! table and who backs whose table (the roles), whether members' leverage is pooled, how much is
//! vetted before acting, how much information is shared, what coordination costs, how credit for
//! an agreement is shared and what a noticed defection costs. A regime is an institution, not a
//! command: with `mechanisms.strategic` on, every member then chooses whether to play its role
//! or break ranks, and every actor without a role chooses what to do on its own (ODD 7.11); only
//! those who comply are pooled, vetted and informed. The engine does the rest, identically for
//! every regime. A researcher can write a regime outside this crate (see
//! `examples/minimal_consultation.rs`) and run it through the same runner.
//!
//! Regimes draw no random numbers of their own: where a decision is random they use the
//! month's draws the world exposes (for instance [`World::initiative_draw`]), which keeps
//! replicates paired across regimes.

mod competitive;
mod contact_group;
mod hierarchical;
mod network;
#[doc(hidden)]
pub mod written;

pub use competitive::{Competitive, plan_independent};
pub use contact_group::ContactGroup;
pub use hierarchical::Hierarchical;
pub use network::Network;
pub use written::{DEFAULT_ROTATION_MONTHS, Written};

use crate::model::World;
use crate::scenario::{BUILT_IN_REGIMES, Scenario};
use std::sync::Arc;

/// A coordination strategy.
pub trait Regime: Send + Sync {
    /// Short name used in files and on the command line (letters, digits, `_`).
    fn name(&self) -> &str;

    /// Fills `plan` for this month. `plan` arrives reset by [`Plan::reset`]: nobody convenes,
    /// nobody backs anyone, nothing is pooled, shared or vetted, and coordination is free.
    fn plan(&self, world: &World, plan: &mut Plan);
}

/// What a regime decides for one month.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Per third party: it runs its own table this month.
    pub convenes: Vec<bool>,
    /// Per third party: the table (convenor id) it backs with leverage and support, if any.
    pub backs: Vec<Option<usize>>,
    /// Per third party: a member of the coordination structure (shares information, vets
    /// moves, does not take in parties shopping away from a partner's table).
    pub cooperating: Vec<bool>,
    /// Backers' leverage goes through the table's lead as one coherent signal.
    pub pooled: bool,
    /// Share of a cooperating lead's moves vetted with partners first (0–1).
    pub consultation: f64,
    /// Intensity of information sharing among cooperating actors (0–1).
    pub information_sharing: f64,
    /// Chance a cooperating table can act this month: consensus takes time (0–1).
    pub action_rate: f64,
    /// Share of each cooperating actor's time spent coordinating (0–1).
    pub effort_share: f64,
    /// Share of backers' support and leverage the lead can absorb: the bottleneck (0–1).
    pub support_absorption: f64,
    /// Per third party: its share of the credit if the institution's table brings an agreement
    /// (0–1); what complying offers its recognition motive.
    pub credit: Vec<f64>,
    /// Utility a member expects to lose if its defection is noticed: exclusion, naming, lost
    /// access (utility units, ≥ 0).
    pub sanction: f64,
    /// Scratch for [`plan_independent`]: this month's convenors, by id (kept to avoid an
    /// allocation a month).
    convenors: Vec<usize>,
}

impl Plan {
    /// A blank plan for `actors` third parties.
    pub fn new(actors: usize) -> Self {
        let mut plan = Self {
            convenes: vec![false; actors],
            backs: vec![None; actors],
            cooperating: vec![false; actors],
            pooled: false,
            consultation: 0.0,
            information_sharing: 0.0,
            action_rate: 1.0,
            effort_share: 0.0,
            support_absorption: 1.0,
            credit: vec![0.0; actors],
            sanction: 0.0,
            convenors: Vec::with_capacity(actors),
        };
        plan.reset();
        plan
    }

    /// Back to blank without reallocating.
    pub fn reset(&mut self) {
        self.convenes.fill(false);
        self.backs.fill(None);
        self.cooperating.fill(false);
        self.pooled = false;
        self.consultation = 0.0;
        self.information_sharing = 0.0;
        self.action_rate = 1.0;
        self.effort_share = 0.0;
        self.support_absorption = 1.0;
        self.credit.fill(0.0);
        self.sanction = 0.0;
    }

    /// Makes a plan from outside code safe to apply: rates clamped into [0,1] (NaN → 0),
    /// backing only tables that are convened, never one's own.
    pub fn sanitize(&mut self) {
        let unit = |x: f64| if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) };
        self.consultation = unit(self.consultation);
        self.information_sharing = unit(self.information_sharing);
        self.action_rate = unit(self.action_rate);
        self.effort_share = unit(self.effort_share).min(0.95);
        self.support_absorption = unit(self.support_absorption);
        for c in &mut self.credit {
            *c = unit(*c);
        }
        self.sanction = if self.sanction.is_nan() {
            0.0
        } else {
            self.sanction.clamp(0.0, 1.0)
        };
        for j in 0..self.backs.len() {
            if let Some(f) = self.backs[j]
                && (f >= self.convenes.len() || !self.convenes[f] || f == j)
            {
                self.backs[j] = None;
            }
        }
    }

    /// Whether `j` has a role to comply with: a member who does not convene the institution's
    /// table.
    pub fn has_role(&self, j: usize) -> bool {
        self.cooperating[j] && !self.convenes[j]
    }

    /// Number of cooperating actors.
    pub fn members(&self) -> usize {
        self.cooperating.iter().filter(|&&c| c).count()
    }
}

/// The built-in regime of this name, configured from the scenario.
pub fn built_in(name: &str, scenario: &Scenario) -> Option<Arc<dyn Regime>> {
    let r: Arc<dyn Regime> = match name {
        "competitive" => Arc::new(Competitive),
        "hierarchical" => Arc::new(Hierarchical::from_scenario(scenario)),
        "network" => Arc::new(Network::from_scenario(scenario)),
        "contact_group" => Arc::new(ContactGroup::from_scenario(scenario)),
        _ => return None,
    };
    Some(r)
}

/// The regime of this name: a built-in one, or a strategy the scenario writes in
/// `[strategies.<name>]`, configured from the scenario.
pub fn by_name(name: &str, scenario: &Scenario) -> Option<Arc<dyn Regime>> {
    built_in(name, scenario)
        .or_else(|| Written::from_scenario(name, scenario).map(|w| Arc::new(w) as Arc<dyn Regime>))
}

/// The names `by_name` knows in `scenario`: the built-in regimes, then the scenario's
/// strategies.
pub fn known_names(scenario: &Scenario) -> Vec<&str> {
    BUILT_IN_REGIMES
        .iter()
        .copied()
        .chain(scenario.strategies.keys().map(String::as_str))
        .collect()
}

/// The regimes a scenario lists, in its order: built-in regimes and the scenario's strategies.
/// Names were checked by validation; an unknown one here is reported with the list of known
/// names.
pub fn from_scenario(scenario: &Scenario) -> Result<Vec<Arc<dyn Regime>>, String> {
    scenario
        .experiment
        .regimes
        .iter()
        .map(|n| {
            by_name(n, scenario).ok_or_else(|| {
                format!(
                    "unknown regime {n:?}; known: {}",
                    known_names(scenario).join(", ")
                )
            })
        })
        .collect()
}
