//! Range and consistency checks on a parsed scenario. Every rule names the field path, the
//! value found and what is allowed.

use super::{Members, Problem, Scenario, Structure, ThirdPartyKind};
use std::collections::HashSet;

/// Names of the regimes built into peacesim, in the order they are documented.
pub const BUILT_IN_REGIMES: [&str; 4] = ["competitive", "hierarchical", "network", "contact_group"];

/// Most replicates one `run` accepts: results are streamed, so this bounds run time, not memory.
pub const MAX_REPLICATES: u64 = 100_000_000;
/// Most months per run (horizon + implementation): bounds the per-run time-series buffer.
pub const MAX_MONTHS: u32 = 6_000;
/// Most conflict parties and third parties (state grows with parties × third parties).
pub const MAX_PARTIES: usize = 1_000;
pub const MAX_THIRD_PARTIES: usize = 10_000;
/// Most parties × third parties: a run holds three numbers per pair (20 MB per worker thread at
/// this bound).
pub const MAX_PARTY_PAIRS: usize = 1_000_000;
/// Largest `world.violence_scale`.
pub const MAX_VIOLENCE_SCALE: f64 = 1e6;
/// Largest violence a run may add up before noise and spikes: `violence_scale` × the sum of the
/// parties' `violence` × total months. With noise (at most e^26 for `violence_noise` ≤ 3) and
/// spikes (× 2) every output, and its square summed over 10^8 replicates, stays below 10^100,
/// far from the largest finite number (about 10^308).
pub const MAX_VIOLENCE_BUDGET: f64 = 1e12;

/// Most sweep parameters whose corners validation checks (2^12 = 4,096 scenarios); a sweep
/// with more has its points checked one by one.
const MAX_CORNER_PARAMETERS: usize = 12;
/// Most corners (combinations of the numbers' ends and the categorical levels) validation
/// checks; a sweep with more has its points checked one by one.
const MAX_CORNERS: usize = 1 << MAX_CORNER_PARAMETERS;

/// Longest name of a party or third party, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Whether a character would act on a terminal or hide text instead of showing itself: control
/// characters (C0, DEL, C1: escape sequences, newlines, carriage returns) and invisible
/// formatting characters (zero-width characters, bidirectional overrides and isolates, line and
/// paragraph separators, byte-order mark).
pub fn is_unprintable(ch: char) -> bool {
    ch.is_control()
        || matches!(
            ch,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// Text safe to print on a terminal: every unprintable character except the newline is
/// shown as an escape (`\u{1b}`), so a value from a file can neither move the cursor, clear
/// the screen, nor forge a line.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|ch| ch != '\n' && is_unprintable(ch)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        if ch != '\n' && is_unprintable(ch) {
            out.extend(ch.escape_unicode());
        } else {
            out.push(ch);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A field's name for a message: a string, or a closure that builds it only when a check fails
/// (validation runs for every point of a sweep; most checks pass).
trait FieldName {
    fn field_name(self) -> String;
}

impl FieldName for &str {
    fn field_name(self) -> String {
        self.to_string()
    }
}

impl<F: FnOnce() -> String> FieldName for F {
    fn field_name(self) -> String {
        self()
    }
}

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn fail(&mut self, field: impl Into<String>, value: impl ToString, allowed: impl Into<String>) {
        self.problems
            .push(Problem::new(field, value.to_string(), allowed));
    }

    fn range(&mut self, field: impl FieldName, value: f64, lo: f64, hi: f64) {
        if !value.is_finite() || value < lo || value > hi {
            // Huge or tiny numbers are shown in scientific notation, not as 157 digits.
            let shown = if value != 0.0 && !(1e-6..1e15).contains(&value.abs()) {
                format!("{value:e}")
            } else {
                value.to_string()
            };
            let field = field.field_name();
            self.fail(field, shown, format!("must be a number from {lo} to {hi}"));
        }
    }

    fn unit(&mut self, field: impl FieldName, value: f64) {
        self.range(field, value, 0.0, 1.0);
    }

    /// A name is data: printed in tables, the chronicle and messages, so it may not hold
    /// characters that act on a terminal, and has a bounded length. Returns whether it is fine.
    fn name(&mut self, field: impl FieldName, name: &str) -> bool {
        if let Some(ch) = name.chars().find(|&ch| is_unprintable(ch)) {
            self.fail(
                field.field_name(),
                format!("{name:?}"),
                format!(
                    "must not hold control or invisible formatting characters (found U+{:04X}); \
                     names are printed in tables, the chronicle and messages",
                    ch as u32
                ),
            );
            false
        } else if name.chars().count() > MAX_NAME_CHARS {
            self.fail(
                field.field_name(),
                format!("{} characters", name.chars().count()),
                format!("a name may have at most {MAX_NAME_CHARS} characters"),
            );
            false
        } else {
            true
        }
    }
}

/// All problems of a scenario; empty when it is valid.
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    check_meta(&mut c, s);
    check_experiment(&mut c, s);
    check_world(&mut c, s);
    check_mechanism_parameters(&mut c, s);
    check_parties(&mut c, s);
    check_third_parties(&mut c, s);
    check_regime_parameters(&mut c, s);
    check_strategies(&mut c, s);
    check_strategy(&mut c, s);
    if c.problems.is_empty() {
        check_derived(&mut c, s);
    }
    if c.problems.is_empty() {
        check_sweep(&mut c, s);
    }
    c.problems
}

/// Rules on quantities derived from several fields, judged once every field is in range.
fn check_derived(c: &mut Checker, s: &Scenario) {
    let pairs = s.parties.len() * s.third_parties.len();
    if pairs > MAX_PARTY_PAIRS {
        c.fail(
            "third_parties",
            format!(
                "{} parties × {} third parties = {pairs} pairs",
                s.parties.len(),
                s.third_parties.len()
            ),
            format!(
                "parties × third parties may be at most {MAX_PARTY_PAIRS} (a run keeps trust \
                 for every pair); use fewer parties or third parties"
            ),
        );
    }
    let w = &s.world;
    let propensity: f64 = s.parties.iter().map(|p| p.violence).sum();
    let months = f64::from(w.horizon_months) + f64::from(w.implementation_months);
    let budget = w.violence_scale * propensity * months;
    if !budget.is_finite() || budget > MAX_VIOLENCE_BUDGET {
        c.fail(
            "world.violence_scale",
            w.violence_scale,
            format!(
                "violence_scale × the parties' summed violence ({propensity}) × total months \
                 ({months}) is {budget:e}; it must be at most {MAX_VIOLENCE_BUDGET:e}, so that \
                 every output stays a finite number"
            ),
        );
    }
}

/// Points a sweep design produces, if its settings are complete.
pub fn sweep_points(sweep: &super::SweepConfig) -> Option<u128> {
    use super::SweepDesign::*;
    let k = sweep.parameters.len() as u128;
    match sweep.design {
        Grid => sweep
            .parameters
            .iter()
            .map(|p| p.grid_len() as u128)
            .try_fold(1u128, |acc, n| acc.checked_mul(n)),
        Lhs => sweep.samples.map(u128::from),
        Morris => sweep.samples.map(|r| u128::from(r) * (k + 1)),
        Sobol => sweep.samples.map(|n| u128::from(n) * (k + 2)),
    }
}

fn check_sweep(c: &mut Checker, s: &Scenario) {
    use super::SweepDesign::*;
    let Some(sweep) = &s.sweep else { return };
    if sweep.parameters.is_empty() {
        c.fail(
            "sweep.parameters",
            "[]",
            "list at least one [[sweep.parameters]]",
        );
        return;
    }
    if let Some(0) = sweep.replicates {
        c.fail("sweep.replicates", 0, "must be at least 1");
    }
    match (sweep.design, sweep.samples) {
        (Lhs, None | Some(0)) => c.fail(
            "sweep.samples",
            sweep.samples.unwrap_or(0),
            "lhs needs samples ≥ 1 (the number of points)",
        ),
        (Morris, None | Some(0) | Some(1)) => c.fail(
            "sweep.samples",
            sweep.samples.unwrap_or(0),
            "morris needs samples ≥ 2 (the number of trajectories)",
        ),
        (Sobol, n) => check_sobol(c, n.unwrap_or(0), sweep.parameters.len()),
        _ => {}
    }
    if sweep.design == Morris && (sweep.levels < 2 || sweep.levels % 2 != 0) {
        c.fail(
            "sweep.levels",
            sweep.levels,
            "morris needs an even number of levels ≥ 2",
        );
    }
    if !c.problems.is_empty() || !check_sweep_size(c, s, sweep) {
        return;
    }
    // Points are checked as plain scenarios: the sweep table itself is not part of a point.
    let mut base = s.clone();
    base.sweep = None;
    let mut paths = HashSet::new();
    for (i, p) in sweep.parameters.iter().enumerate() {
        let at = |f: &str| format!("sweep.parameters[{i}].{f}");
        // The same setting may be spelt with or without quotes: compare the segments.
        if !paths.insert(super::sweep::split_path(&p.path)) {
            c.fail(
                at("path"),
                format!("{:?}", p.path),
                "each path may be swept once",
            );
        }
        // A path that names no setting is wrong whatever the values.
        if let Err(why) = super::sweep::check_path(&base, &p.path) {
            c.fail(at("path"), format!("{:?}", p.path), why);
            continue;
        }
        // Never build more values than a sweep may have points (an incomplete grid skips the
        // size check above).
        if sweep.design == Grid && p.grid_len() as u128 > super::sweep::MAX_SWEEP_POINTS {
            c.fail(
                at("steps"),
                p.grid_len(),
                format!(
                    "a grid parameter may have at most {} values",
                    super::sweep::MAX_SWEEP_POINTS
                ),
            );
            continue;
        }
        if !check_sweep_levels(c, sweep, p, &at) {
            continue;
        }
        let values = match sweep.design {
            _ if p.is_categorical() => p.grid_values(),
            Grid => p.grid_values(),
            Lhs | Morris | Sobol => match p.range() {
                Some((lo, hi)) => vec![lo, hi],
                None => Vec::new(),
            },
        };
        if let (Some(lo), Some(hi)) = (p.min, p.max)
            && !(lo.is_finite() && hi.is_finite() && lo < hi)
        {
            c.fail(
                at("min"),
                format!("{lo} to {hi}"),
                "the range is empty: min must be below max",
            );
            continue;
        }
        if values.is_empty() {
            let need = match sweep.design {
                Grid => "values = [..] or min, max and steps ≥ 2",
                Lhs | Morris | Sobol => "min and max (or values, whose extremes are used)",
            };
            c.fail(
                at("values"),
                "none",
                format!("{} needs {need}", sweep.design.as_str()),
            );
            continue;
        }
        for v in values {
            let value = p.value_at(v);
            let why = match super::sweep::apply_value(&base, &p.path, &value) {
                Err(problem) => Some(format!("{}: {}", problem.value, problem.allowed)),
                Ok(t) => validate(&t)
                    .first()
                    .map(|first| format!("{} makes the scenario invalid: {first}", value.shown())),
            };
            if let Some(why) = why {
                // The field that holds the value: the list, or the end of the range.
                let field = if !p.values.is_empty() {
                    "values"
                } else if p.min == Some(v) {
                    "min"
                } else if p.max == Some(v) {
                    "max"
                } else {
                    "steps"
                };
                c.fail(at(field), "", format!("{} = {why}", p.path));
                break;
            }
        }
    }
    // Values valid one by one can be invalid together (a posting jitter above the posting, an
    // entry month beyond the horizon, counts that add up to too many actors). Every rule is
    // monotone in each field (a range, an order between two fields, a bound on a sum or a
    // product), so over the box that holds a design's points — each parameter between its
    // smallest and largest value — a rule fails somewhere only if it fails at a corner. The
    // corners are checked: a grid's points and lhs and morris draws all lie in the box. This is
    // the check `peacesim sweep` relies on (it runs no other), so `check` refuses exactly what
    // `sweep` refuses. (With one parameter the loop above has checked both ends already.)
    let k = sweep.parameters.len();
    if !c.problems.is_empty() || k < 2 {
        return;
    }
    // A categorical parameter (a switch, names) has no order: every one of its levels is a
    // "corner", so the corners are every combination of the numbers' ends and the levels.
    let ends: Vec<Vec<f64>> = sweep
        .parameters
        .iter()
        .map(|p| {
            if p.is_categorical() {
                return p.grid_values();
            }
            let (lo, hi) = match sweep.design {
                Grid => p
                    .grid_values()
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                        (lo.min(v), hi.max(v))
                    }),
                Lhs | Morris | Sobol => p.range().unwrap_or((0.0, 0.0)),
            };
            vec![lo, hi]
        })
        .collect();
    let corners = ends
        .iter()
        .try_fold(1usize, |n, e| n.checked_mul(e.len()))
        .filter(|&n| n <= MAX_CORNERS);
    let Some(corners) = corners.filter(|_| k <= MAX_CORNER_PARAMETERS) else {
        // The corners would cost more than the points: check the points themselves.
        let plan = crate::experiment::design::SweepPlan::new(s, sweep);
        if let Err(problem) = plan.check_points(s) {
            c.fail(
                "sweep",
                "a point of the design",
                format!("makes the scenario invalid: {problem}"),
            );
        }
        return;
    };
    for corner in 0..corners {
        // Mixed-radix digits of `corner`, the first parameter varying fastest.
        let mut rest = corner;
        let values: Vec<f64> = ends
            .iter()
            .map(|e| {
                let v = e[rest % e.len()];
                rest /= e.len();
                v
            })
            .collect();
        let point = || {
            sweep
                .parameters
                .iter()
                .zip(&values)
                .map(|(p, &v)| format!("{} = {}", p.path, p.value_at(v).shown()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut t = base.clone();
        let mut problem = None;
        for (p, &v) in sweep.parameters.iter().zip(&values) {
            match super::sweep::apply_value(&t, &p.path, &p.value_at(v)) {
                Ok(next) => t = next,
                Err(e) => {
                    problem = Some(e);
                    break;
                }
            }
        }
        let problem = problem.or_else(|| validate(&t).into_iter().next());
        if let Some(problem) = problem {
            c.fail(
                "sweep",
                "a point of the design",
                format!(
                    "makes the scenario invalid: {problem} (at the sweep point {})",
                    point()
                ),
            );
            return;
        }
    }
}

/// The base sample size `n` and parameter count `k` of a Sobol' design (see
/// `experiment::sobol`): `n` is a power of two within the sequence's length, since a Sobol'
/// sequence is balanced only over 2^m points, and `k` fits its dimensions (A and B take `k`
/// each).
fn check_sobol(c: &mut Checker, n: u64, k: usize) {
    use crate::experiment::sobol::{MAX_BASE_SAMPLES, MAX_PARAMETERS, MIN_BASE_SAMPLES};
    if !(MIN_BASE_SAMPLES..=MAX_BASE_SAMPLES).contains(&n) || !n.is_power_of_two() {
        c.fail(
            "sweep.samples",
            n,
            format!(
                "sobol needs samples = N, the base sample size, a power of two from \
                 {MIN_BASE_SAMPLES} to {MAX_BASE_SAMPLES} (a Sobol' sequence is balanced only \
                 over 2^m points; e.g. {}); the sweep has N·(k + 2) = {} points for its {k} \
                 parameters",
                n.clamp(MIN_BASE_SAMPLES, MAX_BASE_SAMPLES)
                    .next_power_of_two()
                    .min(MAX_BASE_SAMPLES),
                u128::from(n) * (k as u128 + 2)
            ),
        );
    }
    if k > MAX_PARAMETERS {
        c.fail(
            "sweep.parameters",
            k,
            format!(
                "sobol takes at most {MAX_PARAMETERS} parameters (the Sobol' sequence's 256 \
                 dimensions hold the two samples A and B of k columns each)"
            ),
        );
    }
}

/// The rules of a parameter's switches and names: all values of one sort, no range, each level
/// once, and at least two levels for morris to move between. Returns whether they hold.
fn check_sweep_levels(
    c: &mut Checker,
    sweep: &super::SweepConfig,
    p: &super::SweepParameter,
    at: &dyn Fn(&str) -> String,
) -> bool {
    let Some(first) = p.values.first() else {
        return true;
    };
    let shown = || {
        let values: Vec<String> = p.values.iter().map(|v| v.shown()).collect();
        format!("[{}]", values.join(", "))
    };
    if let Some(other) = p.values.iter().find(|v| v.sort() != first.sort()) {
        c.fail(
            at("values"),
            shown(),
            format!(
                "mixes {} and {}: a parameter's values must all be numbers, all true/false or \
                 all names",
                first.sort(),
                other.sort()
            ),
        );
        return false;
    }
    if !p.is_categorical() {
        return true;
    }
    let with_range = [("min", p.min.is_some()), ("max", p.max.is_some())]
        .into_iter()
        .chain(std::iter::once(("steps", p.steps.is_some())))
        .find(|(_, set)| *set);
    if let Some((key, _)) = with_range {
        c.fail(
            at(key),
            shown(),
            format!(
                "min, max and steps apply to numbers; a parameter of {} lists its levels in \
                 values only",
                first.sort()
            ),
        );
        return false;
    }
    for (i, v) in p.values.iter().enumerate() {
        if p.values[..i].contains(v) {
            c.fail(
                at("values"),
                shown(),
                format!("lists {} twice; list each level once", v.shown()),
            );
            return false;
        }
    }
    if sweep.design == super::SweepDesign::Morris && p.values.len() < 2 {
        c.fail(
            at("values"),
            shown(),
            "morris moves every parameter from one level to another: list at least two levels",
        );
        return false;
    }
    true
}

/// The size of a sweep, checked before any value is applied (so a huge design is refused at
/// once, without building it). Returns whether the size is acceptable.
fn check_sweep_size(c: &mut Checker, s: &Scenario, sweep: &super::SweepConfig) -> bool {
    let before = c.problems.len();
    // A grid whose size does not even fit in 128 bits is too large.
    let points = sweep_points(sweep).unwrap_or(u128::MAX);
    if points == 0 {
        // Incomplete settings (no values, no samples): the per-parameter checks say which.
        return true;
    }
    if points > super::sweep::MAX_SWEEP_POINTS {
        c.fail(
            "sweep",
            if points == u128::MAX {
                "more points than can be counted".to_string()
            } else {
                format!("{points} points")
            },
            format!(
                "a sweep may have at most {} points (each is held in memory); use fewer values \
                 or samples, and more replicates per point",
                super::sweep::MAX_SWEEP_POINTS
            ),
        );
        return false;
    }
    let values = points.saturating_mul(sweep.parameters.len() as u128);
    if values > super::sweep::MAX_SWEEP_VALUES {
        c.fail(
            "sweep",
            format!("{points} points × {} parameters", sweep.parameters.len()),
            format!(
                "a sweep's plan may hold at most {} parameter values (points × parameters); \
                 use fewer samples or parameters",
                super::sweep::MAX_SWEEP_VALUES
            ),
        );
        return false;
    }
    let replicates = sweep.replicates.unwrap_or(s.experiment.replicates) as u128;
    let runs = points
        .saturating_mul(replicates)
        .saturating_mul(s.experiment.regimes.len() as u128);
    if runs > super::sweep::MAX_SWEEP_RUNS {
        c.fail(
            "sweep",
            format!(
                "{points} points × {replicates} replicates × {} regimes = {runs} runs",
                s.experiment.regimes.len()
            ),
            format!(
                "a sweep must plan from 1 to {} runs; use fewer values, samples or replicates",
                super::sweep::MAX_SWEEP_RUNS
            ),
        );
    }
    c.problems.len() == before
}

fn check_meta(c: &mut Checker, s: &Scenario) {
    let name = &s.scenario.name;
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
    if !ok {
        c.fail(
            "scenario.name",
            format!("{name:?}"),
            "must be 1–64 characters of letters, digits, `-` or `_` (it names the output folder)",
        );
    }
}

fn check_experiment(c: &mut Checker, s: &Scenario) {
    let e = &s.experiment;
    if e.replicates == 0 || e.replicates > MAX_REPLICATES {
        c.fail(
            "experiment.replicates",
            e.replicates,
            format!("must be from 1 to {MAX_REPLICATES}"),
        );
    }
    if e.regimes.is_empty() {
        c.fail(
            "experiment.regimes",
            "[]",
            format!("must list at least one of: {}", BUILT_IN_REGIMES.join(", ")),
        );
    }
    let mut seen = HashSet::new();
    for (i, r) in e.regimes.iter().enumerate() {
        if !BUILT_IN_REGIMES.contains(&r.as_str()) && !s.strategies.contains_key(r) {
            let known = BUILT_IN_REGIMES
                .iter()
                .copied()
                .chain(s.strategies.keys().map(String::as_str));
            c.fail(
                format!("experiment.regimes[{i}]"),
                format!("{r:?}"),
                format!(
                    "unknown regime; known: {}",
                    known.collect::<Vec<_>>().join(", ")
                ),
            );
        } else if !seen.insert(r.as_str()) {
            c.fail(
                format!("experiment.regimes[{i}]"),
                format!("{r:?}"),
                "listed twice; list each regime once",
            );
        }
    }
}

fn check_world(c: &mut Checker, s: &Scenario) {
    let w = &s.world;
    if w.horizon_months == 0 || w.horizon_months > MAX_MONTHS {
        c.fail(
            "world.horizon_months",
            w.horizon_months,
            format!("must be from 1 to {MAX_MONTHS} months"),
        );
    }
    // A horizon out of range is the root cause: the sum is only judged with a valid horizon.
    let horizon_ok = (1..=MAX_MONTHS).contains(&w.horizon_months);
    if w.implementation_months > MAX_MONTHS
        || (horizon_ok && w.horizon_months + w.implementation_months > MAX_MONTHS)
    {
        c.fail(
            "world.implementation_months",
            w.implementation_months,
            format!("horizon_months + implementation_months must not exceed {MAX_MONTHS}"),
        );
    }
    c.range(
        "world.violence_scale",
        w.violence_scale,
        0.0,
        MAX_VIOLENCE_SCALE,
    );
    c.range("world.violence_noise", w.violence_noise, 0.0, 3.0);
    c.range("world.capability_drift", w.capability_drift, 0.0, 0.5);
    c.unit("world.capability_reversion", w.capability_reversion);
    c.unit("world.talks_calm", w.talks_calm);
    c.unit("world.residual_violence", w.residual_violence);
    c.range("world.initial_jitter", w.initial_jitter, 0.0, 0.5);
}

fn check_mechanism_parameters(c: &mut Checker, s: &Scenario) {
    let t = &s.trust;
    c.unit("trust.build_rate", t.build_rate);
    c.range("trust.break_build_ratio", t.break_build_ratio, 0.0, 100.0);
    c.range("trust.rivalry_rate", t.rivalry_rate, 0.0, 100.0);
    c.unit(
        "trust.initial_among_third_parties",
        t.initial_among_third_parties,
    );
    c.unit("trust.bias_penalty", t.bias_penalty);

    let l = &s.leverage;
    c.range("leverage.capacity_scale", l.capacity_scale, 0.0, 100.0);
    c.unit("leverage.regen_rate", l.regen_rate);
    c.unit("leverage.spend_rate", l.spend_rate);
    c.unit("leverage.pressure_decay", l.pressure_decay);
    c.range("leverage.effect", l.effect, 0.0, 100.0);
    c.range("leverage.dilution", l.dilution, 0.0, 100.0);
    c.unit("leverage.contradiction", l.contradiction);
    c.range("leverage.pressed_threshold", l.pressed_threshold, 0.0, 1e6);

    let r = &s.rotation;
    c.range("rotation.posting_months", r.posting_months, 1.0, 600.0);
    c.range(
        "rotation.posting_jitter_months",
        r.posting_jitter_months,
        0.0,
        600.0,
    );
    if r.posting_jitter_months >= r.posting_months {
        c.fail(
            "rotation.posting_jitter_months",
            r.posting_jitter_months,
            format!(
                "must be smaller than rotation.posting_months ({})",
                r.posting_months
            ),
        );
    }
    c.range(
        "rotation.envoy_tenure_months",
        r.envoy_tenure_months,
        1.0,
        1e6,
    );
    c.range(
        "rotation.support_staff_tenure_months",
        r.support_staff_tenure_months,
        1.0,
        1e6,
    );
    c.range(
        "rotation.insider_tenure_months",
        r.insider_tenure_months,
        1.0,
        1e6,
    );
    c.unit("rotation.institutional_memory", r.institutional_memory);
    c.unit("rotation.handover_bonus", r.handover_bonus);
    c.range("rotation.learning_months", r.learning_months, 0.01, 1e6);
    c.unit("rotation.arrival_effectiveness", r.arrival_effectiveness);
    c.unit("rotation.departure_dip", r.departure_dip);
    c.range("rotation.departure_months", r.departure_months, 0.0, 1e6);
    c.unit("rotation.knowledge_baseline", r.knowledge_baseline);
    c.unit("rotation.knowledge_gain", r.knowledge_gain);

    let p = &s.ripeness;
    c.unit("ripeness.pain_threshold", p.pain_threshold);
    c.range("ripeness.pain_width", p.pain_width, 0.001, 100.0);
    c.unit("ripeness.win_threshold", p.win_threshold);
    c.range("ripeness.win_width", p.win_width, 0.001, 100.0);
    c.range("ripeness.win_slope", p.win_slope, 0.0, 100.0);
    c.range("ripeness.optimism_sd", p.optimism_sd, 0.0, 10.0);
    c.range("ripeness.pain_rate", p.pain_rate, 0.0, 1.0);
    c.unit("ripeness.pain_recovery", p.pain_recovery);
    c.unit("ripeness.off_level", p.off_level);

    let d = &s.do_no_harm;
    c.unit("do_no_harm.move_rate", d.move_rate);
    c.unit("do_no_harm.timing_threshold", d.timing_threshold);
    c.range("do_no_harm.misjudgement_sd", d.misjudgement_sd, 0.0, 10.0);
    c.range("do_no_harm.severity", d.severity, 0.0, 100.0);
    c.unit("do_no_harm.violence_spike", d.violence_spike);
    c.unit("do_no_harm.progress_setback", d.progress_setback);
    c.unit("do_no_harm.good_move_progress", d.good_move_progress);

    let f = &s.forums;
    c.unit("forums.progress_rate", f.progress_rate);
    c.unit("forums.partial_table_factor", f.partial_table_factor);
    c.unit("forums.partial_table_cap", f.partial_table_cap);
    c.unit("forums.initiative_rate", f.initiative_rate);
    c.unit("forums.engage_trust", f.engage_trust);
    c.unit("forums.shop_margin", f.shop_margin);
    c.unit("forums.shop_rate", f.shop_rate);
    c.unit("forums.convergence_pull", f.convergence_pull);
    c.unit("forums.consider_rate", f.consider_rate);
    c.unit("forums.shop_escape", f.shop_escape);
    c.unit("forums.agreement_rate", f.agreement_rate);
    c.unit("forums.signing_progress", f.signing_progress);
    c.range("forums.accept_base", f.accept_base, -50.0, 50.0);
    c.range("forums.accept_readiness", f.accept_readiness, 0.0, 50.0);
    c.range("forums.accept_trust", f.accept_trust, 0.0, 50.0);

    let g = &s.funding;
    if g.cycle_months == 0 {
        c.fail("funding.cycle_months", 0, "must be at least 1 month");
    }
    c.unit("funding.renewal_probability", g.renewal_probability);
    c.unit("funding.refunding_hazard", g.refunding_hazard);
    c.range("funding.support_strength", g.support_strength, 0.0, 10.0);

    let i = &s.information;
    c.unit("information.sharing_rate", i.sharing_rate);
    c.unit("information.overview_weight", i.overview_weight);
    c.unit("information.analysis_boost", i.analysis_boost);
    if i.contacts == 0 {
        c.fail("information.contacts", 0, "must be at least 1");
    }

    let pa = &s.patrons;
    c.unit("patrons.surge_hazard", pa.surge_hazard);
    c.unit("patrons.surge_size", pa.surge_size);
    c.unit("patrons.decay", pa.decay);
    c.range("patrons.capability_weight", pa.capability_weight, 0.0, 10.0);
    c.unit("patrons.pain_absorption", pa.pain_absorption);
    c.range(
        "patrons.acceptance_penalty",
        pa.acceptance_penalty,
        0.0,
        50.0,
    );

    let m = &s.implementation;
    c.unit("implementation.base_relapse_hazard", m.base_relapse_hazard);
    c.range(
        "implementation.leverage_fragility",
        m.leverage_fragility,
        0.0,
        100.0,
    );
    c.unit("implementation.followup_protection", m.followup_protection);
    c.unit(
        "implementation.ownership_protection",
        m.ownership_protection,
    );
    c.range(
        "implementation.patron_spoiler",
        m.patron_spoiler,
        0.0,
        100.0,
    );
}

fn check_parties(c: &mut Checker, s: &Scenario) {
    if s.parties.len() < 2 || s.parties.len() > MAX_PARTIES {
        c.fail(
            "parties",
            format!("{} parties", s.parties.len()),
            format!("a conflict needs from 2 to {MAX_PARTIES} [[parties]]"),
        );
    }
    let mut names = HashSet::new();
    for (i, p) in s.parties.iter().enumerate() {
        let at = |f: &str| format!("parties[{i}].{f}");
        let printable = c.name(|| at("name"), &p.name);
        if printable && p.name.trim().is_empty() {
            c.fail(at("name"), "\"\"", "must not be empty");
        } else if printable && !names.insert(p.name.as_str()) {
            c.fail(
                at("name"),
                format!("{:?}", p.name),
                "party names must be unique",
            );
        }
        c.unit(|| at("capability"), p.capability);
        c.unit(|| at("patron_support"), p.patron_support);
        c.range(|| at("optimism"), p.optimism, -10.0, 10.0);
        c.unit(|| at("initial_pain"), p.initial_pain);
        c.range(|| at("violence"), p.violence, 0.0, 100.0);
    }
}

fn check_third_parties(c: &mut Checker, s: &Scenario) {
    if s.third_parties.is_empty() || s.third_parties.len() > MAX_THIRD_PARTIES {
        c.fail(
            "third_parties",
            format!("{} third parties", s.third_parties.len()),
            format!("needs from 1 to {MAX_THIRD_PARTIES} [[third_parties]]"),
        );
    }
    let mut names = HashSet::new();
    for (i, t) in s.third_parties.iter().enumerate() {
        let at = |f: &str| format!("third_parties[{i}].{f}");
        let printable = c.name(|| at("name"), &t.name);
        if printable && t.name.trim().is_empty() {
            c.fail(at("name"), "\"\"", "must not be empty");
        } else if printable && !names.insert(t.name.as_str()) {
            c.fail(
                at("name"),
                format!("{:?}", t.name),
                "third-party names must be unique",
            );
        }
        if let Some(l) = t.leverage {
            c.range(|| at("leverage"), l, 0.0, 1000.0);
        }
        if let Some(a) = t.ambition {
            c.unit(|| at("ambition"), a);
        }
        if let Some(m) = t.mandate {
            c.unit(|| at("mandate"), m);
        }
        c.unit(|| at("bias"), t.bias);
        c.unit(|| at("initial_trust"), t.initial_trust);
        c.unit(|| at("knowledge"), t.knowledge);
        if c.name(|| at("favours"), &t.favours)
            && !t.favours.is_empty()
            && s.party_index(&t.favours).is_none()
        {
            c.fail(
                at("favours"),
                format!("{:?}", t.favours),
                format!("must be empty or the name of a party: {}", party_names(s)),
            );
        }
        if t.entry_month >= s.world.horizon_months.max(1) {
            c.fail(
                at("entry_month"),
                t.entry_month,
                format!(
                    "must be below world.horizon_months ({})",
                    s.world.horizon_months
                ),
            );
        }
    }
    let can_convene = s
        .third_parties
        .iter()
        .any(|t| t.kind != ThirdPartyKind::SupportOrg);
    if !s.third_parties.is_empty() && !can_convene {
        c.fail(
            "third_parties",
            "only support_org actors",
            "at least one mediator, diplomat or insider is needed to convene a table",
        );
    }
}

fn check_regime_parameters(c: &mut Checker, s: &Scenario) {
    let h = &s.regimes.hierarchical;
    check_lead(c, s, "regimes.hierarchical.lead", &h.lead);
    c.range(
        "regimes.hierarchical.lead_capacity",
        h.lead_capacity,
        1.0,
        1e6,
    );
    c.unit("regimes.hierarchical.meeting_cost", h.meeting_cost);
    c.unit("regimes.hierarchical.consultation", h.consultation);

    let n = &s.regimes.network;
    c.unit("regimes.network.trust_threshold", n.trust_threshold);
    c.range(
        "regimes.network.consensus_delay",
        n.consensus_delay,
        0.0,
        100.0,
    );
    c.unit(
        "regimes.network.meeting_cost_per_member",
        n.meeting_cost_per_member,
    );
    c.range(
        "regimes.network.meeting_cost_cap",
        n.meeting_cost_cap,
        0.0,
        0.95,
    );
    c.unit("regimes.network.consultation", n.consultation);

    let g = &s.regimes.contact_group;
    check_lead(c, s, "regimes.contact_group.facilitator", &g.facilitator);
    c.range(
        "regimes.contact_group.lead_capacity",
        g.lead_capacity,
        1.0,
        1e6,
    );
    c.unit("regimes.contact_group.meeting_cost", g.meeting_cost);
    c.unit("regimes.contact_group.consultation", g.consultation);
}

/// Motives, mandate limits, the choice rule and the institutions' credit and sanctions
/// (ODD 7.11).
fn check_strategy(c: &mut Checker, s: &Scenario) {
    let st = &s.strategy;
    c.range("strategy.temperature", st.temperature, 0.001, 10.0);
    c.range("strategy.inertia", st.inertia, 0.0, 1.0);
    c.range("strategy.reciprocity", st.reciprocity, 0.0, 1.0);
    c.range("strategy.legitimacy_weight", st.legitimacy_weight, 0.0, 1.0);
    c.unit("strategy.detection", st.detection);
    c.range(
        "strategy.defection_severity",
        st.defection_severity,
        0.0,
        10.0,
    );
    c.range("strategy.courting", st.courting, 0.0, 1.0);
    c.range("strategy.shield_effect", st.shield_effect, 0.0, 10.0);
    c.range(
        "strategy.protege_credibility",
        st.protege_credibility,
        0.0,
        10.0,
    );
    let r = &s.regimes;
    c.unit(
        "regimes.hierarchical.lead_credit",
        r.hierarchical.lead_credit,
    );
    c.unit("regimes.hierarchical.sanction", r.hierarchical.sanction);
    c.unit("regimes.network.sanction", r.network.sanction);
    c.unit(
        "regimes.contact_group.lead_credit",
        r.contact_group.lead_credit,
    );
    c.unit("regimes.contact_group.sanction", r.contact_group.sanction);
    for (i, t) in s.third_parties.iter().enumerate() {
        let at = |f: &str| format!("third_parties[{i}].{f}");
        for (field, value) in [
            ("peace", t.peace),
            ("recognition", t.recognition),
            ("funding_need", t.funding_need),
            ("interest", t.interest),
        ] {
            if let Some(v) = value {
                c.unit(at(field).as_str(), v);
            }
        }
        for (k, name) in t.no_contact.iter().enumerate() {
            if s.party_index(name).is_none() {
                c.fail(
                    format!("third_parties[{i}].no_contact[{k}]"),
                    format!("{name:?}"),
                    format!("must be the name of a party: {}", party_names(s)),
                );
            }
        }
    }
}

fn check_lead(c: &mut Checker, s: &Scenario, field: &str, name: &str) {
    if name.is_empty() || !c.name(field, name) {
        return;
    }
    match s.third_party_index(name) {
        None => c.fail(
            field,
            format!("{name:?}"),
            format!(
                "must be empty (the mediator with the highest mandate) or a third party: {}",
                name_list(s.third_parties.iter().map(|t| t.name.as_str()))
            ),
        ),
        Some(i) if s.third_parties[i].kind == ThirdPartyKind::SupportOrg => c.fail(
            field,
            format!("{name:?}"),
            "a support organisation cannot convene a table; name a mediator, diplomat or insider",
        ),
        Some(_) => {}
    }
}

/// Strategies written in TOML (`[strategies.<name>]`; README, "Writing a strategy in TOML").
fn check_strategies(c: &mut Checker, s: &Scenario) {
    for (name, d) in &s.strategies {
        let at = |f: &str| format!("strategies.{name}.{f}");
        let name_ok = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
        if !name_ok {
            c.fail(
                format!("strategies.{}", printable(name)),
                format!("{:?}", printable(name)),
                "a strategy's name must be 1–64 characters of letters, digits or `_` \
                 (it is listed in experiment.regimes and printed in every table)",
            );
            continue;
        }
        if BUILT_IN_REGIMES.contains(&name.as_str()) {
            c.fail(
                format!("strategies.{name}"),
                format!("{name:?}"),
                format!(
                    "is the name of a built-in regime; name the strategy otherwise (built-in: {})",
                    BUILT_IN_REGIMES.join(", ")
                ),
            );
        }
        let structure = match d.structure {
            Structure::Led => "led",
            Structure::Network => "network",
            Structure::Independent => "independent",
        };
        // Settings that mean something under another structure only.
        let led_only = [
            ("lead", d.lead.as_ref().map(|v| format!("{v:?}"))),
            (
                "rotation_months",
                d.rotation_months.as_ref().map(|v| format!("{v:?}")),
            ),
            (
                "lead_capacity",
                d.lead_capacity.as_ref().map(|v| format!("{v:?}")),
            ),
            (
                "handover_gap_months",
                d.handover_gap_months.as_ref().map(|v| format!("{v:?}")),
            ),
            (
                "group_sharing",
                d.group_sharing.as_ref().map(|v| format!("{v:?}")),
            ),
            (
                "lead_credit",
                d.lead_credit.as_ref().map(|v| format!("{v:?}")),
            ),
        ];
        let network_only = [
            (
                "trust_threshold",
                d.trust_threshold.as_ref().map(|v| format!("{v:?}")),
            ),
            (
                "consensus_delay",
                d.consensus_delay.as_ref().map(|v| format!("{v:?}")),
            ),
            (
                "meeting_cost_per_member",
                d.meeting_cost_per_member.as_ref().map(|v| format!("{v:?}")),
            ),
            (
                "meeting_cost_cap",
                d.meeting_cost_cap.as_ref().map(|v| format!("{v:?}")),
            ),
        ];
        let pooling_on = [("pooling", d.pooling.filter(|&p| p).map(|p| p.to_string()))];
        let meeting = [(
            "meeting_cost",
            d.meeting_cost.as_ref().map(|v| format!("{v:?}")),
        )];
        let sharing = [(
            "information_sharing",
            d.information_sharing.as_ref().map(|v| format!("{v:?}")),
        )];
        let mut wrong = |settings: &[(&str, Option<String>)], needs: &str| {
            for (field, set) in settings {
                if let Some(value) = set {
                    c.fail(
                        at(field),
                        value,
                        format!(
                            "applies only to {needs}, not to structure = {structure:?}; \
                             remove it or change the structure"
                        ),
                    );
                }
            }
        };
        match d.structure {
            Structure::Led => {
                wrong(&network_only, "structure = \"network\"");
                wrong(&sharing, "structure = \"independent\"");
            }
            Structure::Network => {
                wrong(&led_only, "structure = \"led\"");
                wrong(&meeting, "structure = \"led\" or \"independent\"");
                wrong(&sharing, "structure = \"independent\"");
            }
            Structure::Independent => {
                wrong(&led_only, "structure = \"led\"");
                wrong(&network_only, "structure = \"network\"");
                wrong(&pooling_on, "structure = \"led\" or \"network\"");
            }
        }
        let mut listed = Vec::new();
        match &d.members {
            Members::All(word) if word != "all" => c.fail(
                at("members"),
                format!("{word:?}"),
                "must be \"all\" or a list of third parties' names",
            ),
            Members::All(_) => {}
            Members::Listed(names) => {
                if names.is_empty() {
                    c.fail(
                        at("members"),
                        "[]",
                        "must be \"all\" or a list of at least one third party's name",
                    );
                }
                for (k, n) in names.iter().enumerate() {
                    let field = || format!("strategies.{name}.members[{k}]");
                    if !c.name(field, n) {
                        continue;
                    }
                    match s.third_party_index(n) {
                        Some(i) => listed.push(i),
                        None => c.fail(
                            field(),
                            format!("{n:?}"),
                            format!(
                                "must be the name of a third party: {}",
                                name_list(s.third_parties.iter().map(|t| t.name.as_str()))
                            ),
                        ),
                    }
                }
            }
        }
        let is_member = |i: usize| matches!(d.members, Members::All(_)) || listed.contains(&i);
        let can_lead = |i: usize| s.third_parties[i].kind != ThirdPartyKind::SupportOrg;
        if let Some(lead) = &d.lead {
            match lead.as_str() {
                "highest_mandate" | "rotating" => {}
                "insider" => {
                    if !(0..s.third_parties.len())
                        .any(|i| is_member(i) && s.third_parties[i].kind == ThirdPartyKind::Insider)
                    {
                        c.fail(
                            at("lead"),
                            "\"insider\"",
                            "an insider-led process needs a third party of kind = \"insider\" \
                             among the members",
                        );
                    }
                }
                other => {
                    if s.third_party_index(other).is_none() {
                        c.fail(
                            at("lead"),
                            format!("{:?}", printable(other)),
                            format!(
                                "must be highest_mandate, rotating, insider or a third party: {}",
                                name_list(s.third_parties.iter().map(|t| t.name.as_str()))
                            ),
                        );
                    } else {
                        check_lead(c, s, &at("lead"), other);
                    }
                }
            }
        }
        if d.structure == Structure::Led
            && !listed.is_empty()
            && !matches!(d.lead.as_deref(), Some(l) if s.third_party_index(l).is_some())
            && !listed.iter().any(|&i| can_lead(i))
        {
            c.fail(
                at("members"),
                format!("{} listed", listed.len()),
                "the lead is chosen among the members: list at least one mediator, diplomat or \
                 insider, or name the lead",
            );
        }
        if let Some(m) = d.rotation_months
            && (m == 0 || m > MAX_MONTHS)
        {
            c.fail(
                at("rotation_months"),
                m,
                format!("must be from 1 to {MAX_MONTHS} (months each lead holds the chair)"),
            );
        }
        if d.rotation_months.is_some() && d.lead.as_deref() != Some("rotating") {
            c.fail(
                at("rotation_months"),
                format!("set with lead = {:?}", d.lead.as_deref().unwrap_or("")),
                "applies only to lead = \"rotating\"",
            );
        }
        if let Some(v) = d.lead_capacity {
            c.range(at("lead_capacity").as_str(), v, 1.0, 1e6);
        }
        if let Some(m) = d.handover_gap_months
            && m > MAX_MONTHS
        {
            c.fail(
                at("handover_gap_months"),
                m,
                format!("must be from 0 to {MAX_MONTHS} (months)"),
            );
        }
        for (field, value) in [
            ("meeting_cost", d.meeting_cost),
            ("consultation", d.consultation),
            ("information_sharing", d.information_sharing),
            ("lead_credit", d.lead_credit),
            ("sanction", d.sanction),
            ("trust_threshold", d.trust_threshold),
            ("meeting_cost_per_member", d.meeting_cost_per_member),
        ] {
            if let Some(v) = value {
                c.unit(at(field).as_str(), v);
            }
        }
        if let Some(v) = d.consensus_delay {
            c.range(at("consensus_delay").as_str(), v, 0.0, 100.0);
        }
        if let Some(v) = d.meeting_cost_cap {
            c.range(at("meeting_cost_cap").as_str(), v, 0.0, 0.95);
        }
    }
}

fn party_names(s: &Scenario) -> String {
    name_list(s.parties.iter().map(|p| p.name.as_str()))
}

/// Names for a message: all of a short list, the first ten of a long one.
pub(super) fn name_list<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> String {
    const SHOWN: usize = 10;
    let total = names.len();
    // A name with unprintable characters is shown escaped (its own problem says why).
    let shown: Vec<String> = names
        .take(SHOWN)
        .map(|n| {
            if n.chars().any(is_unprintable) {
                format!("{n:?}")
            } else {
                n.to_string()
            }
        })
        .collect();
    if total > SHOWN {
        format!("{}, … ({} in all)", shown.join(", "), total)
    } else {
        shown.join(", ")
    }
}
