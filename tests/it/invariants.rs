//! Invariants that must hold for every run of every regime, over random scenarios within the
//! documented ranges, plus the forum-shopping switch.

use peacesim::experiment::{self, Design, ReplicateResult, ReplicateSink, run_replicate};
use peacesim::model::{METRICS, RunOutcome};
use peacesim::regime::{self, Regime};
use peacesim::scenario::{BUILT_IN_REGIMES, Scenario, ThirdPartyKind};
use proptest::prelude::*;
use std::sync::Arc;

fn metric(name: &str) -> usize {
    METRICS
        .iter()
        .position(|m| *m == name)
        .unwrap_or_else(|| panic!("no metric {name}"))
}

fn all_regimes(s: &Scenario) -> Vec<Arc<dyn Regime>> {
    BUILT_IN_REGIMES
        .iter()
        .map(|n| regime::built_in(n, s).unwrap())
        .collect()
}

/// The parameters a case randomises; everything else is the baseline's.
#[derive(Debug, Clone)]
struct Knobs {
    capability: [f64; 2],
    patron_support: [f64; 2],
    build_rate: f64,
    leverage_effect: f64,
    posting_months: f64,
    posting_jitter_share: f64,
    mechanisms: [bool; 11],
    /// Indices into the baseline's third parties: drops, duplicates and reorders actors.
    actors: Vec<usize>,
    /// Entry month of each actor as a share of the horizon.
    entry_share: Vec<f64>,
    horizon_months: u32,
    implementation_months: u32,
}

fn knobs() -> impl Strategy<Value = Knobs> {
    let base_actors = Scenario::baseline().third_parties.len();
    (
        (
            [0.05..0.95f64, 0.05..0.95f64],
            [0.0..=1.0f64, 0.0..=1.0f64],
            0.0..=1.0f64,
            0.0..20.0f64,
            1.0..120.0f64,
            0.0..0.95f64,
        ),
        prop::array::uniform11(any::<bool>()),
        prop::collection::vec(
            (
                0..base_actors,
                prop_oneof![3 => Just(0.0), 1 => 0.0..1.0f64],
            ),
            1..=10,
        ),
        12u32..=150,
        0u32..=80,
    )
        .prop_map(
            |(
                (cap, pat, build, effect, posting, jitter),
                mech,
                actors,
                horizon,
                implementation,
            )| {
                Knobs {
                    capability: cap,
                    patron_support: pat,
                    build_rate: build,
                    leverage_effect: effect,
                    posting_months: posting,
                    posting_jitter_share: jitter,
                    mechanisms: mech,
                    entry_share: actors.iter().map(|a| a.1).collect(),
                    actors: actors.into_iter().map(|a| a.0).collect(),
                    horizon_months: horizon,
                    implementation_months: implementation,
                }
            },
        )
}

fn scenario(k: &Knobs) -> Scenario {
    let mut s = Scenario::baseline();
    for (i, p) in s.parties.iter_mut().enumerate() {
        p.capability = k.capability[i];
        p.patron_support = k.patron_support[i];
    }
    s.trust.build_rate = k.build_rate;
    s.leverage.effect = k.leverage_effect;
    s.rotation.posting_months = k.posting_months;
    s.rotation.posting_jitter_months = k.posting_jitter_share * k.posting_months;
    let m = &mut s.mechanisms;
    [
        m.trust,
        m.leverage,
        m.rotation,
        m.ripeness,
        m.do_no_harm,
        m.forum_shopping,
        m.funding_cycles,
        m.information_sharing,
        m.patrons,
        m.relapse,
        m.strategic,
    ] = k.mechanisms;
    s.world.horizon_months = k.horizon_months;
    s.world.implementation_months = k.implementation_months;

    let pool = s.third_parties.clone();
    s.third_parties = k
        .actors
        .iter()
        .zip(&k.entry_share)
        .enumerate()
        .map(|(n, (&i, &entry))| {
            let mut t = pool[i].clone();
            t.name = format!("{} #{n}", t.name);
            t.entry_month = (entry * (k.horizon_months - 1) as f64) as u32;
            t
        })
        .collect();
    if s.third_parties
        .iter()
        .all(|t| t.kind == ThirdPartyKind::SupportOrg)
    {
        s.third_parties[0] = pool[0].clone(); // someone must be able to convene
    }
    // Leads by default: the mediator (else actor) with the highest mandate.
    s.regimes.hierarchical.lead.clear();
    s.regimes.contact_group.facilitator.clear();
    s.revalidate("generated")
        .unwrap_or_else(|e| panic!("generator made an invalid scenario: {e}"));
    s
}

/// Every invariant of one run; `Err` names the first violation.
fn check_run(s: &Scenario, regime: &str, o: &RunOutcome, series: &[f64]) -> Result<(), String> {
    let months = s.total_months();
    let width = METRICS.len();
    let at = |t: usize, name: &str| series[t * width + metric(name)];
    let total_defined = |name: &str| {
        (0..months)
            .map(|t| at(t, name))
            .filter(|v| !v.is_nan())
            .sum::<f64>()
    };
    let horizon = s.world.horizon_months;
    let mech = &s.mechanisms;
    let fail = |what: String| Err(format!("{regime}: {what}; outcome {o:?}"));

    if series.len() != months * width {
        return fail(format!("series has {} values", series.len()));
    }
    // Compliance is undefined (NaN) in months without roles; every other value is finite.
    let compliance = metric("compliance");
    if let Some(bad) = series
        .iter()
        .enumerate()
        .position(|(k, v)| !(v.is_finite() || k % width == compliance && v.is_nan()))
    {
        return fail(format!("series value {bad} is {}", series[bad]));
    }
    let values = experiment::outcome_values(o);
    if values.iter().flatten().any(|v| !v.is_finite() || *v < 0.0) {
        return fail("an outcome is negative or not finite".into());
    }
    for t in 0..months {
        for name in ["trust_party_third", "trust_among_third", "leverage_stock"] {
            let v = at(t, name);
            if !(0.0..=1.0).contains(&v) {
                return fail(format!("{name} = {v} in month {}", t + 1));
            }
        }
        let c = at(t, "compliance");
        if !c.is_nan() && !(0.0..=1.0).contains(&c) {
            return fail(format!("compliance = {c} in month {}", t + 1));
        }
        let tables = at(t, "parallel_forums");
        if tables > o.max_parallel_forums as f64 {
            return fail(format!(
                "{tables} tables in month {} above the maximum",
                t + 1
            ));
        }
    }

    match o.agreement_month {
        Some(m) if m == 0 || m > horizon => return fail(format!("agreement month {m}")),
        _ => {}
    }
    if let Some(r) = o.relapse_month {
        let Some(a) = o.agreement_month else {
            return fail("relapse without agreement".into());
        };
        if r <= a || r > a + s.world.implementation_months {
            return fail(format!("relapse month {r} after agreement month {a}"));
        }
        if !mech.relapse {
            return fail("relapse with the relapse mechanism off".into());
        }
    }
    for (name, month) in [
        ("agreement", o.agreement_month),
        ("relapse", o.relapse_month),
    ] {
        for t in 0..months {
            let expected = month.is_some_and(|m| t + 1 >= m as usize) as u8 as f64;
            if at(t, name) != expected {
                return fail(format!(
                    "{name} series is {} in month {}",
                    at(t, name),
                    t + 1
                ));
            }
        }
    }

    if o.mean_parallel_forums > o.max_parallel_forums as f64 {
        return fail("mean parallel forums above the maximum".into());
    }
    if o.max_parallel_forums as usize > s.parties.len().min(s.third_parties.len()) {
        return fail("more tables holding parties than parties".into());
    }
    if !mech.forum_shopping && o.forum_switches > 0 {
        return fail("forum switches with forum shopping off".into());
    }
    if !mech.rotation && o.rotations > 0 {
        return fail("rotations with rotation off".into());
    }
    if !mech.do_no_harm && o.dnh_violations > 0 {
        return fail("do-no-harm violations with the mechanism off".into());
    }
    if !mech.leverage && o.leverage_spent > 0.0 {
        return fail("leverage spent with leverage off".into());
    }
    if regime == "competitive" && o.coordination_cost != 0.0 {
        return fail("coordination cost under competition".into());
    }
    if regime == "competitive" && (o.compliance.is_some() || o.defections > 0) {
        return fail("roles under competition".into());
    }
    if o.compliance.is_some_and(|c| !(0.0..=1.0).contains(&c)) {
        return fail("compliance outside 0–1".into());
    }
    if !mech.strategic && o.defections > 0 {
        return fail("defections with strategic choice off".into());
    }
    let defections = total_defined("defections");
    if defections != f64::from(o.defections) {
        return fail("defection series does not add up to the outcome".into());
    }

    let total = |name: &str| (0..months).map(|t| at(t, name)).sum::<f64>();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()));
    if !close(total("coordination_cost"), o.coordination_cost) {
        return fail("coordination cost series does not add up to the outcome".into());
    }
    if !close(total("violence"), o.cumulative_violence) {
        return fail("violence series does not add up to cumulative violence".into());
    }
    let last = months - 1;
    if at(last, "trust_party_third") != o.final_trust_party
        || at(last, "trust_among_third") != o.final_trust_third
    {
        return fail("final trust differs from the last month's".into());
    }
    if !mech.trust {
        for name in ["trust_party_third", "trust_among_third"] {
            if (0..months).any(|t| at(t, name) != at(0, name)) {
                return fail(format!("{name} changed with trust off"));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_run_of_every_regime_respects_the_invariants(k in knobs(), seed in any::<u64>()) {
        let s = scenario(&k);
        let regimes = all_regimes(&s);
        for r in 0..2 {
            let rep = run_replicate(&s, &regimes, seed, r);
            for (i, regime) in regimes.iter().enumerate() {
                if let Err(e) = check_run(&s, regime.name(), &rep.outcomes[i], &rep.series[i]) {
                    return Err(TestCaseError::fail(format!("replicate {r}: {e}")));
                }
            }
        }
    }

    #[test]
    fn a_replicate_is_reproducible(k in knobs(), seed in any::<u64>(), r in 0u64..1000) {
        let s = scenario(&k);
        let regimes = all_regimes(&s);
        let (a, b) = (run_replicate(&s, &regimes, seed, r), run_replicate(&s, &regimes, seed, r));
        prop_assert_eq!(a.seed, b.seed);
        prop_assert_eq!(&a.outcomes, &b.outcomes);
        let bits = |v: &[Vec<f64>]| -> Vec<Vec<u64>> {
            v.iter().map(|s| s.iter().map(|x| x.to_bits()).collect()).collect()
        };
        prop_assert_eq!(bits(&a.series), bits(&b.series));
    }
}

/// Largest number of forum switches seen in any run, per regime.
#[derive(Default)]
struct MaxSwitches(Vec<u32>);

impl ReplicateSink for MaxSwitches {
    fn accept(&mut self, r: &ReplicateResult) -> anyhow::Result<()> {
        self.0.resize(r.outcomes.len(), 0);
        for (m, o) in self.0.iter_mut().zip(&r.outcomes) {
            *m = (*m).max(o.forum_switches);
        }
        Ok(())
    }
}

fn max_switches(forum_shopping: bool) -> Vec<(String, u32)> {
    let mut s = Scenario::baseline();
    s.mechanisms.forum_shopping = forum_shopping;
    let design = Design {
        replicates: 200,
        seed: 99,
        threads: 0,
        regimes: all_regimes(&s),
    };
    let mut sink = MaxSwitches::default();
    let results = experiment::run(&s, &design, &mut sink, &mut |_| {}).unwrap();
    results.regime_names.into_iter().zip(sink.0).collect()
}

#[test]
fn forum_switches_happen_only_with_forum_shopping() {
    let off = max_switches(false);
    assert!(
        off.iter().all(|(_, m)| *m == 0),
        "switches with shopping off: {off:?}"
    );
    let on = max_switches(true);
    let competitive = on.iter().find(|(n, _)| n == "competitive").unwrap();
    assert!(
        competitive.1 > 0,
        "no switch under competition with shopping on: {on:?}"
    );
}
