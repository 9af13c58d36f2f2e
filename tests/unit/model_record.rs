//! Unit tests of `model::record` (`src/model/record.rs`).

use peacesim::model::METRICS;
use peacesim::model::record::*;
use peacesim::model::{simulate, simulate_recorded};
use peacesim::regime::built_in;
use peacesim::scenario::{RecordLevel, Scenario};

#[test]
fn recording_changes_nothing_and_writes_a_row_per_month_and_actor() {
    let scenario = Scenario::baseline();
    let months = scenario.total_months();
    let len = months * METRICS.len();
    let mut rec = Recorder::new(RecordLevel::Agents, &scenario);
    for name in ["competitive", "hierarchical", "network"] {
        let regime = built_in(name, &scenario).unwrap();
        for seed in 0..5 {
            let (mut a, mut b) = (vec![0.0; len], vec![0.0; len]);
            let plain = simulate(&scenario, regime.as_ref(), seed, &mut a);
            rec.start(&[name, "7"]);
            let recorded = simulate_recorded(&scenario, regime.as_ref(), seed, &mut b, &mut rec);
            assert_eq!(plain, recorded);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a), bits(&b));
            let monthly = String::from_utf8(rec.monthly.clone()).unwrap();
            let agents = String::from_utf8(rec.agents.clone()).unwrap();
            assert_eq!(monthly.lines().count(), months);
            assert_eq!(
                agents.lines().count(),
                months * scenario.third_parties.len()
            );
            let width = 2 + monthly_columns(&scenario).len();
            for line in monthly.lines() {
                assert!(line.starts_with(&format!("{name},7,")), "{line}");
                assert_eq!(line.split(',').count(), width, "{line}");
            }
            for line in agents.lines() {
                assert_eq!(line.split(',').count(), 2 + AGENT_COLUMNS.len(), "{line}");
            }
            // The monthly rows carry the run's own series, month by month.
            let last = monthly.lines().last().unwrap();
            let violence: f64 = last.split(',').nth(2 + 3 + 2).unwrap().parse().unwrap();
            assert!((violence - a[(months - 1) * METRICS.len() + 2]).abs() < 1e-6);
        }
    }
}

#[test]
fn names_are_quoted_only_when_they_must_be() {
    assert_eq!(csv_field("State A"), b"State A");
    assert_eq!(csv_field("A, B"), b"\"A, B\"");
    assert_eq!(csv_field("say \"x\""), b"\"say \"\"x\"\"\"");
}
