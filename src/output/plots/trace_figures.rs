//! Pictures of one traced run: a timeline of the key state variables with events marked, and
//! an animation of parties moving between tables.

use super::gif_writer::GifWriter;
use super::{DrawResult, Figure, regime_colour, save, text, title};
use crate::model::{EventKind, METRICS, Phase, Trace};
use crate::scenario::{Scenario, ThirdPartyKind};
use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
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
    /// Upper ends of the violence and tables axes, shared by the timelines of every regime of
    /// the scenario for this replicate, so that two regimes' timelines compare side by side.
    violence_max: f64,
    tables_max: f64,
    horizon: f64,
}

/// The largest monthly violence and number of tables holding a party in replicate `replicate`
/// under any of the scenario's regimes (and `regime`): the timelines' shared scales.
fn shared_scales(scenario: &Scenario, regime: &str, replicate: u64, own: &[f64]) -> (f64, f64) {
    let column = |series: &[f64], name: &str| {
        let k = METRICS.iter().position(|m| *m == name).unwrap_or(0);
        series
            .chunks(METRICS.len())
            .map(|row| row[k])
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max)
    };
    let (mut violence, mut tables) = (column(own, "violence"), column(own, "parallel_forums"));
    let seed = crate::model::random::run_seed(scenario.experiment.seed, replicate);
    let mut series = vec![0.0; scenario.total_months() * METRICS.len()];
    for name in &scenario.experiment.regimes {
        if name == regime {
            continue;
        }
        let Some(other) = crate::regime::by_name(name, scenario) else {
            continue;
        };
        crate::model::simulate(scenario, other.as_ref(), seed, &mut series);
        violence = violence.max(column(&series, "violence"));
        tables = tables.max(column(&series, "parallel_forums"));
    }
    (violence, tables)
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
        let integer = y_max > 2.0 && y_max.fract() == 0.0 && y_max <= 10.0;
        mesh.y_desc(y_desc)
            .label_style(text(16.0))
            .axis_desc_style(text(16.0))
            .y_labels(if integer { y_max as usize + 1 } else { 5 })
            .light_line_style(WHITE.mix(0.0))
            .x_label_formatter(&|x| format!("{x:.0}"));
        if integer {
            mesh.y_label_formatter(&|y| format!("{y:.0}"));
        }
        if last {
            mesh.x_desc("month");
        } else {
            mesh.x_labels(0);
        }
        mesh.draw()?;
        self.shade_after_horizon(&mut chart, 0.0, y_max)?;
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

    /// Shades the months after the negotiation horizon.
    fn shade_after_horizon<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        lo: f64,
        hi: f64,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        if self.horizon < self.months() {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(self.horizon + 0.5, lo), (self.months(), hi)],
                RGBColor(120, 120, 120).mix(0.10).filled(),
            )))?;
        }
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
            .label_style(text(15.0))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        self.shade_after_horizon(&mut chart, 0.5, rows + 0.5)?;
        if self.horizon < self.months() {
            chart.draw_series(std::iter::once(Text::new(
                " after the horizon: no new talks",
                (self.horizon + 0.5, rows + 0.45),
                text(14.0).pos(Pos::new(HPos::Left, VPos::Top)),
            )))?;
        }
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
        let v_max = self.violence_max * 1.1 + 0.1;
        let tables = self.metric("parallel_forums");
        let t_max = self.tables_max.ceil() + 1.0;
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
    let (violence_max, tables_max) = shared_scales(scenario, regime, replicate, series);
    let figure = Timeline {
        trace,
        series,
        heading: format!(
            "{} — {regime}, replicate {replicate}: what happened, month by month",
            scenario.scenario.name
        ),
        colour: regime_colour(regime, 0),
        violence_max,
        tables_max,
        horizon: scenario.world.horizon_months as f64,
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
const GIF_SIZE: (u32, u32) = (900, 870);
/// Centre of the circle of third parties.
const CENTRE: (i32, i32) = (450, 432);

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
    let mut pixels = vec![0u8; GIF_SIZE.0 as usize * GIF_SIZE.1 as usize * 3];
    for t in frame_months(trace.snapshots.len()) {
        {
            let root = super::GlyphText::bitmap(BitMapBackend::with_buffer(&mut pixels, GIF_SIZE))
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

/// The snapshots (0-based months) an animation shows: every `step`-th month of the whole run
/// and always its last, so that every regime's animation of a scenario has the same frames
/// for the same months, whenever its story ends (its final state holds, with the outcome in
/// the title).
pub fn frame_months(months: usize) -> Vec<usize> {
    let step = months.div_ceil(MAX_FRAMES).max(1);
    let mut frames: Vec<usize> = (0..months).step_by(step).collect();
    if months > 0 && frames.last() != Some(&(months - 1)) {
        frames.push(months - 1);
    }
    frames
}

fn node_positions(n: usize) -> Vec<(i32, i32)> {
    let (cx, cy, r) = (CENTRE.0 as f64, CENTRE.1 as f64, 265.0);
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
    let centre = CENTRE;
    root.fill(&WHITE)?;
    let (heading, status) = frame_title(scenario, regime, trace, t);
    // Each line set smaller rather than cut at the edge.
    let room = root.dim_in_pixel().0.saturating_sub(40);
    for (line, style, largest, y) in [(heading, true, 21.0, 12), (status, false, 18.0, 42)] {
        let make = |size: f64| if style { title(size) } else { text(size) };
        let mut size = largest;
        while size > 10.0 && root.estimate_text_size(&line, &make(size))?.0 > room {
            size -= 1.0;
        }
        root.draw(&Text::new(line, (20, y), make(size)))?;
    }
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
    // Everything drawn so far that a party's label must not cover.
    let mut taken: Vec<Rect> = Vec::new();
    for (j, t) in scenario.third_parties.iter().enumerate() {
        let (x, y) = nodes[j];
        // Names, and the progress of an open table, go on the outer side of the circle, away
        // from the parties.
        let upper = y < centre.1;
        let open = snap.forum_open[j];
        let ring = if open { 44 } else { 20 };
        taken.push(((x - ring, y - ring), (x + ring, y + ring)));
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
            let label = format!("table · progress {:.2}", snap.progress[j]);
            let style = text(14.0).pos(Pos::new(HPos::Center, pv));
            taken.push(text_rect(root, &label, &style, (x, py))?);
            root.draw(&Text::new(label, (x, py), style))?;
        }
        root.draw(&Circle::new((x, y), 16, kind_colour(t.kind).filled()))?;
        let (ny, nv) = if upper {
            (y - ring, VPos::Bottom)
        } else {
            (y + ring, VPos::Top)
        };
        let style = title(16.0).pos(Pos::new(HPos::Center, nv));
        taken.push(text_rect(root, &t.name, &style, (x, ny))?);
        root.draw(&Text::new(t.name.clone(), (x, ny), style))?;
    }
    for &(x, y) in &party_pos {
        taken.push(((x - 12, y - 12), (x + 12, y + 12)));
    }
    for (i, p) in scenario.parties.iter().enumerate() {
        let (x, y) = party_pos[i];
        root.draw(&Rectangle::new(
            [(x - 11, y - 11), (x + 11, y + 11)],
            BLACK.filled(),
        ))?;
        let label = format!("{} (ready {:.2})", p.name, snap.readiness[i]);
        let (w, h) = root.estimate_text_size(&label, &text(15.0))?;
        let (w, h) = (w as i32, h as i32);
        // Right, left, below or above the square: the first place that covers nothing drawn,
        // else the one that covers least.
        let places = [
            (x + 16, y - h / 2),
            (x - 16 - w, y - h / 2),
            (x - w / 2, y + 15),
            (x - w / 2, y - 15 - h),
            (x + 16, y + 8),
            (x + 16, y - 8 - h),
        ];
        let (width, height) = root.dim_in_pixel();
        let cost = |&(lx, ly): &(i32, i32)| {
            let r = ((lx - 2, ly - 2), (lx + w + 2, ly + h + 2));
            let outside =
                lx < 4 || ly < 60 || lx + w > width as i32 - 4 || ly + h > height as i32 - 70;
            taken.iter().map(|o| overlap(&r, o)).sum::<i32>() + if outside { 1_000_000 } else { 0 }
        };
        let (lx, ly) = places
            .iter()
            .copied()
            .min_by_key(|p| cost(p))
            .unwrap_or(places[0]);
        let r = ((lx - 3, ly - 2), (lx + w + 3, ly + h + 2));
        // A light backing keeps the label readable over the trust lines.
        root.draw(&Rectangle::new([r.0, r.1], WHITE.mix(0.8).filled()))?;
        root.draw(&Text::new(label, (lx, ly), text(15.0)))?;
        taken.push(r);
    }
    legend(root, scenario)?;
    Ok(())
}

/// A pixel rectangle: top left and bottom right corners.
type Rect = ((i32, i32), (i32, i32));

/// Overlapping area of two rectangles (0 when apart).
fn overlap(a: &Rect, b: &Rect) -> i32 {
    let w = (a.1.0.min(b.1.0) - a.0.0.max(b.0.0)).max(0);
    let h = (a.1.1.min(b.1.1) - a.0.1.max(b.0.1)).max(0);
    w * h
}

/// Where a text drawn at `at` with `style` (and its anchor) lands.
fn text_rect<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    label: &str,
    style: &TextStyle,
    at: (i32, i32),
) -> Result<Rect, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let (w, h) = root.estimate_text_size(label, style)?;
    let (w, h) = (w as i32, h as i32);
    let x = match style.pos.h_pos {
        HPos::Left => at.0,
        HPos::Center => at.0 - w / 2,
        HPos::Right => at.0 - w,
    };
    let y = match style.pos.v_pos {
        VPos::Top => at.1,
        VPos::Center => at.1 - h / 2,
        VPos::Bottom => at.1 - h,
    };
    Ok(((x, y), (x + w, y + h)))
}

/// The two lines of a frame's title: who and when, then the state of the process with the
/// outcome so far (which the frames after the story's end keep showing).
fn frame_title(scenario: &Scenario, regime: &str, trace: &Trace, t: usize) -> (String, String) {
    let snap = &trace.snapshots[t];
    let month = snap.month;
    let heading = format!(
        "{} — {regime} — month {month} of {}",
        scenario.scenario.name,
        trace.snapshots.len()
    );
    let o = &trace.outcome;
    let tables = snap.forum_open.iter().filter(|&&o| o).count();
    let status = match snap.phase {
        Phase::Negotiating => match tables {
            0 => "negotiating: no table open".to_string(),
            1 => "negotiating: 1 table open".to_string(),
            n => format!("negotiating: {n} tables open"),
        },
        Phase::Implementing { .. } => match o.agreement_month {
            Some(a) => format!("agreement signed in month {a}, being implemented"),
            None => "agreement being implemented".to_string(),
        },
        Phase::Durable => match o.agreement_month {
            Some(a) => format!("outcome: the agreement of month {a} held"),
            None => "outcome: the agreement held".to_string(),
        },
        Phase::Relapsed => match (o.agreement_month, o.relapse_month) {
            (Some(a), Some(r)) => {
                format!("outcome: agreement in month {a}, relapse into war in month {r}")
            }
            _ => "outcome: relapse into war".to_string(),
        },
        Phase::Expired => format!(
            "outcome: the horizon (month {}) passed without an agreement",
            scenario.world.horizon_months
        ),
    };
    (heading, status)
}

/// The kinds of third party the scenario has, in a fixed order.
pub fn legend_kinds(scenario: &Scenario) -> Vec<ThirdPartyKind> {
    [
        ThirdPartyKind::Mediator,
        ThirdPartyKind::Diplomat,
        ThirdPartyKind::SupportOrg,
        ThirdPartyKind::Insider,
    ]
    .into_iter()
    .filter(|k| scenario.third_parties.iter().any(|t| t.kind == *k))
    .collect()
}

/// One legend entry: its symbol and its words.
enum Key {
    Kind(ThirdPartyKind),
    Party,
    Ring,
    Seat,
    Trust(f64),
    /// Words alone.
    Words,
}

/// The legend, in two rows at the bottom: the kinds of third party present, the parties, what
/// a ring and a thick line mean, and the colours of trust.
fn legend<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, scenario: &Scenario) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut rows: [Vec<(Key, String)>; 2] = [Vec::new(), Vec::new()];
    for kind in legend_kinds(scenario) {
        rows[0].push((Key::Kind(kind), kind.as_str().replace('_', " ")));
    }
    rows[0].push((Key::Party, "conflict party (readiness 0–1)".into()));
    rows[1].push((Key::Ring, "open table".into()));
    rows[1].push((Key::Seat, "party seated at that table".into()));
    rows[1].push((Key::Words, "line colour, a party's trust:".into()));
    for (t, label) in [(0.1, "distrust"), (0.5, "neutral"), (0.9, "trust")] {
        rows[1].push((Key::Trust(t), label.into()));
    }
    let style = text(15.0).pos(Pos::new(HPos::Left, VPos::Center));
    let bottom = root.dim_in_pixel().1 as i32;
    for (r, row) in rows.iter().enumerate() {
        let y = bottom - 52 + 28 * r as i32;
        let mut x = 24;
        for (key, label) in row {
            let sym = match key {
                Key::Kind(kind) => {
                    root.draw(&Circle::new((x + 8, y), 8, kind_colour(*kind).filled()))?;
                    20
                }
                Key::Party => {
                    root.draw(&Rectangle::new(
                        [(x, y - 7), (x + 14, y + 7)],
                        BLACK.filled(),
                    ))?;
                    20
                }
                Key::Ring => {
                    root.draw(&Circle::new(
                        (x + 10, y),
                        10,
                        RGBColor(60, 60, 60).stroke_width(3),
                    ))?;
                    26
                }
                Key::Seat => {
                    root.draw(&PathElement::new(
                        vec![(x, y), (x + 26, y)],
                        RGBColor(120, 120, 120).stroke_width(5),
                    ))?;
                    32
                }
                Key::Words => 0,
                Key::Trust(t) => {
                    root.draw(&PathElement::new(
                        vec![(x, y), (x + 22, y)],
                        trust_colour(*t).stroke_width(4),
                    ))?;
                    28
                }
            };
            root.draw(&Text::new(label.clone(), (x + sym, y), style.clone()))?;
            let gap = if matches!(key, Key::Words) { 12 } else { 26 };
            x += sym + root.estimate_text_size(label, &style)?.0 as i32 + gap;
        }
    }
    Ok(())
}
