//! Unit tests of `scenario::suggest` (`src/scenario/suggest.rs`).

use peacesim::scenario::Scenario;
use peacesim::scenario::suggest::*;

#[test]
fn distance_counts_edits_and_swaps() {
    assert_eq!(edit_distance("build_rat", "build_rate"), 1);
    assert_eq!(edit_distance("mediater", "mediator"), 1);
    assert_eq!(edit_distance("hierarchial", "hierarchical"), 1);
    assert_eq!(edit_distance("gird", "grid"), 1, "a swap costs one");
    assert_eq!(edit_distance("", "abc"), 3);
    assert_eq!(edit_distance("abc", ""), 3);
    assert_eq!(edit_distance("Network", "network"), 0, "case is ignored");
    assert_eq!(edit_distance("kitten", "sitting"), 3);
}

#[test]
fn only_close_names_are_suggested() {
    let known = ["build_rate", "break_build_ratio", "rivalry_rate"];
    assert_eq!(closest("build_rat", known), Some("build_rate"));
    assert_eq!(closest("rivalryrate", known), Some("rivalry_rate"));
    assert_eq!(closest("speed", known), None);
    assert_eq!(closest("x", ["lhs", "grid"]), None);
    assert_eq!(
        closest("build_rate", known),
        None,
        "an exact name needs no hint"
    );
    // A third of a long name: 3 edits in 11 characters is still close, not in 8.
    assert_eq!(
        closest("hrizn_mnths", ["horizon_months"]),
        Some("horizon_months")
    );
    assert_eq!(closest("hrizn_mn", ["horizon_mo"]), None);
    let long = "x".repeat(100_000);
    assert_eq!(closest(&long, [long.as_str(), "xx"]), None);
}

#[test]
fn serde_messages_gain_a_suggestion() {
    let m = improve(
        "unknown field `build_rat`, expected one of `build_rate`, `rivalry_rate`",
        "trust.build_rat",
    );
    assert!(m.ends_with("did you mean `build_rate`?"), "{m}");
    let m = improve(
        "unknown variant `mediater`, expected one of `mediator`, `diplomat`",
        "third_parties[0].kind",
    );
    assert!(m.ends_with("did you mean `mediator`?"), "{m}");
    let m = improve(
        "unknown field `posting_months`, expected one of `build_rate`",
        "trust.posting_months",
    );
    assert!(m.contains("`posting_months` in [rotation]"), "{m}");
    let m = improve(
        "invalid type: string \"x\", expected u64",
        "experiment.seed",
    );
    assert!(m.ends_with("expected a whole number ≥ 0"), "{m}");
}

#[test]
fn validation_problems_gain_a_suggestion() {
    let mut s = Scenario::baseline();
    s.experiment.regimes = vec!["network".into(), "hierarchial".into()];
    s.third_parties[3].favours = "Armed Groop".into();
    s.regimes.hierarchical.lead = "UN Envoi".into();
    let mut problems = peacesim::scenario::validate(&s);
    annotate(&s, &mut problems);
    let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let has = |needle: &str| text.iter().any(|t| t.contains(needle));
    assert!(has("did you mean `hierarchical`?"), "{text:?}");
    assert!(has("did you mean `Armed Group`?"), "{text:?}");
    assert!(has("did you mean `UN Envoy`?"), "{text:?}");
}

#[test]
fn sweep_paths_are_corrected() {
    let s = Scenario::baseline();
    let fix = |p: &str| sweep_path(&s, p);
    assert_eq!(
        fix("rotation.posting_month").as_deref(),
        Some("rotation.posting_months")
    );
    assert_eq!(
        fix("rotaton.posting_months").as_deref(),
        Some("rotation.posting_months")
    );
    assert_eq!(fix("count.mediater").as_deref(), Some("count.mediator"));
    assert_eq!(
        fix("third_parties.\"UN Envoi\".leverage").as_deref(),
        Some("third_parties.\"UN Envoy\".leverage")
    );
    assert_eq!(
        fix("third_parties.diplomat.leverag").as_deref(),
        Some("third_parties.diplomat.leverage")
    );
    assert_eq!(fix("rotation.posting_months"), None);
    assert_eq!(fix("rotation.speed"), None);
}
