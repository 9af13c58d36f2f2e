//! What the commands do besides the terminal and the output folder, shared by the command line
//! and the Python package (`python/`): both apply overrides, check thread counts and describe a
//! valid scenario with this code, so they accept, refuse and word things alike.

use crate::scenario::{BUILT_IN_REGIMES, RecordLevel, Scenario, printable};

/// Overrides of a scenario's experiment section (`--replicates`, `--seed`, `--regimes`,
/// `--record`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides<'a> {
    pub replicates: Option<u64>,
    pub seed: Option<u64>,
    pub regimes: Option<&'a [String]>,
    pub record: Option<RecordLevel>,
}

/// Applies `overrides` to a scenario read from `source` and validates the result; the error is
/// the message the command line prints after `error: `.
pub fn apply_overrides(
    scenario: &mut Scenario,
    source: &str,
    overrides: Overrides,
) -> Result<(), String> {
    if let Some(n) = overrides.replicates {
        scenario.experiment.replicates = n;
    }
    if let Some(s) = overrides.seed {
        scenario.experiment.seed = s;
    }
    if let Some(level) = overrides.record {
        scenario.experiment.record = level;
    }
    if let Some(list) = overrides.regimes {
        for name in list {
            if !BUILT_IN_REGIMES.contains(&name.as_str()) && !scenario.strategies.contains_key(name)
            {
                return Err(format!(
                    "--regimes: unknown regime {name:?}; known: {}",
                    crate::regime::known_names(scenario).join(", ")
                ));
            }
        }
        scenario.experiment.regimes = list.to_vec();
    }
    scenario
        .revalidate(&format!("{source} with command-line options"))
        .map_err(|e| e.to_string())
}

/// Worker threads to use: `0` means one per core. More than 4 per core (and at least 16
/// allowed on any machine) only costs time and memory, so it is refused.
pub fn resolve_threads(requested: usize) -> Result<usize, String> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let most = max_threads(cores);
    match requested {
        0 => Ok(cores),
        n if n <= most => Ok(n),
        n => Err(format!(
            "--threads {n}: too many; use 0 (one per core) or at most {most} \
             (4 × the {cores} available cores, and never fewer than 16); results are identical \
             for any number of threads"
        )),
    }
}

/// Most worker threads on a machine with `cores` cores: 4 per core, at least 16.
pub fn max_threads(cores: usize) -> usize {
    cores.saturating_mul(4).max(16)
}

/// Columns of a terminal: no line a command prints for a person (but a long path or name) is
/// wider.
pub const TERMINAL_WIDTH: usize = 80;

/// `text` broken at spaces into lines of at most [`TERMINAL_WIDTH`] characters, each ending in a
/// newline; the first line starts with `first`, the others with `indent`. A word longer than a
/// line stays whole.
pub fn wrap(first: &str, text: &str, indent: &str) -> String {
    let width = |t: &str| t.chars().count();
    let mut out = String::new();
    let mut line = String::new();
    let mut prefix = first;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && width(prefix) + width(&line) + 1 + width(word) > TERMINAL_WIDTH {
            out.push_str(prefix);
            out.push_str(&line);
            out.push('\n');
            line.clear();
            prefix = indent;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(prefix);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// What `peacesim check` prints for a valid scenario read from `file`: one line, or more
/// within [`TERMINAL_WIDTH`] columns (without the last newline).
pub fn check_line(file: &str, s: &Scenario) -> String {
    let text = format!(
        "{}: ok — scenario {:?}, {} parties, {} third part{}, regimes {}",
        printable(file),
        s.scenario.name,
        s.parties.len(),
        s.third_parties.len(),
        if s.third_parties.len() == 1 {
            "y"
        } else {
            "ies"
        },
        s.experiment.regimes.join(", ")
    );
    wrap("", &text, "  ").trim_end().to_string()
}
