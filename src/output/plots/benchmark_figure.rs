//! `benchmark.png` / `.svg`: where each strategy wins and loses. One row per condition of the
//! suite (sorted by how well competition does there, hardest first), a dot per strategy at its
//! durable-agreement rate, the condition's best strategy ringed.

use super::sweep_figures::headed;
use super::{DrawResult, Figure, regime_colour, save, text};
use crate::experiment::benchmark::{Cell, Condition, reference};
use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

struct BenchmarkFigure<'a> {
    conditions: &'a [Condition],
    strategies: &'a [String],
    cells: &'a [Vec<Cell>],
}

impl BenchmarkFigure<'_> {
    fn durable(&self, c: usize, s: usize) -> f64 {
        100.0 * self.cells[c][s].values[1].mean().unwrap_or(0.0)
    }

    /// Conditions ordered by the reference strategy's durable agreement, lowest first.
    fn order(&self) -> Vec<usize> {
        let r = reference(self.strategies);
        let mut order: Vec<usize> = (0..self.conditions.len()).collect();
        order.sort_by(|&a, &b| {
            self.durable(a, r)
                .total_cmp(&self.durable(b, r))
                .then(a.cmp(&b))
        });
        order
    }
}

impl Figure for BenchmarkFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (1200, (self.conditions.len() as u32 * 30 + 260).max(520))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let body = headed(
            root,
            "Where each strategy wins and loses",
            "Durable agreement per condition of the suite (paired replicates); the best strategy \
             of each condition ringed; rows sorted by competition's rate",
        )?;
        let order = self.order();
        let n = order.len();
        let labels: Vec<String> = order
            .iter()
            .map(|&c| {
                let name = &self.conditions[c].name;
                if name.chars().count() > 26 {
                    format!("{}…", name.chars().take(25).collect::<String>())
                } else {
                    name.clone()
                }
            })
            .collect();
        let mut chart = ChartBuilder::on(&body)
            .margin(16)
            .x_label_area_size(56)
            .y_label_area_size(250)
            .build_cartesian_2d(0f64..100f64, -0.5f64..(n as f64 - 0.5))?;
        chart
            .configure_mesh()
            .x_desc("durable agreement (% of runs)")
            .y_labels(n.max(1))
            .y_label_formatter(&|y| {
                let k = y.round();
                if (y - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < labels.len() {
                    labels[k as usize].clone()
                } else {
                    String::new()
                }
            })
            .x_label_formatter(&|x| format!("{x:.0}"))
            .label_style(text(17.0))
            .axis_desc_style(text(19.0))
            .light_line_style(BLACK.mix(0.06))
            .bold_line_style(BLACK.mix(0.12))
            .draw()?;
        for (s, name) in self.strategies.iter().enumerate() {
            let colour = regime_colour(name, s);
            let points: Vec<(f64, f64)> = order
                .iter()
                .enumerate()
                .map(|(row, &c)| (self.durable(c, s), row as f64))
                .collect();
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|&(x, y)| Circle::new((x, y), 6, colour.filled())),
                )?
                .label(name.clone())
                .legend(move |(x, y)| Circle::new((x + 8, y), 6, colour.filled()));
        }
        // The best of each condition, ringed.
        for (row, &c) in order.iter().enumerate() {
            let best = (0..self.strategies.len())
                .map(|s| self.durable(c, s))
                .fold(f64::NEG_INFINITY, f64::max);
            for s in 0..self.strategies.len() {
                if self.durable(c, s) >= best {
                    chart.draw_series(std::iter::once(Circle::new(
                        (self.durable(c, s), row as f64),
                        10,
                        BLACK.stroke_width(2),
                    )))?;
                }
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .label_font(text(18.0))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()?;
        Ok(())
    }
}

/// Writes `benchmark.png` and `.svg` into `dir`; returns the SVG.
pub fn write_benchmark_figure(
    conditions: &[Condition],
    strategies: &[String],
    cells: &[Vec<Cell>],
    dir: &std::path::Path,
) -> Result<String> {
    save(
        &BenchmarkFigure {
            conditions,
            strategies,
            cells,
        },
        dir,
        "benchmark",
    )
}
