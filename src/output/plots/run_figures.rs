//! The figures of a `run`: agreement over time, trust, parallel tables, outcomes with paired
//! differences, and when agreements are signed.

use super::{DrawResult, Figure, regime_colour, register_fonts, save, text, title};
use crate::experiment::{Results, is_proportion};
use crate::model::METRICS;
use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rayon::prelude::*;
use std::path::Path;

/// The run figures: file stem, title, and the sentence under it in the report.
pub const RUN_FIGURES: [(&str, &str, &str); 5] = [
    (
        "agreement_over_time",
        "Share of simulated peace processes with an agreement",
        "Each line is one regime; the shaded band is its 95% confidence interval. A line that \
         rises earlier and higher means agreements come sooner and more often under that regime. \
         All regimes face the same simulated conflicts, so the gap between lines is the regime's effect. \
         Every time axis in this report runs over the whole run: the dashed line marks the end of \
         the negotiation horizon, after which no new agreement is signed; the shaded months after \
         it are the implementation window, where signed agreements hold or collapse.",
    ),
    (
        "trust_over_time",
        "Trust over time",
        "Left: the parties' mean trust in the third parties; right: the third parties' mean \
         trust in each other. Rivalry between parallel tables erodes the second; information \
         sharing builds it. Both axes span the whole 0–1 scale, so a small gap looks small. Bands \
         are 95% confidence intervals.",
    ),
    (
        "parallel_forums",
        "Parallel processes",
        "The mean number of tables holding at least one party, over all replicates. More than one means parallel processes: parties can turn to another \
         table when pressed, which dilutes every mediator's leverage. Tables close once an \
         agreement is signed, so curves fall as agreements accumulate, and every table closes at \
         the horizon. Bands are 95% confidence intervals.",
    ),
    (
        "outcomes",
        "Outcomes by regime",
        "Left: each outcome's mean per regime with its 95% confidence interval. Right: the paired \
         difference from the reference regime (the same conflicts under both), with its 95% \
         interval, in percentage points (pp) for shares; an interval that does not cross the \
         dashed zero line is a clear difference. Outcomes that no regime changes (staff \
         rotations follow the same schedule under every regime) are left out.",
    ),
    (
        "agreement_month_distribution",
        "When agreements are signed",
        "For each regime, the share of replicates signing an agreement in each half-year of the \
         negotiation horizon. Replicates without an agreement are not shown; the label gives the \
         share that reached one at all. The shaded months after the horizon are the implementation \
         window, when no new agreement is signed.",
    ),
];

/// Writes every run figure into `dir`; returns `(stem, svg text)` in [`RUN_FIGURES`] order.
/// The figures are drawn in parallel on the current rayon pool (each file is its own).
pub fn write_run_figures(results: &Results, dir: &Path) -> Result<Vec<(String, String)>> {
    register_fonts();
    RUN_FIGURES
        .par_iter()
        .map(|&(stem, heading, _)| write_run_figure(results, dir, stem, heading))
        .collect()
}

/// Writes one run figure; returns `(stem, svg text)`.
fn write_run_figure(
    results: &Results,
    dir: &Path,
    stem: &str,
    heading: &'static str,
) -> Result<(String, String)> {
    {
        let svg = match stem {
            "agreement_over_time" => save(
                &SeriesFigure {
                    results,
                    heading,
                    panels: vec![Panel {
                        metric: "agreement",
                        y_desc: "replicates with an agreement (%)",
                        percent: true,
                        months: results.months,
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
                        months: results.months,
                    }],
                },
                dir,
                stem,
            )?,
            "outcomes" => save(&OutcomesFigure { results, heading }, dir, stem)?,
            _ => save(&AgreementMonthFigure { results, heading }, dir, stem)?,
        };
        Ok((stem.to_string(), svg))
    }
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
        // At most the report's width, so the report shows the figure at its own size.
        (if self.panels.len() > 1 { 1160 } else { 900 }, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let body = root.titled(self.heading, title(28.0))?;
        let areas = body.split_evenly((1, self.panels.len()));
        for (panel, area) in self.panels.iter().zip(&areas) {
            let series: Vec<_> = (0..self.results.regime_names.len())
                .map(|r| self.points(r, panel))
                .collect();
            let top = series.iter().flatten().map(|p| p.3).fold(0.0f64, f64::max);
            let (y_min, y_max) = if panel.percent {
                (0.0, 100.0)
            } else if panel.metric.starts_with("trust") {
                // Trust is a share of full trust: its whole scale, so that a gap of 0.01 looks
                // as small as it is.
                (0.0, 1.0)
            } else {
                (0.0, (top * 1.1).max(1.0))
            };
            let (y_min, y_max) = super::safe_range(y_min, y_max);
            let mut chart = ChartBuilder::on(area)
                .margin(12)
                .margin_right(28)
                .x_label_area_size(62)
                .y_label_area_size(84)
                .build_cartesian_2d(1f64..panel.months as f64, y_min..y_max)?;
            let y_format = |y: &f64| {
                if panel.percent || y_max > 5.0 {
                    format!("{y:.0}")
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
                .label_style(text(19.0))
                .light_line_style(WHITE.mix(0.0))
                .draw()?;
            mark_horizon(
                &mut chart,
                self.results.horizon,
                panel.months,
                (y_min, y_max),
            )?;
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
                .label_font(text(19.0))
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.4))
                .draw()?;
        }
        Ok(())
    }
}

/// Shades the months after the negotiation horizon (the implementation window) and draws a
/// dashed line at the horizon, labelled, on a chart whose x axis is months.
pub(super) fn mark_horizon<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    horizon: usize,
    months: usize,
    (y_min, y_max): (f64, f64),
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    if horizon == 0 || horizon >= months {
        return Ok(());
    }
    let h = horizon as f64 + 0.5;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(h, y_min), (months as f64, y_max)],
        RGBColor(120, 120, 120).mix(0.10).filled(),
    )))?;
    chart.draw_series(DashedLineSeries::new(
        [(h, y_min), (h, y_max)],
        7,
        5,
        BLACK.mix(0.55).stroke_width(2),
    ))?;
    let top = y_max - 0.01 * (y_max - y_min);
    chart.draw_series(std::iter::once(Text::new(
        format!("horizon (month {horizon})"),
        (h - 0.012 * months as f64, top),
        text(17.0).pos(Pos::new(HPos::Right, VPos::Top)),
    )))?;
    chart.draw_series(std::iter::once(Text::new(
        "implementation",
        (h + 0.012 * months as f64, top),
        text(17.0).pos(Pos::new(HPos::Left, VPos::Top)),
    )))?;
    Ok(())
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

/// The outcomes shown, one row each, with their axis labels (shares in %, their differences
/// in percentage points).
const SHOWN: [(&str, &str); 5] = [
    ("agreement", "agreement"),
    ("relapse_given_agreement", "relapse after agreement"),
    ("cumulative_violence", "cumulative violence (index)"),
    ("dnh_violations", "do-no-harm violations (count)"),
    ("rival_initiatives", "rival initiatives (count)"),
];

/// An outcome's label in the left (mean) and right (difference) column.
pub(crate) fn outcome_labels(outcome: &str, label: &str, reference: &str) -> (String, String) {
    if is_proportion(outcome) {
        (
            format!("{label} (% of replicates)"),
            format!("Δ {label} vs {reference} (pp)"),
        )
    } else {
        (label.to_string(), format!("Δ {label} vs {reference}"))
    }
}

/// Mean and 95% CI per regime (left) and the paired difference from the reference (right),
/// one row per outcome, regimes named in full on each panel's vertical axis.
struct OutcomesFigure<'a> {
    results: &'a Results,
    heading: &'static str,
}

impl OutcomesFigure<'_> {
    /// The outcomes to show: those some regime changes. An outcome identical under every
    /// regime by design (e.g. staff rotations) would be a panel of equal bars and zeros.
    fn shown(&self) -> Vec<(&'static str, &'static str)> {
        SHOWN
            .iter()
            .copied()
            .filter(|(outcome, _)| self.varies(outcome))
            .collect()
    }

    fn varies(&self, outcome: &str) -> bool {
        let names = &self.results.regime_names;
        names.iter().enumerate().any(|(r, name)| {
            r != self.results.reference
                && self.results.get(name, outcome).is_some_and(|s| {
                    let d = &s.difference;
                    d.mean().is_some_and(|m| m != 0.0)
                        || d.ci95().is_some_and(|(lo, hi)| lo != 0.0 || hi != 0.0)
                })
        })
    }

    fn row_height(&self) -> u32 {
        70 + 44 * self.results.regime_names.len() as u32
    }
}

impl Figure for OutcomesFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (
            1160,
            60 + self.row_height() * self.shown().len().max(1) as u32,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let reference = &self.results.regime_names[self.results.reference];
        let body = root.titled(
            &format!(
                "{} — left: mean and 95% CI; right: paired difference from {reference}",
                self.heading
            ),
            title(24.0),
        )?;
        let shown = self.shown();
        let rows = body.split_evenly((shown.len().max(1), 1));
        for ((outcome, label), row) in shown.iter().zip(&rows) {
            let (left, right) = row.split_horizontally(580);
            let (mean_label, diff_label) = outcome_labels(outcome, label, reference);
            self.draw_cell(&left, outcome, &mean_label, false)?;
            self.draw_cell(&right, outcome, &diff_label, true)?;
        }
        Ok(())
    }
}

impl OutcomesFigure<'_> {
    fn draw_cell<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        outcome: &str,
        caption: &str,
        difference: bool,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let names = &self.results.regime_names;
        let n = names.len();
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
            hi += 1.0;
            lo -= 1.0;
        }
        let pad = (hi - lo) * 0.08;
        hi += pad;
        if lo < 0.0 {
            lo -= pad;
        }
        let (lo, hi) = super::safe_range(lo, hi);
        // Regime r on row n − 1 − r: the first regime on top.
        let y_of = |r: usize| (n - 1 - r) as f64;
        let mut chart = ChartBuilder::on(area)
            .margin(8)
            .margin_right(26)
            .x_label_area_size(34)
            .y_label_area_size(150)
            .caption(caption, text(20.0))
            .build_cartesian_2d(lo..hi, -0.5f64..(n as f64 - 0.5))?;
        let name_of = |y: &f64| {
            let i = y.round();
            if (y - i).abs() > 0.01 || i < 0.0 || i as usize >= n {
                return String::new();
            }
            names[n - 1 - i as usize].clone()
        };
        let span = hi - lo;
        let x_format = |x: &f64| {
            let s = if span >= 10.0 {
                format!("{x:.0}")
            } else {
                format!("{x:.1}")
            };
            // No "-0" or "-0.0": a zero has no sign, and a negative value a true minus.
            if s.trim_start_matches('-')
                .chars()
                .all(|c| c == '0' || c == '.')
            {
                s.trim_start_matches('-').to_string()
            } else {
                s.replace('-', "−")
            }
        };
        chart
            .configure_mesh()
            .y_labels(2 * n + 1)
            .y_label_formatter(&name_of)
            .x_labels(6)
            .x_label_formatter(&x_format)
            .label_style(text(18.0))
            .disable_y_mesh()
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        if difference {
            chart.draw_series(DashedLineSeries::new(
                [(0.0, -0.5), (0.0, n as f64 - 0.5)],
                6,
                4,
                BLACK.mix(0.6).stroke_width(2),
            ))?;
        }
        if difference {
            // The reference's own row, beside the zero line on the side with room.
            let right = 0.0 > 0.5 * (lo + hi);
            chart.draw_series(std::iter::once(Text::new(
                if right { "reference  " } else { "  reference" },
                (0.0, y_of(self.results.reference)),
                text(17.0).color(&BLACK.mix(0.6)).pos(Pos::new(
                    if right { HPos::Right } else { HPos::Left },
                    VPos::Center,
                )),
            )))?;
        }
        for &(r, name, mean, lo, hi) in &rows {
            let colour = regime_colour(name, r);
            let y = y_of(r);
            chart.draw_series(std::iter::once(ErrorBar::new_horizontal(
                y,
                lo,
                mean,
                hi,
                colour.stroke_width(3),
                14,
            )))?;
            chart.draw_series(std::iter::once(Circle::new((mean, y), 6, colour.filled())))?;
        }
        Ok(())
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
        (1100, 170 + 200 * self.results.regime_names.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let body = root.titled(self.heading, title(28.0))?;
        let n = self.results.regime_names.len();
        let horizon = self.results.horizon;
        let months = self.results.months.max(horizon);
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
        let top = shares.iter().flatten().fold(0.0f64, |a, &b| a.max(b)) * 1.25 + 0.5;
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
                .build_cartesian_2d(0f64..months as f64, {
                    let (lo, hi) = super::safe_range(0.0, top);
                    lo..hi
                })?;
            let mut mesh = chart.configure_mesh();
            mesh.y_desc("% of replicates")
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| format!("{y:.1}"))
                .label_style(text(17.0))
                .axis_desc_style(text(18.0))
                .y_labels(4)
                .light_line_style(WHITE.mix(0.0));
            if last {
                mesh.x_desc("month of agreement (half-year bins)");
            }
            mesh.draw()?;
            mark_horizon(&mut chart, horizon, months, (0.0, top))?;
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
                // Top left, above the first years' few agreements.
                (months as f64 * 0.01, top * 0.98),
                text(18.0).pos(Pos::new(HPos::Left, VPos::Top)),
            )))?;
        }
        Ok(())
    }
}
