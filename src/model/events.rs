//! The chronicle of one run: what happened, when, to whom, with values before and after.
//!
//! Events are collected only when a run is traced ([`super::simulate_traced`]); an ordinary run
//! pays one branch per event site and allocates nothing.

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A third party's person rotated out; `before`/`after` = parties' mean trust in it.
    Rotation,
    /// A support organisation's funding ended without renewal.
    FundingEnded,
    /// A support organisation's funding cycle was renewed.
    FundingRenewed,
    /// An unfunded support organisation found new funding.
    FundingRestored,
    /// A table opened (`forum`, convened by `actor`).
    ForumOpened,
    /// A table closed.
    ForumClosed,
    /// A party engaged at a table for the first time since it was without one.
    PartyJoined,
    /// A party moved from one open table (`from_forum`) to another (`forum`);
    /// `before`/`after` = felt pressure.
    PartySwitched,
    /// A well-timed proposal or public move; `before`/`after` = the table's progress.
    Proposal,
    /// A premature move harmed a party; `before`/`after` = its trust in the mover.
    DoNoHarmViolation,
    /// A table where a party harmed by `actor`'s premature move sits lost ground;
    /// `before`/`after` = its progress.
    Setback,
    /// Leverage pressed a party; `before`/`after` = its felt pressure.
    LeverageApplied,
    /// The parties signed at `forum`; `before` = its progress, `after` = the share of the
    /// parties' hurting that leverage supplied.
    Agreement,
    /// The agreement collapsed.
    Relapse,
    /// The horizon passed without an agreement.
    HorizonReached,
    /// A member broke ranks (`action`, and the `motive` that most favoured it over its role);
    /// `before` = that motive's weight, `after` = the legitimacy of the institution's lead in
    /// its eyes. `forum` = the table it opened or backs instead; `party` = the protégé it
    /// shields.
    BrokeRanks,
    /// A member who had broken ranks plays its role again.
    Rejoined,
    /// Peers noticed last month's defection by `actor`; `before` = the chance of noticing,
    /// `after` = members' mean trust in it now.
    DefectionNoticed,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rotation => "rotation",
            Self::FundingEnded => "funding_ended",
            Self::FundingRenewed => "funding_renewed",
            Self::FundingRestored => "funding_restored",
            Self::ForumOpened => "forum_opened",
            Self::ForumClosed => "forum_closed",
            Self::PartyJoined => "party_joined",
            Self::PartySwitched => "party_switched",
            Self::Proposal => "proposal",
            Self::DoNoHarmViolation => "do_no_harm_violation",
            Self::Setback => "setback",
            Self::LeverageApplied => "leverage_applied",
            Self::Agreement => "agreement",
            Self::Relapse => "relapse",
            Self::HorizonReached => "horizon_reached",
            Self::BrokeRanks => "broke_ranks",
            Self::Rejoined => "rejoined",
            Self::DefectionNoticed => "defection_noticed",
        }
    }
}

/// One event of a traced run.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Month (1-based).
    pub month: u32,
    pub kind: EventKind,
    /// The third party acting or affected.
    pub actor: Option<usize>,
    /// The conflict party affected.
    pub party: Option<usize>,
    /// The table concerned (forum id = convenor id).
    pub forum: Option<usize>,
    /// The table a party left.
    pub from_forum: Option<usize>,
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// What a third party chose (strategic events).
    pub action: Option<super::Action>,
    /// Why it chose it (strategic events).
    pub motive: Option<super::Motive>,
}

impl Event {
    pub(super) fn new(month: u32, kind: EventKind) -> Self {
        Self {
            month: month + 1,
            kind,
            actor: None,
            party: None,
            forum: None,
            from_forum: None,
            before: None,
            after: None,
            action: None,
            motive: None,
        }
    }

    pub(super) fn actor(mut self, j: usize) -> Self {
        self.actor = Some(j);
        self
    }

    pub(super) fn party(mut self, i: usize) -> Self {
        self.party = Some(i);
        self
    }

    pub(super) fn forum(mut self, f: usize) -> Self {
        self.forum = Some(f);
        self
    }

    pub(super) fn left(mut self, f: usize) -> Self {
        self.from_forum = Some(f);
        self
    }

    pub(super) fn values(mut self, before: f64, after: f64) -> Self {
        self.before = Some(before);
        self.after = Some(after);
        self
    }
}
