//! Figures, report and trace, checked on the real binary: every file exists with real content,
//! the report holds every figure and the summary, and a trace is exactly its replicate of `run`.

use crate::common::peacesim;
use peacesim::output::plots::RUN_FIGURES;
use std::fs;
use std::path::Path;
use std::process::Output;

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "status {:?}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Decodes a PNG and returns (width, height, number of distinct colours).
fn png_colours(path: &Path) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let step = info.color_type.samples();
    let mut colours: Vec<&[u8]> = bytes.chunks(step).collect();
    colours.sort();
    colours.dedup();
    (info.width, info.height, colours.len())
}

const REGIMES: [&str; 3] = ["competitive", "hierarchical", "network"];

#[test]
fn run_writes_every_figure_and_a_self_contained_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    ok(&peacesim(&[
        "run",
        "--replicates",
        "40",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]));
    for (stem, heading, _) in RUN_FIGURES {
        let (w, h, colours) = png_colours(&out.join(format!("{stem}.png")));
        assert!(w >= 600 && h >= 400, "{stem}.png is {w}×{h}");
        assert!(colours > 20, "{stem}.png looks blank: {colours} colours");
        let svg = fs::read_to_string(out.join(format!("{stem}.svg"))).unwrap();
        assert!(svg.starts_with("<svg"), "{stem}.svg is not an SVG");
        assert!(svg.contains("<text"), "{stem}.svg has no text");
        // plotters writes each label into its own <text> element.
        let titled = heading.split_whitespace().next().unwrap();
        assert!(svg.contains(titled), "{stem}.svg lacks its title");
        for regime in REGIMES {
            let short = &regime[..6];
            assert!(svg.contains(short), "{stem}.svg does not name {regime}");
        }
    }
    let series = fs::read_to_string(out.join("agreement_over_time.svg")).unwrap();
    assert!(series.contains("month since the start of the process"));
    assert!(series.contains("replicates with an agreement (%)"));

    let report = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.starts_with("<!DOCTYPE html>"));
    assert_eq!(report.matches("<svg").count(), RUN_FIGURES.len());
    for (stem, heading, caption) in RUN_FIGURES {
        assert!(
            report.contains(&format!("id=\"{stem}\"")),
            "report lacks {stem}"
        );
        assert!(report.contains(heading));
        assert!(report.contains(&peacesim::output::escape(caption)));
    }
    assert!(report.contains("<table>") && report.contains("Agreement within the horizon"));
    for regime in REGIMES {
        assert!(report.contains(regime));
    }
    assert!(report.contains("seed 2022") && report.contains("40 paired replicates"));
    assert!(report.contains(env!("CARGO_PKG_VERSION")));
    for forbidden in ["<script", "src=\"http", "<link", "@import", "url("] {
        assert!(
            !report.contains(forbidden),
            "the report must load nothing: {forbidden}"
        );
    }
}

#[test]
fn no_plots_skips_figures_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    ok(&peacesim(&[
        "run",
        "--replicates",
        "5",
        "--out",
        out.to_str().unwrap(),
        "--no-plots",
        "-q",
    ]));
    assert!(out.join("runs.csv").exists());
    assert!(!out.join("report.html").exists());
    assert!(!out.join("outcomes.png").exists());
}

/// The value of `column` in the runs.csv row of (regime, replicate).
fn runs_value(runs: &str, regime: &str, replicate: u64, column: &str) -> String {
    let mut lines = runs.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let k = header.iter().position(|h| *h == column).unwrap();
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|row| row[0] == regime && row[1] == replicate.to_string())
        .map(|row| row[k].to_string())
        .unwrap()
}

#[test]
fn a_trace_is_exactly_its_replicate_of_run() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    ok(&peacesim(&[
        "run",
        "--replicates",
        "12",
        "--out",
        run_dir.to_str().unwrap(),
        "--no-plots",
        "-q",
    ]));
    let runs = fs::read_to_string(run_dir.join("runs.csv")).unwrap();
    for (regime, replicate) in [("competitive", 7u64), ("hierarchical", 3), ("network", 11)] {
        let trace_dir = dir.path().join(format!("trace-{regime}"));
        let rep = replicate.to_string();
        let out = peacesim(&[
            "trace",
            "--regime",
            regime,
            "--replicate",
            &rep,
            "--replicates",
            "12",
            "--out",
            trace_dir.to_str().unwrap(),
        ]);
        ok(&out);
        let story = String::from_utf8(out.stdout).unwrap();
        let events = fs::read_to_string(trace_dir.join("events.csv")).unwrap();
        let count = |kind: &str| {
            events
                .lines()
                .filter(|l| l.split(',').nth(1) == Some(kind))
                .count()
                .to_string()
        };
        let month_of = |kind: &str| {
            events
                .lines()
                .find(|l| l.split(',').nth(1) == Some(kind))
                .map(|l| l.split(',').next().unwrap().to_string())
                .unwrap_or_default()
        };
        let v = |c: &str| runs_value(&runs, regime, replicate, c);
        assert_eq!(
            month_of("agreement"),
            v("agreement_month"),
            "{regime} {rep}"
        );
        assert_eq!(month_of("relapse"), v("relapse_month"), "{regime} {rep}");
        assert_eq!(
            count("party_switched"),
            v("forum_switches"),
            "{regime} {rep}"
        );
        assert_eq!(count("rotation"), v("rotations"), "{regime} {rep}");
        assert!(story.contains(&format!("{} forum switches", v("forum_switches"))));
        assert!(story.contains(&format!("{} do-no-harm violations", v("dnh_violations"))));
        assert!(story.contains(&format!("(seed {})", v("seed"))));
        let manifest: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(trace_dir.join("manifest.json")).unwrap())
                .unwrap();
        assert_eq!(manifest["run_seed"].to_string(), v("seed"));
        // The pictures.
        let (_, _, colours) = png_colours(&trace_dir.join("timeline.png"));
        assert!(colours > 20);
        let svg = fs::read_to_string(trace_dir.join("timeline.svg")).unwrap();
        assert!(svg.contains("do-no-harm violation") && svg.contains("month"));
        let gif = fs::File::open(trace_dir.join("animation.gif")).unwrap();
        let mut decoder = gif::DecodeOptions::new().read_info(gif).unwrap();
        let mut frames = 0;
        while decoder.read_next_frame().unwrap().is_some() {
            frames += 1;
        }
        assert!(frames >= 12, "{frames} frames");
    }
}

#[test]
fn trace_refuses_a_bad_regime_or_replicate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    let o = out.to_str().unwrap();
    let bad = peacesim(&[
        "trace",
        "--regime",
        "anarchy",
        "--replicate",
        "0",
        "--out",
        o,
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("--regime") && err.contains("anarchy") && err.contains("competitive"));
    let bad = peacesim(&[
        "trace",
        "--regime",
        "network",
        "--replicate",
        "1000",
        "--out",
        o,
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("--replicate 1000") && err.contains("0 to 999"),
        "{err}"
    );
    assert!(!out.exists(), "no output folder on bad input");
}

#[test]
fn scenario_toml_reproduces_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    ok(&peacesim(&[
        "run",
        "--replicates",
        "15",
        "--seed",
        "99",
        "--regimes",
        "competitive,network",
        "--out",
        first.to_str().unwrap(),
        "--no-plots",
        "-q",
    ]));
    let toml = first.join("scenario.toml");
    ok(&peacesim(&[
        "run",
        toml.to_str().unwrap(),
        "--out",
        second.to_str().unwrap(),
        "--no-plots",
        "-q",
    ]));
    for file in ["runs.csv", "summary.csv", "timeseries.csv"] {
        assert_eq!(
            fs::read(first.join(file)).unwrap(),
            fs::read(second.join(file)).unwrap(),
            "{file} differs"
        );
    }
}
