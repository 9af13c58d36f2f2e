//! The story of one run: `events.csv` and a readable chronicle.

use super::fmt_opt;
use crate::model::{Action, Event, EventKind, Trace};
use crate::scenario::{Scenario, ThirdPartyKind};
use anyhow::Result;
use std::fmt::Write;

/// Header of `events.csv`.
pub const EVENTS_HEADER: [&str; 9] = [
    "month",
    "kind",
    "third_party",
    "party",
    "forum",
    "from_forum",
    "before",
    "after",
    "description",
];

/// Names of the actors an event refers to.
struct Names<'a> {
    scenario: &'a Scenario,
}

impl Names<'_> {
    fn actor(&self, j: Option<usize>) -> &str {
        j.and_then(|j| self.scenario.third_parties.get(j))
            .map_or("", |t| t.name.as_str())
    }

    fn party(&self, i: Option<usize>) -> &str {
        i.and_then(|i| self.scenario.parties.get(i))
            .map_or("", |p| p.name.as_str())
    }

    fn kind(&self, j: Option<usize>) -> Option<ThirdPartyKind> {
        j.and_then(|j| self.scenario.third_parties.get(j))
            .map(|t| t.kind)
    }

    /// A table is named by its convenor.
    fn table(&self, f: Option<usize>) -> String {
        match f {
            Some(_) => format!("{}'s table", self.actor(f)),
            None => String::new(),
        }
    }
}

/// One sentence for an event.
fn describe(names: &Names, e: &Event) -> String {
    let (b, a) = (e.before.unwrap_or(0.0), e.after.unwrap_or(0.0));
    let actor = names.actor(e.actor);
    let party = names.party(e.party);
    match e.kind {
        EventKind::Rotation => {
            let who = match names.kind(e.actor) {
                Some(ThirdPartyKind::Diplomat) => format!("{actor}'s posted diplomat rotates out"),
                Some(ThirdPartyKind::Mediator) => format!("{actor} changes envoy"),
                Some(ThirdPartyKind::SupportOrg) => format!("{actor}'s lead staff member leaves"),
                Some(ThirdPartyKind::Insider) | None => {
                    format!("{actor}'s representative is succeeded")
                }
            };
            if (b - a).abs() < 0.005 {
                format!("{who}; the parties' mean trust in {actor} stays at {a:.2}")
            } else {
                format!(
                    "{who}; the parties' mean trust in {actor} {} from {b:.2} to {a:.2}",
                    if a < b { "falls" } else { "rises" }
                )
            }
        }
        EventKind::FundingEnded => {
            format!("{actor}'s project funding ends without renewal; its team disbands")
        }
        EventKind::FundingRenewed => format!("{actor}'s project funding is renewed"),
        EventKind::FundingRestored => {
            format!("{actor} finds new funding and returns with a new team")
        }
        EventKind::ForumOpened => format!("{actor} opens a table"),
        EventKind::ForumClosed => format!("{} closes", names.table(e.forum)),
        EventKind::PartyJoined => format!("{party} engages at {}", names.table(e.forum)),
        EventKind::PartySwitched if b < 0.005 => format!(
            "{party} leaves {} for {}",
            names.table(e.from_forum),
            names.table(e.forum)
        ),
        EventKind::PartySwitched => format!(
            "{party} leaves {} for {} (escaping pressure: {b:.2} → {a:.2})",
            names.table(e.from_forum),
            names.table(e.forum)
        ),
        EventKind::Proposal => {
            format!("{actor} makes a well-timed proposal; progress at its table {b:.2} → {a:.2}")
        }
        EventKind::DoNoHarmViolation => format!(
            "{actor} makes a premature move; {party}'s trust in {actor} falls from {b:.2} to {a:.2}"
        ),
        EventKind::LeverageApplied => {
            format!("{actor} presses {party} (felt pressure {b:.2} → {a:.2})")
        }
        EventKind::Agreement => format!(
            "the parties sign an agreement at {} (progress {b:.2}; leverage supplied {:.0}% of \
             their hurting)",
            names.table(e.forum),
            100.0 * a
        ),
        EventKind::Relapse => "the agreement collapses and the war resumes".to_string(),
        EventKind::HorizonReached => {
            "the negotiation horizon passes without an agreement".to_string()
        }
        EventKind::BrokeRanks => {
            let what = match e.action {
                Some(Action::OwnTable) => "opens a channel of its own".to_string(),
                Some(Action::Back(_)) => format!("backs {} instead", names.table(e.forum)),
                Some(Action::Shield) => format!("shields {party} from pressure in a side deal"),
                _ if names.kind(e.actor) == Some(ThirdPartyKind::SupportOrg) => {
                    "runs a visible project of its own".to_string()
                }
                _ => "works on its own (its own target, public moves)".to_string(),
            };
            let why = e.motive.map_or("", |m| m.as_str());
            format!("{actor} breaks ranks and {what}: {why} {b:.2}, lead's legitimacy {a:.2}")
        }
        EventKind::Rejoined => format!("{actor} plays its role again"),
        EventKind::DefectionNoticed => {
            format!("peers notice {actor}'s defection; their mean trust in {actor} falls to {a:.2}")
        }
    }
}

/// `events.csv`: one row per event, in order.
pub fn events_csv(scenario: &Scenario, trace: &Trace) -> Result<Vec<u8>> {
    let names = Names { scenario };
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(EVENTS_HEADER)?;
    for e in &trace.events {
        out.write_record([
            e.month.to_string().as_str(),
            e.kind.as_str(),
            names.actor(e.actor),
            names.party(e.party),
            names.actor(e.forum),
            names.actor(e.from_forum),
            &fmt_opt(e.before),
            &fmt_opt(e.after),
            &describe(&names, e),
        ])?;
    }
    Ok(out.into_inner()?)
}

/// The chronicle printed by `peacesim trace`: a header, one line per event except the frequent
/// leverage applications (which `events.csv` lists), and the outcome.
pub fn chronicle(
    scenario: &Scenario,
    regime: &str,
    replicate: u64,
    seed: u64,
    trace: &Trace,
) -> String {
    let names = Names { scenario };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — regime {regime}, replicate {replicate} (seed {seed})",
        scenario.scenario.name
    );
    let _ = writeln!(
        s,
        "parties: {}; third parties: {}\n",
        scenario
            .parties
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        scenario
            .third_parties
            .iter()
            .map(|t| format!("{} ({})", t.name, t.kind.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let quiet = quiet_tables(trace);
    let quiet_count = quiet.iter().filter(|&&q| q).count() / 2;
    let mut leverage = 0usize;
    for (k, e) in trace.events.iter().enumerate() {
        if e.kind == EventKind::LeverageApplied {
            leverage += 1;
            continue;
        }
        if quiet[k] {
            continue;
        }
        let _ = writeln!(s, "month {:>3}: {}", e.month, describe(&names, e));
    }
    let o = &trace.outcome;
    let _ = writeln!(s);
    match (o.agreement_month, o.relapse_month) {
        (Some(a), Some(r)) => {
            let _ = writeln!(
                s,
                "outcome: agreement in month {a}, relapse in month {r} ({} later)",
                plural(r - a, "month")
            );
        }
        (Some(a), None) => {
            let _ = writeln!(
                s,
                "outcome: agreement in month {a}, still holding at the end of the \
                 implementation window"
            );
        }
        _ => {
            let _ = writeln!(s, "outcome: no agreement within the horizon");
        }
    }
    let _ = writeln!(
        s,
        "{} forum switches, {} do-no-harm violations, {} rotations, cumulative violence {:.1}, \
         {} leverage applications (listed in events.csv)",
        o.forum_switches, o.dnh_violations, o.rotations, o.cumulative_violence, leverage
    );
    if quiet_count > 0 {
        let _ = writeln!(
            s,
            "{} not shown: tables that opened and closed without any party (in events.csv)",
            plural(quiet_count as u32, "initiative")
        );
    }
    s
}

/// Marks the opening and closing events of tables no party ever attended: initiatives that
/// came to nothing. The chronicle leaves them out to keep the story readable.
fn quiet_tables(trace: &Trace) -> Vec<bool> {
    let mut quiet = vec![false; trace.events.len()];
    // Per forum: the index of its opening event, and whether a party came.
    let mut open: Vec<(usize, usize, bool)> = Vec::new();
    for (k, e) in trace.events.iter().enumerate() {
        let Some(f) = e.forum else { continue };
        match e.kind {
            EventKind::ForumOpened => open.push((f, k, false)),
            EventKind::PartyJoined | EventKind::PartySwitched => {
                if let Some(entry) = open.iter_mut().rev().find(|x| x.0 == f) {
                    entry.2 = true;
                }
            }
            EventKind::ForumClosed => {
                if let Some(pos) = open.iter().rposition(|x| x.0 == f) {
                    let (_, opened, attended) = open.remove(pos);
                    if !attended {
                        quiet[opened] = true;
                        quiet[k] = true;
                    }
                }
            }
            _ => {}
        }
    }
    quiet
}

fn plural(n: u32, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}
