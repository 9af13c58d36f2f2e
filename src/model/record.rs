//! Per-run trajectories (`experiment.record`, `--record monthly|agents`): the state of every
//! month of a run, as CSV rows written into byte buffers while the run goes on. Recording
//! draws no random numbers and changes nothing in the run: outcomes and series are exactly
//! those of an unrecorded run (tested in `tests/unit/model_record.rs`).
//!
//! The rows are formatted where the run is simulated (on a worker thread), so that writing
//! them is a copy of bytes; the callers put the identifying columns (point, regime,
//! replicate) in front through [`Recorder::start`].

use super::{Action, METRICS, Phase, World};
use crate::regime::Plan;
use crate::scenario::{RecordLevel, Scenario};
use std::io::Write;

/// Columns of `trajectories.csv` after the identifying ones and before the parties' columns.
pub const MONTHLY_COLUMNS: [&str; 3] = ["month", "phase", "open_tables"];
/// Columns of each party in `trajectories.csv`, prefixed `party<k>_` (k = 1, 2, … in the
/// order of `[[parties]]`).
pub const PARTY_COLUMNS: [&str; 4] = ["readiness", "pain", "pressure", "table"];
/// Columns of `agents.csv` after the identifying ones.
pub const AGENT_COLUMNS: [&str; 12] = [
    "month",
    "actor",
    "kind",
    "active",
    "action",
    "table",
    "in_role",
    "complied",
    "leverage",
    "knowledge",
    "party_trust",
    "peer_trust",
];

/// The columns of `trajectories.csv` after the identifying ones, for `scenario`'s parties.
pub fn monthly_columns(scenario: &Scenario) -> Vec<String> {
    let mut columns: Vec<String> = MONTHLY_COLUMNS.iter().map(|c| c.to_string()).collect();
    columns.extend(METRICS.iter().map(|m| m.to_string()));
    for k in 1..=scenario.parties.len() {
        columns.extend(PARTY_COLUMNS.iter().map(|c| format!("party{k}_{c}")));
    }
    columns
}

impl Phase {
    /// The phase as written in `trajectories.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Negotiating => "negotiating",
            Self::Implementing { .. } => "implementing",
            Self::Durable => "durable",
            Self::Relapsed => "relapsed",
            Self::Expired => "expired",
        }
    }
}

/// A CSV field as the `csv` crate writes it (quoted only when it must be), so that names with
/// commas or quotes read back the same.
#[doc(hidden)]
pub fn csv_field(text: &str) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Two fields, so that an empty name is not written as a quoted empty record.
    w.write_record([text, ""]).expect("writing to memory");
    let mut bytes = w.into_inner().expect("writing to memory");
    bytes.truncate(bytes.len() - 2);
    bytes
}

/// Collects the rows of one run at a time; reused across runs.
#[derive(Debug, Clone)]
pub struct Recorder {
    level: RecordLevel,
    /// The identifying fields of the current run, each followed by a comma.
    prefix: Vec<u8>,
    /// Third parties' names as CSV fields.
    names: Vec<Vec<u8>>,
    /// `trajectories.csv` rows of the current run.
    pub monthly: Vec<u8>,
    /// `agents.csv` rows of the current run (empty below [`RecordLevel::Agents`]).
    pub agents: Vec<u8>,
}

impl Recorder {
    /// A recorder for runs of `scenario` at `level` (not `Off`).
    pub fn new(level: RecordLevel, scenario: &Scenario) -> Self {
        Self {
            level,
            prefix: Vec::new(),
            names: scenario
                .third_parties
                .iter()
                .map(|t| csv_field(&t.name))
                .collect(),
            monthly: Vec::new(),
            agents: Vec::new(),
        }
    }

    pub fn level(&self) -> RecordLevel {
        self.level
    }

    /// Starts the rows of a new run identified by `fields` (written first on every row).
    pub fn start(&mut self, fields: &[&str]) {
        self.prefix.clear();
        for f in fields {
            self.prefix.extend(csv_field(f));
            self.prefix.push(b',');
        }
        self.monthly.clear();
        self.agents.clear();
    }

    /// Takes the rows recorded so far: (monthly, agents).
    pub fn take(&mut self) -> (Vec<u8>, Vec<u8>) {
        (
            std::mem::take(&mut self.monthly),
            std::mem::take(&mut self.agents),
        )
    }
}

/// Writes a float as every CSV of peacesim does (six decimals); empty when NaN.
fn num(out: &mut Vec<u8>, x: f64) {
    if !x.is_nan() {
        write!(out, "{x:.6}").expect("writing to memory");
    }
}

impl World<'_> {
    /// Appends this month's rows, after the step and `record` (whose values are `metrics`).
    pub(super) fn record_rows(&self, plan: &Plan, metrics: &[f64], rec: &mut Recorder) {
        let month = self.month + 1;
        let out = &mut rec.monthly;
        out.extend_from_slice(&rec.prefix);
        let open = self.forums.iter().filter(|f| f.open).count();
        write!(out, "{month},{},{open}", self.phase.as_str()).expect("writing to memory");
        for (k, &x) in metrics.iter().enumerate() {
            out.push(b',');
            // Flags and counts are whole numbers; the rest as floats.
            match METRICS[k] {
                "agreement" | "relapse" | "parallel_forums" | "defections" => {
                    write!(out, "{}", x as i64).expect("writing to memory")
                }
                _ => num(out, x),
            }
        }
        for p in &self.parties {
            out.push(b',');
            num(out, p.readiness);
            out.push(b',');
            num(out, p.pain);
            out.push(b',');
            num(out, p.pressure);
            out.push(b',');
            if let Some(f) = p.forum {
                out.extend_from_slice(&rec.names[f]);
            }
        }
        out.push(b'\n');
        if rec.level < RecordLevel::Agents {
            return;
        }
        let np = self.parties.len();
        let nt = self.actors.len();
        for (j, a) in self.actors.iter().enumerate() {
            let out = &mut rec.agents;
            out.extend_from_slice(&rec.prefix);
            write!(out, "{month},").expect("writing to memory");
            out.extend_from_slice(&rec.names[j]);
            let active = a.is_active(self.month);
            write!(
                out,
                ",{},{},{},",
                a.kind.as_str(),
                u8::from(active),
                a.action.as_str()
            )
            .expect("writing to memory");
            let table = match a.action {
                Action::Lead | Action::OwnTable => Some(j),
                Action::Back(f) => Some(f),
                Action::Comply => plan.backs[j].or(self.institution),
                Action::Idle | Action::Freelance | Action::Shield => None,
            };
            if let Some(f) = table {
                out.extend_from_slice(&rec.names[f]);
            }
            // A role this month: it complied, or it defected from it.
            let in_role = a.action == Action::Comply || a.defected;
            write!(out, ",{},", u8::from(in_role)).expect("writing to memory");
            if in_role {
                write!(out, "{}", u8::from(a.action == Action::Comply)).expect("writing");
            }
            out.push(b',');
            num(out, a.leverage);
            out.push(b',');
            num(out, a.knowledge_effective);
            out.push(b',');
            let received: f64 =
                (0..np).map(|i| self.party_trust[i * nt + j]).sum::<f64>() / np.max(1) as f64;
            num(out, received);
            out.push(b',');
            num(out, self.actor_trust.mean_in(j));
            out.push(b'\n');
        }
    }
}
