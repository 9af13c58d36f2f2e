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
            if format!("{b:.2}") == format!("{a:.2}") {
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
        EventKind::Setback => format!(
            "{} loses ground after {actor}'s premature move harmed a party there: progress \
             {b:.2} → {a:.2}",
            names.table(e.forum)
        ),
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
    let _ = writeln!(
        s,
        "Progress at a table (0–1) builds in monthly talks while parties attend and jumps with \
         well-timed proposals; a premature move sets back the tables where the harmed parties \
         sit, and a table that closes loses its progress. A table without every party gets no \
         further than {:.2}; signing needs {:.2}.\n",
        scenario.forums.partial_table_cap, scenario.forums.signing_progress
    );
    let quiet = quiet_tables(trace);
    let quiet_count = quiet.iter().filter(|&&q| q).count() / 2;
    let mut story = Progress::new(scenario, trace);
    let mut leverage = 0usize;
    let mut next = 0;
    for (t, snap) in trace.snapshots.iter().enumerate() {
        let month = t as u32 + 1;
        // Talks told before the month's first event, so that the story stays in order.
        let this_month = trace.events[next..].iter().take_while(|e| e.month <= month);
        for e in this_month {
            let visible = match e.kind {
                EventKind::Proposal | EventKind::Setback => {
                    two(e.before.unwrap_or(0.0)) != two(e.after.unwrap_or(0.0))
                }
                EventKind::ForumClosed | EventKind::PartyJoined | EventKind::PartySwitched => true,
                _ => false,
            };
            if visible {
                for f in [e.forum, e.from_forum].into_iter().flatten() {
                    story.flush(&mut s, &names, f);
                }
            }
        }
        while let Some(e) = trace.events.get(next).filter(|e| e.month <= month) {
            let k = next;
            next += 1;
            if e.kind == EventKind::LeverageApplied {
                leverage += 1;
                continue;
            }
            if quiet[k] {
                continue;
            }
            if !story.before_event(&mut s, &names, e) {
                continue;
            }
            let _ = writeln!(s, "month {:>3}: {}", e.month, describe(&names, e));
        }
        story.after_month(&mut s, &names, snap);
    }
    // Events after the last snapshot (none in a complete trace).
    for e in &trace.events[next..] {
        let _ = writeln!(s, "month {:>3}: {}", e.month, describe(&names, e));
    }
    story.flush_all(&mut s, &names);
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

/// What the chronicle has told of one table's progress.
#[derive(Clone, Default)]
struct Table {
    open: bool,
    /// Progress now (as far as the chronicle has followed it).
    value: f64,
    /// Progress as last told.
    shown: f64,
    /// Months of talks since it was last told: first and last month with a gain.
    run: Option<(u32, u32)>,
    /// Parties at the table in the last month of the run, and whether that is every party.
    seated: Vec<usize>,
    complete: bool,
    /// The chronicle said the table is at the cap of an incomplete table.
    capped: bool,
}

/// Narrates how progress builds at each table: gains from talks (the progress a month's
/// snapshot shows beyond what events explain) are told as runs of months, before the next
/// event at that table; proposals that change nothing are left out.
struct Progress<'a> {
    scenario: &'a Scenario,
    tables: Vec<Table>,
}

fn two(x: f64) -> String {
    format!("{x:.2}")
}

impl<'a> Progress<'a> {
    fn new(scenario: &'a Scenario, _trace: &Trace) -> Self {
        Self {
            scenario,
            tables: vec![Table::default(); scenario.third_parties.len()],
        }
    }

    /// Handles an event before it is told; false when it should not be told (a proposal that
    /// changed nothing visible).
    fn before_event(&mut self, s: &mut String, names: &Names, e: &Event) -> bool {
        let Some(f) = e.forum.filter(|&f| f < self.tables.len()) else {
            return true;
        };
        let (b, a) = (e.before.unwrap_or(0.0), e.after.unwrap_or(0.0));
        match e.kind {
            EventKind::ForumOpened => {
                self.tables[f] = Table {
                    open: true,
                    ..Table::default()
                };
            }
            EventKind::Proposal => {
                let t = &mut self.tables[f];
                if two(a) == two(b) {
                    t.value = a;
                    return false;
                }
                self.flush(s, names, f);
                let t = &mut self.tables[f];
                t.value = a;
                t.shown = a;
            }
            EventKind::Setback => {
                if two(a) == two(b) {
                    self.tables[f].value = a;
                    return false;
                }
                self.flush(s, names, f);
                let t = &mut self.tables[f];
                t.value = a;
                t.shown = a;
                t.capped = false;
            }
            EventKind::Agreement => {
                // This month's talks came before the signing.
                let t = &mut self.tables[f];
                if b > t.value + 1e-12 {
                    t.run = Some((t.run.map_or(e.month, |r| r.0), e.month));
                    t.value = b;
                }
                self.flush(s, names, f);
                // Signed: the table's work is done, not lost, when it closes.
                self.tables[f] = Table::default();
            }
            EventKind::ForumClosed => {
                self.flush(s, names, f);
                let t = std::mem::take(&mut self.tables[f]);
                if t.open && two(t.value) != two(0.0) {
                    let _ = writeln!(
                        s,
                        "month {:>3}: {} closes; the progress made there ({}) is lost",
                        e.month,
                        names.table(Some(f)),
                        two(t.value)
                    );
                    return false;
                }
            }
            _ => {}
        }
        true
    }

    /// Follows the month's snapshot: progress beyond what the events explain came from talks.
    fn after_month(&mut self, s: &mut String, names: &Names, snap: &crate::model::Snapshot) {
        let np = snap.party_forum.len() as u32;
        let cap = self.scenario.forums.partial_table_cap;
        for f in 0..self.tables.len() {
            let open = snap.forum_open.get(f).copied().unwrap_or(false);
            if !open {
                if self.tables[f].open {
                    self.flush(s, names, f);
                    self.tables[f] = Table::default();
                }
                continue;
            }
            let now = snap.progress.get(f).copied().unwrap_or(0.0);
            let seated: Vec<usize> = (0..np as usize)
                .filter(|&i| snap.party_forum[i] == Some(f))
                .collect();
            if now > self.tables[f].value + 1e-12 {
                // Talks with other parties present are a new chapter.
                if self.tables[f].run.is_some() && self.tables[f].seated != seated {
                    self.flush(s, names, f);
                }
                let t = &mut self.tables[f];
                t.run = Some((t.run.map_or(snap.month, |r| r.0), snap.month));
                t.complete = seated.len() as u32 == np;
                t.seated = seated;
            }
            let t = &mut self.tables[f];
            t.open = true;
            t.value = now;
            // Reaching an incomplete table's cap is worth telling at once.
            if !t.capped && t.run.is_some() && !t.complete && now >= cap - 1e-9 {
                self.flush(s, names, f);
            }
        }
    }

    /// Tells the talks since the table's progress was last told, if they moved it visibly.
    fn flush(&mut self, s: &mut String, names: &Names, f: usize) {
        let cap = self.scenario.forums.partial_table_cap;
        let np = self.scenario.parties.len() as u32;
        let t = &mut self.tables[f];
        let Some((first, last)) = t.run.take() else {
            return;
        };
        if two(t.value) == two(t.shown) {
            return;
        }
        let when = if first == last {
            format!("month {first:>3}")
        } else {
            format!("months {first}–{last}")
        };
        let who = if t.complete {
            if np == 2 {
                "both parties there".to_string()
            } else {
                "every party there".to_string()
            }
        } else {
            let seated: Vec<&str> = t.seated.iter().map(|&i| names.party(Some(i))).collect();
            format!("only {} there", seated.join(" and "))
        };
        let mut line = format!(
            "{when}: talks at {} ({who}) build progress {} → {}",
            names.table(Some(f)),
            two(t.shown),
            two(t.value)
        );
        if !t.complete && t.value >= cap - 1e-9 {
            line.push_str(&format!(
                " — as far as a table without every party can go ({cap:.2})"
            ));
            t.capped = true;
        }
        let _ = writeln!(s, "{line}");
        t.shown = t.value;
    }

    fn flush_all(&mut self, s: &mut String, names: &Names) {
        for f in 0..self.tables.len() {
            self.flush(s, names, f);
        }
    }
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
