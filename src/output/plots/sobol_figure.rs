//! The figure of a Sobol' sweep: `sensitivity` — the first-order and total Sobol' indices of
//! the agreement rate per parameter, as bars with bootstrap 95% whiskers, a panel per regime
//! and, under each coordinated regime, a panel for its paired difference from the reference.

use super::sweep_figures::{WithTicks, centred, headed, nice_ticks, number};
use super::{DrawResult, Figure, regime_colour, save, text, title};
use crate::experiment::design::SweepPlan;
use crate::experiment::sobol::{BOOTSTRAP_RESAMPLES, Index, row_len};
use crate::output::sobol_files::SobolRow;
use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The outcome drawn.
const OUTCOME: &str = "agreement";

/// Writes `sensitivity.png` and `sensitivity.svg` into `dir` (nothing if the agreement rate
/// has no rows).
pub fn write_sobol_figure(
    plan: &SweepPlan,
    rows: &[SobolRow],
    dir: &std::path::Path,
) -> Result<Option<String>> {
    let figure = SobolFigure::new(plan, rows);
    if figure.panels.is_empty() {
        return Ok(None);
    }
    Ok(Some(save(&figure, dir, "sensitivity")?))
}

/// One panel: a regime (or a difference), its colour position, and per parameter the indices
/// (`None` when the output has no variance).
struct Panel<'a> {
    regime: &'a str,
    from: Option<&'a str>,
    /// Column (the regime's position) and row (0: the regime, 1: its difference).
    column: usize,
    row: usize,
    n: usize,
    indices: Vec<Option<(Index, Index)>>,
}

struct SobolFigure<'a> {
    plan: &'a SweepPlan,
    regimes: Vec<&'a str>,
    panels: Vec<Panel<'a>>,
}

impl<'a> SobolFigure<'a> {
    fn new(plan: &'a SweepPlan, rows: &'a [SobolRow]) -> Self {
        let mut regimes: Vec<&str> = Vec::new();
        let mut panels: Vec<Panel> = Vec::new();
        for row in rows.iter().filter(|r| r.outcome == OUTCOME) {
            if row.difference_from.is_none() && !regimes.contains(&row.regime.as_str()) {
                regimes.push(&row.regime);
            }
            let from = row.difference_from.as_deref();
            let found = panels
                .iter()
                .position(|p| p.regime == row.regime && p.from == from);
            let p = match found {
                Some(p) => p,
                None => {
                    panels.push(Panel {
                        regime: &row.regime,
                        from,
                        column: regimes.iter().position(|r| *r == row.regime).unwrap_or(0),
                        row: usize::from(from.is_some()),
                        n: row.n,
                        indices: Vec::new(),
                    });
                    panels.len() - 1
                }
            };
            panels[p]
                .indices
                .push(row.indices.map(|(_, first, total)| (first, total)));
        }
        Self {
            plan,
            regimes,
            panels,
        }
    }

    fn label_width(&self) -> u32 {
        let longest = self.plan.names.iter().map(|n| n.chars().count()).max();
        (longest.unwrap_or(10) as u32 * 9 + 24).clamp(120, 380)
    }

    fn grid_rows(&self) -> usize {
        if self.panels.iter().any(|p| p.row == 1) {
            2
        } else {
            1
        }
    }
}

impl Figure for SobolFigure<'_> {
    fn size(&self) -> (u32, u32) {
        let k = self.plan.names.len() as u32;
        let width = self.regimes.len().max(1) as u32 * (440 + self.label_width());
        let height = self.grid_rows() as u32 * (k * 44 + 150) + 140;
        (width.max(900), height.max(560))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let k = self.plan.names.len();
        let base = self.plan.points.len() / row_len(k);
        let body = headed(
            root,
            &format!(
                "Which parameters drive the {OUTCOME} rate? Sobol' indices, N = {base} base rows \
                 ({} points)",
                self.plan.points.len()
            ),
            &format!(
                "Dark bars: first-order S1 (the parameter alone); light bars: total ST (with its \
                 interactions); share of the variance of point means over {} replicates. \
                 Whiskers: bootstrap 95% ({BOOTSTRAP_RESAMPLES} resamples)",
                self.plan.replicates
            ),
        )?;
        let areas = body.split_evenly((self.grid_rows(), self.regimes.len().max(1)));
        let bounds = |f: fn(&Index) -> f64| {
            self.panels
                .iter()
                .flat_map(|p| p.indices.iter().flatten())
                .flat_map(move |(a, b)| [f(a), f(b)])
                .filter(|v| v.is_finite())
        };
        let lows = bounds(|i| i.interval.map_or(i.value, |c| c.0.min(i.value)));
        let highs = bounds(|i| i.interval.map_or(i.value, |c| c.1.max(i.value)));
        // Indices lie in 0..1; estimates and intervals may stray a little outside.
        let x_min = lows.fold(0.0, f64::min).max(-0.5);
        let x_max = highs.fold(1.0, f64::max).min(1.5);
        let pad = 0.03 * (x_max - x_min);
        let clip = |v: f64| v.clamp(x_min - pad, x_max + pad);
        let label_style = text(15.0);
        let names = &self.plan.names;
        for (cell, area) in areas.iter().enumerate() {
            let (row, column) = (cell / self.regimes.len(), cell % self.regimes.len());
            let Some(panel) = self
                .panels
                .iter()
                .find(|p| p.row == row && p.column == column)
            else {
                if row == 1
                    && let Some(reference) = self.panels.iter().find_map(|p| p.from)
                {
                    area.draw(&Text::new(
                        format!("differences are taken from {reference}"),
                        (
                            area.dim_in_pixel().0 as i32 / 2,
                            area.dim_in_pixel().1 as i32 / 2,
                        ),
                        text(17.0)
                            .color(&BLACK.mix(0.6))
                            .pos(centred(HPos::Center, VPos::Center)),
                    ))?;
                }
                continue;
            };
            let colour = regime_colour(panel.regime, column);
            let caption = match panel.from {
                Some(from) => format!("{} − {from} (paired)", panel.regime),
                None => panel.regime.to_string(),
            };
            let ticks: Vec<f64> = (0..k).map(|i| i as f64).collect();
            let mut chart = ChartBuilder::on(area)
                .margin(12)
                .margin_right(24)
                .caption(
                    format!("{caption}, n = {}", panel.n),
                    title(19.0).color(&colour),
                )
                .x_label_area_size(52)
                .y_label_area_size(self.label_width())
                .build_cartesian_2d(
                    (x_min - pad..x_max + pad).ticks(nice_ticks(x_min, x_max, 6.0)),
                    (-0.6..k as f64 - 0.4).ticks(ticks),
                )?;
            // Parameter i is drawn at height k − 1 − i: the first at the top.
            let name_at = |y: &f64| {
                let i = k as i64 - 1 - y.round() as i64;
                usize::try_from(i)
                    .ok()
                    .and_then(|i| names.get(i))
                    .cloned()
                    .unwrap_or_default()
            };
            chart
                .configure_mesh()
                .x_desc("Sobol' index (share of variance)")
                .x_label_formatter(&|x| number(*x))
                .y_label_formatter(&name_at)
                .axis_desc_style(text(16.0))
                .label_style(label_style.clone())
                .light_line_style(WHITE.mix(0.0))
                .bold_line_style(BLACK.mix(0.06))
                .draw()?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, -0.6), (0.0, k as f64 - 0.4)],
                BLACK.mix(0.5).stroke_width(1),
            )))?;
            for (i, indices) in panel.indices.iter().enumerate() {
                let y = (k - 1 - i) as f64;
                let Some((first, total)) = indices else {
                    chart.draw_series(std::iter::once(Text::new(
                        "no variance",
                        (0.02, y),
                        text(14.0)
                            .color(&BLACK.mix(0.55))
                            .pos(centred(HPos::Left, VPos::Center)),
                    )))?;
                    continue;
                };
                for (index, offset, style) in [
                    (first, 0.17, colour.filled()),
                    (total, -0.17, colour.mix(0.4).filled()),
                ] {
                    let centre = y + offset;
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(0.0, centre - 0.15), (clip(index.value), centre + 0.15)],
                        style,
                    )))?;
                    if let Some((lo, hi)) = index.interval {
                        let whisker = BLACK.mix(0.8).stroke_width(2);
                        let (lo, hi) = (clip(lo), clip(hi));
                        chart.draw_series([
                            PathElement::new(vec![(lo, centre), (hi, centre)], whisker),
                            PathElement::new(
                                vec![(lo, centre - 0.08), (lo, centre + 0.08)],
                                whisker,
                            ),
                            PathElement::new(
                                vec![(hi, centre - 0.08), (hi, centre + 0.08)],
                                whisker,
                            ),
                        ])?;
                    }
                }
            }
        }
        Ok(())
    }
}
