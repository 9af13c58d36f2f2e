//! Benchmarks of the built-in baseline scenario.
//!
//! - `run/<regime>`: one run (one replicate, 180 months, 2 parties + 7 third parties) of the
//!   baseline under each built-in regime, through `peacesim::model::simulate` with a reused
//!   series buffer — the cost of the model itself.
//! - `experiment/100x3/threads=<n>`: `peacesim::experiment::run` on 100 paired replicates × 3
//!   regimes (competitive, hierarchical, network) with 1 and 2 worker threads, so the parallel
//!   speed-up is the ratio of the two lines of one report.
//!
//! Run with `cargo bench --bench baseline -- --warm-up-time 1 --measurement-time 3`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use peacesim::experiment::{self, Design};
use peacesim::model::{METRICS, simulate};
use peacesim::regime;
use peacesim::scenario::Scenario;
use std::hint::black_box;

const REGIMES: [&str; 4] = ["competitive", "hierarchical", "network", "contact_group"];

/// Master seed for the benchmarks (the baseline's own).
const SEED: u64 = 2022;

fn single_run(c: &mut Criterion) {
    let scenario = Scenario::baseline();
    let mut series = vec![0.0; scenario.total_months() * METRICS.len()];
    let mut group = c.benchmark_group("run");
    group.throughput(Throughput::Elements(1));
    for name in REGIMES {
        let regime = regime::built_in(name, &scenario).expect("built-in regime");
        // A fixed set of seeds, cycled, so the bench averages over different conflicts rather
        // than timing one replicate's path.
        let seeds: Vec<u64> = (0..64)
            .map(|r| peacesim::model::random::run_seed(SEED, r))
            .collect();
        let mut next = 0usize;
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                let seed = seeds[next % seeds.len()];
                next += 1;
                black_box(simulate(
                    black_box(&scenario),
                    regime.as_ref(),
                    seed,
                    &mut series,
                ))
            })
        });
    }
    group.finish();
}

fn batch(c: &mut Criterion) {
    let scenario = Scenario::baseline();
    let regimes = ["competitive", "hierarchical", "network"]
        .iter()
        .map(|n| regime::built_in(n, &scenario).expect("built-in regime"))
        .collect::<Vec<_>>();
    let replicates = 100;
    let mut group = c.benchmark_group("experiment/100x3");
    group.sample_size(10);
    group.throughput(Throughput::Elements(replicates * regimes.len() as u64));
    for threads in [1usize, 2] {
        let design = Design {
            replicates,
            seed: SEED,
            threads,
            regimes: regimes.clone(),
        };
        group.bench_function(BenchmarkId::new("threads", threads), |b| {
            b.iter(|| {
                experiment::run(&scenario, &design, &mut (), &mut |_| {}).expect("experiment runs")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, single_run, batch);
criterion_main!(benches);
