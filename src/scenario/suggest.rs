//! Friendlier parse errors: "did you mean …?" for misspelt names, plain words for Rust type
//! names, and what a missing field needs.
//!
//! The closest known name is found by edit distance (Damerau–Levenshtein, optimal string
//! alignment: insertions, deletions, substitutions and swaps of two neighbours each cost 1) and
//! suggested only when it is close enough: at most 2 edits, or at most a third of the length of
//! the name typed.

use super::{BASELINE_TOML, BUILT_IN_REGIMES, Problem, Scenario, ThirdPartyKind};
use serde_json::Value;

/// Third-party kinds as written in a scenario.
const KINDS: [&str; 4] = ["mediator", "diplomat", "support_org", "insider"];
/// Sweep designs as written in a scenario.
const DESIGNS: [&str; 3] = ["grid", "lhs", "morris"];

/// Longer names are not a typo of a known one: no suggestion (and no quadratic work).
const MAX_WORD: usize = 100;

/// Edit distance between `a` and `b` (optimal string alignment), counted in characters and
/// ignoring case.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    // Three rows of the dynamic-programming table: i − 2, i − 1 and i.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be what was meant: at most 2 edits
/// or a third of the word's length, and not a complete rewrite. Ties go to the first listed.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = word.chars().count();
    if length > MAX_WORD {
        return None;
    }
    let limit = 2.max(length / 3);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        // The distance is at least the difference in length: skip the hopeless cheaply.
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, c)| d <= limit && d < length.max(1) && d < c.chars().count())
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// `did you mean `name`?` for the closest candidate, if one is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The names between backticks in `text`, in order.
fn quoted(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// Rewrites a serde/TOML message about the value at `path` (e.g. `trust.build_rat`): adds a
/// suggestion to an unknown field or variant, says in plain words what type is expected, and
/// what a missing field takes.
pub fn improve(message: &str, path: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return unknown_field(message, rest, path);
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let names: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, e)| quoted(e))
            .unwrap_or_default();
        let word = quoted(rest).first().copied().unwrap_or("");
        return match did_you_mean(word, names) {
            Some(hint) => format!("{message}; {hint}"),
            None => message.to_string(),
        };
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        let field = field.trim_matches('`');
        return format!("missing field `{field}`: {}", missing_hint(field, path));
    }
    if message == "wanted string or table" {
        return format!("expected {}", enum_hint(path));
    }
    if (message.starts_with("invalid type: ") || message.starts_with("invalid value: "))
        && let Some((head, expected)) = message.rsplit_once(", expected ")
    {
        return format!("{head}, expected {}", plain_type(expected, path));
    }
    message.to_string()
}

/// What a field of this path must hold when serde names a Rust type.
fn plain_type(expected: &str, path: &str) -> String {
    match expected {
        "u64" | "usize" => "a whole number ≥ 0".to_string(),
        "u32" => format!("a whole number from 0 to {}", u32::MAX),
        "f64" | "f32" => "a number".to_string(),
        "a boolean" => "true or false".to_string(),
        "a string" => "text in quotes, e.g. \"…\"".to_string(),
        "a sequence" => "a list in brackets, e.g. [\"…\", \"…\"]".to_string(),
        e if e.starts_with("struct ") || e == "a map" => {
            format!("a table: write it as [{path}] with its fields below it")
        }
        e if e.starts_with("enum ") => enum_hint(path),
        e => e.to_string(),
    }
}

/// What an enum field accepts, by the last name of its path.
fn enum_hint(path: &str) -> String {
    let names: &[&str] = match last_name(path) {
        "kind" => &KINDS,
        "design" => &DESIGNS,
        _ => return "a name in quotes".to_string(),
    };
    format!(
        "a name in quotes, one of {}",
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The last field name of a path: `kind` for `third_parties[2].kind`.
fn last_name(path: &str) -> &str {
    let tail = path.rsplit('.').next().unwrap_or(path);
    tail.split('[').next().unwrap_or(tail)
}

/// What a missing required field needs, by its name and where it is missing.
fn missing_hint(field: &str, path: &str) -> String {
    let at_root = path.is_empty() || path == ".";
    let under = |list: &str| path.starts_with(list) && path[list.len()..].starts_with('[');
    match field {
        "scenario" if at_root => "add a [scenario] table with name = \"…\"".to_string(),
        "parties" if at_root => {
            "add the conflict parties: at least two [[parties]] tables, each with a name"
                .to_string()
        }
        "third_parties" if at_root => format!(
            "add at least one [[third_parties]] table, each with a name and a kind ({})",
            ThirdPartyKind::NAMES
        ),
        "kind" => format!("required; one of {}", ThirdPartyKind::NAMES),
        "name" if path == "scenario" => {
            "required; it names the output folder (letters, digits, `-`, `_`)".to_string()
        }
        "name" if under("parties") || under("third_parties") => {
            "required; every entry needs a unique name".to_string()
        }
        "design" => format!("required; one of {}", DESIGNS.join(", ")),
        "parameters" => "required; add at least one [[sweep.parameters]] table".to_string(),
        "path" => "required; the dotted path of the value to vary, e.g. rotation.posting_months"
            .to_string(),
        _ => "required; it has no default".to_string(),
    }
}

/// An unknown field: the closest name serde lists, or else the same name in another section of
/// the scenario (a key written under the wrong table header).
fn unknown_field(message: &str, rest: &str, path: &str) -> String {
    let word = quoted(rest).first().copied().unwrap_or("");
    let known: Vec<&str> = rest
        .split_once("expected")
        .map(|(_, e)| quoted(e))
        .unwrap_or_default();
    if let Some(hint) = did_you_mean(word, known) {
        return format!("{message}; {hint}");
    }
    let parent = path.rsplit_once('.').map_or("", |(p, _)| p);
    if !parent.is_empty() && is_section(word) {
        return format!(
            "{message}; `{word}` is a table of its own: write [{word}] as a header, with its \
             fields below it"
        );
    }
    match other_section(word, parent) {
        Some((section, key)) => format!("{message}; did you mean `{key}` in [{section}]?"),
        None => message.to_string(),
    }
}

/// Whether `word` names a top-level table of a scenario.
fn is_section(word: &str) -> bool {
    toml::from_str::<toml::Table>(BASELINE_TOML)
        .is_ok_and(|t| t.get(word).is_some_and(toml::Value::is_table))
}

/// The section (other than `parent`) of the baseline scenario that has a field named like
/// `word`, and that field's name.
fn other_section(word: &str, parent: &str) -> Option<(String, String)> {
    let baseline: toml::Table = toml::from_str(BASELINE_TOML).ok()?;
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for (name, value) in &baseline {
        let Some(table) = value.as_table() else {
            continue;
        };
        let fields: Vec<String> = table
            .iter()
            .filter(|(_, v)| !v.is_table())
            .map(|(k, _)| k.clone())
            .collect();
        sections.push((name.clone(), fields));
        for (sub, v) in table {
            if let Some(t) = v.as_table() {
                sections.push((format!("{name}.{sub}"), t.keys().cloned().collect()));
            }
        }
    }
    sections.retain(|(name, _)| name != parent);
    let all = sections
        .iter()
        .flat_map(|(_, fields)| fields.iter().map(String::as_str));
    let key = if sections.iter().any(|(_, f)| f.iter().any(|k| k == word)) {
        word
    } else {
        closest(word, all)?
    };
    let (section, _) = sections.iter().find(|(_, f)| f.iter().any(|k| k == key))?;
    Some((section.clone(), key.to_string()))
}

/// Adds a suggestion to validation problems about a name that is not known: a regime, a lead or
/// facilitator, the party a third party favours, a sweep path. Problems that already carry one
/// are left as they are.
pub fn annotate(s: &Scenario, problems: &mut [Problem]) {
    for p in problems.iter_mut() {
        if p.allowed.contains("did you mean") {
            continue;
        }
        if let Some(hint) = suggestion_for(s, &p.field) {
            p.allowed = format!("{}; {hint}", p.allowed);
        }
    }
}

/// The index in `field` after `prefix[`, e.g. 3 for `third_parties[3].favours`.
fn index_after<'a>(field: &'a str, prefix: &str) -> Option<(usize, &'a str)> {
    let rest = field.strip_prefix(prefix)?.strip_prefix('[')?;
    let (i, tail) = rest.split_once(']')?;
    Some((i.parse().ok()?, tail))
}

/// A suggestion for `name` if it is not one of `known`.
fn unknown_name(name: &str, known: Vec<&str>) -> Option<String> {
    if name.is_empty() || known.contains(&name) {
        None
    } else {
        did_you_mean(name, known)
    }
}

fn suggestion_for(s: &Scenario, field: &str) -> Option<String> {
    let third_party_names = || s.third_parties.iter().map(|t| t.name.as_str()).collect();
    if let Some((i, "")) = index_after(field, "experiment.regimes") {
        let name = s.experiment.regimes.get(i)?;
        let known = BUILT_IN_REGIMES
            .iter()
            .copied()
            .chain(s.strategies.keys().map(String::as_str));
        return unknown_name(name, known.collect());
    }
    if let Some(rest) = field.strip_prefix("strategies.") {
        let (strategy, setting) = rest.split_once('.')?;
        let d = s.strategies.get(strategy)?;
        if setting == "lead" {
            let name = d.lead.as_deref()?;
            let mut known: Vec<&str> = third_party_names();
            known.extend(["highest_mandate", "rotating", "insider"]);
            return unknown_name(name, known);
        }
        if let Some((k, "")) = index_after(setting, "members")
            && let super::Members::Listed(names) = &d.members
        {
            return unknown_name(names.get(k)?, third_party_names());
        }
    }
    if let Some((i, ".favours")) = index_after(field, "third_parties") {
        let name = &s.third_parties.get(i)?.favours;
        return unknown_name(name, s.parties.iter().map(|p| p.name.as_str()).collect());
    }
    if field == "regimes.hierarchical.lead" {
        return unknown_name(&s.regimes.hierarchical.lead, third_party_names());
    }
    if field == "regimes.contact_group.facilitator" {
        return unknown_name(&s.regimes.contact_group.facilitator, third_party_names());
    }
    if let Some((i, ".path")) = index_after(field, "sweep.parameters") {
        let path = &s.sweep.as_ref()?.parameters.get(i)?.path;
        return sweep_path(s, path).map(|p| format!("did you mean `{p}`?"));
    }
    None
}

/// A sweep path with each unknown name replaced by the closest known one; `None` if every name
/// is known or one has no close match.
pub fn sweep_path(s: &Scenario, path: &str) -> Option<String> {
    let segments = super::sweep::split_path(path);
    let json = serde_json::to_value(s).ok()?;
    let keys = |v: &Value| -> Vec<String> {
        v.as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let fix = |word: &str, known: &[String]| -> Option<String> {
        if known.iter().any(|k| k == word) {
            Some(word.to_string())
        } else {
            closest(word, known.iter().map(String::as_str)).map(str::to_string)
        }
    };
    let mut fixed: Vec<String> = Vec::new();
    let mut top = keys(&json);
    top.retain(|k| !matches!(k.as_str(), "scenario" | "experiment" | "sweep"));
    top.push("count".to_string());
    fixed.push(fix(segments.first()?, &top)?);
    match fixed[0].as_str() {
        "count" => {
            let kinds: Vec<String> = KINDS.iter().map(|k| k.to_string()).collect();
            if let Some(kind) = segments.get(1) {
                fixed.push(fix(kind, &kinds)?);
            }
            fixed.extend(segments.iter().skip(2).cloned());
        }
        list @ ("parties" | "third_parties") => {
            let actors = json.get(list)?.as_array()?;
            let mut who: Vec<String> = actors
                .iter()
                .filter_map(|a| a.get("name")?.as_str().map(str::to_string))
                .collect();
            if list == "third_parties" {
                who.extend(KINDS.iter().map(|k| k.to_string()));
                who.extend(KINDS.iter().map(|k| format!("{k}s")));
            }
            if let Some(name) = segments.get(1) {
                fixed.push(fix(name, &who)?);
            }
            if let Some(f) = segments.get(2) {
                let fields = actors.first().map(keys).unwrap_or_default();
                fixed.push(fix(f, &fields)?);
            }
            fixed.extend(segments.iter().skip(3).cloned());
        }
        _ => {
            let mut node = json.get(&fixed[0])?;
            for seg in &segments[1..] {
                let known = keys(node);
                if known.is_empty() {
                    fixed.push(seg.clone());
                    continue;
                }
                let name = fix(seg, &known)?;
                node = node.get(&name)?;
                fixed.push(name);
            }
        }
    }
    if fixed == segments {
        return None;
    }
    Some(
        fixed
            .iter()
            .map(|seg| {
                if seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    seg.clone()
                } else {
                    format!("\"{seg}\"")
                }
            })
            .collect::<Vec<_>>()
            .join("."),
    )
}
