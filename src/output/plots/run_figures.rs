//! The figures of a `run`: agreement over time, trust, parallel tables, outcomes with paired
//! differences, and when agreements are signed.

use super::{DrawResult, Figure, regime_colour, save, text, title};
use crate::experiment::{Results, is_proportion};
use crate::model::METRICS;
use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// The run figures: file stem, title, and the sentence under it in the report.
pub const RUN_FIGURES: [(&str, &str, &str); 5] = [
    (
        "agreement_over_time",
        "Share of simulated peace processes with an agreement",
        "Each line is one regime; the shaded band is its 95% confidence interval. A line that \
         rises earlier and higher means agreements come sooner and more often under that regime. \
         All regimes face the same simulated conflicts, so the gap between lines is the regime's effect.",
    ),
    (
        "trust_over_time",
        "Trust over time",
        "Left: the parties' mean trust in the third parties; right: the third parties' mean \
         trust in each other. Rivalry between parallel tables erodes the second; information \
         sharing builds it. Bands are 95% confidence intervals.",
    ),
    (
        "parallel_forums",
        "Parallel processes",
        "The mean number of tables holding at least one party, over all replicates, during the \
         negotiation horizon. More than one means parallel processes: parties can turn to another \
         table when pressed, which dilutes every mediator's leverage. Tables close once an \
         agreement is signed, so curves fall as agreements accumulate. Bands are 95% confidence \
         intervals.",
    ),
    (
        "outcomes",
        "Outcomes by regime",
        "Top row: each outcome's mean per regime with its 95% confidence interval. Bottom row: \
         the paired difference from the reference regime (the same conflicts under both), with \
         its 95% interval; an interval that does not cross the dashed zero line is a clear difference.",
    ),
    (
        "agreement_month_distribution",
        "When agreements are signed",
        "For each regime, the share of replicates signing an agreement in each half-year of the \
         negotiation horizon. Replicates without an agreement are not shown; the label gives the \
         share that reached one at all.",
    ),
];

/// Writes every run figure into `dir`; returns `(stem, svg text)` in [`RUN_FIGURES`] order.
pub fn write_run_figures(results: &Results, dir: &Path) -> Result<Vec<(String, String)>> {
    let mut written = Vec::new();
    for (stem, heading, _) in RUN_FIGURES {
        let svg = match stem {
            "agreement_over_time" => save(
                &SeriesFigure {
                    results,
                    heading,
                    panels: vec![Panel {
                        metric: "agreement",
                        y_desc: "replicates with an agreement (%)",
                        percent: true,
                        months: results.horizon,
                    }],
                },
                dir,
                stem,
            )?,
            "trust_over_time" => save(
                &SeriesFigure {
                    results,
                    heading,
                    panels: vec![
                        Panel {
                            metric: "trust_party_third",
                            y_desc: "parties' trust in third parties (0–1)",
                            percent: false,
                            months: results.months,
                        },
                        Panel {
                            metric: "trust_among_third",
                            y_desc: "third parties' trust in each other (0–1)",
                            percent: false,
                            months: results.months,
                        },
                    ],
                },
                dir,
                stem,
            )?,
            "parallel_forums" => save(
                &SeriesFigure {
                    results,
                    heading,
                    panels: vec![Panel {
                        metric: "parallel_forums",
                        y_desc: "tables holding a party (count)",
                        percent: false,
                        months: results.horizon,
                    }],
                },
                dir,
                stem,
            )?,
            "outcomes" => save(&OutcomesFigure { results, heading }, dir, stem)?,
            _ => save(&AgreementMonthFigure { results, heading }, dir, stem)?,
        };
        written.push((stem.to_string(), svg));
    }
    Ok(written)
}

struct Panel {
    metric: &'static str,
    y_desc: &'static str,
    percent: bool,
    months: usize,
}

/// One or more panels of a per-month metric: a line per regime with its 95% band.
struct SeriesFigure<'a> {
    results: &'a Results,
    heading: &'static str,
    panels: Vec<Panel>,
}

impl SeriesFigure<'_> {
    /// (month, mean, low, high) of a metric under regime `r`.
    fn points(&self, r: usize, panel: &Panel) -> Vec<(f64, f64, f64, f64)> {
        let k = METRICS.iter().position(|m| *m == panel.metric).unwrap_or(0);
        let scale = if panel.percent { 100.0 } else { 1.0 };
        let wilson = matches!(panel.metric, "agreement" | "relapse");
        (0..panel.months)
            .filter_map(|t| {
                let m = &self.results.timeseries[r][t * METRICS.len() + k];
                let mean = m.mean()?;
                let (lo, hi) = if wilson { m.wilson95() } else { m.ci95() }.unwrap_or((mean, mean));
                Some(((t + 1) as f64, mean * scale, lo * scale, hi * scale))
            })
            .collect()
    }
}

impl Figure for SeriesFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (600 * self.panels.len() as u32 + 300, 640)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let body = root.titled(self.heading, title(26.0))?;
        let areas = body.split_evenly((1, self.panels.len()));
        for (panel, area) in self.panels.iter().zip(&areas) {
            let series: Vec<_> = (0..self.results.regime_names.len())
                .map(|r| self.points(r, panel))
                .collect();
            let top = series.iter().flatten().map(|p| p.3).fold(0.0f64, f64::max);
            let bottom = series
                .iter()
                .flatten()
                .map(|p| p.2)
                .fold(f64::INFINITY, f64::min);
            let (y_min, y_max) = if panel.percent {
                (0.0, 100.0)
            } else if panel.metric.starts_with("trust") {
                // Trust moves within a narrow range: zoom in, to the nearest 0.1 around the data.
                (
                    ((bottom - 0.05) * 10.0).floor().max(0.0) / 10.0,
                    ((top + 0.05) * 10.0).ceil().min(10.0) / 10.0,
                )
            } else {
                (0.0, (top * 1.1).max(1.0))
            };
            let (y_min, y_max) = super::safe_range(y_min, y_max);
            let mut chart = ChartBuilder::on(area)
                .margin(16)
                .margin_right(36)
                .x_label_area_size(56)
                .y_label_area_size(78)
                .build_cartesian_2d(1f64..panel.months as f64, y_min..y_max)?;
            let y_format = |y: &f64| {
                if panel.percent || y_max > 5.0 {
                    format!("{y:.0}")
                } else if y_max - y_min < 0.5 {
                    format!("{y:.2}")
                } else {
                    format!("{y:.1}")
                }
            };
            chart
                .configure_mesh()
                .x_desc("month since the start of the process")
                .y_desc(panel.y_desc)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&y_format)
                .axis_desc_style(text(20.0))
                .label_style(text(17.0))
                .light_line_style(WHITE.mix(0.0))
                .draw()?;
            for (r, name) in self.results.regime_names.iter().enumerate() {
                let colour = regime_colour(name, r);
                let band: Vec<(f64, f64)> = series[r]
                    .iter()
                    .map(|p| (p.0, p.3))
                    .chain(series[r].iter().rev().map(|p| (p.0, p.2)))
                    .collect();
                chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.18))))?;
                chart
                    .draw_series(LineSeries::new(
                        series[r].iter().map(|p| (p.0, p.1)),
                        colour.stroke_width(3),
                    ))?
                    .label(name.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(4))
                    });
            }
            chart
                .configure_series_labels()
                .position(legend_position(panel))
                .label_font(text(18.0))
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.4))
                .draw()?;
        }
        Ok(())
    }
}

/// Keeps the legend off the data: agreement curves rise to the right, so the legend goes top
/// left; falling or flat curves put it top right.
fn legend_position(panel: &Panel) -> SeriesLabelPosition {
    match panel.metric {
        "agreement" => SeriesLabelPosition::UpperLeft,
        "parallel_forums" | "trust_party_third" => SeriesLabelPosition::LowerLeft,
        _ => SeriesLabelPosition::LowerRight,
    }
}

/// The outcomes shown side by side, with their axis labels.
const SHOWN: [(&str, &str); 5] = [
    ("agreement", "agreement (%)"),
    ("relapse_given_agreement", "relapse after agreement (%)"),
    ("cumulative_violence", "cumulative violence (index)"),
    ("dnh_violations", "do-no-harm violations (count)"),
    ("rival_initiatives", "rival initiatives (count)"),
];

/// Mean and 95% CI per regime (top) and the paired difference from the reference (bottom).
struct OutcomesFigure<'a> {
    results: &'a Results,
    heading: &'static str,
}

impl Figure for OutcomesFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (1500, 860)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let reference = &self.results.regime_names[self.results.reference];
        let body = root.titled(
            &format!(
                "{} — top: mean and 95% CI; bottom: paired difference from {reference}",
                self.heading
            ),
            title(24.0),
        )?;
        let cells = body.split_evenly((2, SHOWN.len()));
        for (k, (outcome, label)) in SHOWN.iter().enumerate() {
            self.draw_cell(&cells[k], outcome, label, false)?;
            self.draw_cell(&cells[SHOWN.len() + k], outcome, label, true)?;
        }
        Ok(())
    }
}

impl OutcomesFigure<'_> {
    fn draw_cell<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        outcome: &str,
        label: &str,
        difference: bool,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let names = &self.results.regime_names;
        let scale = if is_proportion(outcome) { 100.0 } else { 1.0 };
        let mut rows = Vec::new();
        for (r, name) in names.iter().enumerate() {
            if difference && r == self.results.reference {
                continue;
            }
            let Some(s) = self.results.get(name, outcome) else {
                continue;
            };
            let m = if difference { &s.difference } else { &s.values };
            let (Some(mean), Some((lo, hi))) = (
                m.mean(),
                if is_proportion(outcome) && !difference {
                    m.wilson95()
                } else {
                    m.ci95()
                },
            ) else {
                continue;
            };
            rows.push((r, name.as_str(), mean * scale, lo * scale, hi * scale));
        }
        let (mut lo, mut hi) = rows
            .iter()
            .fold((0.0f64, 0.0f64), |(a, b), row| (a.min(row.3), b.max(row.4)));
        if !difference {
            lo = 0.0;
        }
        if hi - lo < 1e-9 {
            // Identical under every regime (e.g. rotations, which no regime changes).
            hi += 1.0;
            lo -= 1.0;
        }
        let pad = (hi - lo) * 0.12;
        hi += pad;
        if lo < 0.0 {
            lo -= pad;
        }
        let (lo, hi) = super::safe_range(lo, hi);
        let desc = if difference {
            format!("Δ {label}")
        } else {
            label.to_string()
        };
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(46)
            .y_label_area_size(70)
            .caption(&desc, text(17.0))
            .build_cartesian_2d(-0.5f64..(names.len() as f64 - 0.5), lo..hi)?;
        let short = |x: &f64| {
            let i = x.round();
            if (x - i).abs() > 0.01 || i < 0.0 {
                return String::new();
            }
            names
                .get(i as usize)
                .map(|n| abbreviate(n))
                .unwrap_or_default()
        };
        let span = hi - lo;
        let y_format = |y: &f64| {
            if span >= 10.0 {
                format!("{y:.0}")
            } else {
                format!("{y:.1}")
            }
        };
        chart
            .configure_mesh()
            .x_labels(names.len())
            .x_label_formatter(&short)
            .y_label_formatter(&y_format)
            .label_style(text(15.0))
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        if difference {
            chart.draw_series(DashedLineSeries::new(
                [(-0.5, 0.0), (names.len() as f64 - 0.5, 0.0)],
                6,
                4,
                BLACK.mix(0.6).stroke_width(2),
            ))?;
        }
        for &(r, name, mean, lo, hi) in &rows {
            let colour = regime_colour(name, r);
            let x = r as f64;
            chart.draw_series(std::iter::once(ErrorBar::new_vertical(
                x,
                lo,
                mean,
                hi,
                colour.stroke_width(3),
                18,
            )))?;
            chart.draw_series(std::iter::once(Circle::new((x, mean), 7, colour.filled())))?;
        }
        Ok(())
    }
}

/// Short regime names for crowded axes.
fn abbreviate(name: &str) -> String {
    match name {
        "competitive" => "compet.".into(),
        "hierarchical" => "hierarch.".into(),
        "network" => "network".into(),
        "contact_group" => "contact gr.".into(),
        other if other.chars().count() > 10 => other.chars().take(9).collect::<String>() + ".",
        other => other.into(),
    }
}

/// Half-year histogram of agreement months, one small panel per regime.
struct AgreementMonthFigure<'a> {
    results: &'a Results,
    heading: &'static str,
}

const BIN_MONTHS: usize = 6;

impl Figure for AgreementMonthFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (1100, 170 + 190 * self.results.regime_names.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let body = root.titled(self.heading, title(28.0))?;
        let n = self.results.regime_names.len();
        let horizon = self.results.horizon;
        let bins = horizon.div_ceil(BIN_MONTHS);
        let replicates = self.results.replicates.max(1) as f64;
        let shares: Vec<Vec<f64>> = self
            .results
            .agreement_months
            .iter()
            .map(|counts| {
                (0..bins)
                    .map(|b| {
                        let end = ((b + 1) * BIN_MONTHS).min(horizon);
                        counts[b * BIN_MONTHS..end].iter().sum::<u64>() as f64 * 100.0 / replicates
                    })
                    .collect()
            })
            .collect();
        let top = shares.iter().flatten().fold(0.0f64, |a, &b| a.max(b)) * 1.15 + 0.5;
        let rows = body.split_evenly((n, 1));
        for (r, (name, area)) in self.results.regime_names.iter().zip(&rows).enumerate() {
            let colour = regime_colour(name, r);
            let reached: u64 = self.results.agreement_months[r].iter().sum();
            let last = r + 1 == n;
            let mut chart = ChartBuilder::on(area)
                .margin(8)
                .margin_right(30)
                .x_label_area_size(if last { 56 } else { 26 })
                .y_label_area_size(78)
                .build_cartesian_2d(0f64..horizon as f64, {
                    let (lo, hi) = super::safe_range(0.0, top);
                    lo..hi
                })?;
            let mut mesh = chart.configure_mesh();
            mesh.y_desc("% of replicates")
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| format!("{y:.1}"))
                .label_style(text(16.0))
                .axis_desc_style(text(17.0))
                .y_labels(4)
                .light_line_style(WHITE.mix(0.0));
            if last {
                mesh.x_desc("month of agreement (half-year bins)");
            }
            mesh.draw()?;
            chart.draw_series(shares[r].iter().enumerate().map(|(b, &h)| {
                let x0 = (b * BIN_MONTHS) as f64;
                let x1 = (((b + 1) * BIN_MONTHS).min(horizon)) as f64;
                Rectangle::new([(x0 + 0.4, 0.0), (x1 - 0.4, h)], colour.filled())
            }))?;
            chart.draw_series(std::iter::once(Text::new(
                format!(
                    "{name}: {:.1}% reached an agreement",
                    100.0 * reached as f64 / replicates
                ),
                (horizon as f64 * 0.98, top * 0.92),
                text(18.0).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Right,
                    plotters::style::text_anchor::VPos::Top,
                )),
            )))?;
        }
        Ok(())
    }
}
