//! Scenario files: parsing TOML into a validated [`Scenario`], with errors that name the file,
//! the field path, the value and what is allowed.

mod config;
#[doc(hidden)]
pub mod locate;
#[doc(hidden)]
pub mod suggest;
pub mod sweep;
mod validate;

pub use config::*;
pub use locate::Location;
/// A field path with an actor's position replaced by its name, as validation names it.
pub(crate) use locate::named as named_field;
pub use suggest::{closest, did_you_mean, edit_distance};
pub use sweep::{SweepConfig, SweepDesign, SweepParameter};
pub use validate::{
    BUILT_IN_REGIMES, MAX_MONTHS, MAX_NAME_CHARS, MAX_PARTIES, MAX_PARTY_PAIRS, MAX_REPLICATES,
    MAX_THIRD_PARTIES, MAX_VIOLENCE_BUDGET, MAX_VIOLENCE_SCALE, is_unprintable, printable,
    validate,
};

use std::fmt;
use std::path::Path;

/// The built-in default scenario, embedded in the binary.
pub const BASELINE_TOML: &str = include_str!("../../scenarios/baseline.toml");
/// How the built-in scenario is named in messages and manifests.
pub const BASELINE_SOURCE: &str = "<built-in baseline>";

/// One thing wrong with a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Dotted path of the field, e.g. `trust.build_rate`. Validation names a party or third
    /// party by position (`parties[1].capability`); the problems of a [`ScenarioError`] name it
    /// by its name, as a sweep path does (`parties."Armed Group".capability`), unless the name
    /// is missing, empty, not unique or not printable.
    pub field: String,
    /// What was found (empty when the field is missing).
    pub value: String,
    /// What is allowed.
    pub allowed: String,
    /// Where the value is written in the scenario file (in a [`ScenarioError`] read from a
    /// file or text; `None` when the value is not written there, e.g. a default).
    pub location: Option<Location>,
}

impl Problem {
    /// A problem with no location (yet).
    pub fn new(
        field: impl Into<String>,
        value: impl Into<String>,
        allowed: impl Into<String>,
    ) -> Problem {
        Problem {
            field: field.into(),
            value: value.into(),
            allowed: allowed.into(),
            location: None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "field `{}`: {}", self.field, self.allowed)
        } else {
            write!(
                f,
                "field `{}` = {}: {}",
                self.field, self.value, self.allowed
            )
        }
    }
}

/// A scenario that could not be read or is not valid.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{file}: cannot read the file: {}", read_reason(.file, .source))]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    #[error("{file}: invalid scenario, {}:\n{}", count(.problems), list(.file, .problems))]
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
}

/// Why a scenario file could not be read, in words (the system's message when there are none).
fn read_reason(file: &str, e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => format!(
            "no such file; check the path, or start from the commented template: \
             `peacesim baseline > {file}`"
        ),
        PermissionDenied => "permission denied".to_string(),
        IsADirectory => "it is a folder, not a scenario file".to_string(),
        InvalidData => "it is not UTF-8 text; save it as UTF-8".to_string(),
        _ => e.to_string(),
    }
}

/// Largest scenario file read (16 MiB): room for the largest valid scenario written out in
/// full (10,000 third parties with every field and 200-character names take 6.2 MB).
pub const MAX_SCENARIO_BYTES: u64 = 16 * 1024 * 1024;

/// The text of a scenario file. Only regular files are read (after following symbolic links):
/// a device such as `/dev/zero` would never end and a FIFO would block, so both are refused
/// from their metadata, before opening. The file is opened without blocking and read with a
/// limit, so a file swapped or grown meanwhile cannot hang or exhaust memory either.
fn read_scenario_text(path: &Path) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind, Read};
    let too_large = |bytes: u64| {
        Error::other(format!(
            "it is {bytes} bytes; a scenario file may be at most {MAX_SCENARIO_BYTES} bytes \
             (16 MiB)"
        ))
    };
    let not_regular = || {
        Error::other(
            "it is not a regular file (a device, FIFO or socket); \
             save the scenario as a file and name that",
        )
    };
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(Error::from(ErrorKind::IsADirectory));
    }
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > MAX_SCENARIO_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|_| Error::from(ErrorKind::InvalidData))
}

fn count(problems: &[Problem]) -> String {
    match problems.len() {
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    }
}

/// The problems, numbered, each after `file:line:column:` where its value is written.
fn list(file: &str, problems: &[Problem]) -> String {
    problems
        .iter()
        .enumerate()
        .map(|(i, p)| match p.location {
            Some(at) => format!("  {}. {file}:{}:{}: {p}", i + 1, at.line, at.column),
            None => format!("  {}. {p}", i + 1),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl ScenarioError {
    /// The problems found by validation (empty for read and syntax errors).
    pub fn problems(&self) -> &[Problem] {
        match self {
            Self::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }

    /// The same error without the problems' places in the text: for a text the user did not
    /// write (a scenario made from a Python dict), whose lines would point nowhere they know.
    pub fn without_locations(mut self) -> Self {
        if let Self::Invalid { problems, .. } = &mut self {
            for p in problems.iter_mut() {
                p.location = None;
            }
        }
        self
    }
}

impl Scenario {
    /// The built-in baseline scenario.
    pub fn baseline() -> Scenario {
        Self::from_toml_str(BASELINE_TOML, BASELINE_SOURCE)
            .expect("the embedded baseline scenario is valid (checked by tests)")
    }

    /// Reads and validates a scenario file: a regular file (a symbolic link is followed to
    /// one) of at most [`MAX_SCENARIO_BYTES`].
    pub fn from_file(path: &Path) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let text = read_scenario_text(path).map_err(|source| ScenarioError::Read {
            file: file.clone(),
            source,
        })?;
        Self::from_toml_str(&text, &file)
    }

    /// Parses and validates scenario text; `file` names it in messages.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let scenario = parse(text, file)?;
        let mut problems = problems_of(&scenario);
        locate::place(&mut problems, Some(text), &|list| {
            actor_names(&scenario, list)
        });
        if problems.is_empty() {
            Ok(scenario)
        } else {
            Err(ScenarioError::Invalid {
                file: file.to_string(),
                problems,
            })
        }
    }

    /// Validates a scenario changed in code (for instance by command-line overrides).
    pub fn revalidate(&self, file: &str) -> Result<(), ScenarioError> {
        let mut problems = problems_of(self);
        locate::place(&mut problems, None, &|list| actor_names(self, list));
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ScenarioError::Invalid {
                file: file.to_string(),
                problems,
            })
        }
    }

    /// Total months simulated per run: the negotiation horizon plus the implementation window.
    pub fn total_months(&self) -> usize {
        (self.world.horizon_months + self.world.implementation_months) as usize
    }

    /// Index of the party with this name.
    pub fn party_index(&self, name: &str) -> Option<usize> {
        self.parties.iter().position(|p| p.name == name)
    }

    /// Index of the third party with this name.
    pub fn third_party_index(&self, name: &str) -> Option<usize> {
        self.third_parties.iter().position(|t| t.name == name)
    }

    /// The recognised lead: the named one, or the mediator (else any actor that can convene)
    /// with the highest mandate; ties go to the first listed. Support organisations never lead:
    /// they do not convene tables.
    pub fn lead_index(&self, named: &str) -> usize {
        if let Some(i) = self.third_party_index(named) {
            return i;
        }
        let rank = |i: usize| {
            let t = &self.third_parties[i];
            let mediator = matches!(t.kind, ThirdPartyKind::Mediator) as u8;
            (mediator, t.mandate_level())
        };
        (0..self.third_parties.len())
            .filter(|&i| self.third_parties[i].kind != ThirdPartyKind::SupportOrg)
            .reduce(|best, i| if rank(i) > rank(best) { i } else { best })
            .unwrap_or(0)
    }
}

/// The names of the actors of `list` (`parties` or `third_parties`) in order.
fn actor_names(scenario: &Scenario, list: &str) -> Vec<String> {
    match list {
        "parties" => scenario.parties.iter().map(|p| p.name.clone()).collect(),
        "third_parties" => scenario
            .third_parties
            .iter()
            .map(|t| t.name.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// The validation problems of a scenario, with a "did you mean" for misspelt names.
fn problems_of(scenario: &Scenario) -> Vec<Problem> {
    let mut problems = validate(scenario);
    suggest::annotate(scenario, &mut problems);
    problems
}

/// Parses TOML, naming the field path and line of any mistake, the value found and what is
/// allowed (with the closest known name when a name is misspelt).
fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    let syntax = |message: String| ScenarioError::Syntax {
        file: file.to_string(),
        message,
    };
    let deserializer =
        toml::Deserializer::parse(text).map_err(|e| syntax(describe_toml_error(&e, text, "")))?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let inner = e.into_inner();
        let detail = match real_range(&inner, text, &path) {
            Some(message) => match describe_toml_error(&inner, text, &path).split_once(": ") {
                Some((line, _)) if line.starts_with("line ") => format!("{line}: {message}"),
                _ => message,
            },
            None => describe_toml_error(&inner, text, &path),
        };
        if path.is_empty() {
            syntax(detail)
        } else {
            // A party or third party is named by its name where the file gives one.
            let doc = toml::de::DeTable::parse(text).ok();
            let shown = locate::named(&path, &|list| locate::names_in_text(doc.as_ref(), list));
            syntax(format!("field `{shown}`: {detail}"))
        }
    })
}

/// For a whole number out of its type's range or not whole (`horizon_months = -5`, `= 2.5`):
/// the message with the range validation allows, which is narrower than the type's
/// (`must be from 1 to 6000 months`, not `from 0 to 4294967295`). Found by writing the largest
/// and the smallest number of the type in the value's place and validating: the rule that
/// refuses either states the real range. `None` when no rule is narrower than the type.
fn real_range(e: &toml::de::Error, text: &str, path: &str) -> Option<String> {
    let message = e.message().trim();
    let (head, expected) = message.rsplit_once(", expected ")?;
    // TOML integers are 64-bit signed: the largest u64 cannot be written.
    let probes: &[&str] = match expected {
        "u32" => &["4294967295", "0"],
        "u64" | "usize" => &["9223372036854775807", "0"],
        _ => return None,
    };
    let span = e.span()?;
    if path.is_empty() || span.end > text.len() || !text.is_char_boundary(span.start) {
        return None;
    }
    for probe in probes {
        let probed = format!("{}{probe}{}", &text[..span.start], &text[span.end..]);
        let Ok(scenario) = toml::from_str::<Scenario>(&probed) else {
            continue;
        };
        if let Some(p) = validate(&scenario).into_iter().find(|p| p.field == path) {
            return Some(if head.starts_with("invalid type") {
                format!("{head}, expected a whole number: {}", p.allowed)
            } else {
                format!("{head}: {}", p.allowed)
            });
        }
    }
    None
}

/// The message of a TOML error at `path` with its line (and, for a syntax error, its column),
/// without the echo of the source. A mistake about the whole file (a missing table) has no line.
fn describe_toml_error(e: &toml::de::Error, text: &str, path: &str) -> String {
    let mut message = suggest::improve(e.message().trim(), path);
    let Some(span) = e.span() else {
        return message;
    };
    let start = span.start.min(text.len());
    // A missing field of the file itself points at the whole file: no line says anything.
    let whole_file = start == 0 && (span.end == 0 || span.end >= text.trim_end().len());
    if whole_file && message.starts_with("missing field") {
        return message;
    }
    if message == "duplicate key" {
        let key = text[start..span.end.min(text.len())].trim();
        if !key.is_empty() && !key.contains('\n') {
            message =
                format!("duplicate key `{key}`: each key, and each [table], may appear only once");
        }
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    if path.is_empty() && !message.starts_with("missing field") {
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        format!("line {line}, column {column}: {message}")
    } else {
        format!("line {line}: {message}")
    }
}
