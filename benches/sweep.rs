//! Sweep throughput: a 10,000-run sweep (grid of 10 points × 2 regimes × 500 replicates) of the
//! baseline through `peacesim::experiment::sweep::run_units`, with 1 and 2 worker threads, so the
//! parallel speed-up is the ratio of the two lines of one report. Rows are handed to a sink
//! that only counts them (the CSV writing and fsync of `peacesim sweep` are measured by the
//! end-to-end figures in docs/PERFORMANCE.md).
//!
//! Run with `cargo bench --bench sweep -- --warm-up-time 1 --measurement-time 10`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use peacesim::experiment::design::SweepPlan;
use peacesim::experiment::sweep::{RegimeFactory, run_units};
use peacesim::regime;
use peacesim::scenario::sweep::SweepValue;
use peacesim::scenario::{Scenario, SweepConfig, SweepDesign, SweepParameter};
use std::hint::black_box;

fn ten_thousand_runs(c: &mut Criterion) {
    let mut scenario = Scenario::baseline();
    scenario.experiment.regimes = vec!["competitive".into(), "hierarchical".into()];
    let config = SweepConfig {
        design: SweepDesign::Grid,
        samples: None,
        levels: 4,
        replicates: Some(500),
        seed: Some(2022),
        parameters: vec![SweepParameter {
            path: "rotation.posting_months".into(),
            values: (0..10)
                .map(|k| SweepValue::Number(18.0 + 4.0 * k as f64))
                .collect(),
            min: None,
            max: None,
            steps: None,
        }],
    };
    let plan = SweepPlan::new(&scenario, &config);
    let runs = plan.units() * 2;
    assert_eq!(runs, 10_000);
    let factory: &RegimeFactory =
        &|s: &Scenario| regime::from_scenario(s).map_err(anyhow::Error::msg);
    let mut group = c.benchmark_group("sweep/10000_runs");
    group.sample_size(10);
    group.throughput(Throughput::Elements(runs));
    for threads in [1usize, 2] {
        group.bench_function(BenchmarkId::new("threads", threads), |b| {
            b.iter(|| {
                let mut rows = 0usize;
                run_units(
                    &scenario,
                    &plan,
                    factory,
                    0..plan.units(),
                    threads,
                    &mut |chunk| {
                        rows += chunk.len();
                        Ok(())
                    },
                )
                .expect("sweep runs");
                black_box(rows)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, ten_thousand_runs);
criterion_main!(benches);
