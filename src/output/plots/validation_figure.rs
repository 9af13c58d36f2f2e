//! The validation figure: one small panel per check, the measured value with its interval (99.9%
//! when decided at an interim look, 95% at the last) against the expected region.

use super::{DrawResult, Figure, save, text, title};
use crate::experiment::validation::Check;
use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

const COLUMNS: usize = 4;

struct ValidationFigure<'a> {
    heading: String,
    checks: &'a [Check],
}

/// The expected region of a check, parsed back from its description.
fn region(expected: &str) -> (Option<f64>, Option<f64>) {
    let number = |s: &str| {
        s.trim()
            .trim_end_matches(|c: char| !c.is_ascii_digit())
            .parse::<f64>()
            .ok()
    };
    let head = expected.split(['%', ' ']).collect::<Vec<_>>();
    if let Some(rest) = expected.strip_prefix("> ") {
        (number(rest.split_whitespace().next().unwrap_or("")), None)
    } else if let Some(rest) = expected.strip_prefix("< ") {
        (None, number(rest.split_whitespace().next().unwrap_or("")))
    } else if let Some((a, b)) = head.first().and_then(|h| h.split_once('–')) {
        (number(a), number(b))
    } else {
        (None, None)
    }
}

impl Figure for ValidationFigure<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.checks.len().div_ceil(COLUMNS) as u32;
        (1600, 90 + 260 * rows)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let body = root.titled(&self.heading, title(24.0))?;
        let rows = self.checks.len().div_ceil(COLUMNS);
        let cells = body.split_evenly((rows, COLUMNS));
        for (check, cell) in self.checks.iter().zip(&cells) {
            let (lo_bound, hi_bound) = region(&check.expected);
            let mut lo = check.ci_low.min(check.value);
            let mut hi = check.ci_high.max(check.value);
            for b in [lo_bound, hi_bound].into_iter().flatten() {
                lo = lo.min(b);
                hi = hi.max(b);
            }
            let pad = ((hi - lo) * 0.15).max(0.5);
            let (lo, hi) = (lo - pad, hi + pad);
            let colour = if check.pass {
                RGBColor(0, 140, 90)
            } else {
                RGBColor(200, 30, 30)
            };
            let caption = format!(
                "{} {}: {}",
                check.fact,
                if check.pass { "✓" } else { "✗" },
                check.metric
            );
            // A long metric gets a smaller caption (down to 11 px) rather than run into the
            // next panel: DejaVu Sans averages about half an em per character here.
            let room = f64::from(cell.dim_in_pixel().0.saturating_sub(24));
            let size = (room / (0.5 * caption.chars().count() as f64)).clamp(11.0, 14.0);
            let mut chart = ChartBuilder::on(cell)
                .margin(10)
                .caption(caption, text(size))
                .x_label_area_size(30)
                .y_label_area_size(10)
                .build_cartesian_2d(lo..hi, 0f64..1f64)?;
            chart
                .configure_mesh()
                .disable_y_axis()
                .disable_y_mesh()
                .x_labels(6)
                .label_style(text(13.0))
                .light_line_style(WHITE.mix(0.0))
                .draw()?;
            let (a, b) = (lo_bound.unwrap_or(lo), hi_bound.unwrap_or(hi));
            chart.draw_series(std::iter::once(Rectangle::new(
                [(a, 0.0), (b, 1.0)],
                RGBColor(0, 158, 115).mix(0.15).filled(),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!("expected {}", check.expected),
                (lo + (hi - lo) * 0.02, 0.93),
                text(12.0),
            )))?;
            chart.draw_series(std::iter::once(ErrorBar::new_horizontal(
                0.45,
                check.ci_low,
                check.value,
                check.ci_high,
                colour.stroke_width(3),
                14,
            )))?;
            chart.draw_series(std::iter::once(Circle::new(
                (check.value, 0.45),
                6,
                colour.filled(),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!(
                    "{:.2} [{:.2}, {:.2}] ({}% CI, {} replicates)",
                    check.value,
                    check.ci_low,
                    check.ci_high,
                    check.confidence() * 100.0,
                    check.replicates
                ),
                (lo + (hi - lo) * 0.02, 0.18),
                text(13.0),
            )))?;
        }
        Ok(())
    }
}

/// Writes `validation.png` and `validation.svg`.
pub fn write_validation_figure(scenario: &str, checks: &[Check], dir: &Path) -> Result<()> {
    let passed = checks.iter().filter(|c| c.pass).count();
    let figure = ValidationFigure {
        heading: format!(
            "{scenario}: stylized facts — {passed} of {} checks hold (point and CI; green band = expected)",
            checks.len()
        ),
        checks,
    };
    save(&figure, dir, "validation").map(|_| ())
}
