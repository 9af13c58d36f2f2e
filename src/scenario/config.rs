//! The scenario as written in TOML: every section, every parameter, every default.
//!
//! Units are given in each doc comment; the reasons for each default are in `docs/ODD.md`
//! (section 7, submodels) and in the comments of `scenarios/baseline.toml`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole scenario: the conflict, the third parties, the mechanisms and the experiment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name and description (required section).
    pub scenario: Meta,
    #[serde(default)]
    pub experiment: ExperimentConfig,
    #[serde(default)]
    pub world: WorldConfig,
    #[serde(default)]
    pub mechanisms: Mechanisms,
    #[serde(default)]
    pub trust: TrustConfig,
    #[serde(default)]
    pub leverage: LeverageConfig,
    #[serde(default)]
    pub rotation: RotationConfig,
    #[serde(default)]
    pub ripeness: RipenessConfig,
    #[serde(default)]
    pub do_no_harm: DoNoHarmConfig,
    #[serde(default)]
    pub forums: ForumConfig,
    #[serde(default)]
    pub funding: FundingConfig,
    #[serde(default)]
    pub information: InformationConfig,
    #[serde(default)]
    pub patrons: PatronConfig,
    #[serde(default)]
    pub implementation: ImplementationConfig,
    #[serde(default)]
    pub strategy: StrategyConfig,
    #[serde(default)]
    pub regimes: RegimeParams,
    /// Strategies written in the file (`[strategies.<name>]`), listed in `experiment.regimes`
    /// by name like the built-in regimes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub strategies: BTreeMap<String, StrategyDef>,
    /// The conflict parties (at least two; required).
    pub parties: Vec<PartyConfig>,
    /// Mediators, diplomats, support organisations and insider mediators (at least one; required).
    pub third_parties: Vec<ThirdPartyConfig>,
    /// Optional: the parameter sweep run by `peacesim sweep`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<super::SweepConfig>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Short name; becomes the output folder `output/<name>/`. Letters, digits, `-` and `_`.
    pub name: String,
    /// One or two sentences on what the scenario shows.
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExperimentConfig {
    /// Paired replicates per regime (count).
    pub replicates: u64,
    /// Master seed of every random stream.
    pub seed: u64,
    /// Regimes to compare, by name: competitive, hierarchical, network, contact_group, or a
    /// strategy of `[strategies.<name>]`.
    pub regimes: Vec<String>,
    /// Per-run trajectories to record besides the outcomes: off, monthly (`trajectories.csv`,
    /// one row per run and month) or agents (also `agents.csv`, one row per run, month and
    /// third party). `--record` overrides it.
    #[serde(skip_serializing_if = "RecordLevel::is_off")]
    pub record: RecordLevel,
}

/// How much of each run's path is recorded (`experiment.record`, `--record`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordLevel {
    /// Outcomes and averaged time series only.
    #[default]
    Off,
    /// Also every run's monthly state (`trajectories.csv`).
    Monthly,
    /// Also every third party's monthly state (`agents.csv`, with `trajectories.csv`).
    Agents,
}

impl RecordLevel {
    /// The values `record` takes, as written.
    pub const NAMES: [&'static str; 3] = ["off", "monthly", "agents"];

    pub fn is_off(&self) -> bool {
        *self == Self::Off
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// Parses `off`, `monthly` or `agents`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "off" => Ok(Self::Off),
            "monthly" => Ok(Self::Monthly),
            "agents" => Ok(Self::Agents),
            _ => Err(format!(
                "{text:?} is not a record level; use one of: {}",
                Self::NAMES.join(", ")
            )),
        }
    }
}

impl Default for ExperimentConfig {
    fn default() -> Self {
        Self {
            replicates: 1000,
            seed: 2022,
            regimes: vec![
                "competitive".into(),
                "hierarchical".into(),
                "network".into(),
            ],
            record: RecordLevel::Off,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorldConfig {
    /// Months in which an agreement can be reached (months).
    pub horizon_months: u32,
    /// Months of implementation observed after an agreement (months).
    pub implementation_months: u32,
    /// Violence a party at full capability inflicts per month (violence index units).
    pub violence_scale: f64,
    /// Standard deviation of the monthly log-normal violence noise (dimensionless).
    pub violence_noise: f64,
    /// Standard deviation of the monthly battlefield shock to capability (capability units).
    pub capability_drift: f64,
    /// Monthly pull of capability back to its initial value (fraction per month).
    pub capability_reversion: f64,
    /// Share of violence withheld while all parties sit at one table (fraction).
    pub talks_calm: f64,
    /// Violence during implementation as a share of its pre-agreement level (fraction).
    pub residual_violence: f64,
    /// Half-width of the uniform per-replicate jitter of parties' initial capability and pain and
    /// of their initial trust in each third party (units of the jittered quantity).
    pub initial_jitter: f64,
}

impl Default for WorldConfig {
    fn default() -> Self {
        Self {
            horizon_months: 120,
            implementation_months: 60,
            violence_scale: 1.0,
            violence_noise: 0.3,
            capability_drift: 0.02,
            capability_reversion: 0.05,
            talks_calm: 0.3,
            residual_violence: 0.1,
            initial_jitter: 0.05,
        }
    }
}

/// One switch per mechanism: `false` removes the mechanism so its effect can be seen.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mechanisms {
    pub trust: bool,
    pub leverage: bool,
    pub rotation: bool,
    pub ripeness: bool,
    pub do_no_harm: bool,
    pub forum_shopping: bool,
    pub funding_cycles: bool,
    pub information_sharing: bool,
    pub patrons: bool,
    pub relapse: bool,
    /// Third parties choose each month whether to play the role a regime proposes (otherwise
    /// every actor complies and independents follow the fixed initiative rule).
    pub strategic: bool,
}

impl Default for Mechanisms {
    fn default() -> Self {
        Self {
            trust: true,
            leverage: true,
            rotation: true,
            ripeness: true,
            do_no_harm: true,
            forum_shopping: true,
            funding_cycles: true,
            information_sharing: true,
            patrons: true,
            relapse: true,
            strategic: true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrustConfig {
    /// Share of the gap to full trust closed by one positive event (fraction per event).
    pub build_rate: f64,
    /// Negativity bias: a negative event removes this many times a positive one (ratio).
    pub break_build_ratio: f64,
    /// Monthly chance-equivalent of a rivalry incident between two third parties running rival
    /// tables (events per month).
    pub rivalry_rate: f64,
    /// Initial trust among third parties (0–1).
    pub initial_among_third_parties: f64,
    /// How much a third party's bias lowers the disfavoured party's initial trust (trust per unit bias).
    pub bias_penalty: f64,
}

impl Default for TrustConfig {
    fn default() -> Self {
        Self {
            build_rate: 0.04,
            break_build_ratio: 2.5,
            rivalry_rate: 0.3,
            initial_among_third_parties: 0.5,
            bias_penalty: 0.4,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeverageConfig {
    /// Multiplier of every third party's leverage capacity: more or less leverage in the
    /// field, spread as the actors' capacities are (dimensionless).
    pub capacity_scale: f64,
    /// Share of an actor's leverage capacity regenerated per month (fraction per month).
    pub regen_rate: f64,
    /// Most of its capacity an actor spends in one month (fraction per month).
    pub spend_rate: f64,
    /// Monthly decay of the pressure a party feels (fraction per month).
    pub pressure_decay: f64,
    /// Pain that a unit of felt pressure adds to the war's own pain when a party weighs its
    /// readiness: leverage ripens a conflict, it does not replace ripeness (pain units per
    /// pressure unit).
    pub effect: f64,
    /// Dilution per alternative forum a party can turn to (dimensionless).
    pub dilution: f64,
    /// Credibility lost per additional uncoordinated actor pressing the same party in a month (fraction).
    pub contradiction: f64,
    /// Felt pressure above which a party holding out considers itself pressed (pressure units).
    pub pressed_threshold: f64,
}

impl Default for LeverageConfig {
    fn default() -> Self {
        Self {
            capacity_scale: 1.0,
            regen_rate: 0.05,
            spend_rate: 0.2,
            pressure_decay: 0.15,
            effect: 0.25,
            dilution: 0.5,
            contradiction: 0.3,
            pressed_threshold: 0.15,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RotationConfig {
    /// Mean posting of a diplomat (months).
    pub posting_months: f64,
    /// Half-width of the uniform spread of postings around the mean (months).
    pub posting_jitter_months: f64,
    /// Mean time an envoy (a mediator's lead person) stays before being replaced; the monthly
    /// replacement chance is its inverse (months).
    pub envoy_tenure_months: f64,
    /// Mean time a support organisation's lead staff member stays (months).
    pub support_staff_tenure_months: f64,
    /// Mean time an insider mediator stays in the role (months).
    pub insider_tenure_months: f64,
    /// Share of personal trust and knowledge the organisation keeps on rotation (fraction).
    pub institutional_memory: f64,
    /// Extra share kept when a funded support organisation backs the handover (fraction).
    pub handover_bonus: f64,
    /// Time constant of the learning curve after arrival (months).
    pub learning_months: f64,
    /// Effectiveness on the first day of a posting (fraction of full).
    pub arrival_effectiveness: f64,
    /// Effectiveness lost in the last months before a known departure (fraction).
    pub departure_dip: f64,
    /// Months before a known departure during which the dip applies (months).
    pub departure_months: f64,
    /// Context knowledge a newcomer starts from (0–1).
    pub knowledge_baseline: f64,
    /// Share of the gap to full context knowledge learnt per month in post (fraction per month).
    pub knowledge_gain: f64,
}

impl Default for RotationConfig {
    fn default() -> Self {
        Self {
            posting_months: 36.0,
            posting_jitter_months: 12.0,
            envoy_tenure_months: 48.0,
            support_staff_tenure_months: 30.0,
            insider_tenure_months: 120.0,
            institutional_memory: 0.3,
            handover_bonus: 0.2,
            learning_months: 6.0,
            arrival_effectiveness: 0.4,
            departure_dip: 0.3,
            departure_months: 3.0,
            knowledge_baseline: 0.3,
            knowledge_gain: 0.03,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RipenessConfig {
    /// Pain at which a party's hurting is half-way to a stalemate that hurts (0–1).
    pub pain_threshold: f64,
    /// Width of the logistic hurting curve (pain units).
    pub pain_width: f64,
    /// Win estimate above which a party starts to expect victory (0–1).
    pub win_threshold: f64,
    /// Width of the logistic win-expectation curve (probability units).
    pub win_width: f64,
    /// Slope of the win estimate in the capability difference (logit per capability unit).
    pub win_slope: f64,
    /// Standard deviation of a party's per-replicate optimism about winning (logit units).
    pub optimism_sd: f64,
    /// Pain added per unit of violence received (pain per violence unit).
    pub pain_rate: f64,
    /// Monthly recovery of pain (fraction per month).
    pub pain_recovery: f64,
    /// Readiness of every party when the ripeness mechanism is switched off (0–1).
    pub off_level: f64,
}

impl Default for RipenessConfig {
    fn default() -> Self {
        Self {
            pain_threshold: 0.45,
            pain_width: 0.1,
            win_threshold: 0.65,
            win_width: 0.07,
            win_slope: 4.0,
            optimism_sd: 0.3,
            pain_rate: 0.02,
            pain_recovery: 0.01,
            off_level: 0.5,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DoNoHarmConfig {
    /// Monthly chance an acting third party makes a proposal or public move (per month).
    pub move_rate: f64,
    /// Mutual readiness below which a proposal or public move is premature (0–1).
    pub timing_threshold: f64,
    /// Error of a third party's reading of readiness at zero context knowledge (readiness units, s.d.).
    pub misjudgement_sd: f64,
    /// Trust lost in a violation, in negative events (count).
    pub severity: f64,
    /// Months during which a harmed party's trust in the offender cannot rebuild (months).
    pub memory_months: u32,
    /// Extra violence of the harmed parties after a violation (fraction).
    pub violence_spike: f64,
    /// Months the violence spike lasts (months).
    pub spike_months: u32,
    /// Share of a table's progress lost in a violation (fraction).
    pub progress_setback: f64,
    /// Progress gained from a well-timed proposal (progress units).
    pub good_move_progress: f64,
}

impl Default for DoNoHarmConfig {
    fn default() -> Self {
        Self {
            move_rate: 0.25,
            timing_threshold: 0.35,
            misjudgement_sd: 0.3,
            severity: 3.0,
            memory_months: 24,
            violence_spike: 0.3,
            spike_months: 6,
            progress_setback: 0.3,
            good_move_progress: 0.08,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ForumConfig {
    /// Progress per month at a complete table with a fully effective lead (progress units per month).
    pub progress_rate: f64,
    /// Progress rate at a table that lacks a party, relative to a complete one (fraction).
    pub partial_table_factor: f64,
    /// Most progress a table can reach without every party at it (progress units).
    pub partial_table_cap: f64,
    /// Monthly chance an ambitious actor without a table opens one, times its ambition (per month).
    pub initiative_rate: f64,
    /// Months a table may hold no party before it closes (months).
    pub idle_close_months: u32,
    /// Lowest trust in a table's lead at which a party engages there (0–1).
    pub engage_trust: f64,
    /// Advantage an alternative table must offer before a party switches (trust units).
    pub shop_margin: f64,
    /// Pull of a table towards a party, per share of the other parties already at it (trust units).
    pub convergence_pull: f64,
    /// Monthly chance an unpressed party reconsiders its table (per month).
    pub consider_rate: f64,
    /// Monthly chance a pressed party with a better alternative switches (per month).
    pub shop_rate: f64,
    /// Share of felt pressure a party escapes by switching tables (fraction).
    pub shop_escape: f64,
    /// Highest monthly chance of signing at a complete table with full progress (per month).
    pub agreement_rate: f64,
    /// Progress needed before a deal can be signed (progress units).
    pub signing_progress: f64,
    /// Intercept of a party's acceptance logit (logit units).
    pub accept_base: f64,
    /// Weight of readiness in acceptance (logit per readiness unit).
    pub accept_readiness: f64,
    /// Weight of trust in the table's lead in acceptance (logit per trust unit above 0.5).
    pub accept_trust: f64,
}

impl Default for ForumConfig {
    fn default() -> Self {
        Self {
            progress_rate: 0.06,
            partial_table_factor: 0.2,
            partial_table_cap: 0.4,
            initiative_rate: 0.2,
            idle_close_months: 6,
            engage_trust: 0.2,
            shop_margin: 0.05,
            convergence_pull: 0.2,
            consider_rate: 0.1,
            shop_rate: 0.5,
            shop_escape: 0.5,
            agreement_rate: 0.2,
            signing_progress: 0.5,
            accept_base: -7.0,
            accept_readiness: 12.0,
            accept_trust: 2.0,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FundingConfig {
    /// Length of a support organisation's project funding cycle (months).
    pub cycle_months: u32,
    /// Chance a cycle is renewed when it ends (probability).
    pub renewal_probability: f64,
    /// Monthly chance an unfunded organisation finds new funding (per month).
    pub refunding_hazard: f64,
    /// Progress boost a funded support organisation gives the table it backs (fraction of the rate).
    pub support_strength: f64,
}

impl Default for FundingConfig {
    fn default() -> Self {
        Self {
            cycle_months: 24,
            renewal_probability: 0.6,
            refunding_hazard: 0.05,
            support_strength: 0.3,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InformationConfig {
    /// Positive trust events per month between two actors who share information fully (per month).
    pub sharing_rate: f64,
    /// Share of a partner's context knowledge available through sharing (fraction).
    pub overview_weight: f64,
    /// Context knowledge a funded support organisation's analysis adds to the lead it backs (knowledge units).
    pub analysis_boost: f64,
    /// Members each cooperating actor shares information with: all of them in a network of up
    /// to contacts + 1, its nearest neighbours in a larger one (count).
    pub contacts: u32,
}

impl Default for InformationConfig {
    fn default() -> Self {
        Self {
            sharing_rate: 0.3,
            overview_weight: 0.8,
            analysis_boost: 0.2,
            contacts: 6,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PatronConfig {
    /// Monthly chance a patron surges its support (per month).
    pub surge_hazard: f64,
    /// Support added by a surge (support units).
    pub surge_size: f64,
    /// Monthly decay of support above the party's baseline (fraction per month).
    pub decay: f64,
    /// Effective capability added per unit of support (fraction of capability).
    pub capability_weight: f64,
    /// Share of pain absorbed by a patron at full support (fraction).
    pub pain_absorption: f64,
    /// Acceptance lost per unit of support: a patron props up the alternative (logit per support unit).
    pub acceptance_penalty: f64,
}

impl Default for PatronConfig {
    fn default() -> Self {
        Self {
            surge_hazard: 0.02,
            surge_size: 0.3,
            decay: 0.05,
            capability_weight: 0.5,
            pain_absorption: 0.5,
            acceptance_penalty: 1.5,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImplementationConfig {
    /// Monthly relapse hazard of an agreement with no leverage behind it and no follow-up (per month).
    pub base_relapse_hazard: f64,
    /// Hazard multiplier per unit of the agreement's leverage share (dimensionless).
    pub leverage_fragility: f64,
    /// Largest share of the hazard removed by diplomats' full follow-up support (fraction).
    pub followup_protection: f64,
    /// Largest share of the hazard removed by full local ownership: an insider mediator the
    /// parties trust fully was part of the table that signed (fraction).
    pub ownership_protection: f64,
    /// Hazard multiplier per unit of the highest patron support (dimensionless).
    pub patron_spoiler: f64,
}

impl Default for ImplementationConfig {
    fn default() -> Self {
        Self {
            base_relapse_hazard: 0.005,
            leverage_fragility: 2.0,
            followup_protection: 0.5,
            ownership_protection: 0.3,
            patron_spoiler: 1.0,
        }
    }
}

/// How third parties choose what to do each month (ODD 7.11, strategic choice).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StrategyConfig {
    /// Logit (quantal response) temperature: utility differences of this size change choice
    /// odds e-fold (utility units).
    pub temperature: f64,
    /// Utility bonus for repeating last month's choice: status-quo bias (utility units).
    pub inertia: f64,
    /// Weight of last month's observed compliance (the share of all role-holders who played
    /// their role) in the value of complying:
    /// conditional cooperation (utility units per unit share).
    pub reciprocity: f64,
    /// Weight of the convenor's legitimacy (mandate and trust) in the value of complying
    /// (utility units per unit legitimacy above ½).
    pub legitimacy_weight: f64,
    /// Chance peers notice a defection without information sharing; full sharing makes it
    /// certain (probability).
    pub detection: f64,
    /// Trust-breaking events a noticed defection costs the defector with every member
    /// (negative events).
    pub defection_severity: f64,
    /// Attraction a convenor adds to its table per unit of its recognition motive: venues,
    /// per diems, visibility offered to parties (trust units).
    pub courting: f64,
    /// Felt pressure removed from a protégé per unit of leverage spent shielding it
    /// (pressure units per leverage unit).
    pub shield_effect: f64,
    /// Extra effect of a partisan's leverage on its own protégé per unit of bias: a partisan is
    /// credible with its side (multiplier per unit bias).
    pub protege_credibility: f64,
}

impl Default for StrategyConfig {
    fn default() -> Self {
        Self {
            temperature: 0.05,
            inertia: 0.05,
            reciprocity: 0.2,
            legitimacy_weight: 0.3,
            detection: 0.5,
            defection_severity: 1.0,
            courting: 0.1,
            shield_effect: 0.5,
            protege_credibility: 0.5,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegimeParams {
    pub hierarchical: HierarchicalParams,
    pub network: NetworkParams,
    pub contact_group: ContactGroupParams,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HierarchicalParams {
    /// Name of the lead third party; empty = the mediator with the highest mandate.
    pub lead: String,
    /// Backers the lead can coordinate at full effect; beyond it support is wasted (count).
    pub lead_capacity: f64,
    /// Months coordination lapses after the lead's person rotates (months).
    pub handover_gap_months: u32,
    /// Share of every member's time spent in coordination meetings (fraction).
    pub meeting_cost: f64,
    /// Share of moves vetted with partners before acting, at full lead capacity (fraction).
    pub consultation: f64,
    /// Share of the credit for an agreement the lead keeps; the backers share the rest
    /// (fraction).
    pub lead_credit: f64,
    /// Utility a member expects to lose when a defection is noticed: the lead's authority to
    /// exclude and name (utility units).
    pub sanction: f64,
}

impl Default for HierarchicalParams {
    fn default() -> Self {
        Self {
            lead: String::new(),
            lead_capacity: 4.0,
            handover_gap_months: 6,
            meeting_cost: 0.05,
            consultation: 0.8,
            lead_credit: 0.7,
            sanction: 0.2,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkParams {
    /// Mean trust in the other candidates an actor needs to join the network (0–1).
    pub trust_threshold: f64,
    /// Consensus delay per member beyond the first: action rate = 1/(1 + delay·(n−1)) (dimensionless).
    pub consensus_delay: f64,
    /// Share of every member's time spent in meetings, per member beyond the first (fraction).
    pub meeting_cost_per_member: f64,
    /// Most time meetings can take (fraction).
    pub meeting_cost_cap: f64,
    /// Share of moves vetted with partners before acting (fraction).
    pub consultation: f64,
    /// Utility a member expects to lose when peers notice a defection (utility units).
    pub sanction: f64,
}

impl Default for NetworkParams {
    fn default() -> Self {
        Self {
            trust_threshold: 0.4,
            consensus_delay: 0.15,
            meeting_cost_per_member: 0.015,
            meeting_cost_cap: 0.5,
            consultation: 0.9,
            sanction: 0.2,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContactGroupParams {
    /// Name of the facilitator; empty = the mediator with the highest mandate.
    pub facilitator: String,
    /// Supporters the facilitator can work with at full effect (count).
    pub lead_capacity: f64,
    /// Months coordination lapses after the facilitator's person rotates (months).
    pub handover_gap_months: u32,
    /// Share of every member's time spent in group meetings (fraction).
    pub meeting_cost: f64,
    /// Share of moves vetted with the group before acting (fraction).
    pub consultation: f64,
    /// Share of the credit for an agreement the facilitator keeps; the group shares the rest
    /// (fraction).
    pub lead_credit: f64,
    /// Utility a member expects to lose when the group notices a defection (utility units).
    pub sanction: f64,
}

impl Default for ContactGroupParams {
    fn default() -> Self {
        Self {
            facilitator: String::new(),
            lead_capacity: 8.0,
            handover_gap_months: 3,
            meeting_cost: 0.08,
            consultation: 0.85,
            lead_credit: 0.4,
            sanction: 0.2,
        }
    }
}

/// How a strategy written in TOML organises the third parties (`strategies.<name>.structure`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Structure {
    /// One lead convenes the only table and allocates roles (the hierarchical regime's rules).
    #[default]
    Led,
    /// Members join by trust; the best-placed member convenes (the network regime's rules).
    Network,
    /// No institution: everyone acts on their own (the competitive regime's rules); with
    /// `consultation`, `information_sharing`, `meeting_cost` or `sanction`, members still
    /// consult before acting (minimal consultation).
    Independent,
}

/// Who is asked to take roles (`strategies.<name>.members`): `"all"` or a list of third
/// parties' names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Members {
    /// `"all"` (any other word is refused by validation).
    All(String),
    /// The names of the members.
    Listed(Vec<String>),
}

impl Default for Members {
    fn default() -> Self {
        Self::All("all".into())
    }
}

/// A strategy written in TOML from the institutional rules the engine exposes
/// (`[strategies.<name>]`; README, "Writing a strategy in TOML"; ODD 3.5). Every setting left
/// out takes the value of the built-in regime of the same structure as the scenario configures
/// it (`[regimes.hierarchical]` for `led`, `[regimes.network]` for `network`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StrategyDef {
    /// One sentence on what the strategy is and where it comes from.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// `led`, `network` or `independent`.
    pub structure: Structure,
    /// `led` only: a third party's name, `highest_mandate`, `rotating` or `insider`
    /// (default: `regimes.hierarchical.lead`, i.e. the highest mandate when that is empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// `lead = "rotating"`: months each eligible member holds the chair (months).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation_months: Option<u32>,
    /// Who is asked to take roles: `"all"` active third parties or a list of names.
    pub members: Members,
    /// `led`: backers the lead absorbs at full effect (count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_capacity: Option<f64>,
    /// `led`: months coordination lapses after the lead's person rotates (months).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handover_gap_months: Option<u32>,
    /// `led` and `independent`: share of every member's time in coordination meetings
    /// (fraction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_cost: Option<f64>,
    /// Share of moves vetted with partners before acting (fraction; `led`: at full capacity).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consultation: Option<f64>,
    /// `independent`: intensity of information sharing among consulting actors (0–1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub information_sharing: Option<f64>,
    /// `led`: information flows among all members (`true`) or through the lead only (`false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_sharing: Option<bool>,
    /// `led`: share of the credit for an agreement the lead keeps; members share the rest
    /// (fraction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_credit: Option<f64>,
    /// Utility a member expects to lose when its defection is noticed (utility units, 0–1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanction: Option<f64>,
    /// Backers' leverage goes through the convenor as one signal (`true`) or stays each
    /// backer's own (`false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pooling: Option<bool>,
    /// `network`: mean trust in the others an actor needs to join (0–1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust_threshold: Option<f64>,
    /// `network`: consensus delay per member beyond the first (dimensionless).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consensus_delay: Option<f64>,
    /// `network`: meeting time per member beyond the first (fraction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_cost_per_member: Option<f64>,
    /// `network`: most time meetings can take (fraction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_cost_cap: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyConfig {
    /// Display name (required, unique).
    pub name: String,
    /// Military capability (0–1).
    #[serde(default = "half")]
    pub capability: f64,
    /// Baseline support of an external patron (0–1).
    #[serde(default)]
    pub patron_support: f64,
    /// Mean optimism about winning (logit units; positive = over-confident).
    #[serde(default)]
    pub optimism: f64,
    /// Pain accumulated before the simulation starts (0–1).
    #[serde(default = "initial_pain")]
    pub initial_pain: f64,
    /// Propensity to use violence (multiplier of violence_scale).
    #[serde(default = "one")]
    pub violence: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThirdPartyKind {
    Mediator,
    Diplomat,
    SupportOrg,
    Insider,
}

impl ThirdPartyKind {
    pub const NAMES: &'static str = "mediator, diplomat, support_org, insider";

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mediator => "mediator",
            Self::Diplomat => "diplomat",
            Self::SupportOrg => "support_org",
            Self::Insider => "insider",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThirdPartyConfig {
    /// Display name (required, unique).
    pub name: String,
    /// mediator, diplomat, support_org or insider (required).
    pub kind: ThirdPartyKind,
    /// Leverage capacity: carrots and sticks it can bring (leverage units; default by kind).
    #[serde(default)]
    pub leverage: Option<f64>,
    /// Party this actor leans towards; empty = impartial.
    #[serde(default)]
    pub favours: String,
    /// Strength of the lean towards `favours` (0–1).
    #[serde(default)]
    pub bias: f64,
    /// Drive to run its own table and be seen (0–1; default by kind).
    #[serde(default)]
    pub ambition: Option<f64>,
    /// Recognised mandate and legitimacy (0–1; default by kind).
    #[serde(default)]
    pub mandate: Option<f64>,
    /// Parties' initial trust in this actor before bias (0–1).
    #[serde(default = "half")]
    pub initial_trust: f64,
    /// Context knowledge at the start (0–1).
    #[serde(default = "half")]
    pub knowledge: f64,
    /// First month the actor is present (months).
    #[serde(default)]
    pub entry_month: u32,
    /// Stake in peace: value of an agreement, whoever brokers it (0–1; default by kind).
    #[serde(default)]
    pub peace: Option<f64>,
    /// Recognition motive: value of credit and of being seen to lead (0–1; default by kind).
    #[serde(default)]
    pub recognition: Option<f64>,
    /// Funding pressure: need to show visible results to funders; for support organisations it
    /// peaks as the funding cycle ends (0–1; default by kind).
    #[serde(default)]
    pub funding_need: Option<f64>,
    /// National or patron interest: weight on what the favoured party wants; acts only with
    /// `favours` and is scaled by `bias` (0–1; default by kind).
    #[serde(default)]
    pub interest: Option<f64>,
    /// Parties this actor is not mandated to talk to: its table cannot host them (names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_contact: Vec<String>,
}

impl ThirdPartyConfig {
    /// Leverage capacity, with the default of its kind: diplomats carry states' carrots and
    /// sticks; mediators some; MSOs none (Lanz & Gasser 2013; MSN paper, ch. 1).
    pub fn leverage_capacity(&self) -> f64 {
        self.leverage.unwrap_or(match self.kind {
            ThirdPartyKind::Mediator => 0.3,
            ThirdPartyKind::Diplomat => 1.0,
            ThirdPartyKind::SupportOrg => 0.0,
            ThirdPartyKind::Insider => 0.1,
        })
    }

    /// Ambition, with the default of its kind (MSN paper, challenge 1: rivalry for funding and
    /// recognition; diplomats sometimes take on the mediator's role).
    pub fn ambition_level(&self) -> f64 {
        self.ambition.unwrap_or(match self.kind {
            ThirdPartyKind::Mediator => 0.9,
            ThirdPartyKind::Diplomat => 0.3,
            ThirdPartyKind::SupportOrg => 0.0,
            ThirdPartyKind::Insider => 0.5,
        })
    }

    /// Stake in peace, with the default of its kind: mediators and insiders exist to end the
    /// war; a state weighs peace against other aims (MSN paper, note 9: diplomats "place their
    /// own interests at the forefront").
    pub fn peace_stake(&self) -> f64 {
        self.peace.unwrap_or(match self.kind {
            ThirdPartyKind::Mediator => 1.0,
            ThirdPartyKind::Diplomat => 0.6,
            ThirdPartyKind::SupportOrg => 0.8,
            ThirdPartyKind::Insider => 1.0,
        })
    }

    /// Recognition motive, with the default of its kind (MSN paper, challenge 1: "fame and
    /// honor", "Nobel Prize-like behaviour"; the need for recognition in the international
    /// arena).
    pub fn recognition_motive(&self) -> f64 {
        self.recognition.unwrap_or(match self.kind {
            ThirdPartyKind::Mediator => 0.4,
            ThirdPartyKind::Diplomat => 0.3,
            ThirdPartyKind::SupportOrg => 0.1,
            ThirdPartyKind::Insider => 0.2,
        })
    }

    /// Funding pressure, with the default of its kind (MSN paper, challenge 2: short project
    /// funding makes support organisations and NGOs need visible results).
    pub fn funding_pressure(&self) -> f64 {
        self.funding_need.unwrap_or(match self.kind {
            ThirdPartyKind::Mediator => 0.1,
            ThirdPartyKind::Diplomat => 0.0,
            ThirdPartyKind::SupportOrg => 0.5,
            ThirdPartyKind::Insider => 0.2,
        })
    }

    /// National or patron interest, with the default of its kind (MSN paper, note 9,
    /// quasi-mediation diplomacy; Kydd 2003).
    pub fn interest_weight(&self) -> f64 {
        self.interest.unwrap_or(match self.kind {
            ThirdPartyKind::Mediator => 0.3,
            ThirdPartyKind::Diplomat => 0.6,
            ThirdPartyKind::SupportOrg => 0.0,
            ThirdPartyKind::Insider => 0.3,
        })
    }

    /// Mandate, with the default of its kind: mandated mediators are the recognised leads.
    pub fn mandate_level(&self) -> f64 {
        self.mandate.unwrap_or(match self.kind {
            ThirdPartyKind::Mediator => 0.8,
            ThirdPartyKind::Diplomat => 0.4,
            ThirdPartyKind::SupportOrg => 0.2,
            ThirdPartyKind::Insider => 0.3,
        })
    }
}

fn half() -> f64 {
    0.5
}
fn one() -> f64 {
    1.0
}
fn initial_pain() -> f64 {
    0.3
}
