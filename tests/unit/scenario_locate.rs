//! Unit tests of `scenario::locate` (`src/scenario/locate.rs`).

use peacesim::scenario::locate::*;

const TEXT: &str = "[world]\nhorizon_months = 0\n\n[[third_parties]]\nname = \"UN Envoy\"\n\
                    no_contact = [\"A\", \"B\"]\ninitial_trust = 2.0\n";

#[test]
fn values_are_found_by_their_positional_path() {
    let at = |f| locate(TEXT, f).map(|l| (l.line, l.column));
    assert_eq!(at("world.horizon_months"), Some((2, 18)));
    assert_eq!(at("third_parties[0].initial_trust"), Some((7, 17)));
    assert_eq!(at("third_parties[0].no_contact[1]"), Some((6, 20)));
    assert_eq!(at("third_parties[1].initial_trust"), None);
    assert_eq!(at("world.talks_calm"), None);
    assert_eq!(at("world"), None);
    assert_eq!(at("third_parties"), None);
}

#[test]
fn actors_are_named_when_their_name_is_unique() {
    let names = |list: &str| -> Vec<String> {
        match list {
            "third_parties" => vec!["UN Envoy".into(), "Twin".into(), "Twin".into()],
            _ => vec!["Government".into()],
        }
    };
    assert_eq!(
        named("third_parties[0].initial_trust", &names),
        "third_parties.\"UN Envoy\".initial_trust"
    );
    assert_eq!(
        named("parties[0].capability", &names),
        "parties.\"Government\".capability"
    );
    assert_eq!(
        named("third_parties[1].bias", &names),
        "third_parties[1].bias"
    );
    assert_eq!(
        named("third_parties[7].bias", &names),
        "third_parties[7].bias"
    );
    assert_eq!(named("trust.build_rate", &names), "trust.build_rate");
}
