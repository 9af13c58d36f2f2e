//! Unit tests of `experiment::design` (`src/experiment/design.rs`).

use peacesim::experiment::design::*;
use peacesim::scenario::SweepParameter;
use peacesim::scenario::sweep::SweepValue;
use peacesim::scenario::{Scenario, SweepConfig, SweepDesign};

fn parameter(path: &str, min: f64, max: f64) -> SweepParameter {
    SweepParameter {
        path: path.into(),
        values: Vec::new(),
        min: Some(min),
        max: Some(max),
        steps: Some(3),
    }
}

fn config(design: SweepDesign, samples: u64) -> SweepConfig {
    SweepConfig {
        design,
        samples: Some(samples),
        levels: 4,
        replicates: Some(2),
        seed: Some(9),
        parameters: vec![
            parameter("rotation.posting_months", 12.0, 60.0),
            parameter("trust.build_rate", 0.01, 0.1),
        ],
    }
}

#[test]
fn grid_takes_every_combination() {
    let s = Scenario::baseline();
    let plan = SweepPlan::new(&s, &config(SweepDesign::Grid, 0));
    assert_eq!(plan.points.len(), 9);
    assert_eq!(plan.points[0], vec![12.0, 0.01]);
    assert_eq!(plan.points[1][0], 12.0);
    assert_eq!(plan.points[3][0], 36.0);
    assert_eq!(plan.units(), 18);
}

#[test]
fn latin_hypercube_hits_every_stratum_once() {
    let s = Scenario::baseline();
    let plan = SweepPlan::new(&s, &config(SweepDesign::Lhs, 10));
    assert_eq!(plan.points.len(), 10);
    for (k, &(lo, hi)) in plan.ranges.iter().enumerate() {
        let mut strata: Vec<usize> = plan
            .points
            .iter()
            .map(|p| (((p[k] - lo) / (hi - lo)) * 10.0).floor() as usize)
            .collect();
        strata.sort();
        assert_eq!(strata, (0..10).collect::<Vec<_>>());
    }
    assert_eq!(plan, SweepPlan::new(&s, &config(SweepDesign::Lhs, 10)));
}

#[test]
fn sobol_plans_n_rows_of_k_plus_2_points_in_range_reproducibly() {
    let s = Scenario::baseline();
    let plan = SweepPlan::new(&s, &config(SweepDesign::Sobol, 16));
    assert_eq!(plan.points.len(), 16 * (2 + 2));
    for p in &plan.points {
        for (v, &(lo, hi)) in p.iter().zip(&plan.ranges) {
            assert!((lo..=hi).contains(v), "{p:?}");
        }
    }
    for row in plan.points.chunks_exact(4) {
        // A, AB_1, AB_2, B: AB_i is A with column i from B.
        assert_eq!(row[1], vec![row[3][0], row[0][1]]);
        assert_eq!(row[2], vec![row[0][0], row[3][1]]);
    }
    assert_eq!(plan, SweepPlan::new(&s, &config(SweepDesign::Sobol, 16)));
    let mut reseeded = config(SweepDesign::Sobol, 16);
    reseeded.seed = Some(10);
    assert_ne!(plan.points, SweepPlan::new(&s, &reseeded).points);
}

#[test]
fn morris_moves_one_parameter_per_step() {
    let s = Scenario::baseline();
    let plan = SweepPlan::new(&s, &config(SweepDesign::Morris, 5));
    assert_eq!(plan.points.len(), 5 * 3);
    for (t, order) in plan.moves.iter().enumerate() {
        for (step, &i) in order.iter().enumerate() {
            let a = &plan.points[t * 3 + step];
            let b = &plan.points[t * 3 + step + 1];
            for k in 0..2 {
                assert_eq!(a[k] != b[k], k == i, "trajectory {t} step {step}");
            }
        }
    }
}

fn levels(path: &str, values: Vec<SweepValue>) -> SweepParameter {
    SweepParameter {
        path: path.into(),
        values,
        min: None,
        max: None,
        steps: None,
    }
}

fn switch() -> SweepParameter {
    levels(
        "mechanisms.forum_shopping",
        vec![SweepValue::Switch(true), SweepValue::Switch(false)],
    )
}

fn favours() -> SweepParameter {
    let names = ["none", "Government", "Armed Group"];
    levels(
        "third_parties.\"State A\".favours",
        names.map(|n| SweepValue::Level(n.into())).to_vec(),
    )
}

fn categorical(design: SweepDesign, samples: u64) -> SweepConfig {
    SweepConfig {
        parameters: vec![
            switch(),
            parameter("trust.build_rate", 0.01, 0.1),
            favours(),
        ],
        ..config(design, samples)
    }
}

#[test]
fn grid_takes_every_level_and_writes_level_names() {
    let s = Scenario::baseline();
    let plan = SweepPlan::new(&s, &categorical(SweepDesign::Grid, 0));
    assert_eq!(plan.points.len(), 2 * 3 * 3);
    assert_eq!(plan.points[0], vec![0.0, 0.01, 0.0]);
    assert_eq!(plan.labels(0), ["true", "0.01", "none"]);
    assert_eq!(plan.labels(17), ["false", "0.1", "Armed Group"]);
    assert!(plan.is_categorical(0) && !plan.is_categorical(1));
    assert_eq!(plan.ranges[2], (0.0, 2.0));
    let t = plan.scenario_at(&s, 17).unwrap();
    assert!(!t.mechanisms.forum_shopping);
    assert_eq!(t.trust.build_rate, 0.1);
    assert_eq!(t.third_parties[2].favours, "Armed Group");
    let t = plan.scenario_at(&s, 0).unwrap();
    assert!(t.mechanisms.forum_shopping);
    assert_eq!(t.third_parties[2].favours, "");
}

#[test]
fn latin_hypercube_spreads_points_evenly_over_levels() {
    let s = Scenario::baseline();
    let plan = SweepPlan::new(&s, &categorical(SweepDesign::Lhs, 10));
    assert_eq!(plan.points.len(), 10);
    let count = |k: usize, level: f64| plan.points.iter().filter(|p| p[k] == level).count();
    assert_eq!((count(0, 0.0), count(0, 1.0)), (5, 5));
    let mut by_level: Vec<usize> = (0..3).map(|l| count(2, l as f64)).collect();
    by_level.sort();
    assert_eq!(by_level, [3, 3, 4]);
    // The number between them is still stratified.
    let mut strata: Vec<usize> = plan
        .points
        .iter()
        .map(|p| (((p[1] - 0.01) / 0.09) * 10.0).floor() as usize)
        .collect();
    strata.sort();
    assert_eq!(strata, (0..10).collect::<Vec<_>>());
    // The levels are not simply in order: the strata are shuffled.
    let column: Vec<f64> = plan.points.iter().map(|p| p[2]).collect();
    let mut sorted = column.clone();
    sorted.sort_by(f64::total_cmp);
    assert_ne!(column, sorted);
    assert_eq!(plan, SweepPlan::new(&s, &categorical(SweepDesign::Lhs, 10)));
}

#[test]
fn morris_moves_a_categorical_parameter_to_another_level() {
    let s = Scenario::baseline();
    let plan = SweepPlan::new(&s, &categorical(SweepDesign::Morris, 20));
    assert_eq!(plan.points.len(), 20 * 4);
    let mut moves_of_favours = std::collections::BTreeSet::new();
    for (t, order) in plan.moves.iter().enumerate() {
        for (step, &i) in order.iter().enumerate() {
            let a = &plan.points[t * 4 + step];
            let b = &plan.points[t * 4 + step + 1];
            for k in 0..3 {
                assert_eq!(a[k] != b[k], k == i, "trajectory {t} step {step}");
            }
            for k in [0, 2] {
                assert!(b[k].fract() == 0.0 && (0.0..=2.0).contains(&b[k]), "{b:?}");
            }
            assert!(b[0] <= 1.0);
            if i == 2 {
                moves_of_favours.insert((a[2] as u8, b[2] as u8));
            }
        }
    }
    // Moves between levels go both ways (not only up the list).
    assert!(
        moves_of_favours.iter().any(|(a, b)| a > b),
        "{moves_of_favours:?}"
    );
    assert!(
        moves_of_favours.iter().any(|(a, b)| a < b),
        "{moves_of_favours:?}"
    );
}
