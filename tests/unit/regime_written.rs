//! Unit tests of `regime::written` (`src/regime/written.rs`).

use peacesim::model::World;
use peacesim::regime::written::*;
use peacesim::regime::{Plan, Regime};
use peacesim::scenario::BASELINE_TOML;
use peacesim::scenario::Scenario;

const EXAMPLE: &str = include_str!("../../scenarios/strategies.toml");

fn example() -> Scenario {
    Scenario::from_toml_str(EXAMPLE, "strategies.toml").unwrap()
}

/// The baseline with `table` appended and `name` listed as a regime; the error text if it
/// is refused.
fn with(name: &str, table: &str) -> Result<Scenario, String> {
    let text = BASELINE_TOML.replacen(
        "regimes = [\"competitive\", \"hierarchical\", \"network\"]",
        &format!("regimes = [\"competitive\", \"{name}\"]"),
        1,
    ) + "\n"
        + table;
    Scenario::from_toml_str(&text, "s.toml").map_err(|e| e.to_string())
}

fn index(s: &Scenario, name: &str) -> usize {
    s.third_party_index(name).unwrap()
}

#[test]
fn the_example_strategies_parse_and_are_listed() {
    let s = example();
    let names: Vec<&str> = s.strategies.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "friends_group",
            "insider_led",
            "minimal_consultation",
            "rotating_convenor"
        ]
    );
    let regimes = peacesim::regime::from_scenario(&s).unwrap();
    let listed: Vec<&str> = regimes.iter().map(|r| r.name()).collect();
    assert_eq!(listed, s.experiment.regimes);
}

#[test]
fn a_rotating_chair_passes_at_the_period_among_those_present() {
    let eligible = [0, 2, 5];
    let all = |_: usize| true;
    let turns: Vec<_> = [0, 11, 12, 23, 24, 35, 36]
        .iter()
        .map(|&m| rotating_turn(&eligible, all, m, 12).unwrap())
        .collect();
    assert_eq!(turns, [0, 0, 2, 2, 5, 5, 0]);
    // An absent member is skipped; nobody present: no lead.
    assert_eq!(rotating_turn(&eligible, |i| i != 2, 12, 12), Some(5));
    assert_eq!(rotating_turn(&eligible, |_| false, 12, 12), None);
    // The example's rotating convenor: mediators, diplomats and the insider, not the
    // support organisation, in the order of the file, every 24 months.
    let s = example();
    let d = &s.strategies["rotating_convenor"];
    let LeadChoice::Rotating { eligible, months } =
        lead_choice(&s, d.lead.as_deref(), d.rotation_months, None)
    else {
        panic!("not rotating")
    };
    assert_eq!(months, 24);
    assert!(!eligible.contains(&index(&s, "Support Org")));
    assert_eq!(eligible.len(), s.third_parties.len() - 1);
    let w = World::new(&s, 1);
    assert_eq!(
        Written::from_scenario("rotating_convenor", &s)
            .unwrap()
            .lead_at(&w),
        Some(eligible[0])
    );
}

#[test]
fn leads_are_chosen_as_written() {
    let s = example();
    let lead = |name: &str| {
        let d = &s.strategies[name];
        lead_choice(&s, d.lead.as_deref(), d.rotation_months, None)
    };
    assert_eq!(
        lead("insider_led"),
        LeadChoice::Fixed(index(&s, "Insider Mediator"))
    );
    assert_eq!(
        lead("friends_group"),
        LeadChoice::Fixed(index(&s, "UN Envoy"))
    );
    // highest_mandate among listed members only.
    let members: Vec<bool> = s
        .third_parties
        .iter()
        .map(|t| t.name.starts_with("State"))
        .collect();
    let LeadChoice::Fixed(l) = lead_choice(&s, Some("highest_mandate"), None, Some(&members))
    else {
        panic!()
    };
    assert!(s.third_parties[l].name.starts_with("State"));
}

#[test]
fn a_group_of_friends_gives_roles_only_to_its_members() {
    let s = example();
    let friends = Written::from_scenario("friends_group", &s).unwrap();
    let listed = ["UN Envoy", "State B", "State C", "Support Org"];
    for seed in 0..5 {
        let w = World::new(&s, seed);
        let mut plan = Plan::new(s.third_parties.len());
        friends.plan(&w, &mut plan);
        let lead = index(&s, "UN Envoy");
        assert!(plan.convenes[lead]);
        for (j, t) in s.third_parties.iter().enumerate() {
            let member = listed.contains(&t.name.as_str());
            assert_eq!(plan.cooperating[j], member, "{}", t.name);
            assert_eq!(plan.credit[j] > 0.0, member, "{}", t.name);
            if member && j != lead {
                assert_eq!(plan.backs[j], Some(lead), "{}", t.name);
            }
        }
    }
}

#[test]
fn a_strategy_with_no_rules_plans_as_its_built_in_regime() {
    let s = with(
        "led",
        "[strategies.led]\nstructure = \"led\"\n\n[strategies.net]\nstructure = \"network\"\n\n[strategies.alone]\nstructure = \"independent\"\n",
    )
    .unwrap();
    for (name, built_in) in [
        ("led", "hierarchical"),
        ("net", "network"),
        ("alone", "competitive"),
    ] {
        let a = peacesim::regime::by_name(name, &s).unwrap();
        let b = peacesim::regime::built_in(built_in, &s).unwrap();
        for seed in 0..5 {
            let w = World::new(&s, seed);
            let (mut pa, mut pb) = (Plan::new(7), Plan::new(7));
            a.plan(&w, &mut pa);
            b.plan(&w, &mut pb);
            assert_eq!(pa, pb, "{name}");
        }
    }
}

#[test]
fn mistakes_name_the_field_the_value_and_what_is_allowed() {
    let e = with(
        "x",
        "[strategies.x]\nstructure = \"led\"\nlead_capacty = 3\n",
    )
    .unwrap_err();
    assert!(e.contains("`strategies.x.lead_capacty`"), "{e}");
    assert!(e.contains("did you mean `lead_capacity`?"), "{e}");
    let e = with("x", "[strategies.x]\nstructure = \"star\"\n").unwrap_err();
    assert!(
        e.contains("`strategies.x.structure`") && e.contains("`led`"),
        "{e}"
    );
    let e = with("hierarchical", "[strategies.hierarchical]\n").unwrap_err();
    assert!(e.contains("is the name of a built-in regime"), "{e}");
    let e = with("x", "[strategies.x]\nlead = \"UN Envoi\"\n").unwrap_err();
    assert!(
        e.contains("`strategies.x.lead` = \"UN Envoi\"")
            && e.contains("highest_mandate, rotating, insider or a third party: UN Envoy")
            && e.contains("did you mean `UN Envoy`?"),
        "{e}"
    );
    let e = with(
        "x",
        "[strategies.x]\nlead = \"rotating\"\nrotation_months = 0\n",
    )
    .unwrap_err();
    assert!(
        e.contains("`strategies.x.rotation_months` = 0") && e.contains("from 1"),
        "{e}"
    );
    let e = with("x", "[strategies.x]\nconsultation = 1.5\n").unwrap_err();
    assert!(
        e.contains("`strategies.x.consultation` = 1.5") && e.contains("from 0 to 1"),
        "{e}"
    );
    let e = with(
        "x",
        "[strategies.x]\nstructure = \"network\"\nlead = \"UN Envoy\"\n",
    )
    .unwrap_err();
    assert!(e.contains("applies only to structure = \"led\""), "{e}");
    let e = with("x", "[strategies.x]\nmembers = [\"State Z\"]\n").unwrap_err();
    assert!(e.contains("`strategies.x.members[0]` = \"State Z\""), "{e}");
    assert!(e.contains("did you mean `State A`?"), "{e}");
    let e = with("x", "[strategies.x]\nmembers = \"everyone\"\n").unwrap_err();
    assert!(e.contains("must be \"all\" or a list"), "{e}");
    let e = with("y", "[strategies.x]\n").unwrap_err();
    assert!(
        e.contains("unknown regime; known: competitive, hierarchical, network, contact_group, x"),
        "{e}"
    );
}
