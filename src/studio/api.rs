//! The studio's routes: the page's three embedded files and a small JSON API. Every request
//! gets an answer from [`handle`], never a panic: malformed JSON, unknown fields and paths,
//! wrong methods, invalid scenarios and out-of-bounds counts are 4xx answers with a message.

use super::params::{self, SettingError};
use super::{MAX_BODY_BYTES, MAX_REPLICATES, MAX_TRACE_VALUES, MAX_WORK, Shipped};
use crate::experiment::{self, Design, Results};
use crate::model::record::{Recorder, monthly_columns};
use crate::model::{METRICS, RunOutcome, random::run_seed, simulate_recorded, simulate_traced};
use crate::output::chronicle;
use crate::regime::{self, Regime};
use crate::scenario::{Problem, RecordLevel, Scenario, ScenarioError, printable};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

const INDEX_HTML: &str = include_str!("assets/index.html");
const STUDIO_CSS: &str = include_str!("assets/studio.css");
const STUDIO_JS: &str = include_str!("assets/studio.js");

/// An answer: status, content type, body and any further headers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn json(status: u16, value: &Value) -> Self {
        Self {
            status,
            content_type: "application/json; charset=utf-8",
            body: serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec()),
            headers: Vec::new(),
        }
    }

    /// A 4xx or 5xx answer: `{"error": message}` plus any details.
    pub fn error(status: u16, message: &str, details: Value) -> Self {
        let mut body = json!({ "error": message });
        if let (Value::Object(map), Value::Object(more)) = (&mut body, details) {
            map.extend(more);
        }
        Self::json(status, &body)
    }

    fn text(content_type: &'static str, text: &str) -> Self {
        Self {
            status: 200,
            content_type,
            body: text.as_bytes().to_vec(),
            headers: Vec::new(),
        }
    }
}

/// What the server knows besides the request: the scenarios it offers.
pub struct State {
    pub scenarios: Vec<Shipped>,
    /// The scenario the page opens with.
    pub initial: String,
}

/// A request to the API. Every POST takes the scenario text and the changed settings; the
/// other fields belong to some routes only and are ignored by the rest.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiRequest {
    /// Scenario text (TOML), as in a scenario file.
    toml: String,
    /// How messages name the scenario (a file name); `scenario.toml` if absent.
    #[serde(default)]
    source: Option<String>,
    /// Changed settings: field path → value (see `params`).
    #[serde(default)]
    set: BTreeMap<String, Value>,
    /// The two regimes to compare (trace, replicates).
    #[serde(default)]
    regimes: Option<Vec<String>>,
    /// Replicate to trace.
    #[serde(default)]
    replicate: Option<u64>,
    /// Paired replicates to run.
    #[serde(default)]
    replicates: Option<u64>,
}

/// Answers one request. `path` may carry a query string, which is ignored.
pub fn handle(method: &str, path: &str, body: &[u8], state: &State) -> Reply {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let get = |reply: fn(&State) -> Reply| {
        if method == "GET" || method == "HEAD" {
            reply(state)
        } else {
            method_not_allowed("GET")
        }
    };
    match path {
        "/" | "/index.html" => get(|_| Reply::text("text/html; charset=utf-8", INDEX_HTML)),
        "/studio.css" => get(|_| Reply::text("text/css; charset=utf-8", STUDIO_CSS)),
        "/studio.js" => get(|_| Reply::text("text/javascript; charset=utf-8", STUDIO_JS)),
        "/api/scenarios" => get(scenarios),
        "/api/describe" | "/api/trace" | "/api/replicates" | "/api/export" => {
            if method != "POST" {
                return method_not_allowed("POST");
            }
            let request: ApiRequest = match serde_json::from_slice(body) {
                Ok(r) => r,
                Err(e) => {
                    return Reply::error(
                        400,
                        &format!("the request body is not the JSON this route takes: {e}"),
                        json!({}),
                    );
                }
            };
            let result = match path {
                "/api/describe" => describe(&request),
                "/api/trace" => trace(&request),
                "/api/replicates" => replicates(&request),
                _ => export(&request),
            };
            result.unwrap_or_else(|reply| reply)
        }
        _ => Reply::error(
            404,
            &format!("no such page: {}", printable(path)),
            json!({}),
        ),
    }
}

fn method_not_allowed(allowed: &'static str) -> Reply {
    let mut reply = Reply::error(
        405,
        &format!("method not allowed here; use {allowed}"),
        json!({}),
    );
    reply.headers.push(("Allow", allowed.to_string()));
    reply
}

fn scenarios(state: &State) -> Reply {
    let list: Vec<Value> = state
        .scenarios
        .iter()
        .map(|s| json!({ "id": s.id, "label": s.label, "source": s.source, "toml": s.toml }))
        .collect();
    Reply::json(
        200,
        &json!({
            "scenarios": list,
            "initial": state.initial,
            "version": env!("CARGO_PKG_VERSION"),
            "limits": {
                "body_bytes": MAX_BODY_BYTES,
                "replicates": MAX_REPLICATES,
            },
        }),
    )
}

/// The first line number a message names (`line 12` or `line 12, column 3`).
fn line_of(message: &str) -> Option<u64> {
    let at = message.find("line ")?;
    let digits: String = message[at + 5..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn problems_json(problems: &[Problem]) -> Vec<Value> {
    problems
        .iter()
        .map(|p| {
            json!({ "field": p.field, "value": p.value, "allowed": p.allowed, "message": p.to_string() })
        })
        .collect()
}

/// A scenario that `peacesim check` would refuse: its message (the one `check` prints after
/// `error: `), the problems by field and the line it names.
fn invalid(e: &ScenarioError) -> Reply {
    let message = e.to_string();
    Reply::error(
        422,
        "invalid scenario",
        json!({
            "message": message,
            "problems": problems_json(e.problems()),
            "line": line_of(&message),
        }),
    )
}

fn setting_error(e: &SettingError) -> Reply {
    Reply::error(
        422,
        "invalid setting",
        json!({
            "message": e.message,
            "problems": [{ "field": e.field, "message": e.message }],
        }),
    )
}

/// The scenario of a request: its text read and validated as `peacesim check` reads a file,
/// then the page's settings applied and validated again.
fn scenario_of(request: &ApiRequest) -> Result<(Scenario, String), Reply> {
    let source = request
        .source
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| printable(&s.chars().take(200).collect::<String>()).into_owned())
        .unwrap_or_else(|| "scenario.toml".to_string());
    let scenario = Scenario::from_toml_str(&request.toml, &source).map_err(|e| invalid(&e))?;
    if request.set.is_empty() {
        return Ok((scenario, source));
    }
    let changed = params::apply(&scenario, &request.set).map_err(|e| setting_error(&e))?;
    let described = format!("{source} with the studio's settings");
    changed.revalidate(&described).map_err(|e| invalid(&e))?;
    Ok((changed, described))
}

/// A regime and the name the request gave it.
type Named = (String, Arc<dyn Regime>);

/// The regimes a request names (two by default: the scenario's first two, or competitive and
/// hierarchical).
fn regimes_of(request: &ApiRequest, scenario: &Scenario) -> Result<Vec<Named>, Reply> {
    let names = match &request.regimes {
        Some(names) => names.clone(),
        None => default_pair(scenario),
    };
    if names.is_empty() || names.len() > 4 {
        return Err(Reply::error(
            422,
            &format!(
                "regimes: name one to four regimes (got {}); the page compares two",
                names.len()
            ),
            json!({ "field": "regimes" }),
        ));
    }
    names
        .into_iter()
        .map(|name| match regime::by_name(&name, scenario) {
            Some(r) => Ok((name, r)),
            None => Err(Reply::error(
                422,
                &format!(
                    "regimes: unknown regime {:?}; known: {}",
                    printable(&name),
                    regime::known_names(scenario).join(", ")
                ),
                json!({ "field": "regimes" }),
            )),
        })
        .collect()
}

fn default_pair(scenario: &Scenario) -> Vec<String> {
    let listed = &scenario.experiment.regimes;
    if listed.len() >= 2 {
        listed[..2].to_vec()
    } else {
        vec!["competitive".into(), "hierarchical".into()]
    }
}

fn describe(request: &ApiRequest) -> Result<Reply, Reply> {
    let (scenario, source) = scenario_of(request)?;
    Ok(Reply::json(
        200,
        &json!({
            "check": crate::commands::check_line(&source, &scenario),
            "name": scenario.scenario.name,
            "description": scenario.scenario.description,
            "params": params::describe(&scenario),
            "regimes": regime::known_names(&scenario),
            "pair": default_pair(&scenario),
            "replicates": scenario.experiment.replicates,
            "seed": scenario.experiment.seed,
            "months": scenario.total_months(),
            "horizon": scenario.world.horizon_months,
            "parties": scenario.parties.iter().map(|p| &p.name).collect::<Vec<_>>(),
            "third_parties": scenario.third_parties.iter()
                .map(|t| json!({ "name": t.name, "kind": t.kind.as_str() }))
                .collect::<Vec<_>>(),
        }),
    ))
}

/// Rounds for the page (four decimals); NaN becomes null.
fn r4(x: f64) -> Value {
    if x.is_finite() {
        Value::from((x * 1e4).round() / 1e4)
    } else {
        Value::Null
    }
}

fn outcome_json(o: &RunOutcome) -> Value {
    json!({
        "agreement_month": o.agreement_month,
        "relapse_month": o.relapse_month,
        "cumulative_violence": r4(o.cumulative_violence),
        "forum_switches": o.forum_switches,
        "dnh_violations": o.dnh_violations,
        "rotations": o.rotations,
        "defections": o.defections,
        "compliance": o.compliance.map(r4),
        "max_parallel_forums": o.max_parallel_forums,
    })
}

/// The per-party pressure of every month, from the recorded `trajectories.csv` rows.
fn pressures(scenario: &Scenario, rows: &[u8]) -> Vec<Vec<f64>> {
    let mut header = vec!["regime".to_string(), "replicate".to_string()];
    header.extend(monthly_columns(scenario));
    let columns: Vec<usize> = (1..=scenario.parties.len())
        .filter_map(|k| {
            header
                .iter()
                .position(|c| *c == format!("party{k}_pressure"))
        })
        .collect();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(rows)
        .records()
        .filter_map(Result::ok)
        .map(|record| {
            columns
                .iter()
                .map(|&c| record.get(c).and_then(|v| v.parse().ok()).unwrap_or(0.0))
                .collect()
        })
        .collect()
}

fn trace(request: &ApiRequest) -> Result<Reply, Reply> {
    let (scenario, _) = scenario_of(request)?;
    let regimes = regimes_of(request, &scenario)?;
    let replicate = request.replicate.unwrap_or(0);
    if replicate >= MAX_REPLICATES_TRACEABLE {
        return Err(Reply::error(
            422,
            &format!(
                "replicate {replicate}: out of range; the studio traces replicates 0 to {}",
                MAX_REPLICATES_TRACEABLE - 1
            ),
            json!({ "field": "replicate" }),
        ));
    }
    let months = scenario.total_months();
    let (np, nt) = (scenario.parties.len(), scenario.third_parties.len());
    let values = months
        .saturating_mul(np * nt + 2 * nt + 3 * np)
        .saturating_mul(regimes.len());
    if values > MAX_TRACE_VALUES {
        return Err(Reply::error(
            422,
            &format!(
                "the scenario is too large to animate in the studio ({months} months × {np} \
                 parties × {nt} third parties); run `peacesim trace` on it instead"
            ),
            json!({}),
        ));
    }
    let seed = run_seed(scenario.experiment.seed, replicate);
    let mut runs = Vec::new();
    for (name, regime) in &regimes {
        let mut series = vec![0.0; months * METRICS.len()];
        let traced = simulate_traced(&scenario, regime.as_ref(), seed, &mut series);
        // The same run recorded, for the parties' pressure (recording draws nothing).
        let mut recorder = Recorder::new(RecordLevel::Monthly, &scenario);
        recorder.start(&[name, &replicate.to_string()]);
        let mut again = vec![0.0; months * METRICS.len()];
        simulate_recorded(&scenario, regime.as_ref(), seed, &mut again, &mut recorder);
        let pressure = pressures(&scenario, &recorder.monthly);
        let metric = |name: &str| METRICS.iter().position(|m| *m == name).unwrap_or(0);
        let column = |k: usize| -> Vec<Value> {
            (0..months)
                .map(|t| r4(series[t * METRICS.len() + k]))
                .collect()
        };
        let frames: Vec<Value> = traced
            .snapshots
            .iter()
            .enumerate()
            .map(|(t, s)| {
                json!({
                    "month": s.month,
                    "phase": s.phase.as_str(),
                    "open": s.forum_open,
                    "progress": s.progress.iter().map(|&x| r4(x)).collect::<Vec<_>>(),
                    "table": s.party_forum,
                    "trust": s.party_trust.iter().map(|&x| r4(x)).collect::<Vec<_>>(),
                    "readiness": s.readiness.iter().map(|&x| r4(x)).collect::<Vec<_>>(),
                    "pressure": pressure.get(t).map(|p| p.iter().map(|&x| r4(x)).collect::<Vec<_>>()),
                })
            })
            .collect();
        let mean_pressure: Vec<Value> = (0..months)
            .map(|t| {
                let p = pressure.get(t).map(Vec::as_slice).unwrap_or(&[]);
                r4(p.iter().sum::<f64>() / p.len().max(1) as f64)
            })
            .collect();
        let open_tables: Vec<usize> = traced
            .snapshots
            .iter()
            .map(|s| s.forum_open.iter().filter(|&&o| o).count())
            .collect();
        let story = chronicle(&scenario, name, replicate, seed, &traced);
        let mut lines = Vec::new();
        let mut ending = Vec::new();
        for line in story.lines() {
            if let Some(rest) = line.strip_prefix("month ")
                && let Some((month, text)) = rest.split_once(':')
                && let Ok(month) = month.trim().parse::<u32>()
            {
                lines.push(json!({ "month": month, "text": text.trim() }));
            } else if !lines.is_empty() && !line.trim().is_empty() {
                ending.push(line.to_string());
            }
        }
        runs.push(json!({
            "regime": name,
            "outcome": outcome_json(&traced.outcome),
            "frames": frames,
            "series": {
                "readiness": column(metric("mutual_readiness")),
                "pressure": mean_pressure,
                "violence": column(metric("violence")),
                "open_tables": open_tables,
                "progress": column(metric("progress")),
                "trust": column(metric("trust_party_third")),
            },
            "chronicle": lines,
            "ending": ending,
        }));
    }
    Ok(Reply::json(
        200,
        &json!({
            "replicate": replicate,
            // Seeds as text: JavaScript numbers hold integers exactly only up to 2^53.
            "master_seed": scenario.experiment.seed.to_string(),
            "seed": seed.to_string(),
            "months": months,
            "horizon": scenario.world.horizon_months,
            "parties": scenario.parties.iter().map(|p| &p.name).collect::<Vec<_>>(),
            "third_parties": scenario.third_parties.iter()
                .map(|t| json!({ "name": t.name, "kind": t.kind.as_str() }))
                .collect::<Vec<_>>(),
            "runs": runs,
        }),
    ))
}

/// Replicates the studio can trace: those `peacesim run` can run.
const MAX_REPLICATES_TRACEABLE: u64 = crate::scenario::MAX_REPLICATES;

fn interval(bounds: Option<(f64, f64)>) -> Value {
    match bounds {
        Some((lo, hi)) => json!([r4(lo), r4(hi)]),
        None => Value::Null,
    }
}

fn replicates(request: &ApiRequest) -> Result<Reply, Reply> {
    let (mut scenario, _) = scenario_of(request)?;
    let regimes = regimes_of(request, &scenario)?;
    let n = request.replicates.unwrap_or(scenario.experiment.replicates);
    if n == 0 || n > MAX_REPLICATES {
        return Err(Reply::error(
            422,
            &format!(
                "replicates {n}: out of range; the studio runs 1 to {MAX_REPLICATES} paired \
                 replicates (use `peacesim run --replicates` for more)"
            ),
            json!({ "field": "replicates" }),
        ));
    }
    let size = scenario.total_months() * (scenario.parties.len() + scenario.third_parties.len());
    let work = (n as usize)
        .saturating_mul(regimes.len())
        .saturating_mul(size);
    if work > MAX_WORK {
        return Err(Reply::error(
            422,
            &format!(
                "replicates {n}: too much work for the studio with this scenario ({} months, \
                 {} actors); run fewer, or use `peacesim run`",
                scenario.total_months(),
                scenario.parties.len() + scenario.third_parties.len()
            ),
            json!({ "field": "replicates" }),
        ));
    }
    // Only the statistics are kept: nothing is recorded.
    scenario.experiment.record = RecordLevel::Off;
    let design = Design {
        replicates: n,
        seed: scenario.experiment.seed,
        threads: 0,
        regimes: regimes.iter().map(|(_, r)| r.clone()).collect(),
    };
    let started = Instant::now();
    let results = experiment::run(&scenario, &design, &mut (), &mut |_| {})
        .map_err(|e| Reply::error(500, &format!("the runs failed: {e:#}"), json!({})))?;
    let elapsed = started.elapsed().as_secs_f64();
    Ok(Reply::json(
        200,
        &json!({
            "replicates": n,
            "seed": scenario.experiment.seed.to_string(),
            "elapsed_ms": (elapsed * 1e4).round() / 10.0,
            "regimes": regime_summaries(&results),
            "difference": difference(&results),
        }),
    ))
}

fn regime_summaries(results: &Results) -> Vec<Value> {
    let k = |name| Results::outcome_index(name).unwrap_or(0);
    results
        .regime_names
        .iter()
        .enumerate()
        .map(|(r, name)| {
            let s = &results.summary[r];
            let agreement = &s[k("agreement")].values;
            let relapse = &s[k("relapse_given_agreement")].values;
            let violence = &s[k("cumulative_violence")].values;
            let month = &s[k("agreement_month")].values;
            json!({
                "name": name,
                "agreement": { "rate": agreement.mean().map(r4), "ci95": interval(agreement.wilson95()), "n": agreement.n },
                "relapse_given_agreement": { "rate": relapse.mean().map(r4), "ci95": interval(relapse.wilson95()), "n": relapse.n },
                "agreement_month": { "mean": month.mean().map(r4), "ci95": interval(month.ci95()) },
                "cumulative_violence": { "mean": violence.mean().map(r4), "ci95": interval(violence.ci95()) },
            })
        })
        .collect()
}

/// The paired difference in agreement of the second regime from the first (percentage points
/// as a fraction), with its 95% interval.
fn difference(results: &Results) -> Value {
    if results.regime_names.len() != 2 {
        return Value::Null;
    }
    let k = Results::outcome_index("agreement").unwrap_or(0);
    // Differences are kept from the reference regime; turn them into second − first.
    let (summary, sign) = if results.reference == 0 {
        (&results.summary[1][k].difference, 1.0)
    } else {
        (&results.summary[0][k].difference, -1.0)
    };
    let ci = summary
        .ci95()
        .map(|(lo, hi)| if sign > 0.0 { (lo, hi) } else { (-hi, -lo) });
    json!({
        "of": format!("{} − {}", results.regime_names[1], results.regime_names[0]),
        "mean": summary.mean().map(|m| r4(sign * m)),
        "ci95": interval(ci),
    })
}

fn export(request: &ApiRequest) -> Result<Reply, Reply> {
    let (scenario, source) = scenario_of(request)?;
    let body = toml::to_string(&scenario)
        .map_err(|e| Reply::error(500, &format!("cannot write the scenario: {e}"), json!({})))?;
    let text = format!(
        "# Exported from `peacesim studio` (peacesim {}): {}.\n\
         # `peacesim run FILE` runs it; replicate K is replicate K of the studio.\n\n{body}",
        env!("CARGO_PKG_VERSION"),
        printable(&source).replace('\n', " "),
    );
    let file: String = scenario
        .scenario
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let file = if file.is_empty() {
        "scenario".to_string()
    } else {
        file
    };
    let mut reply = Reply::text("application/toml; charset=utf-8", &text);
    reply.headers.push((
        "Content-Disposition",
        format!("attachment; filename=\"{file}.toml\""),
    ));
    Ok(reply)
}
