//! The `[sweep]` table of a scenario: which parameters vary, over what, by which design, and
//! how a point's values are written into the scenario (dotted paths).
//!
//! A path names a number in the scenario as the TOML does: `rotation.posting_months`,
//! `world.horizon_months`, `regimes.network.consensus_delay`. Actors are named by name or, for
//! third parties, by kind (then every actor of that kind gets the value):
//! `parties.Government.capability`, `third_parties."State A".leverage`,
//! `third_parties.diplomat.leverage`. `count.<kind>` sets how many third parties of a kind take
//! part: the first ones listed are kept, or the last one is copied as `<name> #2`, `#3`, ….
//!
//! Values are numbers, switches (`true`/`false`: `mechanisms.trust`) or names of levels of an
//! enumerated setting ([`SweepValue`]): a third party's `kind`, whom it `favours` (`"none"`:
//! impartial) and a regime's lead (`regimes.hierarchical.lead`,
//! `regimes.contact_group.facilitator`; `"none"`: the mediator with the highest mandate).

use super::{Problem, Scenario, ThirdPartyConfig, ThirdPartyKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The sweep: design, parameters, replicates and seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepConfig {
    /// grid (every combination), lhs (Latin hypercube), morris (elementary effects) or sobol
    /// (Saltelli design for Sobol' indices).
    pub design: SweepDesign,
    /// lhs: number of points; morris: number of trajectories; sobol: base sample size N
    /// (N·(k + 2) points for k parameters). Not used by grid.
    #[serde(default)]
    pub samples: Option<u64>,
    /// morris: levels of the grid each parameter moves on (even, ≥ 2).
    #[serde(default = "default_levels")]
    pub levels: u32,
    /// Replicates per point and regime [default: experiment.replicates].
    #[serde(default)]
    pub replicates: Option<u64>,
    /// Master seed [default: experiment.seed].
    #[serde(default)]
    pub seed: Option<u64>,
    /// The parameters that vary (at least one).
    pub parameters: Vec<SweepParameter>,
}

fn default_levels() -> u32 {
    4
}

/// How points are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepDesign {
    Grid,
    Lhs,
    Morris,
    Sobol,
}

impl SweepDesign {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Grid => "grid",
            Self::Lhs => "lhs",
            Self::Morris => "morris",
            Self::Sobol => "sobol",
        }
    }
}

/// How an empty name is written as a level: whom a third party favours (impartial) and a
/// regime's lead (the mediator with the highest mandate).
pub const NONE_LEVEL: &str = "none";

/// One value of a swept parameter: a number, a switch (`true`/`false`) or the name of a level
/// of an enumerated setting (a third party's kind, whom it favours, a regime's lead).
#[derive(Debug, Clone, PartialEq)]
pub enum SweepValue {
    Number(f64),
    Switch(bool),
    Level(String),
}

impl SweepValue {
    pub fn number(&self) -> Option<f64> {
        match self {
            Self::Number(x) => Some(*x),
            _ => None,
        }
    }

    /// What sort of value this is, for messages.
    pub fn sort(&self) -> &'static str {
        match self {
            Self::Number(_) => "numbers",
            Self::Switch(_) => "true/false",
            Self::Level(_) => "names",
        }
    }

    /// The value as a message shows it: names quoted.
    pub fn shown(&self) -> String {
        match self {
            Self::Number(x) => format_value(*x),
            Self::Switch(b) => b.to_string(),
            Self::Level(name) => format!("{name:?}"),
        }
    }
}

/// As written in the sweep's CSV files: the number (shortest exact form), `true`/`false`, or the
/// name.
impl fmt::Display for SweepValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(x) => write!(f, "{x}"),
            Self::Switch(b) => write!(f, "{b}"),
            Self::Level(name) => f.write_str(name),
        }
    }
}

impl Serialize for SweepValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(x) => serializer.serialize_f64(*x),
            Self::Switch(b) => serializer.serialize_bool(*b),
            Self::Level(name) => serializer.serialize_str(name),
        }
    }
}

impl<'de> Deserialize<'de> for SweepValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = SweepValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, true or false, or a name in quotes")
            }
            fn visit_bool<E>(self, b: bool) -> Result<SweepValue, E> {
                Ok(SweepValue::Switch(b))
            }
            fn visit_i64<E>(self, x: i64) -> Result<SweepValue, E> {
                Ok(SweepValue::Number(x as f64))
            }
            fn visit_u64<E>(self, x: u64) -> Result<SweepValue, E> {
                Ok(SweepValue::Number(x as f64))
            }
            fn visit_f64<E>(self, x: f64) -> Result<SweepValue, E> {
                Ok(SweepValue::Number(x))
            }
            fn visit_str<E>(self, name: &str) -> Result<SweepValue, E> {
                Ok(SweepValue::Level(name.to_string()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// One varying parameter: a list of values (grid), or a range `[min, max]` (sampled by lhs,
/// morris and sobol; `steps` evenly spaced values for grid). Switches and names are listed as
/// `values` (their levels); every design takes them as discrete levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepParameter {
    /// Dotted path of the value in the scenario.
    pub path: String,
    /// Numbers, or the levels of a switch (`true`, `false`) or of an enumerated setting (names);
    /// all of one sort.
    #[serde(default)]
    pub values: Vec<SweepValue>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// grid only: number of evenly spaced values from min to max (≥ 2).
    #[serde(default)]
    pub steps: Option<u32>,
}

impl SweepParameter {
    /// Whether this parameter takes discrete levels (switches or names) rather than numbers:
    /// its plan values are then level indices `0, 1, …` into `values`.
    pub fn is_categorical(&self) -> bool {
        matches!(
            self.values.first(),
            Some(SweepValue::Switch(_) | SweepValue::Level(_))
        )
    }

    /// The levels of a switch or enumerated setting; empty for a number.
    pub fn levels(&self) -> &[SweepValue] {
        if self.is_categorical() {
            &self.values
        } else {
            &[]
        }
    }

    /// The value a plan value stands for: the level of that index, or the number itself.
    pub fn value_at(&self, x: f64) -> SweepValue {
        level_at(self.levels(), x)
    }

    /// The grid values of this parameter (level indices for switches and names).
    pub fn grid_values(&self) -> Vec<f64> {
        if self.is_categorical() {
            return (0..self.values.len()).map(|i| i as f64).collect();
        }
        if !self.values.is_empty() {
            return self.values.iter().filter_map(SweepValue::number).collect();
        }
        match (self.min, self.max, self.steps) {
            (Some(lo), Some(hi), Some(n)) if n >= 2 => (0..n)
                .map(|k| lo + (hi - lo) * k as f64 / (n - 1) as f64)
                .collect(),
            (Some(lo), _, Some(1)) => vec![lo],
            _ => Vec::new(),
        }
    }

    /// How many grid values this parameter has, without building them.
    pub fn grid_len(&self) -> usize {
        if !self.values.is_empty() {
            return self.values.len();
        }
        match (self.min, self.max, self.steps) {
            (Some(_), Some(_), Some(n)) if n >= 2 => n as usize,
            (Some(_), _, Some(1)) => 1,
            _ => 0,
        }
    }

    /// The range sampled by lhs, morris and sobol (the level indices `0..=levels − 1` for
    /// switches and names).
    pub fn range(&self) -> Option<(f64, f64)> {
        if self.is_categorical() {
            return Some((0.0, (self.values.len() - 1) as f64));
        }
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => Some((lo, hi)),
            _ if !self.values.is_empty() => {
                let numbers = || self.values.iter().filter_map(SweepValue::number);
                let lo = numbers().fold(f64::INFINITY, f64::min);
                let hi = numbers().fold(f64::NEG_INFINITY, f64::max);
                Some((lo, hi))
            }
            _ => None,
        }
    }
}

/// The value plan value `x` stands for under `levels` (empty: a number).
pub fn level_at(levels: &[SweepValue], x: f64) -> SweepValue {
    if levels.is_empty() {
        return SweepValue::Number(x);
    }
    let i = (x.max(0.0) as usize).min(levels.len() - 1);
    levels[i].clone()
}

/// Most runs a sweep may plan (points × regimes × replicates).
pub const MAX_SWEEP_RUNS: u128 = 1_000_000_000;
/// Most points a sweep may plan: the plan (every point's values) is held in memory.
pub const MAX_SWEEP_POINTS: u128 = 1_000_000;
/// Most parameter values a plan may hold (points × parameters; 80 MB of numbers).
pub const MAX_SWEEP_VALUES: u128 = 10_000_000;

/// Writes the number `value` at `path` into a copy of `scenario`, checks the result, and
/// returns it. Errors name the path, the value and what is allowed.
pub fn apply(scenario: &Scenario, path: &str, value: f64) -> Result<Scenario, Problem> {
    apply_value(scenario, path, &SweepValue::Number(value))
}

/// Writes `value` (a number, a switch or a level's name) at `path` into a copy of `scenario`,
/// checks the result, and returns it. Errors name the path, the value and what is allowed
/// (for a name, every allowed name).
pub fn apply_value(
    scenario: &Scenario,
    path: &str,
    value: &SweepValue,
) -> Result<Scenario, Problem> {
    let fail = |allowed: String| Problem::new(path, value.shown(), allowed);
    if let SweepValue::Number(x) = value
        && !x.is_finite()
    {
        return Err(fail("must be a finite number".into()));
    }
    let segments = split_path(path);
    if segments.first().map(String::as_str) == Some("count") {
        let SweepValue::Number(x) = value else {
            return Err(fail(format!(
                "a count takes whole numbers, not {}",
                value.sort()
            )));
        };
        return set_count(scenario, &segments, *x).map_err(fail);
    }
    // A name is checked against the names the setting allows, and `"none"` stands for the
    // empty name, before it is written.
    let stored;
    let value = match value {
        SweepValue::Level(name) => {
            stored = SweepValue::Level(level_name(scenario, &segments, name).map_err(fail)?);
            &stored
        }
        _ => value,
    };
    // A value is written through the JSON form of its own section only (the same result as
    // through the whole scenario's, at a fraction of the cost: every point of a sweep is
    // built this way when it is checked and run).
    let mut changed = scenario.clone();
    let done = match segments[0].as_str() {
        "world" => set_in(&mut changed.world, &segments, value),
        "mechanisms" => set_in(&mut changed.mechanisms, &segments, value),
        "trust" => set_in(&mut changed.trust, &segments, value),
        "leverage" => set_in(&mut changed.leverage, &segments, value),
        "rotation" => set_in(&mut changed.rotation, &segments, value),
        "ripeness" => set_in(&mut changed.ripeness, &segments, value),
        "do_no_harm" => set_in(&mut changed.do_no_harm, &segments, value),
        "forums" => set_in(&mut changed.forums, &segments, value),
        "funding" => set_in(&mut changed.funding, &segments, value),
        "information" => set_in(&mut changed.information, &segments, value),
        "patrons" => set_in(&mut changed.patrons, &segments, value),
        "implementation" => set_in(&mut changed.implementation, &segments, value),
        "regimes" => set_in(&mut changed.regimes, &segments, value),
        "parties" => set_in(&mut changed.parties, &segments, value),
        "third_parties" => set_in(&mut changed.third_parties, &segments, value),
        _ => None,
    };
    if let Some(result) = done {
        return result.map(|()| changed).map_err(fail);
    }
    let mut json = serde_json::to_value(scenario).map_err(|e| fail(e.to_string()))?;
    set_json(&mut json, &segments, value).map_err(fail)?;
    let changed: Scenario = serde_json::from_value(json).map_err(|e| fail(e.to_string()))?;
    Ok(changed)
}

/// Writes `value` at `segments` into `section`, the part of the scenario named by the first
/// segment, through a JSON object holding only that part (so messages read as for the whole
/// scenario). `None` when the section cannot be serialised on its own.
fn set_in<T: Serialize + serde::de::DeserializeOwned>(
    section: &mut T,
    segments: &[String],
    value: &SweepValue,
) -> Option<Result<(), String>> {
    let part = serde_json::to_value(&*section).ok()?;
    let mut json = Value::Object(serde_json::Map::from_iter([(segments[0].clone(), part)]));
    Some(set_json(&mut json, segments, value).and_then(|()| {
        let part = json
            .get_mut(&segments[0])
            .map(Value::take)
            .unwrap_or(Value::Null);
        *section = serde_json::from_value(part).map_err(|e| e.to_string())?;
        Ok(())
    }))
}

/// Whether the setting at `path` takes whole numbers (counts, months); sampled values for it
/// are rounded.
pub fn is_integer(scenario: &Scenario, path: &str) -> bool {
    let segments = split_path(path);
    if segments.first().map(String::as_str) == Some("count") {
        return true;
    }
    let Ok(mut json) = serde_json::to_value(scenario) else {
        return false;
    };
    let target = match segments.first().map(String::as_str) {
        Some(list @ ("parties" | "third_parties")) if segments.len() == 3 => {
            let kind = kind_named(&segments[1]);
            json.get(list)
                .and_then(Value::as_array)
                .and_then(|actors| {
                    actors.iter().find(|a| match kind {
                        Some(k) => a.get("kind").and_then(Value::as_str) == Some(k.as_str()),
                        None => a.get("name").and_then(Value::as_str) == Some(&segments[1]),
                    })
                })
                .and_then(|a| a.get(&segments[2]))
                .cloned()
        }
        _ => walk(&mut json, &segments).ok().map(|v| v.clone()),
    };
    matches!(target, Some(Value::Number(n)) if n.is_u64() || n.is_i64())
}

fn format_value(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Splits a dotted path; a segment may be quoted to hold dots or spaces: `"State A"`.
pub fn split_path(path: &str) -> Vec<String> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in path.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => segments.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    segments.push(current);
    segments
}

fn kind_named(name: &str) -> Option<ThirdPartyKind> {
    match name {
        "mediator" | "mediators" => Some(ThirdPartyKind::Mediator),
        "diplomat" | "diplomats" => Some(ThirdPartyKind::Diplomat),
        "support_org" | "support_orgs" => Some(ThirdPartyKind::SupportOrg),
        "insider" | "insiders" => Some(ThirdPartyKind::Insider),
        _ => None,
    }
}

/// Sets a value inside the scenario's JSON form.
fn set_json(json: &mut Value, segments: &[String], value: &SweepValue) -> Result<(), String> {
    at_path(json, segments, &mut |target| set_value(target, value))
}

/// Whether `path` names a setting of `scenario` that a sweep can vary, whatever its values:
/// `Err` says why not (an unknown name, a section that cannot be swept).
pub fn check_path(scenario: &Scenario, path: &str) -> Result<(), String> {
    let segments = split_path(path);
    if segments.first().map(String::as_str) == Some("count") {
        let [_, kind_name] = segments.as_slice() else {
            return Err("write count.<kind>, e.g. count.mediator".into());
        };
        return kind_named(kind_name).map(|_| ()).ok_or_else(|| {
            format!(
                "unknown kind `{kind_name}`; known: {}",
                ThirdPartyKind::NAMES
            )
        });
    }
    let mut json = serde_json::to_value(scenario).map_err(|e| e.to_string())?;
    at_path(&mut json, &segments, &mut |_| Ok(()))
}

/// Calls `action` on every setting `segments` names in the scenario's JSON form (several for
/// `third_parties.<kind>.<field>`).
fn at_path(
    json: &mut Value,
    segments: &[String],
    action: &mut dyn FnMut(&mut Value) -> Result<(), String>,
) -> Result<(), String> {
    let (head, rest) = segments
        .split_first()
        .ok_or_else(|| "empty path".to_string())?;
    match head.as_str() {
        "parties" | "third_parties" => set_in_actors(json, head, rest, action),
        "experiment" if rest.first().map(String::as_str) == Some("regimes") => {
            Err(REGIMES_NOT_SWEPT.into())
        }
        "scenario" | "experiment" | "sweep" => Err(format!(
            "`{head}` cannot be swept; sweep model parameters such as rotation.posting_months"
        )),
        _ => {
            let target = walk(json, segments)?;
            action(target)
        }
    }
}

/// Why `experiment.regimes` is not a sweep parameter.
pub const REGIMES_NOT_SWEPT: &str = "the set of regimes cannot be swept: every point already runs \
     every regime of experiment.regimes, on the same seeds (paired), and the regime is a column \
     of sweep_runs.csv and sweep_summary.csv. A regime's runs do not depend on which other \
     regimes are listed, so sweeping the set would only repeat rows; list every regime to \
     compare in experiment.regimes";

/// The name to store for level `name` at `segments`, checked against the names the setting
/// allows; `"none"` stands for the empty name where the setting has one.
fn level_name(scenario: &Scenario, segments: &[String], name: &str) -> Result<String, String> {
    let path: Vec<&str> = segments.iter().map(String::as_str).collect();
    let one_of = |allowed: Vec<&str>, none: Option<&str>| -> Result<String, String> {
        let listed = || super::validate::name_list(allowed.iter().copied());
        match none {
            Some(_) if name == NONE_LEVEL => Ok(String::new()),
            _ if allowed.contains(&name) => Ok(name.to_string()),
            Some(meaning) => Err(format!(
                "must be \"{NONE_LEVEL}\" ({meaning}) or one of: {}",
                listed()
            )),
            None => Err(format!("must be one of: {}", listed())),
        }
    };
    match path.as_slice() {
        ["third_parties", _, "kind"] => one_of(ThirdPartyKind::NAMES.split(", ").collect(), None),
        ["third_parties", _, "favours"] => one_of(
            scenario.parties.iter().map(|p| p.name.as_str()).collect(),
            Some("impartial"),
        ),
        // A support organisation cannot convene a table, so it cannot lead one.
        ["regimes", "hierarchical", "lead"] | ["regimes", "contact_group", "facilitator"] => {
            one_of(
                scenario
                    .third_parties
                    .iter()
                    .filter(|t| t.kind != ThirdPartyKind::SupportOrg)
                    .map(|t| t.name.as_str())
                    .collect(),
                Some("the mediator with the highest mandate"),
            )
        }
        ["experiment", "regimes", ..] => Err(REGIMES_NOT_SWEPT.into()),
        ["parties" | "third_parties", _, "name"] => Err(
            "names cannot be swept: paths, pairing and the outputs refer to actors by name".into(),
        ),
        // Any other setting says what it takes (numbers, a switch) when the name is written.
        _ => Ok(name.to_string()),
    }
}

/// Follows object keys down to an existing value.
fn walk<'a>(json: &'a mut Value, segments: &[String]) -> Result<&'a mut Value, String> {
    let mut node = json;
    for (k, seg) in segments.iter().enumerate() {
        let Value::Object(map) = node else {
            return Err(format!("`{}` is not a section", segments[..k].join(".")));
        };
        if !map.contains_key(seg) {
            let known: Vec<&str> = map.keys().map(String::as_str).collect();
            return Err(format!(
                "unknown name `{seg}`; `{}` has: {}",
                if k == 0 {
                    "the scenario".to_string()
                } else {
                    segments[..k].join(".")
                },
                known.join(", ")
            ));
        }
        node = map.get_mut(seg).expect("checked above");
    }
    Ok(node)
}

/// Sets a value of the setting's own sort: a number (kept integral for whole-number settings),
/// a switch or a name.
fn set_value(target: &mut Value, value: &SweepValue) -> Result<(), String> {
    match (value, &*target) {
        (SweepValue::Number(x), _) => set_number(target, *x),
        (SweepValue::Switch(b), Value::Bool(_)) => {
            *target = Value::Bool(*b);
            Ok(())
        }
        (SweepValue::Level(name), Value::String(_)) => {
            *target = Value::String(name.clone());
            Ok(())
        }
        (_, Value::Bool(_)) => Err(format!(
            "this setting is a switch: sweep it with values = [true, false], not {}",
            value.sort()
        )),
        (_, Value::Number(_) | Value::Null) => {
            Err(format!("this setting takes numbers, not {}", value.sort()))
        }
        (_, Value::String(_)) => Err(format!("this setting takes a name, not {}", value.sort())),
        _ => Err(format!("this setting cannot take {}", value.sort())),
    }
}

/// Sets a number, keeping integers integral; refuses non-numeric settings.
fn set_number(target: &mut Value, value: f64) -> Result<(), String> {
    match target {
        Value::Number(n) if n.is_u64() || n.is_i64() => {
            if value.fract() != 0.0 {
                return Err("this setting takes whole numbers".into());
            }
            if value < 0.0 {
                return Err("this setting takes non-negative whole numbers".into());
            }
            *target = Value::from(value as u64);
            Ok(())
        }
        Value::Number(_) | Value::Null => {
            *target = Value::from(value);
            Ok(())
        }
        Value::Bool(_) => Err(
            "this setting is a switch (true/false): sweep it with values = [true, false]".into(),
        ),
        _ => Err("not a number".into()),
    }
}

fn set_in_actors(
    json: &mut Value,
    list: &str,
    rest: &[String],
    action: &mut dyn FnMut(&mut Value) -> Result<(), String>,
) -> Result<(), String> {
    let [who, field] = rest else {
        return Err(format!(
            "write {list}.<name>.<field>{}",
            if list == "third_parties" {
                " or third_parties.<kind>.<field>"
            } else {
                ""
            }
        ));
    };
    let Some(Value::Array(actors)) = json.get_mut(list) else {
        return Err(format!("no {list} in the scenario"));
    };
    let kind = (list == "third_parties").then(|| kind_named(who)).flatten();
    let mut matched = 0;
    for actor in actors.iter_mut() {
        let name = actor.get("name").and_then(Value::as_str).unwrap_or("");
        let actor_kind = actor.get("kind").and_then(Value::as_str).unwrap_or("");
        let hit = match kind {
            Some(k) => actor_kind == k.as_str(),
            None => name == who,
        };
        if !hit {
            continue;
        }
        let Value::Object(map) = actor else { continue };
        let Some(target) = map.get_mut(field.as_str()) else {
            let known: Vec<&str> = map.keys().map(String::as_str).collect();
            return Err(format!(
                "unknown field `{field}`; an entry has: {}",
                known.join(", ")
            ));
        };
        action(target)?;
        matched += 1;
    }
    if matched == 0 {
        return Err(format!("no entry of {list} is named or of kind `{who}`"));
    }
    Ok(())
}

/// `count.<kind>`: keeps the first `n` third parties of a kind, or copies the last one.
fn set_count(scenario: &Scenario, segments: &[String], value: f64) -> Result<Scenario, String> {
    let [_, kind_name] = segments else {
        return Err("write count.<kind>, e.g. count.mediator".into());
    };
    let kind = kind_named(kind_name).ok_or_else(|| {
        format!(
            "unknown kind `{kind_name}`; known: {}",
            ThirdPartyKind::NAMES
        )
    })?;
    if value.fract() != 0.0 || value < 0.0 {
        return Err("a count must be a whole number ≥ 0".into());
    }
    if value > super::MAX_THIRD_PARTIES as f64 {
        return Err(format!(
            "a count must be at most {} (the most third parties a scenario may have)",
            super::MAX_THIRD_PARTIES
        ));
    }
    let n = value as usize;
    let mut s = scenario.clone();
    let of_kind: Vec<usize> = (0..s.third_parties.len())
        .filter(|&j| s.third_parties[j].kind == kind)
        .collect();
    let Some(&last) = of_kind.last() else {
        return Err(format!(
            "the scenario has no {kind_name} to copy; add one to [[third_parties]]"
        ));
    };
    if n < of_kind.len() {
        let drop: Vec<usize> = of_kind[n..].to_vec();
        let mut j = 0;
        s.third_parties.retain(|_| {
            let keep = !drop.contains(&j);
            j += 1;
            keep
        });
    } else {
        let template: ThirdPartyConfig = s.third_parties[last].clone();
        let mut copies = Vec::new();
        for k in of_kind.len()..n {
            let mut t = template.clone();
            t.name = format!("{} #{}", template.name, k - of_kind.len() + 2);
            copies.push(t);
        }
        let at = last + 1;
        s.third_parties.splice(at..at, copies);
    }
    Ok(s)
}
