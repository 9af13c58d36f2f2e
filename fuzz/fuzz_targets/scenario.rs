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
use peacesim::scenario::{Scenario, SweepConfig, SweepDesign, sweep::split_path};

#[derive(serde::Deserialize)]
struct SweepOnly {
    sweep: Option<SweepConfig>,
}

/// Whether the input's sweep reaches what tests/fuzz_input.rs skips (`KnownBug`): a grid
/// whose validation applies over 100,000 values, either with a parameter without values (the
/// open bug: the size check lets 0 points through) or valid (slow by design).
fn known_bug(text: &str) -> bool {
    if !text.contains("sweep") {
        return false;
    }
    let Some(sweep) = toml::from_str::<SweepOnly>(text).ok().and_then(|s| s.sweep) else {
        return false;
    };
    if sweep.design != SweepDesign::Grid {
        return false;
    }
    let mut applied = 0.0;
    let mut points: Option<u128> = Some(1);
    for p in &sweep.parameters {
        let is_count = split_path(&p.path).first().map(String::as_str) == Some("count");
        let largest = if is_count {
            p.values
                .iter()
                .filter_map(|v| v.number())
                .chain(p.min)
                .chain(p.max)
                .fold(0.0_f64, f64::max)
        } else {
            0.0
        };
        let n = p.grid_len();
        applied += n as f64 * (1.0 + largest.min(1e6) / 50.0);
        points = points.and_then(|t| t.checked_mul(n as u128));
    }
    applied > 100_000.0 && points.is_some_and(|n| n <= 1_000_000)
}

fn short_runs(s: &Scenario) {
    if s.third_parties.len() > 400 || s.parties.len() * s.third_parties.len() > 20_000 {
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
        if plan.points.len() <= 64
            && plan.check_points(&s).is_ok()
            && let Ok(point) = plan.scenario_at(&s, 0)
        {
            short_runs(&point);
        }
    }
});
