//! Strategies written in TOML (`[strategies.<name>]`, `scenarios/strategies.toml`): every
//! example strategy runs through `peacesim run` deterministically, and a strategy that sets no
//! rule reproduces the built-in regime of its structure bit for bit.

use peacesim::model::{METRICS, World, simulate};
use peacesim::regime::{self, Plan, Regime, plan_independent};
use peacesim::scenario::Scenario;
use std::path::Path;
use std::process::Command;

const EXAMPLE: &str = include_str!("../../scenarios/strategies.toml");

/// The example file plus three strategies that set nothing but their structure.
fn with_plain_strategies() -> String {
    format!(
        "{EXAMPLE}\n[strategies.led_plain]\nstructure = \"led\"\n\n\
         [strategies.network_plain]\nstructure = \"network\"\n\n\
         [strategies.independent_plain]\nstructure = \"independent\"\n"
    )
}

#[test]
fn a_strategy_that_sets_no_rule_is_its_built_in_regime_bit_for_bit() {
    let s = Scenario::from_toml_str(&with_plain_strategies(), "s.toml").unwrap();
    let len = s.total_months() * METRICS.len();
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    for (written, built_in) in [
        ("led_plain", "hierarchical"),
        ("network_plain", "network"),
        ("independent_plain", "competitive"),
    ] {
        let a = regime::by_name(written, &s).unwrap();
        let b = regime::built_in(built_in, &s).unwrap();
        assert_eq!(a.name(), written);
        for seed in 0..40 {
            let (mut sa, mut sb) = (vec![0.0; len], vec![0.0; len]);
            let oa = simulate(&s, a.as_ref(), seed, &mut sa);
            let ob = simulate(&s, b.as_ref(), seed, &mut sb);
            assert_eq!(oa, ob, "{written} seed {seed}");
            assert_eq!(bits(&sa), bits(&sb), "{written} seed {seed}");
        }
    }
}

fn peacesim(dir: &Path, args: &[&str]) -> std::process::Output {
    let o = Command::new(env!("CARGO_BIN_EXE_peacesim"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "peacesim {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

#[test]
fn the_example_strategies_run_deterministically_through_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("s.toml"), with_plain_strategies()).unwrap();
    peacesim(dir, &["check", "s.toml"]);
    let regimes = "competitive,hierarchical,minimal_consultation,friends_group,\
                   rotating_convenor,insider_led,led_plain";
    for out in ["a", "b"] {
        peacesim(
            dir,
            &[
                "run",
                "s.toml",
                "--replicates",
                "40",
                "--regimes",
                regimes,
                "--out",
                out,
                "--quiet",
            ],
        );
    }
    for file in ["runs.csv", "summary.csv", "timeseries.csv", "scenario.toml"] {
        let a = std::fs::read(dir.join("a").join(file)).unwrap();
        let b = std::fs::read(dir.join("b").join(file)).unwrap();
        assert!(a == b, "{file} differs between two runs with the same seed");
    }
    // Every strategy has its rows; the plain led strategy's equal the hierarchical regime's.
    let runs = std::fs::read_to_string(dir.join("a/runs.csv")).unwrap();
    let rows = |regime: &str| -> Vec<String> {
        runs.lines()
            .filter_map(|l| l.strip_prefix(&format!("{regime},")))
            .map(str::to_string)
            .collect()
    };
    for name in regimes.split(',') {
        assert_eq!(rows(name).len(), 40, "{name}");
    }
    assert_eq!(rows("led_plain"), rows("hierarchical"));
    assert_ne!(rows("rotating_convenor"), rows("hierarchical"));
    // The output's scenario.toml keeps the strategies, so the run can be repeated from it.
    let written = std::fs::read_to_string(dir.join("a/scenario.toml")).unwrap();
    let again = Scenario::from_toml_str(&written, "scenario.toml").unwrap();
    assert_eq!(again.strategies.len(), 7);
}

/// The plan of `examples/minimal_consultation.rs`, copied: the TOML strategy
/// `minimal_consultation` of `scenarios/strategies.toml` is documented as the same rules.
struct MinimalConsultationInRust;

impl Regime for MinimalConsultationInRust {
    fn name(&self) -> &str {
        "minimal_consultation_in_rust"
    }

    fn plan(&self, world: &World, plan: &mut Plan) {
        plan_independent(world, plan);
        let month = world.month();
        for (j, actor) in world.third_parties().iter().enumerate() {
            plan.cooperating[j] = actor.is_active(month);
        }
        for j in 0..plan.credit.len() {
            plan.credit[j] = if plan.convenes[j] { 1.0 } else { 0.0 };
        }
        plan.sanction = 0.05;
        plan.pooled = false;
        plan.consultation = 0.7;
        plan.information_sharing = 0.3;
        plan.effort_share = 0.02;
        plan.action_rate = 1.0;
        plan.support_absorption = 1.0;
    }
}

#[test]
fn minimal_consultation_in_toml_is_the_rust_example_bit_for_bit() {
    let s = Scenario::from_toml_str(EXAMPLE, "strategies.toml").unwrap();
    let written = regime::by_name("minimal_consultation", &s).unwrap();
    let len = s.total_months() * METRICS.len();
    for seed in 0..40 {
        let (mut a, mut b) = (vec![0.0; len], vec![0.0; len]);
        let oa = simulate(&s, written.as_ref(), seed, &mut a);
        let ob = simulate(&s, &MinimalConsultationInRust, seed, &mut b);
        assert_eq!(oa, ob, "seed {seed}");
        assert!(
            a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()),
            "seed {seed}"
        );
    }
}
