//! Figures of a sweep, chosen by its design:
//!
//! - a grid over one parameter: `sweep_<outcome>` — agreement, relapse after agreement,
//!   cumulative violence and forum switches against the parameter, a line per regime with its
//!   95% band;
//! - a grid over two parameters: `heatmap_agreement` (the agreement rate per grid cell, a panel
//!   per regime, one colour scale) and `heatmap_difference` (each regime's paired difference
//!   from `competitive`, in percentage points, on a diverging scale, hatched where its 95%
//!   interval includes zero); every cell shows ± half its 95% interval under its value;
//! - a grid over more parameters, or a Latin hypercube: `sweep_scatter` — the agreement rate of
//!   every point and regime against each parameter;
//! - Morris: `sensitivity` — μ* against σ of the agreement rate per parameter, a panel per
//!   regime.

use super::{DrawResult, Figure, regime_colour, save, text, title};
use crate::experiment::design::SweepPlan;
use crate::experiment::{OUTCOMES, is_proportion};
use crate::output::sweep_files::{Effect, SweepSummary};
use crate::scenario::{BASELINE_TOML, SweepDesign, sweep::split_path};
use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;
use std::path::Path;

/// The outcomes drawn against a single swept parameter: outcome, heading, y-axis label.
pub const LINE_OUTCOMES: [(&str, &str, &str); 4] = [
    (
        "agreement",
        "Agreement rate",
        "replicates with an agreement (%)",
    ),
    (
        "relapse_given_agreement",
        "Relapse after an agreement",
        "agreements that relapse (%)",
    ),
    (
        "cumulative_violence",
        "Cumulative violence",
        "cumulative violence (index)",
    ),
    (
        "forum_switches",
        "Forum switching",
        "forum switches per run (count)",
    ),
];

/// The regime differences are taken from in `heatmap_difference`.
const REFERENCE: &str = "competitive";

/// Writes the sweep's figures (PNG and SVG) into `dir`; which ones depends on the design and
/// the number of parameters (see the module documentation).
pub fn write_sweep_figures(
    plan: &SweepPlan,
    summary: &SweepSummary,
    effects: &[Effect],
    dir: &Path,
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    if plan.points.is_empty() || plan.names.is_empty() || summary.regimes.is_empty() {
        return Ok(out);
    }
    match (plan.design, plan.names.len()) {
        (SweepDesign::Morris, _) => {
            let figure = SensitivityFigure::new(plan, summary, effects, "agreement");
            if !figure.effects.is_empty() {
                out.push(("sensitivity".into(), save(&figure, dir, "sensitivity")?));
            }
        }
        (SweepDesign::Grid, 1) => {
            for (outcome, heading, y_desc) in LINE_OUTCOMES {
                let figure = LineFigure {
                    plan,
                    summary,
                    outcome,
                    heading,
                    y_desc,
                };
                let stem = format!("sweep_{outcome}");
                let svg = save(&figure, dir, &stem)?;
                out.push((stem, svg));
            }
        }
        (SweepDesign::Grid, 2) => {
            let svg = save(
                &HeatmapFigure::agreement(plan, summary),
                dir,
                "heatmap_agreement",
            )?;
            out.push(("heatmap_agreement".into(), svg));
            if let Some(figure) = HeatmapFigure::difference(plan, summary) {
                let svg = save(&figure, dir, "heatmap_difference")?;
                out.push(("heatmap_difference".into(), svg));
            }
        }
        _ => {
            let svg = save(&ScatterFigure { plan, summary }, dir, "sweep_scatter")?;
            out.push(("sweep_scatter".into(), svg));
        }
    }
    Ok(out)
}

// ---- helpers -------------------------------------------------------------------------------

/// Mean and 95% interval of `outcome` at `point` under regime `r`, in display units (percent
/// for proportions, with Wilson intervals; Student-t intervals otherwise).
fn estimate(summary: &SweepSummary, point: usize, r: usize, outcome: &str) -> Option<[f64; 3]> {
    let k = OUTCOMES.iter().position(|o| *o == outcome)?;
    let m = summary.get(point, r, k)?;
    let mean = m.mean()?;
    let (scale, (lo, hi)) = if is_proportion(outcome) {
        (100.0, m.wilson95().unwrap_or((mean, mean)))
    } else {
        (1.0, m.ci95().unwrap_or((mean, mean)))
    };
    Some([mean * scale, lo * scale, hi * scale])
}

/// A value for a label: at most four significant digits, without trailing zeros.
pub fn number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() {
            "0".into()
        } else {
            format!("{v}")
        };
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// A round step near `span / n`: 1, 2, 2.5 or 5 times a power of ten.
fn nice_step(span: f64, n: f64) -> f64 {
    let raw = (span / n).max(f64::MIN_POSITIVE);
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power)
}

/// The smallest round number at or above `v` (at least 1).
pub fn nice_top(v: f64) -> f64 {
    if v.is_nan() || v <= 0.0 {
        return 1.0;
    }
    let step = nice_step(v, 10.0);
    ((v / step).ceil() * step).max(1.0)
}

/// About `n` round tick positions within `lo..=hi`.
pub fn nice_ticks(lo: f64, hi: f64, n: f64) -> Vec<f64> {
    let step = nice_step(hi - lo, n);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// Ticks for a parameter axis: the swept values themselves when there are few, else round ones.
fn parameter_ticks(values: &[f64], lo: f64, hi: f64) -> Vec<f64> {
    if !values.is_empty() && values.len() <= 12 {
        values.to_vec()
    } else {
        nice_ticks(lo, hi, 6.0)
    }
}

/// A tick label of parameter `i` at `x`: the level's name (`true`, `false`, a name) for a
/// categorical parameter, whose axis positions are level indices; else the number.
fn tick_label(plan: &SweepPlan, i: usize, x: f64) -> String {
    if plan.is_categorical(i) {
        let at = x.round();
        if (x - at).abs() < 1e-9 && at >= 0.0 && (at as usize) < plan.levels[i].len() {
            plan.label(i, at)
        } else {
            String::new()
        }
    } else {
        number(x)
    }
}

/// The distinct values of parameter `i` over the plan's points, ascending.
fn distinct(plan: &SweepPlan, i: usize) -> Vec<f64> {
    let mut values: Vec<f64> = plan.points.iter().map(|p| p[i]).collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    values
}

/// The unit of a swept setting, read from the comments of the built-in baseline scenario
/// (`build_rate = 0.04  # … [fraction/event]`); `None` if it does not say.
fn unit_of(path: &str) -> Option<String> {
    let segments = split_path(path);
    let bracket = |s: &str| -> Option<String> {
        let inner = &s[s.find('[')? + 1..];
        let end = inner.find([']', ';'])?;
        Some(inner[..end].trim().to_string())
    };
    match segments.first()?.as_str() {
        "count" => {
            let kind = segments.get(1)?.trim_end_matches('s');
            Some(format!("number of {kind}s"))
        }
        list @ ("parties" | "third_parties") => {
            let field = segments.get(2)?;
            let heading = if list == "parties" {
                "# name (required); capability"
            } else {
                "# name, kind (required"
            };
            let start = BASELINE_TOML.find(heading)?;
            let block = BASELINE_TOML[start..]
                .lines()
                .take_while(|l| l.starts_with('#'))
                .collect::<Vec<_>>()
                .join(" ");
            let at = block.find(&format!(" {field} ["))?;
            bracket(&block[at..])
        }
        _ => {
            let (key, section) = segments.split_last()?;
            let header = format!("[{}]", section.join("."));
            let mut inside = false;
            for line in BASELINE_TOML.lines().map(str::trim) {
                if line.starts_with('[') {
                    inside = line == header;
                } else if inside
                    && let Some((k, rest)) = line.split_once('=')
                    && k.trim() == key
                {
                    return bracket(rest.split_once('#')?.1);
                }
            }
            None
        }
    }
}

/// Axis label of a swept parameter: its path and, where known, its unit.
pub fn parameter_label(path: &str) -> String {
    match unit_of(path) {
        Some(unit) => format!("{path} ({unit})"),
        None => path.to_string(),
    }
}

/// Axis label of parameter `i` of `plan`: a categorical parameter (a switch, names) has no unit.
fn axis_label(plan: &SweepPlan, i: usize) -> String {
    if plan.is_categorical(i) {
        plan.names[i].clone()
    } else {
        parameter_label(&plan.names[i])
    }
}

/// Room for the tick labels of parameter `i` on a vertical axis: the longest level name of a
/// categorical parameter, at least `least` pixels.
fn label_room(plan: &SweepPlan, i: usize, least: u32) -> u32 {
    let longest = plan.levels[i]
        .iter()
        .map(|l| l.to_string().chars().count())
        .max()
        .unwrap_or(0) as u32;
    (40 + 10 * longest).clamp(least, 260)
}

/// An f64 axis with given ticks. (plotters' `with_key_points` leaves an f64 axis without a
/// label formatter, which `configure_mesh` needs.)
pub(super) struct Ticked {
    range: Range<f64>,
    ticks: Vec<f64>,
}

pub(super) trait WithTicks {
    fn ticks(self, ticks: Vec<f64>) -> Ticked;
}

impl WithTicks for Range<f64> {
    fn ticks(self, ticks: Vec<f64>) -> Ticked {
        Ticked { range: self, ticks }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let t = (value - self.range.start) / (self.range.end - self.range.start);
        limit.0 + (t * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// A text anchor.
pub(super) fn centred(h: HPos, v: VPos) -> Pos {
    Pos::new(h, v)
}

/// A centred row of regime keys (a dot, with a line through it if `line`, and the name).
fn legend_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    regimes: &[String],
    line: bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let style = text(19.0);
    let (key, gap) = (42, 34);
    let mut widths = Vec::new();
    for name in regimes {
        widths.push(area.estimate_text_size(name, &style)?.0 as i32);
    }
    let total: i32 = widths.iter().map(|w| key + w).sum::<i32>() + gap * (regimes.len() as i32 - 1);
    let (w, h) = area.dim_in_pixel();
    let (mut x, y) = ((w as i32 - total) / 2, h as i32 / 2);
    for (r, name) in regimes.iter().enumerate() {
        let colour = regime_colour(name, r);
        if line {
            area.draw(&PathElement::new(
                vec![(x, y), (x + 32, y)],
                colour.stroke_width(3),
            ))?;
        }
        area.draw(&Circle::new((x + 16, y), 6, colour.filled()))?;
        area.draw(&Text::new(
            name.clone(),
            (x + key, y),
            style.pos(centred(HPos::Left, VPos::Center)),
        ))?;
        x += key + widths[r] + gap;
    }
    Ok(())
}

/// The heading, lines of explanation under it (one per `\n` in `note`), and the rest of the
/// figure.
pub(super) fn headed<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    heading: &str,
    note: &str,
) -> Result<DrawingArea<DB, Shift>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let body = root.margin(8, 0, 0, 0).titled(heading, title(26.0))?;
    let mut body = body;
    for line in note.split('\n') {
        body = body.titled(line, text(18.0).color(&BLACK.mix(0.75)))?;
    }
    Ok(body)
}

// ---- one parameter: outcome curves -----------------------------------------------------------

/// An outcome against the single parameter of a grid: a line per regime with its 95% band.
struct LineFigure<'a> {
    plan: &'a SweepPlan,
    summary: &'a SweepSummary,
    outcome: &'static str,
    heading: &'static str,
    y_desc: &'static str,
}

impl LineFigure<'_> {
    /// `(value, mean, low, high)` per point under regime `r`, by ascending value.
    fn series(&self, r: usize) -> Vec<[f64; 4]> {
        let mut rows: Vec<[f64; 4]> = (0..self.plan.points.len())
            .filter_map(|p| {
                let [m, lo, hi] = estimate(self.summary, p, r, self.outcome)?;
                Some([self.plan.points[p][0], m, lo, hi])
            })
            .collect();
        rows.sort_by(|a, b| a[0].total_cmp(&b[0]));
        rows
    }

    /// The fewest and most observations of the outcome at a point under a regime.
    fn counts(&self) -> Option<(u64, u64)> {
        let k = OUTCOMES.iter().position(|o| *o == self.outcome)?;
        let summary = self.summary;
        let counts = (0..summary.points)
            .flat_map(|p| (0..summary.regimes.len()).map(move |r| summary.moments(p, r, k).n));
        Some((counts.clone().min()?, counts.max()?))
    }
}

impl Figure for LineFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (1100, 720)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let path = &self.plan.names[0];
        let interval = if is_proportion(self.outcome) {
            "Wilson"
        } else {
            "Student-t"
        };
        let bands = if self.plan.is_categorical(0) {
            "bars"
        } else {
            "bands"
        };
        let note = match self.counts() {
            // A conditional outcome: only the replicates meeting its condition count.
            Some((least, most)) if least < self.plan.replicates => format!(
                "Among the replicates with an agreement ({least}–{most} of {} per value and \
                 regime); {bands} are 95% {interval} intervals",
                self.plan.replicates
            ),
            _ => format!(
                "Mean over {} paired replicates per value and regime; {bands} are 95% {interval} \
                 intervals",
                self.plan.replicates
            ),
        };
        let body = headed(root, &format!("{} against {path}", self.heading), &note)?;
        let (legend, area) = body.split_vertically(44);
        legend_row(&legend, &self.summary.regimes, true)?;
        let series: Vec<_> = (0..self.summary.regimes.len())
            .map(|r| self.series(r))
            .collect();
        let values = distinct(self.plan, 0);
        let (x_lo, x_hi) = (values[0], values[values.len() - 1]);
        // Levels of a switch or names are unordered: dots with 95% bars, side by side per
        // regime, at the level positions, without lines between them.
        let categorical = self.plan.is_categorical(0);
        let pad = if categorical {
            0.5
        } else if x_hi > x_lo {
            (x_hi - x_lo) * 0.04
        } else {
            x_lo.abs().max(1.0) * 0.1
        };
        let ticks = if categorical {
            values.clone()
        } else {
            parameter_ticks(&values, x_lo, x_hi)
        };
        let top = series.iter().flatten().map(|p| p[3]).fold(0.0, f64::max);
        let y_max = if is_proportion(self.outcome) {
            nice_top(top * 1.05).min(100.0)
        } else {
            nice_top(top * 1.08)
        };
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .margin_right(40)
            .x_label_area_size(64)
            .y_label_area_size(84)
            .build_cartesian_2d((x_lo - pad..x_hi + pad).ticks(ticks), 0.0..y_max)?;
        let y_format = |y: &f64| {
            if y_max > 5.0 {
                format!("{y:.0}")
            } else if y_max > 0.5 {
                format!("{y:.1}")
            } else {
                number(*y)
            }
        };
        chart
            .configure_mesh()
            .x_desc(axis_label(self.plan, 0))
            .y_desc(self.y_desc)
            .x_label_formatter(&|x| tick_label(self.plan, 0, *x))
            .y_label_formatter(&y_format)
            .axis_desc_style(text(20.0))
            .label_style(text(17.0))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()?;
        let regimes = self.summary.regimes.len() as f64;
        for (r, name) in self.summary.regimes.iter().enumerate() {
            let colour = regime_colour(name, r);
            if categorical {
                let shift = 0.12 * (r as f64 - (regimes - 1.0) / 2.0);
                chart.draw_series(series[r].iter().map(|p| {
                    PathElement::new(
                        vec![(p[0] + shift, p[2]), (p[0] + shift, p[3])],
                        colour.stroke_width(3),
                    )
                }))?;
                chart.draw_series(
                    series[r]
                        .iter()
                        .map(|p| Circle::new((p[0] + shift, p[1]), 6, colour.filled())),
                )?;
                continue;
            }
            let band: Vec<(f64, f64)> = series[r]
                .iter()
                .map(|p| (p[0], p[3]))
                .chain(series[r].iter().rev().map(|p| (p[0], p[2])))
                .collect();
            chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.16))))?;
            chart.draw_series(LineSeries::new(
                series[r].iter().map(|p| (p[0], p[1])),
                colour.stroke_width(3),
            ))?;
            chart.draw_series(
                series[r]
                    .iter()
                    .map(|p| Circle::new((p[0], p[1]), 6, colour.filled())),
            )?;
        }
        Ok(())
    }
}

// ---- two parameters: heatmaps ----------------------------------------------------------------

/// Colour scales of the heatmaps.
#[derive(Clone, Copy)]
enum Scale {
    /// Viridis from `lo` to `hi`.
    Sequential { lo: f64, hi: f64 },
    /// Red (negative) – white (0) – blue (positive), symmetric to ±`limit`.
    Diverging { limit: f64 },
}

/// Viridis (van der Walt & Smith, matplotlib) at eleven stops.
const VIRIDIS: [(u8, u8, u8); 11] = [
    (68, 1, 84),
    (72, 36, 117),
    (65, 68, 135),
    (53, 95, 141),
    (42, 120, 142),
    (33, 145, 140),
    (34, 168, 132),
    (68, 191, 112),
    (122, 209, 81),
    (189, 223, 38),
    (253, 231, 37),
];

/// ColorBrewer RdBu (Brewer 2003), red for negative.
const RED_BLUE: [(u8, u8, u8); 11] = [
    (103, 0, 31),
    (178, 24, 43),
    (214, 96, 77),
    (244, 165, 130),
    (253, 219, 199),
    (247, 247, 247),
    (209, 229, 240),
    (146, 197, 222),
    (67, 147, 195),
    (33, 102, 172),
    (5, 48, 97),
];

fn interpolate(stops: &[(u8, u8, u8)], t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.5 } else { t.clamp(0.0, 1.0) };
    let x = t * (stops.len() - 1) as f64;
    let i = (x.floor() as usize).min(stops.len() - 2);
    let f = x - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (stops[i], stops[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl Scale {
    fn range(self) -> (f64, f64) {
        match self {
            Scale::Sequential { lo, hi } => (lo, hi),
            Scale::Diverging { limit } => (-limit, limit),
        }
    }

    fn colour(self, v: f64) -> RGBColor {
        let (lo, hi) = self.range();
        let t = (v - lo) / (hi - lo);
        match self {
            Scale::Sequential { .. } => interpolate(&VIRIDIS, t),
            Scale::Diverging { .. } => interpolate(&RED_BLUE, t),
        }
    }

    /// Black or white, whichever reads better on `background`.
    fn ink(background: RGBColor) -> RGBColor {
        let RGBColor(r, g, b) = background;
        let luminance = 0.299 * r as f64 + 0.587 * g as f64 + 0.114 * b as f64;
        if luminance > 140.0 { BLACK } else { WHITE }
    }
}

/// A heatmap cell: the estimate and its 95% interval (display units).
#[derive(Clone, Copy)]
struct Cell {
    value: f64,
    lo: f64,
    hi: f64,
}

impl Cell {
    fn from(e: [f64; 3]) -> Self {
        Self {
            value: e[0],
            lo: e[1],
            hi: e[2],
        }
    }

    /// Half the width of the 95% interval.
    fn half_width(self) -> f64 {
        0.5 * (self.hi - self.lo)
    }

    /// The interval includes zero: no clear difference.
    fn includes_zero(self) -> bool {
        self.lo <= 0.0 && self.hi >= 0.0
    }
}

struct HeatPanel {
    caption: String,
    colour: RGBColor,
    /// `[x index][y index]`.
    cells: Vec<Vec<Option<Cell>>>,
}

/// Values over a two-parameter grid, a panel per regime, one colour scale and its bar.
struct HeatmapFigure<'a> {
    plan: &'a SweepPlan,
    heading: String,
    note: String,
    bar_desc: &'static str,
    /// Show the sign of cell values (differences).
    signed: bool,
    xs: Vec<f64>,
    ys: Vec<f64>,
    scale: Scale,
    panels: Vec<HeatPanel>,
}

impl<'a> HeatmapFigure<'a> {
    /// The agreement rate (%) of every cell under regime `r`, with its Wilson interval; or,
    /// with `paired`, its paired difference from the reference (pp) with its t interval.
    fn rates(
        plan: &SweepPlan,
        summary: &SweepSummary,
        r: usize,
        paired: bool,
    ) -> Vec<Vec<Option<Cell>>> {
        let (xs, ys) = (distinct(plan, 0), distinct(plan, 1));
        let k = OUTCOMES.iter().position(|o| *o == "agreement");
        let mut cells = vec![vec![None; ys.len()]; xs.len()];
        for (p, point) in plan.points.iter().enumerate() {
            let i = xs.iter().position(|&x| x == point[0]);
            let j = ys.iter().position(|&y| y == point[1]);
            if let (Some(i), Some(j)) = (i, j) {
                cells[i][j] = if paired {
                    k.and_then(|k| {
                        let d = summary.difference(p, r, k);
                        let mean = d.mean()?;
                        let (lo, hi) = d.ci95().unwrap_or((mean, mean));
                        Some(Cell::from([100.0 * mean, 100.0 * lo, 100.0 * hi]))
                    })
                } else {
                    estimate(summary, p, r, "agreement").map(Cell::from)
                };
            }
        }
        cells
    }

    fn agreement(plan: &'a SweepPlan, summary: &SweepSummary) -> Self {
        let panels: Vec<HeatPanel> = summary
            .regimes
            .iter()
            .enumerate()
            .map(|(r, name)| HeatPanel {
                caption: name.clone(),
                colour: regime_colour(name, r),
                cells: Self::rates(plan, summary, r, false),
            })
            .collect();
        let values = panels
            .iter()
            .flat_map(|p| p.cells.iter().flatten().flatten());
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), c| {
            (a.min(c.value), b.max(c.value))
        });
        let (mut lo, mut hi) = if lo <= hi {
            ((lo / 10.0).floor() * 10.0, (hi / 10.0).ceil() * 10.0)
        } else {
            (0.0, 100.0)
        };
        if hi - lo < 10.0 {
            hi = (lo + 10.0).min(100.0);
            lo = hi - 10.0;
        }
        Self {
            plan,
            heading: "Agreement rate by regime over the sweep grid".into(),
            note: format!(
                "% of {} paired replicates reaching an agreement, per grid point and regime \
                 (one colour scale for all panels);\nunder each value, ± half its 95% interval \
                 (Wilson)",
                plan.replicates
            ),
            bar_desc: "replicates with an agreement (%)",
            signed: false,
            xs: distinct(plan, 0),
            ys: distinct(plan, 1),
            scale: Scale::Sequential { lo, hi },
            panels,
        }
    }

    /// Each other regime's agreement rate minus that under [`REFERENCE`]; `None` without it.
    fn difference(plan: &'a SweepPlan, summary: &SweepSummary) -> Option<Self> {
        let reference = summary.regimes.iter().position(|n| n == REFERENCE)?;
        let panels: Vec<HeatPanel> = summary
            .regimes
            .iter()
            .enumerate()
            .filter(|(r, _)| *r != reference)
            .map(|(r, name)| {
                let cells = Self::rates(plan, summary, r, true);
                HeatPanel {
                    caption: format!("{name} − {REFERENCE}"),
                    colour: regime_colour(name, r),
                    cells,
                }
            })
            .collect();
        if panels.is_empty() {
            return None;
        }
        let largest = panels
            .iter()
            .flat_map(|p| p.cells.iter().flatten().flatten())
            .fold(0.0f64, |a, c| a.max(c.value.abs()));
        let limit = ((largest / 5.0).ceil() * 5.0).max(5.0);
        Some(Self {
            plan,
            heading: format!("Agreement rate: each regime minus {REFERENCE}"),
            note: "Paired difference in percentage points (same simulated conflicts under both), \
                   ± half its 95% interval;\nblue = more agreements than under competition, red = \
                   fewer; hatched = the interval includes zero (no clear difference)"
                .into(),
            bar_desc: "difference (percentage points)",
            signed: true,
            xs: distinct(plan, 0),
            ys: distinct(plan, 1),
            scale: Scale::Diverging { limit },
            panels,
        })
    }

    const BAR_WIDTH: u32 = 230;

    fn panel_size(&self) -> (u32, u32) {
        (
            (62 * self.xs.len() as u32 + 130).max(400),
            (46 * self.ys.len() as u32 + 170).max(440),
        )
    }

    fn cell_label(&self, v: f64) -> String {
        let v = if v.abs() < 0.5 { 0.0 } else { v };
        if self.signed && v > 0.0 {
            format!("+{v:.0}")
        } else if v < 0.0 {
            format!("−{:.0}", -v)
        } else {
            format!("{v:.0}")
        }
    }
}

impl Figure for HeatmapFigure<'_> {
    fn size(&self) -> (u32, u32) {
        let (w, h) = self.panel_size();
        (
            (w * self.panels.len() as u32 + Self::BAR_WIDTH).max(1100),
            h + 120,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let body = headed(root, &self.heading, &self.note)?;
        let (main, bar) = body.split_horizontally(body.dim_in_pixel().0 - Self::BAR_WIDTH);
        let (nx, ny) = (self.xs.len(), self.ys.len());
        let x_keys: Vec<f64> = (0..nx).map(|i| i as f64).collect();
        let y_keys: Vec<f64> = (0..ny).map(|j| j as f64).collect();
        let x_tick = |x: &f64| {
            self.xs
                .get(x.round().max(0.0) as usize)
                .map(|v| tick_label(self.plan, 0, *v))
                .unwrap_or_default()
        };
        let y_tick = |y: &f64| {
            self.ys
                .get(y.round().max(0.0) as usize)
                .map(|v| tick_label(self.plan, 1, *v))
                .unwrap_or_default()
        };
        let (caption, axis_desc, labels) = (title(21.0), text(18.0), text(16.0));
        // Pixel rows of the panels' cells, to align the colour bar with them.
        let mut rows = 0..0;
        for (panel, area) in self
            .panels
            .iter()
            .zip(main.split_evenly((1, self.panels.len())))
        {
            let mut chart = ChartBuilder::on(&area)
                .margin(12)
                .margin_right(20)
                .caption(&panel.caption, caption.color(&panel.colour))
                .x_label_area_size(60)
                .y_label_area_size(label_room(self.plan, 1, 84))
                .build_cartesian_2d(
                    (-0.5..nx as f64 - 0.5).ticks(x_keys.clone()),
                    (-0.5..ny as f64 - 0.5).ticks(y_keys.clone()),
                )?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc(axis_label(self.plan, 0))
                .y_desc(axis_label(self.plan, 1))
                .x_label_formatter(&x_tick)
                .y_label_formatter(&y_tick)
                .axis_desc_style(axis_desc.clone())
                .label_style(labels.clone())
                .draw()?;
            rows = chart.plotting_area().get_pixel_range().1;
            let (px, py) = chart.plotting_area().dim_in_pixel();
            let cell = (px as f64 / nx as f64).min(py as f64 / ny as f64);
            let size = (cell * 0.34).clamp(13.0, 20.0);
            for (i, column) in panel.cells.iter().enumerate() {
                for (j, value) in column.iter().enumerate() {
                    let (x, y) = (i as f64, j as f64);
                    let corners = [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)];
                    let Some(c) = value else {
                        chart.draw_series(std::iter::once(Rectangle::new(
                            corners,
                            BLACK.mix(0.08).filled(),
                        )))?;
                        continue;
                    };
                    let fill = self.scale.colour(c.value);
                    let ink = Scale::ink(fill);
                    chart.draw_series(std::iter::once(Rectangle::new(corners, fill.filled())))?;
                    if self.signed && c.includes_zero() {
                        // Hatching: diagonal lines across the cell.
                        chart.draw_series((1..10).map(|k| {
                            let t = 0.2 * k as f64;
                            let (a, b) = if t <= 1.0 {
                                ((t, 0.0), (0.0, t))
                            } else {
                                ((1.0, t - 1.0), (t - 1.0, 1.0))
                            };
                            PathElement::new(
                                vec![
                                    (x - 0.5 + a.0, y - 0.5 + a.1),
                                    (x - 0.5 + b.0, y - 0.5 + b.1),
                                ],
                                ink.mix(0.22).stroke_width(2),
                            )
                        }))?;
                    }
                    chart.draw_series(std::iter::once(Rectangle::new(
                        corners,
                        WHITE.stroke_width(1),
                    )))?;
                    chart.draw_series(std::iter::once(Text::new(
                        self.cell_label(c.value),
                        (x, y + 0.12),
                        text(size)
                            .color(&ink)
                            .pos(centred(HPos::Center, VPos::Center)),
                    )))?;
                    chart.draw_series(std::iter::once(Text::new(
                        format!("±{:.0}", c.half_width()),
                        (x, y - 0.24),
                        text((size * 0.72).max(13.0))
                            .color(&ink)
                            .pos(centred(HPos::Center, VPos::Center)),
                    )))?;
                }
            }
        }
        // The colour bar, aligned with the panels' cells.
        let (lo, hi) = self.scale.range();
        let ticks = nice_ticks(lo, hi, 5.0);
        let (top, height) = (bar.get_base_pixel().1, bar.dim_in_pixel().1 as i32);
        let bar = bar.margin(
            (rows.start - top).max(0),
            (top + height - rows.end).max(0),
            12,
            60,
        );
        let mut chart = ChartBuilder::on(&bar)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..1.0, {
                let (lo, hi) = super::safe_range(lo, hi);
                (lo..hi).ticks(ticks)
            })?;
        let signed = self.signed;
        chart
            .configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            // Long enough to read as ticks, not as a point after the number ("+20.").
            .set_all_tick_mark_size(10)
            .y_desc(self.bar_desc)
            .y_label_formatter(&|y| {
                let s = number(*y).replace('-', "−");
                if signed && *y > 0.0 {
                    format!("+{s}")
                } else {
                    s
                }
            })
            .axis_desc_style(axis_desc)
            .label_style(labels)
            .draw()?;
        let steps = 200;
        chart.draw_series((0..steps).map(|k| {
            let a = lo + (hi - lo) * k as f64 / steps as f64;
            let b = lo + (hi - lo) * (k + 1) as f64 / steps as f64;
            Rectangle::new(
                [(0.0, a), (1.0, b)],
                self.scale.colour((a + b) / 2.0).filled(),
            )
        }))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, lo), (1.0, hi)],
            BLACK.mix(0.5).stroke_width(1),
        )))?;
        Ok(())
    }
}

// ---- many parameters or a Latin hypercube: scatter -------------------------------------------

/// The agreement rate of every point and regime against each parameter.
struct ScatterFigure<'a> {
    plan: &'a SweepPlan,
    summary: &'a SweepSummary,
}

impl ScatterFigure<'_> {
    const PANEL: (u32, u32) = (580, 520);

    fn columns(&self) -> usize {
        self.plan.names.len().min(3)
    }
}

impl Figure for ScatterFigure<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.plan.names.len().div_ceil(self.columns()) as u32;
        (
            (Self::PANEL.0 * self.columns() as u32).max(900),
            Self::PANEL.1 * rows + 150,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let grid = self.plan.design == SweepDesign::Grid;
        let design = match self.plan.design {
            SweepDesign::Grid => "grid",
            SweepDesign::Lhs => "Latin hypercube",
            SweepDesign::Morris => "Morris",
            SweepDesign::Sobol => "Saltelli design for Sobol' indices",
        };
        let body = headed(
            root,
            &format!(
                "Agreement rate across the sweep ({design}, {} points)",
                self.plan.points.len()
            ),
            &format!(
                "A dot per point and regime: % of {} paired replicates reaching an agreement; \
                 the other parameters vary too{}",
                self.plan.replicates,
                if grid {
                    " (regimes drawn side by side at each value)"
                } else {
                    ""
                }
            ),
        )?;
        let (legend, area) = body.split_vertically(44);
        legend_row(&legend, &self.summary.regimes, false)?;
        let rates: Vec<Vec<Option<f64>>> = (0..self.plan.points.len())
            .map(|p| {
                (0..self.summary.regimes.len())
                    .map(|r| estimate(self.summary, p, r, "agreement").map(|e| e[0]))
                    .collect()
            })
            .collect();
        let top = rates
            .iter()
            .flatten()
            .flatten()
            .fold(0.0f64, |a, &b| a.max(b));
        let y_max = nice_top(top * 1.05).min(100.0);
        let rows = self.plan.names.len().div_ceil(self.columns());
        let panels = area.split_evenly((rows, self.columns()));
        for (i, panel) in panels.iter().enumerate().take(self.plan.names.len()) {
            let values = distinct(self.plan, i);
            let categorical = self.plan.is_categorical(i);
            let (lo, hi) = match self.plan.design {
                SweepDesign::Grid => (values[0], values[values.len() - 1]),
                _ => self.plan.ranges[i],
            };
            let pad = if categorical {
                0.5
            } else if hi > lo {
                (hi - lo) * if grid { 0.07 } else { 0.04 }
            } else {
                lo.abs().max(1.0) * 0.1
            };
            let ticks = if categorical {
                (0..self.plan.levels[i].len()).map(|l| l as f64).collect()
            } else if self.plan.design == SweepDesign::Grid {
                parameter_ticks(&values, lo, hi)
            } else {
                nice_ticks(lo, hi, 5.0)
            };
            let mut chart = ChartBuilder::on(panel)
                .margin(14)
                .margin_right(30)
                .x_label_area_size(60)
                .y_label_area_size(80)
                .build_cartesian_2d(
                    {
                        let (lo, hi) = super::safe_range(lo - pad, hi + pad);
                        (lo..hi).ticks(ticks)
                    },
                    {
                        let (lo, hi) = super::safe_range(0.0, y_max);
                        lo..hi
                    },
                )?;
            chart
                .configure_mesh()
                .x_desc(axis_label(self.plan, i))
                .y_desc("replicates with an agreement (%)")
                .x_label_formatter(&|x| tick_label(self.plan, i, *x))
                .y_label_formatter(&|y| format!("{y:.0}"))
                .axis_desc_style(text(18.0))
                .label_style(text(16.0))
                .light_line_style(WHITE.mix(0.0))
                .bold_line_style(BLACK.mix(0.08))
                .draw()?;
            // On a grid, regimes share x values: shift each regime's dots a little sideways.
            let regimes = self.summary.regimes.len();
            let dodge = if categorical {
                0.08
            } else if grid {
                (hi - lo) * 0.02
            } else {
                0.0
            };
            for (r, regime) in self.summary.regimes.iter().enumerate() {
                let colour = regime_colour(regime, r);
                let shift = dodge * (r as f64 - (regimes as f64 - 1.0) / 2.0);
                chart.draw_series(rates.iter().enumerate().filter_map(|(p, row)| {
                    let y = row[r]?;
                    Some(Circle::new(
                        (self.plan.points[p][i] + shift, y),
                        5,
                        colour.mix(0.8).filled(),
                    ))
                }))?;
            }
        }
        Ok(())
    }
}

// ---- Morris: μ* against σ ----------------------------------------------------------------------

/// The Morris plane of one outcome: μ* (importance) against σ (non-linearity, interactions),
/// a panel per regime, every point labelled with its parameter.
struct SensitivityFigure<'a> {
    plan: &'a SweepPlan,
    regimes: &'a [String],
    outcome: &'static str,
    /// `(regime index, parameter, μ*, σ)` in display units.
    effects: Vec<(usize, &'a str, f64, f64)>,
}

impl<'a> SensitivityFigure<'a> {
    fn new(
        plan: &'a SweepPlan,
        summary: &'a SweepSummary,
        effects: &'a [Effect],
        outcome: &'static str,
    ) -> Self {
        let scale = if is_proportion(outcome) { 100.0 } else { 1.0 };
        let effects = effects
            .iter()
            .filter(|e| e.outcome == outcome)
            .filter_map(|e| {
                let r = summary.regimes.iter().position(|n| *n == e.regime)?;
                let sigma = e.sigma.unwrap_or(0.0);
                Some((r, e.parameter.as_str(), e.mu_star * scale, sigma * scale))
            })
            .collect();
        Self {
            plan,
            regimes: &summary.regimes,
            outcome,
            effects,
        }
    }
}

impl Figure for SensitivityFigure<'_> {
    fn size(&self) -> (u32, u32) {
        ((560 * self.regimes.len() as u32).max(900), 680)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let unit = if is_proportion(self.outcome) {
            "percentage points"
        } else {
            "outcome units"
        };
        let short = if is_proportion(self.outcome) {
            "pp"
        } else {
            "units"
        };
        let body = headed(
            root,
            &format!(
                "Which parameters move the {} rate? Morris screening, {} trajectories",
                self.outcome,
                self.plan.moves.len()
            ),
            &format!(
                "Effects in {unit} per full range of the parameter, from {} replicates per \
                 point. Right: influential; high: non-linear or interacting",
                self.plan.replicates
            ),
        )?;
        let x_max = nice_top(self.effects.iter().map(|e| e.2).fold(0.0, f64::max) * 1.1);
        let y_max = nice_top(self.effects.iter().map(|e| e.3).fold(0.0, f64::max) * 1.1);
        // A little room below zero, so that points at 0 are not hidden by the axes.
        let (x_min, y_min) = (-0.03 * x_max, -0.03 * y_max);
        let label_style = text(16.0);
        for (r, area) in body
            .split_evenly((1, self.regimes.len()))
            .iter()
            .enumerate()
        {
            let name = &self.regimes[r];
            let colour = regime_colour(name, r);
            let mut chart = ChartBuilder::on(area)
                .margin(14)
                .margin_right(24)
                .caption(name, title(21.0).color(&colour))
                .x_label_area_size(60)
                .y_label_area_size(80)
                .build_cartesian_2d(
                    (x_min..x_max).ticks(nice_ticks(0.0, x_max, 8.0)),
                    (y_min..y_max).ticks(nice_ticks(0.0, y_max, 8.0)),
                )?;
            chart
                .configure_mesh()
                .x_desc(format!("μ*: mean |elementary effect| ({short})"))
                .y_desc(format!("σ: s.d. of elementary effects ({short})"))
                .x_label_formatter(&|x| number(*x))
                .y_label_formatter(&|y| number(*y))
                .axis_desc_style(text(18.0))
                .label_style(text(16.0))
                .light_line_style(WHITE.mix(0.0))
                .bold_line_style(BLACK.mix(0.08))
                .draw()?;
            // σ = μ*: above it, a parameter's effect depends strongly on where it is measured.
            let diagonal = x_max.min(y_max);
            chart.draw_series(DashedLineSeries::new(
                [(0.0, 0.0), (diagonal, diagonal)],
                6,
                5,
                BLACK.mix(0.35).stroke_width(1),
            ))?;
            chart.draw_series(std::iter::once(Text::new(
                "σ = μ*",
                (diagonal * 0.97, diagonal * 0.97),
                text(15.0)
                    .color(&BLACK.mix(0.5))
                    .pos(centred(HPos::Right, VPos::Bottom)),
            )))?;
            let mut points: Vec<_> = self.effects.iter().filter(|e| e.0 == r).collect();
            points.sort_by(|a, b| b.3.total_cmp(&a.3));
            chart.draw_series(
                points
                    .iter()
                    .map(|e| Circle::new((e.2, e.3), 7, colour.filled())),
            )?;
            // Labels beside their points, right if there is room, else left, else moved up or
            // down, clear of every point and of the labels already placed.
            let (xr, yr) = chart.plotting_area().get_pixel_range();
            let pixels: Vec<(i32, i32)> = points
                .iter()
                .map(|e| chart.backend_coord(&(e.2, e.3)))
                .collect();
            let mut taken: Vec<[i32; 4]> = pixels
                .iter()
                .map(|&(x, y)| [x - 9, y - 9, x + 9, y + 9])
                .collect();
            let free = |b: &[i32; 4], taken: &[[i32; 4]]| {
                b[0] >= xr.start
                    && b[2] <= xr.end
                    && b[1] >= yr.start
                    && b[3] <= yr.end
                    && !taken
                        .iter()
                        .any(|t| b[0] < t[2] && t[0] < b[2] && b[1] < t[3] && t[1] < b[3])
            };
            for (e, &(px, py)) in points.iter().zip(&pixels) {
                let (w, h) = area.estimate_text_size(e.1, &label_style)?;
                let (w, h) = (w as i32, h as i32);
                let candidate = |shift: i32, right: bool| {
                    let x0 = if right { px + 12 } else { px - 12 - w };
                    let y0 = py - h / 2 + shift * (h + 3);
                    [x0, y0, x0 + w, y0 + h]
                };
                let chosen = [0, -1, 1, -2, 2, -3, 3]
                    .iter()
                    .flat_map(|&shift| [candidate(shift, true), candidate(shift, false)])
                    .find(|b| free(b, &taken))
                    .unwrap_or_else(|| candidate(0, px + 12 + w <= xr.end));
                taken.push(chosen);
                chart.plotting_area().draw(
                    &(EmptyElement::at((e.2, e.3))
                        + Text::new(
                            e.1.to_string(),
                            (chosen[0] - px, chosen[1] + h / 2 - py),
                            label_style.pos(centred(HPos::Left, VPos::Center)),
                        )),
                )?;
            }
        }
        Ok(())
    }
}
