//! libFuzzer target: any bytes as a scenario file. Reads and validates it; plans a valid sweep
//! (checking small plans point by point); runs a valid scenario for a few months under each
//! of its regimes. Inputs that reach a bug already reported (see tests/fuzz_input.rs,
//! `KnownBug`) are skipped, so that the fuzzer looks for new ones.
//!
//! ```sh
//! cd fuzz && cargo +nightly fuzz run scenario corpus/scenario ../scenarios -- \
//!     -dict=scenario.dict -max_len=65536 -timeout=20 -rss_limit_mb=2048 -max_total_time=600
//! ```
#![no_main]

use libfuzzer_sys::fuzz_target;
use peacesim::experiment::design::SweepPlan;
use peacesim::model::{METRICS, simulate};
use peacesim::regime;
use peacesim::scenario::{
    MAX_THIRD_PARTIES, Scenario, SweepConfig, SweepDesign, sweep::split_path,
};

#[derive(serde::Deserialize)]
struct SweepOnly {
    sweep: Option<SweepConfig>,
}

/// Whether the input's sweep reaches a known bug (the screens of tests/fuzz_input.rs).
fn known_bug(text: &str) -> bool {
    if !text.contains("sweep") {
        return false;
    }
    let Some(sweep) = toml::from_str::<SweepOnly>(text).ok().and_then(|s| s.sweep) else {
        return false;
    };
    let mut applied = 0.0;
    for p in &sweep.parameters {
        if p.steps.is_some_and(|s| s > 10_000_000) {
            return true; // GridSteps
        }
        let is_count = split_path(&p.path).first().map(String::as_str) == Some("count");
        let numbers = || p.values.iter().chain(&p.min).chain(&p.max);
        if is_count && numbers().any(|&x| x > 2.0 * MAX_THIRD_PARTIES as f64) {
            return true; // CountCopies
        }
        let largest = if is_count {
            numbers().copied().fold(0.0, f64::max)
        } else {
            0.0
        };
        let n = p.values.len().max(p.steps.unwrap_or(0) as usize).max(2) as f64;
        applied += n * (1.0 + largest / 50.0);
    }
    if applied > 100_000.0 {
        return true; // SizeCheckedLast
    }
    let k = sweep.parameters.len() as u128;
    let points = match (sweep.design, sweep.samples) {
        (SweepDesign::Lhs, Some(r)) => u128::from(r),
        (SweepDesign::Morris, Some(r)) => u128::from(r) * (k + 1),
        _ => 0,
    };
    points <= 1_000_000 && points * k > 20_000_000 // PlanValues
}

fn short_runs(s: &Scenario) {
    let months_screen = u32::MAX - 2 * peacesim::scenario::MAX_MONTHS;
    if s.third_parties.len() > 400
        || s.parties.len() * s.third_parties.len() > 20_000
        || s.do_no_harm.memory_months > months_screen // MonthOverflow
        || s.funding.cycle_months > months_screen
    {
        return;
    }
    let mut s = s.clone();
    s.sweep = None;
    s.world.horizon_months = s.world.horizon_months.min(24);
    s.world.implementation_months = s.world.implementation_months.min(12);
    let last = s.world.horizon_months - 1;
    for t in &mut s.third_parties {
        t.entry_month = t.entry_month.min(last);
    }
    s.revalidate("fuzz.toml")
        .expect("a shortened valid scenario stays valid");
    let regimes = regime::from_scenario(&s).expect("a valid scenario's regimes exist");
    let mut series = vec![0.0; s.total_months() * METRICS.len()];
    for r in &regimes {
        simulate(&s, r.as_ref(), 7, &mut series);
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if known_bug(&text) {
        return;
    }
    let Ok(s) = Scenario::from_toml_str(&text, "fuzz.toml") else {
        return;
    };
    short_runs(&s);
    if let Some(sweep) = &s.sweep {
        let plan = SweepPlan::new(&s, sweep);
        assert!(!plan.points.is_empty() && plan.points.len() <= 1_000_000);
        if plan.points.len() <= 64 && plan.check_points(&s).is_ok() {
            if let Ok(point) = plan.scenario_at(&s, 0) {
                short_runs(&point);
            }
        }
    }
});
