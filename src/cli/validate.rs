//! `peacesim validate`.

use super::{Failure, ValidateArgs};
use peacesim::experiment::validation::{Check, validate as run_checks};
use peacesim::output::{StagedDir, fmt_f64, plots};
use peacesim::scenario::{BASELINE_SOURCE, Scenario};
use std::path::PathBuf;
use std::time::Instant;

fn csv(checks: &[Check]) -> anyhow::Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "fact",
        "name",
        "metric",
        "expected",
        "value",
        "ci_low",
        "ci_high",
        "pass",
        "replicates",
        "confidence",
    ])?;
    for c in checks {
        out.write_record([
            c.fact.to_string().as_str(),
            c.name,
            &c.metric,
            &c.expected,
            &fmt_f64(c.value),
            &fmt_f64(c.ci_low),
            &fmt_f64(c.ci_high),
            if c.pass { "1" } else { "0" },
            &c.replicates.to_string(),
            &fmt_f64(c.confidence()),
        ])?;
    }
    Ok(out.into_inner()?)
}

pub(super) fn validate(args: ValidateArgs) -> Result<(), Failure> {
    let threads = super::resolve_threads(args.threads)?;
    let (scenario, source) = match &args.file {
        Some(path) => (
            Scenario::from_file(path).map_err(|e| Failure::Input(e.to_string()))?,
            path.display().to_string(),
        ),
        None => (Scenario::baseline(), BASELINE_SOURCE.to_string()),
    };
    let target = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!("{}-validation", scenario.scenario.name))
    });
    let out = super::claim_output(&target, args.file.as_deref())?;
    let staged =
        StagedDir::create(out.path(), args.force).map_err(|e| Failure::Input(format!("{e:#}")))?;
    let clock = Instant::now();
    let quiet = args.quiet;
    let checks = run_checks(&scenario, threads, args.all_replicates, &mut |what| {
        if !quiet {
            eprintln!("  running {what}");
        }
    })?;
    staged.write_file("validation.csv", &csv(&checks)?)?;
    if !args.no_plots {
        plots::write_validation_figure(&scenario.scenario.name, &checks, staged.dir())?;
    }
    let written = staged.commit()?;
    let failed: Vec<&Check> = checks.iter().filter(|c| !c.pass).collect();
    if !quiet {
        print!("{}", super::table::validation(&checks));
        print!(
            "\n{}",
            super::table::wrap(
                &format!(
                    "{source}: {} of {} checks hold ({:.1} s)",
                    checks.len() - failed.len(),
                    checks.len(),
                    clock.elapsed().as_secs_f64(),
                ),
                "  "
            )
        );
        println!("→ {}/", written.display());
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::Verdict(format!(
            "validation failed: {} of {} checks do not hold: {}",
            failed.len(),
            checks.len(),
            failed
                .iter()
                .map(|c| format!("fact {} ({})", c.fact, c.metric))
                .collect::<Vec<_>>()
                .join("; ")
        )))
    }
}
