//! How to benchmark your own Rust regime beside the built-in regimes and the strategies
//! written in TOML, over a suite of conflicts, without touching peacesim's source.
//!
//! ```text
//! # the quick suite (scenarios/benchmark/quick.toml), 20 paired replicates per condition
//! cargo run --release --example benchmark_rust_regime [SUITE.toml] [OUT]
//! ```
//!
//! The regime here, `lead_without_vetting`, is the built-in hierarchical regime of each
//! condition with one rule changed: the lead never vets its moves with its partners. It is
//! built from the condition's scenario (the lead and its capacity come from there), so it is
//! registered with a factory, [`Benchmark::add_strategy`]. A regime that needs nothing from
//! the scenario is registered as an object, [`Benchmark::add_regime`].
//!
//! Every strategy faces every condition with the same replicate seeds, so the Rust regime is
//! paired with the others exactly as they are with each other. The example prints the
//! leaderboard and writes `leaderboard.csv` and `conditions.csv` (the layout of
//! `peacesim benchmark`, see output/README.md) to OUT (default
//! `output/benchmark-<suite>-rust/`).

use anyhow::anyhow;
use peacesim::experiment::benchmark::{
    Benchmark, conditions_csv, leaderboard, leaderboard_csv, load_suite, reference,
};
use peacesim::model::World;
use peacesim::output::StagedDir;
use peacesim::regime::{self, Plan, Regime};
use peacesim::scenario::Scenario;
use std::path::PathBuf;
use std::sync::Arc;

/// A led process whose lead never vets its moves with partners: hierarchical's plan, with
/// consultation off.
struct LeadWithoutVetting {
    /// The condition's own hierarchical regime (its lead, capacity and costs).
    hierarchical: Arc<dyn Regime>,
}

impl Regime for LeadWithoutVetting {
    fn name(&self) -> &str {
        "lead_without_vetting"
    }

    fn plan(&self, world: &World, plan: &mut Plan) {
        self.hierarchical.plan(world, plan);
        plan.consultation = 0.0;
    }
}

/// The factory: this condition's regime.
fn lead_without_vetting(scenario: &Scenario) -> anyhow::Result<Arc<dyn Regime>> {
    let hierarchical = regime::built_in("hierarchical", scenario)
        .ok_or_else(|| anyhow!("hierarchical is not a built-in regime"))?;
    Ok(Arc::new(LeadWithoutVetting { hierarchical }))
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let suite_path = PathBuf::from(
        args.first()
            .map(String::as_str)
            .unwrap_or("scenarios/benchmark/quick.toml"),
    );
    let stem = suite_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "suite".into());
    let out = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("output").join(format!("benchmark-{stem}-rust")));

    // The suite's conditions and strategies (built-in and TOML), then the Rust one.
    let (suite, conditions) = load_suite(&suite_path)?;
    let mut bench = Benchmark::new(suite, conditions);
    bench.add_strategy("lead_without_vetting", lead_without_vetting)?;

    // Every condition × replicate, every strategy on the same seeds; 0 = one thread per core.
    let cells = bench.run(0)?;
    let strategies = bench.strategies();
    let standings = leaderboard(&strategies, &cells, bench.suite().seed);

    let mut order: Vec<_> = standings.iter().collect();
    order.sort_by_key(|s| s.rank);
    println!(
        "{:<4} {:<22} {:>8} {:>17}",
        "rank", "strategy", "durable", "Δ vs reference"
    );
    for s in order {
        let diff = match s.difference[1] {
            Some((m, lo, hi)) => {
                format!("{:+.1} [{:+.1}, {:+.1}]", 100.0 * m, 100.0 * lo, 100.0 * hi)
            }
            None => "(reference)".into(),
        };
        println!(
            "{:<4} {:<22} {:>7.1}% {:>17}",
            s.rank,
            s.strategy,
            100.0 * s.mean[1],
            diff
        );
    }

    // The files, replaced whole or not at all (never a folder peacesim did not write).
    let staged = StagedDir::create(&out, false)?;
    staged.write_file(
        "conditions.csv",
        &conditions_csv(bench.conditions(), &strategies, &cells)?,
    )?;
    let reference_name = &strategies[reference(&strategies)];
    staged.write_file(
        "leaderboard.csv",
        &leaderboard_csv(&standings, reference_name)?,
    )?;
    let written = staged.commit()?;
    println!(
        "\n{} conditions × {} strategies × {} replicates → {}/",
        bench.conditions().len(),
        strategies.len(),
        bench.suite().replicates,
        written.display()
    );
    Ok(())
}
