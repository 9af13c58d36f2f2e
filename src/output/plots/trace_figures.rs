//! Pictures of one traced run: a timeline of the key state variables with events marked, and
//! an animation of parties moving between tables.

use super::gif_writer::GifWriter;
use super::{DrawResult, Figure, regime_colour, save, text, title};
use crate::model::{EventKind, METRICS, Phase, Trace};
use crate::scenario::{Scenario, ThirdPartyKind};
use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::io::Write;
use std::path::Path;

/// Event rows of the timeline, top to bottom: label, kinds, colour.
const EVENT_ROWS: [(&str, &[EventKind], RGBColor); 6] = [
    ("rotation", &[EventKind::Rotation], RGBColor(120, 120, 120)),
    (
        "funding",
        &[EventKind::FundingEnded, EventKind::FundingRestored],
        RGBColor(204, 121, 167),
    ),
    (
        "table opened/closed",
        &[EventKind::ForumOpened, EventKind::ForumClosed],
        RGBColor(86, 180, 233),
    ),
    (
        "forum switch",
        &[EventKind::PartySwitched],
        RGBColor(230, 159, 0),
    ),
    (
        "do-no-harm violation",
        &[EventKind::DoNoHarmViolation],
        RGBColor(200, 0, 0),
    ),
    ("proposal", &[EventKind::Proposal], RGBColor(0, 158, 115)),
];

/// A labelled line of a timeline panel.
type Line<'a> = (&'a str, Vec<(f64, f64)>, RGBColor);

/// The timeline of a traced run.
struct Timeline<'a> {
    trace: &'a Trace,
    series: &'a [f64],
    heading: String,
    colour: RGBColor,
}

impl Timeline<'_> {
    fn metric(&self, name: &str) -> Vec<(f64, f64)> {
        let k = METRICS.iter().position(|m| *m == name).unwrap_or(0);
        self.series
            .chunks(METRICS.len())
            .enumerate()
            .map(|(t, row)| ((t + 1) as f64, row[k]))
            .collect()
    }

    fn months(&self) -> f64 {
        (self.series.len() / METRICS.len()) as f64
    }

    /// Vertical lines at the agreement and relapse months.
    fn milestones(&self) -> Vec<(f64, &'static str)> {
        let o = &self.trace.outcome;
        let mut m = Vec::new();
        if let Some(a) = o.agreement_month {
            m.push((a as f64, "agreement"));
        }
        if let Some(r) = o.relapse_month {
            m.push((r as f64, "relapse"));
        }
        m
    }

    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        y_desc: &str,
        y_max: f64,
        lines: &[Line],
        last: bool,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let mut chart = ChartBuilder::on(area)
            .margin(6)
            .margin_right(24)
            .x_label_area_size(if last { 50 } else { 8 })
            .y_label_area_size(150)
            .build_cartesian_2d(1f64..self.months(), {
                let (lo, hi) = super::safe_range(0.0, y_max);
                lo..hi
            })?;
        let mut mesh = chart.configure_mesh();
        mesh.y_desc(y_desc)
            .label_style(text(15.0))
            .axis_desc_style(text(16.0))
            .y_labels(5)
            .light_line_style(WHITE.mix(0.0))
            .x_label_formatter(&|x| format!("{x:.0}"));
        if last {
            mesh.x_desc("month");
        } else {
            mesh.x_labels(0);
        }
        mesh.draw()?;
        for (month, _) in self.milestones() {
            chart.draw_series(DashedLineSeries::new(
                [(month, 0.0), (month, y_max)],
                5,
                4,
                BLACK.mix(0.5).stroke_width(2),
            ))?;
        }
        for (label, points, colour) in lines {
            let c = *colour;
            chart
                .draw_series(LineSeries::new(points.iter().copied(), c.stroke_width(3)))?
                .label(*label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 22, y)], c.stroke_width(4))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(text(15.0))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()?;
        Ok(())
    }

    fn events<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let rows = EVENT_ROWS.len() as f64;
        let mut chart = ChartBuilder::on(area)
            .margin(6)
            .margin_right(24)
            .x_label_area_size(8)
            .y_label_area_size(150)
            .build_cartesian_2d(1f64..self.months(), 0.5f64..rows + 0.5)?;
        let row_label = |y: &f64| {
            let k = rows - y.round();
            if (y - y.round()).abs() > 0.01 || k < 0.0 {
                return String::new();
            }
            EVENT_ROWS
                .get(k as usize)
                .map(|r| r.0.to_string())
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(EVENT_ROWS.len() + 2)
            .y_label_formatter(&row_label)
            .label_style(text(13.0))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        for (k, (_, kinds, colour)) in EVENT_ROWS.iter().enumerate() {
            let y = rows - k as f64;
            let marks = self
                .trace
                .events
                .iter()
                .filter(|e| kinds.contains(&e.kind))
                .map(|e| Circle::new((e.month as f64, y), 4, colour.filled()));
            chart.draw_series(marks)?;
        }
        for (month, label) in self.milestones() {
            chart.draw_series(DashedLineSeries::new(
                [(month, 0.5), (month, rows + 0.5)],
                5,
                4,
                BLACK.mix(0.5).stroke_width(2),
            ))?;
            chart.draw_series(std::iter::once(Text::new(
                label.to_string(),
                (month + 1.0, 0.8),
                text(15.0).pos(Pos::new(HPos::Left, VPos::Center)),
            )))?;
        }
        Ok(())
    }
}

impl Figure for Timeline<'_> {
    fn size(&self) -> (u32, u32) {
        (1200, 1150)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let body = root.titled(&self.heading, title(22.0))?;
        let (events, rest) = body.split_vertically(230);
        self.events(&events)?;
        let panels = rest.split_evenly((4, 1));
        let violence = self.metric("violence");
        let v_max = violence.iter().map(|p| p.1).fold(0.0f64, f64::max) * 1.1 + 0.1;
        let tables = self.metric("parallel_forums");
        let t_max = tables.iter().map(|p| p.1).fold(0.0f64, f64::max) + 1.0;
        self.panel(
            &panels[0],
            "readiness, progress (0–1)",
            1.0,
            &[
                (
                    "mutual readiness",
                    self.metric("mutual_readiness"),
                    RGBColor(153, 0, 0),
                ),
                (
                    "progress at the best table",
                    self.metric("progress"),
                    self.colour,
                ),
            ],
            false,
        )?;
        self.panel(
            &panels[1],
            "trust (0–1)",
            1.0,
            &[
                (
                    "parties → third parties",
                    self.metric("trust_party_third"),
                    self.colour,
                ),
                (
                    "among third parties",
                    self.metric("trust_among_third"),
                    RGBColor(100, 100, 100),
                ),
            ],
            false,
        )?;
        self.panel(
            &panels[2],
            "violence (index/month)",
            v_max,
            &[("violence", violence, RGBColor(90, 90, 90))],
            false,
        )?;
        self.panel(
            &panels[3],
            "tables (count)",
            t_max,
            &[("tables holding a party", tables, self.colour)],
            true,
        )?;
        Ok(())
    }
}

/// Writes `timeline.png` and `timeline.svg`.
pub fn write_trace_timeline(
    scenario: &Scenario,
    regime: &str,
    replicate: u64,
    trace: &Trace,
    series: &[f64],
    dir: &Path,
) -> Result<()> {
    let figure = Timeline {
        trace,
        series,
        heading: format!(
            "{} — {regime}, replicate {replicate}: what happened, month by month",
            scenario.scenario.name
        ),
        colour: regime_colour(regime, 0),
    };
    save(&figure, dir, "timeline").map(|_| ())
}

/// Colour of a trust value: vermillion (distrust) through grey to bluish green (trust).
fn trust_colour(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let (lo, mid, hi) = (
        (213.0, 94.0, 0.0),
        (170.0, 170.0, 170.0),
        (0.0, 158.0, 115.0),
    );
    let mix = |a: (f64, f64, f64), b: (f64, f64, f64), s: f64| {
        RGBColor(
            (a.0 + (b.0 - a.0) * s) as u8,
            (a.1 + (b.1 - a.1) * s) as u8,
            (a.2 + (b.2 - a.2) * s) as u8,
        )
    };
    if t < 0.5 {
        mix(lo, mid, t / 0.5)
    } else {
        mix(mid, hi, (t - 0.5) / 0.5)
    }
}

fn kind_colour(kind: ThirdPartyKind) -> RGBColor {
    match kind {
        ThirdPartyKind::Mediator => RGBColor(0, 90, 160),
        ThirdPartyKind::Diplomat => RGBColor(120, 80, 40),
        ThirdPartyKind::SupportOrg => RGBColor(150, 60, 130),
        ThirdPartyKind::Insider => RGBColor(110, 130, 0),
    }
}

/// Most frames in an animation (one per month).
const MAX_FRAMES: usize = 150;
const FRAME_MS: u32 = 160;
const GIF_SIZE: (u32, u32) = (900, 790);

/// Writes `animation.gif`: third parties on a circle, open tables ringed around their convenor,
/// parties drawn at the table they engage at and moving between tables, links from each party
/// to each third party coloured by trust.
pub fn write_trace_animation(
    scenario: &Scenario,
    regime: &str,
    trace: &Trace,
    dir: &Path,
) -> Result<()> {
    super::register_fonts();
    let path = dir.join("animation.gif");
    let file = std::fs::File::create(&path).context("cannot create animation.gif")?;
    let mut gif = GifWriter::new(std::io::BufWriter::new(file), GIF_SIZE, FRAME_MS)
        .context("cannot write animation.gif")?;
    let last = story_end(scenario, trace).min(trace.snapshots.len());
    let step = last.div_ceil(MAX_FRAMES).max(1);
    let mut pixels = vec![0u8; GIF_SIZE.0 as usize * GIF_SIZE.1 as usize * 3];
    for t in (0..last).step_by(step) {
        {
            let root =
                super::GlyphText::bitmap(BitMapBackend::with_buffer(&mut pixels, GIF_SIZE))
                    .into_drawing_area();
            draw_frame(&root, scenario, regime, trace, t)
                .map_err(|e| anyhow::anyhow!("{e}"))
                .context("cannot draw animation.gif")?;
            root.present()
                .map_err(|e| anyhow::anyhow!("{e}"))
                .context("cannot draw animation.gif")?;
        }
        gif.add(&pixels).context("cannot write animation.gif")?;
    }
    gif.finish()
        .and_then(|mut out| out.flush())
        .context("cannot write animation.gif")?;
    Ok(())
}

/// The month after which little changes: a year after the agreement, or the horizon.
fn story_end(scenario: &Scenario, trace: &Trace) -> usize {
    let o = &trace.outcome;
    let end = match (o.agreement_month, o.relapse_month) {
        (_, Some(r)) => r + 6,
        (Some(a), None) => a + 12,
        _ => scenario.world.horizon_months + 1,
    };
    end as usize
}

fn node_positions(n: usize) -> Vec<(i32, i32)> {
    let (cx, cy, r) = (450.0, 400.0, 265.0);
    (0..n)
        .map(|j| {
            let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * j as f64 / n as f64;
            ((cx + r * angle.cos()) as i32, (cy + r * angle.sin()) as i32)
        })
        .collect()
}

fn draw_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scenario: &Scenario,
    regime: &str,
    trace: &Trace,
    t: usize,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let snap = &trace.snapshots[t];
    let nt = scenario.third_parties.len();
    let np = scenario.parties.len();
    let nodes = node_positions(nt);
    let centre = (450, 400);
    root.fill(&WHITE)?;
    let tables = snap.forum_open.iter().filter(|&&o| o).count();
    let phase = match snap.phase {
        Phase::Negotiating => format!("{tables} table(s) open"),
        Phase::Implementing { .. } => "agreement being implemented".into(),
        Phase::Durable => "agreement held".into(),
        Phase::Relapsed => "relapse: war resumed".into(),
        Phase::Expired => "horizon passed without agreement".into(),
    };
    let heading = format!(
        "{} — {regime} — month {}: {phase}",
        scenario.scenario.name, snap.month
    );
    // A long heading (scenario name and phase) is set smaller rather than cut at the edge.
    let room = root.dim_in_pixel().0.saturating_sub(40);
    let mut size = 21.0;
    while size > 12.0 && root.estimate_text_size(&heading, &title(size))?.0 > room {
        size -= 1.0;
    }
    root.draw(&Text::new(heading, (20, 14), title(size)))?;
    // Where each party stands: next to its table's convenor, or in the middle if at none.
    let party_pos: Vec<(i32, i32)> = (0..np)
        .map(|i| match snap.party_forum[i] {
            Some(f) => {
                let (x, y) = nodes[f];
                let (dx, dy) = ((centre.0 - x) as f64, (centre.1 - y) as f64);
                let len = (dx * dx + dy * dy).sqrt().max(1.0);
                let offset = 92.0 + 34.0 * i as f64;
                (
                    x + (dx / len * offset) as i32 + 18 * i as i32 - 9,
                    y + (dy / len * offset) as i32,
                )
            }
            // Parties at no table stand in the middle, one under the other.
            None => (centre.0 - 70, centre.1 - 16 * np as i32 + 32 * i as i32),
        })
        .collect();
    for (i, &from) in party_pos.iter().enumerate() {
        for (j, &to) in nodes.iter().enumerate() {
            let trust = snap.party_trust[i * nt + j];
            let at_table = snap.party_forum[i] == Some(j);
            let width = if at_table { 5 } else { 1 };
            root.draw(&PathElement::new(
                vec![from, to],
                trust_colour(trust)
                    .mix(if at_table { 1.0 } else { 0.55 })
                    .stroke_width(width),
            ))?;
        }
    }
    for (j, t) in scenario.third_parties.iter().enumerate() {
        let (x, y) = nodes[j];
        // Names, and the progress of an open table, go on the outer side of the circle, away
        // from the parties.
        let upper = y < centre.1;
        let open = snap.forum_open[j];
        let ring = if open { 44 } else { 20 };
        if open {
            root.draw(&Circle::new(
                (x, y),
                40,
                RGBColor(60, 60, 60).stroke_width(4),
            ))?;
            let (py, pv) = if upper {
                (y - ring - 20, VPos::Bottom)
            } else {
                (y + ring + 20, VPos::Top)
            };
            root.draw(&Text::new(
                format!("table · progress {:.2}", snap.progress[j]),
                (x, py),
                text(14.0).pos(Pos::new(HPos::Center, pv)),
            ))?;
        }
        root.draw(&Circle::new((x, y), 16, kind_colour(t.kind).filled()))?;
        let (ny, nv) = if upper {
            (y - ring, VPos::Bottom)
        } else {
            (y + ring, VPos::Top)
        };
        root.draw(&Text::new(
            t.name.clone(),
            (x, ny),
            title(16.0).pos(Pos::new(HPos::Center, nv)),
        ))?;
    }
    for (i, p) in scenario.parties.iter().enumerate() {
        let (x, y) = party_pos[i];
        root.draw(&Rectangle::new(
            [(x - 11, y - 11), (x + 11, y + 11)],
            BLACK.filled(),
        ))?;
        root.draw(&Text::new(
            format!("{} (ready {:.2})", p.name, snap.readiness[i]),
            (x + 15, y),
            text(15.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    legend(root)?;
    Ok(())
}

fn legend<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let y = 772;
    let mut x = 20;
    for kind in [
        ThirdPartyKind::Mediator,
        ThirdPartyKind::Diplomat,
        ThirdPartyKind::SupportOrg,
        ThirdPartyKind::Insider,
    ] {
        root.draw(&Circle::new((x, y), 8, kind_colour(kind).filled()))?;
        root.draw(&Text::new(
            kind.as_str().replace('_', " "),
            (x + 13, y),
            text(14.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        x += 120;
    }
    root.draw(&Rectangle::new(
        [(x - 7, y - 7), (x + 7, y + 7)],
        BLACK.filled(),
    ))?;
    root.draw(&Text::new(
        "conflict party",
        (x + 13, y),
        text(14.0).pos(Pos::new(HPos::Left, VPos::Center)),
    ))?;
    x += 130;
    for (t, label) in [(0.1, "distrust"), (0.5, "neutral"), (0.9, "trust")] {
        root.draw(&PathElement::new(
            vec![(x, y), (x + 24, y)],
            trust_colour(t).stroke_width(5),
        ))?;
        root.draw(&Text::new(
            label,
            (x + 30, y),
            text(14.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        x += 100;
    }
    Ok(())
}
