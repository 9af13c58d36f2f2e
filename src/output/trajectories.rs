//! `trajectories.csv` and `agents.csv`: every run's monthly state, streamed as runs finish
//! (`experiment.record`, `--record monthly|agents`). Columns: `output/README.md`.

use crate::experiment::{ReplicateResult, ReplicateSink};
use crate::model::record::{AGENT_COLUMNS, monthly_columns};
use crate::scenario::{RecordLevel, Scenario};
use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub const TRAJECTORIES: &str = "trajectories.csv";
pub const AGENTS: &str = "agents.csv";

/// The header line of `trajectories.csv` with these identifying columns first.
pub fn trajectories_header(id: &[&str], scenario: &Scenario) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let columns = monthly_columns(scenario);
    w.write_record(id.iter().copied().chain(columns.iter().map(String::as_str)))?;
    Ok(w.into_inner()?)
}

/// The header line of `agents.csv` with these identifying columns first.
pub fn agents_header(id: &[&str]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(id.iter().chain(AGENT_COLUMNS.iter()))?;
    Ok(w.into_inner()?)
}

/// The files a record level writes, by name.
pub fn recorded_files(level: RecordLevel) -> &'static [&'static str] {
    match level {
        RecordLevel::Off => &[],
        RecordLevel::Monthly => &[TRAJECTORIES],
        RecordLevel::Agents => &[TRAJECTORIES, AGENTS],
    }
}

struct Stream {
    out: BufWriter<File>,
    path: PathBuf,
}

impl Stream {
    fn create(path: PathBuf, header: &[u8]) -> Result<Self> {
        let file =
            File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(header)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Self { out, path })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.out
            .write_all(bytes)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }

    fn finish(self) -> Result<()> {
        let path = self.path.display().to_string();
        let file = self
            .out
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write {path}: {}", e.error()))?;
        file.sync_all()
            .with_context(|| format!("cannot write {path}"))
    }
}

/// Streams a run's recorded rows (`peacesim run`): identifying columns regime and replicate.
pub struct TrajectoryWriter {
    monthly: Stream,
    agents: Option<Stream>,
}

impl TrajectoryWriter {
    /// Creates the files of `scenario.experiment.record` in `dir`; `None` when it is off.
    pub fn create(dir: &Path, scenario: &Scenario) -> Result<Option<Self>> {
        let level = scenario.experiment.record;
        if level.is_off() {
            return Ok(None);
        }
        let id = ["regime", "replicate"];
        let monthly = Stream::create(dir.join(TRAJECTORIES), &trajectories_header(&id, scenario)?)?;
        let agents = if level == RecordLevel::Agents {
            Some(Stream::create(dir.join(AGENTS), &agents_header(&id)?)?)
        } else {
            None
        };
        Ok(Some(Self { monthly, agents }))
    }

    /// Flushes and syncs the files.
    pub fn finish(self) -> Result<()> {
        self.monthly.finish()?;
        if let Some(a) = self.agents {
            a.finish()?;
        }
        Ok(())
    }
}

impl ReplicateSink for TrajectoryWriter {
    fn accept(&mut self, rep: &ReplicateResult) -> Result<()> {
        for r in &rep.recorded {
            self.monthly.write(&r.monthly)?;
            if let Some(a) = &mut self.agents {
                a.write(&r.agents)?;
            }
        }
        Ok(())
    }
}
