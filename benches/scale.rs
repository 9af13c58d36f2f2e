//! How the cost of one run grows with the number of actors.
//!
//! Scenarios of 10, 50, 100, 500 and 1,000 actors (conflict parties + third parties: 2 + 8,
//! 5 + 45, 10 + 90, 20 + 480, 20 + 980; the parties stop growing at 20) are built from the built-in baseline by cloning its parties and its seven
//! third parties (two mediators, three diplomats, a support organisation, an insider mediator)
//! under unique names, so every size mixes the same kinds in the same proportions. Each is run
//! through `peacesim::model::simulate` (one replicate, 180 months, a reused series buffer) under
//! the competitive regime (every actor for itself: rival tables) and the network regime (trust
//! among members decides membership; members share information).
//!
//! The throughput criterion reports is in agent-steps (months × actors), so
//! `1e9 / thrpt` is the cost of one agent for one month in ns: it stays flat if the cost of a
//! run grows linearly with the actors, and grows with them if some monthly loop runs over all
//! pairs of actors.
//!
//! Run with `cargo bench --bench scale -- --warm-up-time 1 --measurement-time 3`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use peacesim::model::random::run_seed;
use peacesim::model::{METRICS, simulate};
use peacesim::regime;
use peacesim::scenario::Scenario;
use std::hint::black_box;

/// (conflict parties, third parties).
const SIZES: [(usize, usize); 5] = [(2, 8), (5, 45), (10, 90), (20, 480), (20, 980)];

const REGIMES: [&str; 2] = ["competitive", "network"];

const SEED: u64 = 2022;

/// The baseline with `parties` conflict parties and `third_parties` third parties: copies of
/// the baseline's, cycled, the copies named "NAME #k". A copied third party that favours a
/// party favours one of all the parties in turn, so leanings spread over the larger conflict.
fn scaled(parties: usize, third_parties: usize) -> Scenario {
    let base = Scenario::baseline();
    let mut s = base.clone();
    let copy = |name: &str, i: usize, n: usize| {
        if i < n {
            name.to_string()
        } else {
            format!("{name} #{}", i / n + 1)
        }
    };
    s.parties = (0..parties)
        .map(|i| {
            let mut p = base.parties[i % base.parties.len()].clone();
            p.name = copy(&p.name, i, base.parties.len());
            p
        })
        .collect();
    let n = base.third_parties.len();
    s.third_parties = (0..third_parties)
        .map(|j| {
            let mut t = base.third_parties[j % n].clone();
            t.name = copy(&t.name, j, n);
            if j >= n && !t.favours.is_empty() {
                t.favours = s.parties[j % parties].name.clone();
            }
            t
        })
        .collect();
    s.scenario.name = format!("scale_{}", parties + third_parties);
    s.revalidate("benches/scale.rs")
        .unwrap_or_else(|e| panic!("the scaled scenario is invalid: {e}"));
    s
}

fn runs_by_actors(c: &mut Criterion) {
    let seeds: Vec<u64> = (0..16).map(|r| run_seed(SEED, r)).collect();
    for name in REGIMES {
        let mut group = c.benchmark_group(format!("scale/{name}"));
        group.sample_size(10);
        for (parties, third_parties) in SIZES {
            let scenario = scaled(parties, third_parties);
            let actors = parties + third_parties;
            let months = scenario.total_months();
            let regime = regime::built_in(name, &scenario).expect("built-in regime");
            let mut series = vec![0.0; months * METRICS.len()];
            let mut next = 0usize;
            group.throughput(Throughput::Elements((months * actors) as u64));
            group.bench_function(BenchmarkId::from_parameter(actors), |b| {
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
}

criterion_group!(benches, runs_by_actors);
criterion_main!(benches);
