//! What a new user sees in the first hour (issue 15): full regime names and percentage points
//! in the run figures, readable text, honest and consistent time axes, heatmaps with their
//! uncertainty, reports whose bold differences and linked files hold what they say, and traces
//! whose regimes can be shown in step side by side.

use crate::common::peacesim;
use peacesim::output::plots::{RUN_FIGURES, frame_months, legend_kinds};
use peacesim::scenario::ThirdPartyKind;
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

/// The text of every `<text>` element of an SVG, with its font size.
fn svg_texts(svg: &str) -> Vec<(f64, String)> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        rest = &rest[start..];
        let end_tag = rest.find('>').unwrap();
        let tag = &rest[..end_tag];
        let close = rest.find("</text>").unwrap();
        let body = rest[end_tag + 1..close].trim().to_string();
        let size = tag
            .split("font-size=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0.0);
        out.push((size, body));
        rest = &rest[close..];
    }
    out
}

/// The width of an SVG.
fn svg_width(svg: &str) -> f64 {
    svg.split("width=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The width of the report's column (max-width 1200 px less its padding).
const REPORT_COLUMN: f64 = 1168.0;

#[test]
fn run_figures_name_regimes_in_full_use_pp_and_stay_readable() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    ok(&peacesim(&[
        "run",
        "--replicates",
        "30",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]));
    let read = |stem: &str| fs::read_to_string(out.join(format!("{stem}.svg"))).unwrap();

    let outcomes = svg_texts(&read("outcomes"));
    let words: Vec<&str> = outcomes.iter().map(|t| t.1.as_str()).collect();
    for name in ["competitive", "hierarchical", "network"] {
        assert!(
            words.contains(&name),
            "outcomes.svg does not name {name} in full"
        );
    }
    for cut in ["compet.", "hierarch."] {
        assert!(
            !words.iter().any(|w| w.contains(cut)),
            "{cut} in outcomes.svg"
        );
    }
    // A difference of shares is in percentage points, never "%".
    for w in words.iter().filter(|w| w.starts_with('Δ')) {
        assert!(!w.contains('%'), "{w}");
    }
    assert!(
        words
            .iter()
            .any(|w| w.starts_with("Δ agreement") && w.ends_with("(pp)"))
    );
    // Rotations follow the same schedule under every regime: no panel of zeros.
    assert!(!words.iter().any(|w| w.contains("rotation")));

    for (stem, _, _) in RUN_FIGURES {
        let svg = read(stem);
        let texts = svg_texts(&svg);
        // Text at least 11 px high as the report shows it (scaled to its column).
        let scale = (REPORT_COLUMN / svg_width(&svg)).min(1.0);
        for (size, body) in &texts {
            assert!(
                size * scale >= 11.0,
                "{stem}: {body:?} is {:.1} px",
                size * scale
            );
        }
        // Every time axis runs over the whole run and marks the horizon.
        if stem != "outcomes" {
            assert!(texts.iter().any(|t| t.1 == "horizon (month 120)"), "{stem}");
            assert!(
                texts.iter().any(|t| t.1 == "180"),
                "{stem} stops before month 180"
            );
        }
        // A negative number carries a true minus.
        assert!(
            !texts.iter().any(|t| t.1.starts_with('-')),
            "{stem} has a hyphen for a minus"
        );
    }
    // Trust on its whole scale.
    let trust: Vec<String> = svg_texts(&read("trust_over_time"))
        .into_iter()
        .map(|t| t.1)
        .collect();
    assert!(trust.contains(&"0.0".to_string()) && trust.contains(&"1.0".to_string()));

    // The report: bold differences show intervals that exclude zero, files are linked.
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    for file in [
        "runs.csv",
        "summary.csv",
        "timeseries.csv",
        "manifest.json",
        "outcomes.png",
    ] {
        assert!(
            report.contains(&format!("<a href=\"{file}\">")),
            "{file} is not linked"
        );
    }
    let mut bold = 0;
    for part in report.split("<span class=\"diff").skip(1) {
        let clear = part.starts_with(" clear");
        let text = &part[part.find('>').unwrap() + 1..part.find("</span>").unwrap()];
        let inside = &text[text.find('[').unwrap() + 1..text.find(']').unwrap()];
        let (lo, hi) = inside.split_once(", ").unwrap();
        let sign = |s: &str| s.chars().next().filter(|c| *c == '+' || *c == '−');
        if clear {
            bold += 1;
            assert!(
                sign(lo).is_some() && sign(lo) == sign(hi),
                "bold but the interval shown does not exclude zero: {text}"
            );
        } else {
            assert!(
                sign(lo).is_none() || sign(lo) != sign(hi),
                "not bold but the interval shown excludes zero: {text}"
            );
        }
        assert!(!text.contains('-'), "hyphen for a minus: {text}");
    }
    assert!(bold > 0);
}

#[test]
fn sweep_heatmaps_show_their_uncertainty() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("sweep.toml");
    fs::write(&scenario, common_sweep(6)).unwrap();
    let out = dir.path().join("sweep");
    ok(&peacesim(&[
        "sweep",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]));
    for stem in ["heatmap_agreement", "heatmap_difference"] {
        let svg = fs::read_to_string(out.join(format!("{stem}.svg"))).unwrap();
        let texts = svg_texts(&svg);
        let cells = texts.iter().filter(|t| t.1.starts_with('±')).count();
        assert!(cells >= 20, "{stem}: {cells} cells with their interval");
        // Colour-bar ticks are numbers, never "60." or a hyphen.
        assert!(
            !texts.iter().any(|t| t.1.ends_with('.') && t.1.len() < 6),
            "{stem}"
        );
        assert!(!texts.iter().any(|t| t.1.starts_with('-')), "{stem}");
    }
    let difference = fs::read_to_string(out.join("heatmap_difference.svg")).unwrap();
    assert!(difference.contains("hatched = the interval includes zero"));
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    for file in ["sweep_runs.csv", "sweep_summary.csv", "manifest.json"] {
        assert!(
            report.contains(&format!("<a href=\"{file}\">")),
            "{file} is not linked"
        );
    }
}

fn common_sweep(replicates: u64) -> String {
    super::common::rotation_sweep(replicates)
}

/// Frames of a GIF.
fn frames(path: &Path) -> usize {
    let file = fs::File::open(path).unwrap();
    let mut decoder = gif::DecodeOptions::new().read_info(file).unwrap();
    let mut n = 0;
    while decoder.read_next_frame().unwrap().is_some() {
        n += 1;
    }
    n
}

#[test]
fn traces_of_one_replicate_step_together_and_tell_how_progress_moves() {
    let scenario =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/training_parallel_processes.toml");
    let dir = tempfile::tempdir().unwrap();
    let mut counts = Vec::new();
    let mut scales = Vec::new();
    for regime in ["competitive", "hierarchical"] {
        let out = dir.path().join(regime);
        let o = peacesim(&[
            "trace",
            scenario.to_str().unwrap(),
            "--regime",
            regime,
            "--replicate",
            "0",
            "--out",
            out.to_str().unwrap(),
        ]);
        ok(&o);
        counts.push(frames(&out.join("animation.gif")));
        // The timelines' axes: the same tick labels under both regimes (shared scales).
        let mut ticks: Vec<String> =
            svg_texts(&fs::read_to_string(out.join("timeline.svg")).unwrap())
                .into_iter()
                .map(|t| t.1)
                .filter(|t| t.parse::<f64>().is_ok())
                .collect();
        ticks.sort();
        scales.push(ticks);
        let story = String::from_utf8(o.stdout).unwrap();
        for line in story.lines() {
            let Some((_, values)) = line.rsplit_once("progress ") else {
                continue;
            };
            let mut numbers = values
                .split(|c: char| !(c.is_ascii_digit() || c == '.'))
                .filter(|s| s.len() > 2);
            let (Some(a), Some(b)) = (numbers.next(), numbers.next()) else {
                continue;
            };
            let (a, b): (f64, f64) = (a.parse().unwrap(), b.parse().unwrap());
            assert!(a != b, "a change of nothing: {line}");
            if b < a {
                assert!(
                    line.contains("loses ground"),
                    "a drop left unexplained: {line}"
                );
            }
        }
        assert!(
            story.contains("talks at"),
            "progress from talks untold:\n{story}"
        );
    }
    assert_eq!(counts[0], counts[1], "frames per regime");
    assert_eq!(counts[0], frame_months(180).len());
    assert_eq!(scales[0], scales[1], "the timelines' scales differ");
    let text = fs::read_to_string(&scenario).unwrap();
    let parsed = peacesim::scenario::Scenario::from_toml_str(&text, "training").unwrap();
    let kinds = legend_kinds(&parsed);
    assert!(kinds.contains(&ThirdPartyKind::Mediator));
    assert!(
        !kinds.contains(&ThirdPartyKind::Insider),
        "legend lists an absent kind"
    );
}
