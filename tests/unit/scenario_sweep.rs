//! Unit tests of `scenario::sweep` (`src/scenario/sweep.rs`).

use peacesim::scenario::sweep::*;
use peacesim::scenario::{Scenario, ThirdPartyKind};

#[test]
fn paths_reach_sections_actors_and_kinds() {
    let s = Scenario::baseline();
    let t = apply(&s, "rotation.posting_months", 24.0).unwrap();
    assert_eq!(t.rotation.posting_months, 24.0);
    let t = apply(&s, "world.horizon_months", 60.0).unwrap();
    assert_eq!(t.world.horizon_months, 60);
    let t = apply(&s, "third_parties.\"State A\".leverage", 2.0).unwrap();
    assert_eq!(t.third_parties[2].leverage, Some(2.0));
    let t = apply(&s, "third_parties.diplomat.bias", 0.1).unwrap();
    assert!(
        t.third_parties
            .iter()
            .filter(|x| x.kind == ThirdPartyKind::Diplomat)
            .all(|x| x.bias == 0.1)
    );
    let t = apply(&s, "parties.Government.capability", 0.7).unwrap();
    assert_eq!(t.parties[0].capability, 0.7);
    let t = apply(&s, "regimes.network.consensus_delay", 0.3).unwrap();
    assert_eq!(t.regimes.network.consensus_delay, 0.3);
}

#[test]
fn counts_copy_or_drop_actors() {
    let s = Scenario::baseline();
    let t = apply(&s, "count.mediator", 4.0).unwrap();
    let names: Vec<_> = t
        .third_parties
        .iter()
        .filter(|x| x.kind == ThirdPartyKind::Mediator)
        .map(|x| x.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "UN Envoy",
            "Regional Envoy",
            "Regional Envoy #2",
            "Regional Envoy #3"
        ]
    );
    let t = apply(&s, "count.diplomat", 1.0).unwrap();
    assert_eq!(t.third_parties.len(), s.third_parties.len() - 2);
}

#[test]
fn bad_paths_say_what_exists() {
    let s = Scenario::baseline();
    let e = apply(&s, "rotation.posting_month", 24.0).unwrap_err();
    assert!(e.allowed.contains("posting_months"), "{e}");
    let e = apply(&s, "third_parties.Nobody.leverage", 1.0).unwrap_err();
    assert!(e.allowed.contains("Nobody"), "{e}");
    let e = apply(&s, "world.horizon_months", 12.5).unwrap_err();
    assert!(e.allowed.contains("whole"), "{e}");
    let e = apply(&s, "mechanisms.trust", 1.0).unwrap_err();
    assert!(e.allowed.contains("switch"), "{e}");
    assert!(apply(&s, "count.wizard", 2.0).is_err());
}

#[test]
fn values_parse_as_numbers_switches_or_names() {
    let p: SweepParameter =
        toml::from_str("path = \"mechanisms.trust\"\nvalues = [true, false]").unwrap();
    assert_eq!(
        p.values,
        [SweepValue::Switch(true), SweepValue::Switch(false)]
    );
    assert!(p.is_categorical());
    assert_eq!(p.grid_values(), [0.0, 1.0]);
    assert_eq!(p.range(), Some((0.0, 1.0)));
    assert_eq!(p.value_at(1.0), SweepValue::Switch(false));
    let p: SweepParameter =
        toml::from_str("path = \"x\"\nvalues = [\"none\", \"Government\", \"Armed Group\"]")
            .unwrap();
    assert_eq!(p.levels().len(), 3);
    assert_eq!(p.value_at(2.0).to_string(), "Armed Group");
    let p: SweepParameter = toml::from_str("path = \"x\"\nvalues = [12, 24.5]").unwrap();
    assert!(!p.is_categorical());
    assert_eq!(p.grid_values(), [12.0, 24.5]);
    assert_eq!(p.range(), Some((12.0, 24.5)));
    // Numbers serialise as before (the fingerprint of a numeric sweep is unchanged), and
    // every sort round-trips through the manifest's JSON.
    assert_eq!(serde_json::to_string(&p.values).unwrap(), "[12.0,24.5]");
    let mixed = vec![
        SweepValue::Number(1.5),
        SweepValue::Switch(true),
        SweepValue::Level("State A".into()),
    ];
    let json = serde_json::to_string(&mixed).unwrap();
    assert_eq!(json, r#"[1.5,true,"State A"]"#);
    let back: Vec<SweepValue> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, mixed);
    let e = toml::from_str::<SweepParameter>("path = \"x\"\nvalues = [{a = 1}]").unwrap_err();
    assert!(e.to_string().contains("true or false"), "{e}");
}

#[test]
fn switches_and_names_are_written_into_the_scenario() {
    let s = Scenario::baseline();
    assert!(s.mechanisms.forum_shopping);
    let t = apply_value(&s, "mechanisms.forum_shopping", &SweepValue::Switch(false)).unwrap();
    assert!(!t.mechanisms.forum_shopping);
    assert!(t.mechanisms.trust);
    let level = |name: &str| SweepValue::Level(name.into());
    let state_a = |t: &Scenario| t.third_parties[2].clone();
    assert_eq!(state_a(&s).name, "State A");
    assert_eq!(state_a(&s).favours, "Government");
    let t = apply_value(&s, "third_parties.\"State A\".favours", &level("none")).unwrap();
    assert_eq!(state_a(&t).favours, "");
    let t = apply_value(
        &s,
        "third_parties.\"State A\".favours",
        &level("Armed Group"),
    )
    .unwrap();
    assert_eq!(state_a(&t).favours, "Armed Group");
    let t = apply_value(&s, "third_parties.\"State A\".kind", &level("mediator")).unwrap();
    assert_eq!(state_a(&t).kind, ThirdPartyKind::Mediator);
    let t = apply_value(&s, "third_parties.diplomat.favours", &level("none")).unwrap();
    assert!(
        t.third_parties
            .iter()
            .filter(|x| x.kind == ThirdPartyKind::Diplomat)
            .all(|x| x.favours.is_empty())
    );
    let t = apply_value(&s, "regimes.hierarchical.lead", &level("State A")).unwrap();
    assert_eq!(t.regimes.hierarchical.lead, "State A");
    let t = apply_value(&t, "regimes.hierarchical.lead", &level("none")).unwrap();
    assert_eq!(t.regimes.hierarchical.lead, "");
    let t = apply_value(
        &s,
        "regimes.contact_group.facilitator",
        &level("Insider Mediator"),
    )
    .unwrap();
    assert_eq!(t.regimes.contact_group.facilitator, "Insider Mediator");
}

#[test]
fn bad_switches_and_names_say_what_is_allowed() {
    let s = Scenario::baseline();
    let level = |name: &str| SweepValue::Level(name.into());
    let e = apply_value(&s, "third_parties.\"State A\".favours", &level("Nobody")).unwrap_err();
    assert_eq!(e.field, "third_parties.\"State A\".favours");
    assert_eq!(e.value, "\"Nobody\"");
    assert!(e.allowed.contains("\"none\" (impartial)"), "{e}");
    assert!(e.allowed.contains("Government, Armed Group"), "{e}");
    let e = apply_value(&s, "third_parties.diplomat.kind", &level("wizard")).unwrap_err();
    assert!(e.allowed.contains(ThirdPartyKind::NAMES), "{e}");
    // A support organisation cannot convene, so it is not offered as a lead.
    let e = apply_value(&s, "regimes.hierarchical.lead", &level("Support Org")).unwrap_err();
    assert!(
        e.allowed.contains("UN Envoy") && !e.allowed.contains("Support Org"),
        "{e}"
    );
    let e = apply(&s, "mechanisms.trust", 1.0).unwrap_err();
    assert!(e.allowed.contains("values = [true, false]"), "{e}");
    let e = apply_value(&s, "trust.build_rate", &SweepValue::Switch(true)).unwrap_err();
    assert!(e.allowed.contains("takes numbers, not true/false"), "{e}");
    let e = apply_value(&s, "world.horizon_months", &level("long")).unwrap_err();
    assert!(e.allowed.contains("takes numbers, not names"), "{e}");
    let e = apply_value(&s, "mechanisms.trust", &level("on")).unwrap_err();
    assert!(e.allowed.contains("switch"), "{e}");
    let e = apply_value(&s, "count.mediator", &SweepValue::Switch(true)).unwrap_err();
    assert!(e.allowed.contains("whole numbers"), "{e}");
    let e = apply_value(&s, "experiment.regimes", &level("network")).unwrap_err();
    assert!(
        e.allowed.contains("the set of regimes cannot be swept"),
        "{e}"
    );
    let e = apply_value(&s, "third_parties.\"State A\".name", &level("X")).unwrap_err();
    assert!(e.allowed.contains("names cannot be swept"), "{e}");
}
