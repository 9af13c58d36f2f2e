//! The settings the studio's page offers: a small description from which the page generates its
//! sliders, toggles and menus, and the code that applies the changed ones to a scenario.
//!
//! A control is named by its field path (`forums.shop_rate`, `third_parties[2].recognition`) and
//! carries the path validation names it by (`third_parties."State A".recognition`), so a problem
//! `peacesim check` reports on a field lands next to the control of that field.

use crate::scenario::{Scenario, ThirdPartyKind};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One control of the page.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// Field path of the setting (`forums.shop_rate`, `third_parties[2].recognition`): the key
    /// the page sends back when it changes the value.
    pub id: String,
    /// The field as validation messages name it, when that differs from `id`: an actor by its
    /// name (`third_parties."State A".recognition`). A problem's `field` matches `field` or `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Section of the page the control sits in.
    pub group: String,
    pub label: String,
    /// `bool` (a toggle), `number` (a slider), `int` (a whole-number box) or `choice` (a menu).
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// The value in the scenario (for motives left to their kind's default, that default).
    pub value: Value,
    pub help: String,
}

/// The mechanisms' switches, in the order of `[mechanisms]`, with what each one removes.
const MECHANISMS: [(&str, &str); 11] = [
    (
        "trust",
        "Trust builds and breaks between parties and third parties",
    ),
    (
        "leverage",
        "Third parties press the parties with carrots and sticks",
    ),
    (
        "rotation",
        "Staff rotate; newcomers start without relationships",
    ),
    (
        "ripeness",
        "Parties talk only when the conflict is ripe (hurting stalemate)",
    ),
    (
        "do_no_harm",
        "Premature public moves harm trust and progress",
    ),
    ("forum_shopping", "Parties move to the table they like best"),
    ("funding_cycles", "Project funding ends and must be renewed"),
    (
        "information_sharing",
        "Coordinating actors share what they know",
    ),
    ("patrons", "External patrons sustain the parties"),
    ("relapse", "Agreements can collapse during implementation"),
    (
        "strategic",
        "Members choose every month whether to play their role",
    ),
];

/// Key parameters of the mechanisms and of the regimes: (path, group, label, min, max, step,
/// help). Bounds are validation's (`src/scenario/validate.rs`) or narrower.
const NUMBERS: [(&str, &str, &str, f64, f64, f64, &str); 22] = [
    (
        "forums.initiative_rate",
        "Key parameters",
        "Initiative rate",
        0.0,
        1.0,
        0.01,
        "How readily ambitious actors open tables of their own [1/month]",
    ),
    (
        "forums.shop_rate",
        "Key parameters",
        "Shopping rate",
        0.0,
        1.0,
        0.01,
        "How readily a pressed party moves to a better table [1/month]",
    ),
    (
        "forums.consider_rate",
        "Key parameters",
        "Consider rate",
        0.0,
        1.0,
        0.01,
        "How often parties look at the alternatives [1/month]",
    ),
    (
        "forums.progress_rate",
        "Key parameters",
        "Progress rate",
        0.0,
        1.0,
        0.01,
        "Progress a table makes in a good month",
    ),
    (
        "leverage.dilution",
        "Key parameters",
        "Leverage dilution",
        0.0,
        5.0,
        0.05,
        "Bite each alternative table takes out of leverage",
    ),
    (
        "leverage.capacity_scale",
        "Key parameters",
        "Leverage scale",
        0.0,
        5.0,
        0.05,
        "Multiplies every third party's leverage",
    ),
    (
        "trust.build_rate",
        "Key parameters",
        "Trust build rate",
        0.0,
        0.5,
        0.005,
        "How fast trust grows in good months",
    ),
    (
        "do_no_harm.move_rate",
        "Key parameters",
        "Public move rate",
        0.0,
        1.0,
        0.01,
        "How often visibility-seeking actors make public moves [1/month]",
    ),
    (
        "rotation.posting_months",
        "Key parameters",
        "Diplomatic posting",
        1.0,
        120.0,
        1.0,
        "Mean length of a diplomat's posting [months]",
    ),
    (
        "ripeness.pain_threshold",
        "Key parameters",
        "Pain threshold",
        0.0,
        1.0,
        0.01,
        "Hurting at which a party becomes ready to talk",
    ),
    (
        "funding.renewal_probability",
        "Key parameters",
        "Funding renewal",
        0.0,
        1.0,
        0.01,
        "Chance a project's funding is renewed",
    ),
    (
        "strategy.detection",
        "Key parameters",
        "Defection detection",
        0.0,
        1.0,
        0.01,
        "Chance peers notice a member breaking ranks",
    ),
    (
        "regimes.hierarchical.consultation",
        "Regime: hierarchical",
        "Consultation",
        0.0,
        1.0,
        0.01,
        "Share of the lead's moves vetted with partners",
    ),
    (
        "regimes.hierarchical.meeting_cost",
        "Regime: hierarchical",
        "Meeting cost",
        0.0,
        0.5,
        0.01,
        "Share of members' time spent coordinating",
    ),
    (
        "regimes.hierarchical.lead_credit",
        "Regime: hierarchical",
        "Lead's credit",
        0.0,
        1.0,
        0.01,
        "Share of the credit for an agreement the lead keeps",
    ),
    (
        "regimes.hierarchical.sanction",
        "Regime: hierarchical",
        "Sanction",
        0.0,
        1.0,
        0.01,
        "What a noticed defection costs a member",
    ),
    (
        "regimes.network.trust_threshold",
        "Regime: network",
        "Trust threshold",
        0.0,
        1.0,
        0.01,
        "Mean trust in the others an actor needs to join",
    ),
    (
        "regimes.network.consensus_delay",
        "Regime: network",
        "Consensus delay",
        0.0,
        2.0,
        0.01,
        "Delay per member beyond the first",
    ),
    (
        "regimes.network.sanction",
        "Regime: network",
        "Sanction",
        0.0,
        1.0,
        0.01,
        "What a noticed defection costs a member",
    ),
    (
        "regimes.contact_group.consultation",
        "Regime: contact group",
        "Consultation",
        0.0,
        1.0,
        0.01,
        "Share of the facilitator's moves vetted with partners",
    ),
    (
        "regimes.contact_group.lead_credit",
        "Regime: contact group",
        "Facilitator's credit",
        0.0,
        1.0,
        0.01,
        "Share of the credit the facilitator keeps",
    ),
    (
        "regimes.contact_group.sanction",
        "Regime: contact group",
        "Sanction",
        0.0,
        1.0,
        0.01,
        "What a noticed defection costs a member",
    ),
];

/// Per third party: (field, label, max, step, help); all start at 0.
const MOTIVES: [(&str, &str, f64, f64, &str); 9] = [
    (
        "ambition",
        "Ambition",
        1.0,
        0.01,
        "Drive to run its own table and be seen",
    ),
    (
        "peace",
        "Stake in peace",
        1.0,
        0.01,
        "Value of an agreement, whoever brokers it",
    ),
    (
        "recognition",
        "Recognition",
        1.0,
        0.01,
        "Value of credit and of being seen to lead",
    ),
    (
        "funding_need",
        "Funding need",
        1.0,
        0.01,
        "Need to show visible results to funders",
    ),
    (
        "interest",
        "National interest",
        1.0,
        0.01,
        "Weight on what the favoured party wants (with a bias)",
    ),
    (
        "bias",
        "Bias",
        1.0,
        0.01,
        "Strength of the lean towards the favoured party",
    ),
    (
        "mandate",
        "Mandate",
        1.0,
        0.01,
        "Recognised mandate and legitimacy",
    ),
    (
        "leverage",
        "Leverage",
        5.0,
        0.05,
        "Carrots and sticks it can bring [leverage units]",
    ),
    (
        "initial_trust",
        "Initial trust",
        1.0,
        0.01,
        "Parties' initial trust before bias",
    ),
];

/// Per party: (field, label, min, max, step, help).
const PARTY: [(&str, &str, f64, f64, f64, &str); 3] = [
    (
        "capability",
        "Capability",
        0.0,
        1.0,
        0.01,
        "Military capability",
    ),
    (
        "patron_support",
        "Patron support",
        0.0,
        1.0,
        0.01,
        "Baseline support of an external patron",
    ),
    (
        "optimism",
        "Optimism",
        -3.0,
        3.0,
        0.05,
        "Over-confidence about winning [logit]",
    ),
];

/// Controls are generated for at most this many third parties and parties (the first ones);
/// the others keep their values and can be edited in the scenario text.
pub const MAX_ACTOR_CONTROLS: usize = 12;

fn number(
    id: String,
    group: String,
    label: &str,
    bounds: (f64, f64, f64),
    value: f64,
    help: &str,
) -> Param {
    Param {
        id,
        group,
        label: label.to_string(),
        kind: "number",
        field: None,
        min: Some(bounds.0),
        max: Some(bounds.1.max(value)),
        step: Some(bounds.2),
        choices: Vec::new(),
        value: Value::from(value),
        help: help.to_string(),
    }
}

/// Looks up a dotted path (`a.b`, `a[2].b`) in a JSON value.
fn lookup<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    let mut v = root;
    for part in path.split('.') {
        let (key, index) = split_index(part)?;
        v = v.get(key)?;
        if let Some(i) = index {
            v = v.get(i)?;
        }
    }
    Some(v)
}

/// `name[3]` → (`name`, Some(3)); `name` → (`name`, None).
fn split_index(part: &str) -> Option<(&str, Option<usize>)> {
    match part.split_once('[') {
        None => Some((part, None)),
        Some((key, rest)) => {
            let i = rest.strip_suffix(']')?.parse().ok()?;
            Some((key, Some(i)))
        }
    }
}

fn lookup_mut<'v>(root: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    let mut v = root;
    for part in path.split('.') {
        let (key, index) = split_index(part)?;
        v = v.get_mut(key)?;
        if let Some(i) = index {
            v = v.get_mut(i)?;
        }
    }
    Some(v)
}

/// The controls of `scenario`, with its values.
pub fn describe(scenario: &Scenario) -> Vec<Param> {
    let json = serde_json::to_value(scenario).unwrap_or(Value::Null);
    let mut params = vec![Param {
        id: "experiment.seed".into(),
        group: "Experiment".into(),
        label: "Master seed".into(),
        kind: "int",
        field: None,
        min: Some(0.0),
        max: Some(9_007_199_254_740_991.0),
        step: Some(1.0),
        choices: Vec::new(),
        value: Value::from(scenario.experiment.seed),
        help: "Replicate K of this seed is replicate K of `peacesim run`".into(),
    }];
    for (key, help) in MECHANISMS {
        let id = format!("mechanisms.{key}");
        let value = lookup(&json, &id).cloned().unwrap_or(Value::Bool(true));
        params.push(Param {
            id,
            group: "Mechanisms".into(),
            label: key.replace('_', " "),
            kind: "bool",
            field: None,
            min: None,
            max: None,
            step: None,
            choices: Vec::new(),
            value,
            help: help.to_string(),
        });
    }
    let leads: Vec<String> = scenario
        .third_parties
        .iter()
        .filter(|t| t.kind != ThirdPartyKind::SupportOrg)
        .map(|t| t.name.clone())
        .collect();
    let lead_name = |named: &str| {
        scenario.third_parties[scenario.lead_index(named)]
            .name
            .clone()
    };
    for (id, group, label, lo, hi, step, help) in NUMBERS {
        let value = lookup(&json, id).and_then(Value::as_f64).unwrap_or(lo);
        params.push(number(
            id.into(),
            group.into(),
            label,
            (lo, hi, step),
            value,
            help,
        ));
        // The lead and facilitator menus sit at the head of their regime's section.
        let menu = match id {
            "regimes.hierarchical.consultation" => Some((
                "regimes.hierarchical.lead",
                "Lead",
                lead_name(&scenario.regimes.hierarchical.lead),
            )),
            "regimes.contact_group.consultation" => Some((
                "regimes.contact_group.facilitator",
                "Facilitator",
                lead_name(&scenario.regimes.contact_group.facilitator),
            )),
            _ => None,
        };
        if let Some((menu_id, menu_label, current)) = menu
            && !leads.is_empty()
        {
            let control = params.pop().expect("just pushed");
            params.push(Param {
                id: menu_id.into(),
                group: group.into(),
                label: menu_label.into(),
                kind: "choice",
                field: None,
                min: None,
                max: None,
                step: None,
                choices: leads.clone(),
                value: Value::from(current),
                help: "The recognised lead of the coordinated table".into(),
            });
            params.push(control);
        }
    }
    for (j, t) in scenario
        .third_parties
        .iter()
        .enumerate()
        .take(MAX_ACTOR_CONTROLS)
    {
        let group = format!("Third party: {} ({})", t.name, t.kind.as_str());
        for (field, label, max, step, help) in MOTIVES {
            let value = match field {
                "ambition" => t.ambition_level(),
                "peace" => t.peace_stake(),
                "recognition" => t.recognition_motive(),
                "funding_need" => t.funding_pressure(),
                "interest" => t.interest_weight(),
                "bias" => t.bias,
                "mandate" => t.mandate_level(),
                "leverage" => t.leverage_capacity(),
                _ => t.initial_trust,
            };
            params.push(number(
                format!("third_parties[{j}].{field}"),
                group.clone(),
                label,
                (0.0, max, step),
                value,
                help,
            ));
        }
    }
    for (i, p) in scenario.parties.iter().enumerate().take(MAX_ACTOR_CONTROLS) {
        let group = format!("Party: {}", p.name);
        for (field, label, lo, hi, step, help) in PARTY {
            let value = match field {
                "capability" => p.capability,
                "patron_support" => p.patron_support,
                _ => p.optimism,
            };
            params.push(number(
                format!("parties[{i}].{field}"),
                group.clone(),
                label,
                (lo.min(value), hi, step),
                value,
                help,
            ));
        }
    }
    // Validation names actors by name: give each actor's control that name too.
    let names = |list: &str| -> Vec<String> {
        if list == "parties" {
            scenario.parties.iter().map(|p| p.name.clone()).collect()
        } else {
            scenario
                .third_parties
                .iter()
                .map(|t| t.name.clone())
                .collect()
        }
    };
    for p in &mut params {
        let named = crate::scenario::named_field(&p.id, &names);
        p.field = (named != p.id).then_some(named);
    }
    params
}

/// A setting that cannot be applied: the field and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingError {
    pub field: String,
    pub message: String,
}

/// Applies the page's changed settings (field path → value) to `scenario`. Only the paths
/// [`describe`] offers are accepted, each with a value of its control's kind; the result is
/// not yet validated (the caller revalidates it, as `peacesim check` would).
pub fn apply(scenario: &Scenario, set: &BTreeMap<String, Value>) -> Result<Scenario, SettingError> {
    if set.is_empty() {
        return Ok(scenario.clone());
    }
    let params = describe(scenario);
    let mut json = serde_json::to_value(scenario).map_err(|e| SettingError {
        field: String::new(),
        message: e.to_string(),
    })?;
    for (id, value) in set {
        let fail = |message: String| SettingError {
            field: id.clone(),
            message,
        };
        let Some(param) = params.iter().find(|p| &p.id == id) else {
            return Err(fail(format!(
                "unknown setting `{id}`; the studio offers the fields of its controls"
            )));
        };
        let accepted = match param.kind {
            "bool" => value.is_boolean(),
            "choice" => value
                .as_str()
                .is_some_and(|s| param.choices.iter().any(|c| c == s)),
            "int" => value.is_u64(),
            _ => value.is_number(),
        };
        if !accepted {
            let expected = match param.kind {
                "bool" => "true or false".to_string(),
                "choice" => format!("one of {}", param.choices.join(", ")),
                "int" => "a whole number from 0".to_string(),
                _ => "a number".to_string(),
            };
            return Err(fail(format!("field `{id}` = {value}: must be {expected}")));
        }
        let slot =
            lookup_mut(&mut json, id).ok_or_else(|| fail(format!("unknown setting `{id}`")))?;
        *slot = value.clone();
    }
    serde_json::from_value(json).map_err(|e| SettingError {
        field: String::new(),
        message: format!("the settings do not make a scenario: {e}"),
    })
}
