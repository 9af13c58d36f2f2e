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
//! The same regime runs through both of peacesim's runners:
//!
//! ```text
//! # paired replicates of one scenario (default: the baseline, 300 replicates)
//! cargo run --release --example minimal_consultation [scenario.toml] [replicates]
//!
//! # the scenario's [sweep]: every point × replicate under every regime, written to OUT
//! # (default: output/<scenario name>-minimal-consultation-sweep/)
//! cargo run --release --example minimal_consultation -- sweep scenarios/sweep_rotation.toml [OUT]
//! ```
//!
//! The sweep writes `sweep_runs.csv` and `sweep_summary.csv` in the layout of `peacesim sweep`
//! (see output/README.md), so the same analysis scripts read them.

use anyhow::{Context, anyhow, bail};
use peacesim::experiment::design::SweepPlan;
use peacesim::experiment::sweep::{RegimeFactory, Shard, run_units};
use peacesim::experiment::{self, Design, OUTCOMES, Results};
use peacesim::model::World;
use peacesim::output::sweep_files::{
    SWEEP_RUNS, SWEEP_SUMMARY, SweepSummary, SweepWriter, fingerprint, summarize,
    sweep_summary_csv, write_atomic,
};
use peacesim::regime::{self, Plan, Regime, plan_independent};
use peacesim::scenario::Scenario;
use std::path::{Path, PathBuf};
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

        // 3. A regime is an institution, not a command: with strategic actors
        //    (`mechanisms.strategic`, on by default) each member chooses every month whether to
        //    play its role or break ranks (docs/ODD.md 7.11). The institution sets what
        //    complying offers and what a noticed defection costs. Here each convenor keeps the
        //    whole credit for its own table (nobody leads, so nobody shares it), and skipping
        //    consultation costs little: peers merely notice (a mild sanction).
        for j in 0..plan.credit.len() {
            plan.credit[j] = if plan.convenes[j] { 1.0 } else { 0.0 };
        }
        plan.sanction = 0.05;

        // 4. No pooling: each actor's leverage is its own signal, so contradiction between
        //    several pressers is still possible. Consensus is not needed to act.
        plan.pooled = false;
        plan.consultation = self.consultation;
        plan.information_sharing = self.information_sharing;
        plan.effort_share = self.effort_share;
        plan.action_rate = 1.0;
        plan.support_absorption = 1.0;
    }
}

/// The regimes compared, in the order results report them: two built-in ones, configured from
/// the scenario, then ours, which is just another `Arc<dyn Regime>`.
///
/// This function is also the sweep's [`RegimeFactory`]: the sweep calls it once per point, with
/// that point's scenario, so built-in regimes whose parameters are swept pick them up.
fn regimes(scenario: &Scenario) -> anyhow::Result<Vec<Arc<dyn Regime>>> {
    let mut regimes: Vec<Arc<dyn Regime>> = Vec::new();
    for name in ["competitive", "hierarchical"] {
        let built_in = regime::built_in(name, scenario)
            .ok_or_else(|| anyhow!("{name} is not a built-in regime"))?;
        regimes.push(built_in);
    }
    regimes.push(Arc::new(MinimalConsultation::default()));
    Ok(regimes)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("sweep") => sweep(&args[1..]),
        _ => paired_run(&args),
    }
}

/// `[scenario.toml] [replicates]`: paired replicates of one scenario through `experiment::run`.
fn paired_run(args: &[String]) -> anyhow::Result<()> {
    let scenario = match args.first() {
        Some(path) => Scenario::from_file(Path::new(path))?,
        None => Scenario::baseline(),
    };
    let replicates = match args.get(1) {
        Some(n) => n.parse()?,
        None => 300,
    };
    let design = Design {
        replicates,
        seed: scenario.experiment.seed,
        threads: 0, // one per core; results do not depend on it
        regimes: regimes(&scenario)?,
    };
    // `&mut ()` discards per-replicate results; pass a `ReplicateSink` to keep them.
    let results = experiment::run(&scenario, &design, &mut (), &mut |_done| {})?;
    print_agreement(&scenario, &results);
    Ok(())
}

/// `sweep <scenario.toml> [OUT]`: the scenario's `[sweep]` through `experiment::sweep::run_units`,
/// the same path as `peacesim sweep` (without resuming, sharding or figures).
fn sweep(args: &[String]) -> anyhow::Result<()> {
    let Some(path) = args.first() else {
        bail!("usage: minimal_consultation sweep <scenario.toml> [OUT]");
    };
    let scenario = Scenario::from_file(Path::new(path))?;
    let Some(config) = scenario.sweep.clone() else {
        bail!("{path}: has no [sweep] table (see scenarios/sweep_rotation.toml)");
    };
    let out = match args.get(1) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from("output").join(format!(
            "{}-minimal-consultation-sweep",
            scenario.scenario.name
        )),
    };

    // 1. The points, each checked as a whole scenario before anything runs.
    let plan = SweepPlan::new(&scenario, &config);
    plan.check_points(&scenario)
        .map_err(|p| anyhow!("{path}: invalid sweep point: {p}"))?;

    // 2. The regimes' names, in the factory's order: they label the rows and the summary.
    //    They are passed explicitly rather than written into `scenario.experiment.regimes`,
    //    which accepts only built-in names (every point's scenario is validated again).
    let names: Vec<String> = regimes(&scenario)?
        .iter()
        .map(|r| r.name().to_string())
        .collect();

    // 3. Run every unit (point × replicate; each runs every regime from the replicate's seed),
    //    appending each chunk's rows to sweep_runs.csv as it arrives.
    let units = 0..plan.units();
    let mut writer = SweepWriter::start(
        &out,
        &sweep_fingerprint(&scenario, &names)?,
        Shard::WHOLE,
        units.clone(),
        &plan,
        names.clone(),
        false, // never replace a folder that peacesim did not write
    )
    .with_context(|| {
        format!(
            "cannot start the sweep in {} (this example neither resumes nor forces: delete the \
             folder or choose another OUT)",
            out.display()
        )
    })?;
    let factory: &RegimeFactory = &regimes;
    run_units(&scenario, &plan, factory, units, 0, &mut |chunk| {
        writer.write_chunk(&plan, chunk)
    })?;

    // 4. Per point and regime, every outcome's n, mean and 95% interval, read back from the rows.
    let summary = summarize(&out.join(SWEEP_RUNS), &plan, &names)?;
    write_atomic(&out, SWEEP_SUMMARY, &sweep_summary_csv(&plan, &summary)?)?;
    writer.finish()?;

    print_sweep_agreement(&scenario, &plan, &summary, &out);
    Ok(())
}

/// Identifies the sweep in its checkpoint: the resolved scenario and the regimes' names.
fn sweep_fingerprint(scenario: &Scenario, names: &[String]) -> anyhow::Result<String> {
    let mut bytes = serde_json::to_vec(scenario)?;
    bytes.extend(names.join(",").bytes());
    Ok(fingerprint(&bytes))
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

/// Per sweep point: the swept values and the agreement rate (%) under each regime.
fn print_sweep_agreement(
    scenario: &Scenario,
    plan: &SweepPlan,
    summary: &SweepSummary,
    out: &Path,
) {
    let agreement = OUTCOMES
        .iter()
        .position(|o| *o == "agreement")
        .expect("agreement is an outcome");
    println!(
        "{}: {} design, {} points × {} paired replicates × {} regimes → {}/",
        scenario.scenario.name,
        plan.design.as_str(),
        plan.points.len(),
        plan.replicates,
        summary.regimes.len(),
        out.display()
    );
    println!(
        "agreement % within {} months, per point and regime",
        scenario.world.horizon_months
    );
    let columns: Vec<&String> = plan.names.iter().chain(&summary.regimes).collect();
    let widths: Vec<usize> = columns.iter().map(|c| c.len().max(6)).collect();
    let mut header = format!("{:>5}", "point");
    for (c, w) in columns.iter().zip(&widths) {
        header += &format!("  {c:>w$}");
    }
    println!("{header}");
    for (p, values) in plan.points.iter().enumerate() {
        let mut line = format!("{p:>5}");
        let mut w = widths.iter();
        for v in values {
            line += &format!("  {v:>w$}", w = w.next().unwrap());
        }
        for r in 0..summary.regimes.len() {
            let rate = match summary.mean(p, r, agreement) {
                Some(m) => format!("{:.1}", 100.0 * m),
                None => "–".into(),
            };
            line += &format!("  {rate:>w$}", w = w.next().unwrap());
        }
        println!("{line}");
    }
}
