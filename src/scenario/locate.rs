//! Where a field is in a scenario file, and how messages name it.
//!
//! Validation works on the parsed scenario and names fields by position
//! (`third_parties[0].initial_trust`). For a message, a field of a party or third party is
//! named by the actor's name instead, as a sweep path writes it
//! (`third_parties."UN Envoy".initial_trust`), and the line and column of its value are looked
//! up in the file's text.

use super::Problem;
use toml::de::{DeTable, DeValue};

/// Line and column (both from 1; the column counts characters) of a value in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One step of a field path: a key, or an index into a list.
#[derive(Debug, PartialEq)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The steps of a positional field path such as `third_parties[0].no_contact[1]`; `None` for
/// a path this module does not read (quoted segments).
fn steps(field: &str) -> Option<Vec<Step<'_>>> {
    if field.contains('"') {
        return None;
    }
    let mut out = Vec::new();
    for segment in field.split('.') {
        let (key, mut rest) = match segment.find('[') {
            Some(at) => segment.split_at(at),
            None => (segment, ""),
        };
        if key.is_empty() {
            return None;
        }
        out.push(Step::Key(key));
        while let Some(inner) = rest.strip_prefix('[') {
            let (index, tail) = inner.split_once(']')?;
            out.push(Step::Index(index.parse().ok()?));
            rest = tail;
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

/// The line and column where the value of `field` is written in `text`, if it is written there
/// (a field left at its default, or a whole table, has none).
pub fn locate(text: &str, field: &str) -> Option<Location> {
    let doc = DeTable::parse(text).ok()?;
    locate_in(&doc, text, field)
}

fn locate_in(doc: &toml::Spanned<DeTable<'_>>, text: &str, field: &str) -> Option<Location> {
    let steps = steps(field)?;
    let (first, rest) = steps.split_first()?;
    let Step::Key(key) = first else { return None };
    let mut node = doc.get_ref().get(*key)?;
    for step in rest {
        node = match step {
            Step::Key(k) => node.get_ref().get(*k)?,
            Step::Index(i) => node.get_ref().get(*i)?,
        };
    }
    // A table, or a list of tables, is not a value written at one place.
    match node.get_ref() {
        DeValue::Table(_) => return None,
        DeValue::Array(a) if a.iter().any(|v| v.get_ref().is_table()) => return None,
        _ => {}
    }
    Some(location_of(text, node.span().start))
}

/// Line and column of byte `offset` of `text`.
pub fn location_of(text: &str, offset: usize) -> Location {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    Location {
        line: before.matches('\n').count() + 1,
        column: before.rsplit('\n').next().unwrap_or("").chars().count() + 1,
    }
}

/// Whether `name` can stand for an actor in a path: not empty, printable, without quotes, and
/// the only one of its list with that name.
fn usable_name(name: &str, all: &[&str]) -> bool {
    !name.trim().is_empty()
        && !name.contains('"')
        && !name.chars().any(super::is_unprintable)
        && all.iter().filter(|n| **n == name).count() == 1
}

/// `field` with the index of a party or third party replaced by its name, as a sweep path
/// writes it: `third_parties[2].bias` → `third_parties."State A".bias`. `names(list)` gives the
/// names of `parties` or `third_parties` in order. A position whose name is missing, empty,
/// shared by two actors or not printable stays a position.
pub fn named(field: &str, names: &dyn Fn(&str) -> Vec<String>) -> String {
    for list in ["third_parties", "parties"] {
        let Some(rest) = field.strip_prefix(list).and_then(|r| r.strip_prefix('[')) else {
            continue;
        };
        let Some((index, tail)) = rest.split_once(']') else {
            continue;
        };
        let Ok(i) = index.parse::<usize>() else {
            continue;
        };
        let all = names(list);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        return match all.get(i) {
            Some(name) if usable_name(name, &all) => format!("{list}.\"{name}\"{tail}"),
            _ => field.to_string(),
        };
    }
    field.to_string()
}

/// The names of the actors of `list` (`parties` or `third_parties`) as written in `text`.
pub fn names_in_text(doc: Option<&toml::Spanned<DeTable<'_>>>, list: &str) -> Vec<String> {
    let Some(DeValue::Array(actors)) = doc.and_then(|d| d.get_ref().get(list)).map(|v| v.get_ref())
    else {
        return Vec::new();
    };
    actors
        .iter()
        .map(|a| {
            a.get_ref()
                .get("name")
                .and_then(|n| n.get_ref().as_str())
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// Gives every problem of a file its location in `text` (when the value is written there) and
/// names actors by name (`names` as for [`named`]).
pub fn place(problems: &mut [Problem], text: Option<&str>, names: &dyn Fn(&str) -> Vec<String>) {
    let doc = text.and_then(|t| DeTable::parse(t).ok());
    for p in problems.iter_mut() {
        if let (Some(doc), Some(text)) = (&doc, text) {
            p.location = locate_in(doc, text, &p.field);
        }
        p.field = named(&p.field, names);
    }
}
