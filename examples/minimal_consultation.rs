//! How to add your own coordination regime, without touching peacesim's source.
//!
//! The regime here is *minimal consultation* (Strimling 2006): third parties tell each other
//! what they are about to do and check their moves with each other before acting, but each
//! still runs its own initiative. Nobody leads, nothing is pooled.
//!
//! A regime is one type implementing [`Regime`]: a `name` and a `plan` method that, each
//! month, fills a blank [`Plan`] from a read-only view of the [`World`]. The engine then applies
//! the plan exactly as it applies the built-in regimes' plans, over the same paired replicates,
//! so differences between regimes are the regimes' own.
//!
//! Run it with
//!
//! ```text
//! cargo run --release --example minimal_consultation [scenario.toml] [replicates]
//! ```

use peacesim::experiment::{self, Design, Results};
use peacesim::model::World;
use peacesim::regime::{self, Plan, Regime, plan_independent};
use peacesim::scenario::Scenario;
use std::path::Path;
use std::sync::Arc;

/// Every actor acts on its own initiative but consults the others before a move.
#[derive(Debug, Clone)]
struct MinimalConsultation {
    /// Share of moves checked with the others before acting (0–1).
    consultation: f64,
    /// How much information flows among the actors (0–1): consulting shares some, not all.
    information_sharing: f64,
    /// Share of each actor's time spent consulting (0–1): cheaper than running a structure.
    effort_share: f64,
}

impl Default for MinimalConsultation {
    fn default() -> Self {
        Self {
            consultation: 0.7,
            information_sharing: 0.3,
            effort_share: 0.02,
        }
    }
}

impl Regime for MinimalConsultation {
    /// The name used in results (`results.get("minimal_consultation", ...)`).
    fn name(&self) -> &str {
        "minimal_consultation"
    }

    fn plan(&self, world: &World, plan: &mut Plan) {
        // 1. Who convenes and who backs whom: exactly as under competition. The helper skips
        //    actors already marked `cooperating`, so it runs *before* we mark anyone: every
        //    actor then keeps or opens its own table with its own initiative draw, and each
        //    support organisation backs the table whose convenor it trusts most.
        plan_independent(world, plan);

        // 2. Everyone present consults: marking an actor `cooperating` makes it vet its moves
        //    (with probability `consultation`, using the best knowledge among the cooperating),
        //    share information, and pay `effort_share` of its time. It also means partners do
        //    not poach parties from each other's tables and do not count as rivals: informing
        //    each other before acting includes not undercutting each other's process.
        let month = world.month();
        for (j, actor) in world.third_parties().iter().enumerate() {
            plan.cooperating[j] = actor.is_active(month);
        }

        // 3. No pooling: each actor's leverage is its own signal, so contradiction between
        //    several pressers is still possible. Consensus is not needed to act.
        plan.pooled = false;
        plan.consultation = self.consultation;
        plan.information_sharing = self.information_sharing;
        plan.effort_share = self.effort_share;
        plan.action_rate = 1.0;
        plan.support_absorption = 1.0;
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let scenario = match args.next() {
        Some(path) => Scenario::from_file(Path::new(&path))?,
        None => Scenario::baseline(),
    };
    let replicates = match args.next() {
        Some(n) => n.parse()?,
        None => 300,
    };

    // Built-in regimes are configured from the scenario; ours is just another Arc<dyn Regime>.
    let mut regimes: Vec<Arc<dyn Regime>> = ["competitive", "hierarchical"]
        .iter()
        .map(|name| regime::built_in(name, &scenario).expect("a built-in regime"))
        .collect();
    regimes.push(Arc::new(MinimalConsultation::default()));

    let design = Design {
        replicates,
        seed: scenario.experiment.seed,
        threads: 0, // one per core; results do not depend on it
        regimes,
    };
    // `&mut ()` discards per-replicate results; pass a `ReplicateSink` to keep them.
    let results = experiment::run(&scenario, &design, &mut (), &mut |_done| {})?;
    print_agreement(&scenario, &results);
    Ok(())
}

/// Agreement rate per regime with its Wilson 95% interval, and the paired difference from the
/// reference regime (competitive) with its t interval.
fn print_agreement(scenario: &Scenario, results: &Results) {
    let reference = &results.regime_names[results.reference];
    println!(
        "{}: {} paired replicates; agreement within {} months",
        scenario.scenario.name, results.replicates, scenario.world.horizon_months
    );
    println!(
        "{:<22} {:>22} {:>26}",
        "regime",
        "agreement % (95% CI)",
        format!("Δ vs {reference} (pp)")
    );
    for name in &results.regime_names {
        let s = results
            .get(name, "agreement")
            .expect("agreement is an outcome");
        let rate = match (s.values.mean(), s.values.wilson95()) {
            (Some(m), Some((lo, hi))) => {
                format!("{:.1} [{:.1}, {:.1}]", 100.0 * m, 100.0 * lo, 100.0 * hi)
            }
            _ => "–".into(),
        };
        let diff = match (s.difference.mean(), s.difference.ci95()) {
            _ if name == reference => "—".into(),
            (Some(m), Some((lo, hi))) => {
                format!("{:+.1} [{:+.1}, {:+.1}]", 100.0 * m, 100.0 * lo, 100.0 * hi)
            }
            _ => "–".into(),
        };
        println!("{name:<22} {rate:>22} {diff:>26}");
    }
}
