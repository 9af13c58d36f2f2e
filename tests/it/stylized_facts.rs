//! The stylised facts the default calibration must reproduce (MSN paper, challenge 1; Lanz &
//! Gasser 2013): competition between third parties lowers the chance of an agreement compared
//! with coordination, and parties shop between tables when third parties compete.
//!
//! 1000 paired replicates take about 10 s in a debug build on two cores, 0.5 s in release.

use peacesim::experiment::{self, Design, Results};
use peacesim::regime;
use peacesim::scenario::Scenario;
use std::sync::OnceLock;

const REPLICATES: u64 = 1000;

/// One run of the baseline, shared by the tests of this file.
fn baseline_results() -> &'static Results {
    static RESULTS: OnceLock<Results> = OnceLock::new();
    RESULTS.get_or_init(|| {
        let s = Scenario::baseline();
        let design = Design {
            replicates: REPLICATES,
            seed: s.experiment.seed,
            threads: 0,
            regimes: ["competitive", "hierarchical", "network"]
                .iter()
                .map(|n| regime::built_in(n, &s).unwrap())
                .collect(),
        };
        experiment::run(&s, &design, &mut (), &mut |_| {}).unwrap()
    })
}

fn mean(regime: &str, outcome: &str) -> f64 {
    baseline_results()
        .get(regime, outcome)
        .unwrap()
        .values
        .mean()
        .unwrap()
}

#[test]
fn coordination_raises_the_agreement_rate_over_competition() {
    let results = baseline_results();
    assert_eq!(results.regime_names[results.reference], "competitive");
    let competitive = mean("competitive", "agreement");
    for regime in ["hierarchical", "network"] {
        let s = results.get(regime, "agreement").unwrap();
        assert_eq!(s.difference.n, REPLICATES);
        let (lo, hi) = s.difference.ci95().unwrap();
        assert!(
            lo > 0.0,
            "agreement {regime} {:.3} vs competitive {competitive:.3}: paired difference {:.3} \
             [{lo:.3}, {hi:.3}] does not exclude zero",
            s.values.mean().unwrap(),
            s.difference.mean().unwrap(),
        );
    }
}

/// Parties shop between tables under competition, where motives make actors open rival
/// tables, and less under hierarchy, where roles, credit and sanctions hold most members in.
#[test]
fn parties_shop_between_tables_more_when_third_parties_compete() {
    let competitive = mean("competitive", "forum_switches");
    assert!(
        competitive > 0.5,
        "mean forum switches under competition {competitive:.3} ≤ 0.5"
    );
    let (_, hi) = baseline_results()
        .get("hierarchical", "forum_switches")
        .unwrap()
        .difference
        .ci95()
        .unwrap();
    assert!(
        hi < 0.0,
        "paired difference in switches not below zero: upper {hi:.3}"
    );
}

fn run_regimes(s: &Scenario, regimes: &[&str], replicates: u64) -> Results {
    let design = Design {
        replicates,
        seed: s.experiment.seed,
        threads: 0,
        regimes: regimes
            .iter()
            .map(|n| regime::built_in(n, s).unwrap())
            .collect(),
    };
    experiment::run(s, &design, &mut (), &mut |_| {}).unwrap()
}

/// Under the default motives cooperation is a choice: members of the coordinated regimes break
/// ranks in some months, and how often varies from replicate to replicate.
#[test]
fn under_default_motives_compliance_is_partial_and_varies() {
    for regime in ["hierarchical", "network"] {
        let c = baseline_results().get(regime, "compliance").unwrap().values;
        let m = c.mean().unwrap();
        assert!((0.3..0.98).contains(&m), "{regime}: mean compliance {m:.3}");
        assert!(c.sd().unwrap() > 0.02, "{regime}: compliance does not vary");
        assert_eq!(c.n, REPLICATES, "{regime}: compliance defined in every run");
    }
    assert_eq!(
        baseline_results()
            .get("competitive", "compliance")
            .unwrap()
            .values
            .n,
        0,
        "nobody has a role under competition"
    );
}

/// Sanity anchor: with every motive but peace set to zero, members nearly always play their
/// roles, and the coordinated regimes come close to the perfect-compliance model
/// (`mechanisms.strategic = false`): within 7 percentage points of agreement. Measured (seed
/// 2022, 1,000 replicates): hierarchical 60.6% against 62.3%, contact group 68.8% against
/// 69.7%, network 65.9% against 60.3% — network members who back the convenor's table from
/// outside save the meetings and the consensus delay.
#[test]
fn with_only_a_stake_in_peace_actors_comply_and_results_match_perfect_compliance() {
    let mut peace_only = Scenario::baseline();
    for t in &mut peace_only.third_parties {
        t.recognition = Some(0.0);
        t.funding_need = Some(0.0);
        t.interest = Some(0.0);
    }
    let mut compliant = Scenario::baseline();
    compliant.mechanisms.strategic = false;
    let regimes = ["hierarchical", "network", "contact_group"];
    let a = run_regimes(&peace_only, &regimes, 1000);
    let b = run_regimes(&compliant, &regimes, 1000);
    for regime in regimes {
        let compliance = a.get(regime, "compliance").unwrap().values.mean().unwrap();
        assert!(compliance > 0.85, "{regime}: compliance {compliance:.3}");
        let agree = |r: &Results| r.get(regime, "agreement").unwrap().values.mean().unwrap();
        assert!(
            (agree(&a) - agree(&b)).abs() < 0.07,
            "{regime}: agreement {:.3} with only peace motives vs {:.3} with perfect compliance",
            agree(&a),
            agree(&b)
        );
        let perfect = b.get(regime, "compliance").unwrap().values.mean().unwrap();
        assert_eq!(
            perfect, 1.0,
            "{regime}: strategic = false means everyone complies"
        );
    }
}

/// The coordination advantage is not built in: strong recognition motives under a weakly
/// enforced hierarchy (no sanction, the lead keeps all the credit) leave it no better than
/// competition.
#[test]
fn a_hierarchy_nobody_wants_to_follow_does_no_better_than_competition() {
    let mut s = Scenario::baseline();
    for t in &mut s.third_parties {
        t.recognition = Some(0.9);
    }
    s.regimes.hierarchical.sanction = 0.0;
    s.regimes.hierarchical.lead_credit = 1.0;
    let r = run_regimes(&s, &["competitive", "hierarchical"], 1000);
    let (lo, hi) = r
        .get("hierarchical", "agreement")
        .unwrap()
        .difference
        .ci95()
        .unwrap();
    assert!(
        lo < 0.01,
        "hierarchical − competitive agreement [{lo:.3}, {hi:.3}] still clearly above zero"
    );
    let compliance = r
        .get("hierarchical", "compliance")
        .unwrap()
        .values
        .mean()
        .unwrap();
    assert!(compliance < 0.5, "compliance {compliance:.3}");
}
