//! Unit tests of `scenario` (`src/scenario/mod.rs`).

use peacesim::scenario::*;

fn json<T: serde::Serialize>(x: &T) -> serde_json::Value {
    serde_json::to_value(x).unwrap()
}

/// The baseline file documents the defaults: every section it repeats must equal the
/// built-in default, or the template would lie about what leaving a field out means.
#[test]
fn baseline_file_repeats_the_built_in_defaults() {
    let s = Scenario::baseline();
    assert_eq!(json(&s.world), json(&WorldConfig::default()));
    assert_eq!(json(&s.mechanisms), json(&Mechanisms::default()));
    assert_eq!(json(&s.trust), json(&TrustConfig::default()));
    assert_eq!(json(&s.leverage), json(&LeverageConfig::default()));
    assert_eq!(json(&s.rotation), json(&RotationConfig::default()));
    assert_eq!(json(&s.ripeness), json(&RipenessConfig::default()));
    assert_eq!(json(&s.do_no_harm), json(&DoNoHarmConfig::default()));
    assert_eq!(json(&s.forums), json(&ForumConfig::default()));
    assert_eq!(json(&s.funding), json(&FundingConfig::default()));
    assert_eq!(json(&s.information), json(&InformationConfig::default()));
    assert_eq!(json(&s.patrons), json(&PatronConfig::default()));
    assert_eq!(
        json(&s.implementation),
        json(&ImplementationConfig::default())
    );
    assert_eq!(json(&s.experiment), json(&ExperimentConfig::default()));
    let mut regimes = s.regimes.clone();
    regimes.hierarchical.lead.clear();
    regimes.contact_group.facilitator.clear();
    assert_eq!(json(&regimes), json(&RegimeParams::default()));
}

#[test]
fn minimal_scenario_takes_defaults() {
    let text = r#"
        [scenario]
        name = "minimal"
        [[parties]]
        name = "A"
        [[parties]]
        name = "B"
        [[third_parties]]
        name = "M"
        kind = "mediator"
    "#;
    let s = Scenario::from_toml_str(text, "minimal.toml").unwrap();
    assert_eq!(s.world.horizon_months, 120);
    assert_eq!(s.third_parties[0].leverage_capacity(), 0.3);
    assert_eq!(s.lead_index(""), 0);
}

fn error_of(text: &str) -> String {
    Scenario::from_toml_str(text, "bad.toml")
        .unwrap_err()
        .to_string()
}

#[test]
fn errors_name_file_field_and_line() {
    let bad = BASELINE_TOML.replace("build_rate = 0.04", "build_rat = 0.04");
    let e = error_of(&bad);
    assert!(
        e.starts_with("bad.toml: field `trust.build_rat`: line 46"),
        "{e}"
    );
    assert!(e.contains("build_rat") && e.contains("line "), "{e}");
    assert!(e.ends_with("did you mean `build_rate`?"), "{e}");

    let e = error_of(&BASELINE_TOML.replace("build_rate = 0.04", "build_rate = 1.5"));
    assert!(
        e.contains("`trust.build_rate` = 1.5") && e.contains("from 0 to 1"),
        "{e}"
    );

    let e = error_of(&BASELINE_TOML.replace("seed = 2022", "seed = \"x\""));
    assert!(e.contains("experiment.seed"), "{e}");

    let e = error_of("[scenario]\nname = 'x'\n[[parties]]\nname = 'A'\n");
    assert!(e.contains("third_parties"), "{e}");
}

#[test]
fn consistency_problems_are_reported() {
    let bad = BASELINE_TOML
        .replace("lead = \"UN Envoy\"", "lead = \"Nobody\"")
        .replace("favours = \"Armed Group\"", "favours = \"Rebels\"");
    let e = Scenario::from_toml_str(&bad, "bad.toml").unwrap_err();
    let fields: Vec<_> = e.problems().iter().map(|p| p.field.as_str()).collect();
    assert!(fields.contains(&"regimes.hierarchical.lead"), "{fields:?}");
    assert!(
        fields.contains(&"third_parties.\"State B\".favours"),
        "{fields:?}"
    );
}
