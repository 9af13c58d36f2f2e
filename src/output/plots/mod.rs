//! Plots, drawn with plotters from aggregated results only (never during the runs).
//!
//! Every figure is written as PNG and SVG. Text is drawn with the DejaVu Sans fonts embedded
//! in the binary (the `dejavu` crate), registered once per process: no system fonts or
//! libraries are needed. Bitmap text is set by [`GlyphText`], which places glyphs where the
//! font puts them (plotters' own bitmap text misplaced them). Each regime has one colour in every figure ([`regime_colour`]).

mod benchmark_figure;
#[doc(hidden)]
pub mod bitmap_text;
#[doc(hidden)]
pub mod gif_writer;
mod run_figures;
#[doc(hidden)]
pub mod sobol_figure;
#[doc(hidden)]
pub mod sweep_figures;
mod trace_figures;
mod validation_figure;

pub use benchmark_figure::write_benchmark_figure;
pub use run_figures::{RUN_FIGURES, write_run_figures};
pub use sobol_figure::write_sobol_figure;
pub use sweep_figures::write_sweep_figures;
pub use trace_figures::{frame_months, legend_kinds, write_trace_animation, write_trace_timeline};
pub use validation_figure::write_validation_figure;

use anyhow::{Context, Result};
pub(crate) use bitmap_text::GlyphText;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use std::path::Path;
use std::sync::Once;

/// The font family every figure uses.
pub(crate) const FONT: &str = "sans-serif";

/// Registers the embedded DejaVu fonts under [`FONT`]; without it every text draw fails.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let fonts = [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
            (FontStyle::Italic, dejavu::sans::oblique()),
            (FontStyle::Oblique, dejavu::sans::oblique()),
        ];
        for (style, bytes) in fonts {
            if register_font(FONT, style, bytes).is_err() {
                unreachable!("the embedded DejaVu fonts are valid TrueType");
            }
        }
    });
}

/// The colour of a regime in every figure: the Okabe–Ito palette, which stays distinguishable
/// for the common forms of colour blindness (Okabe & Ito 2008). Built-in regimes have fixed
/// colours; others take the remaining ones in order of appearance.
pub fn regime_colour(name: &str, position: usize) -> RGBColor {
    match name {
        "competitive" => RGBColor(213, 94, 0),
        "hierarchical" => RGBColor(0, 114, 178),
        "network" => RGBColor(0, 158, 115),
        "contact_group" => RGBColor(204, 121, 167),
        _ => [
            RGBColor(230, 159, 0),
            RGBColor(86, 180, 233),
            RGBColor(0, 0, 0),
            RGBColor(153, 153, 153),
        ][position % 4],
    }
}

pub(crate) type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// A figure that can be drawn on any plotters backend.
pub(crate) trait Figure {
    /// Size in pixels (PNG) and user units (SVG).
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// Writes `<name>.png` and `<name>.svg` into `dir` and returns the SVG text (for inlining in
/// the report).
pub(crate) fn save(figure: &impl Figure, dir: &Path, name: &str) -> Result<String> {
    register_fonts();
    let size = figure.size();
    let mut svg = String::new();
    {
        let root = GlyphText::vector(SVGBackend::with_string(&mut svg, size)).into_drawing_area();
        figure
            .draw(&root)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot draw {name}.svg"))?;
        root.present()
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot draw {name}.svg"))?;
    }
    std::fs::write(dir.join(format!("{name}.svg")), &svg)
        .with_context(|| format!("cannot write {name}.svg"))?;
    let png = dir.join(format!("{name}.png"));
    {
        let root = GlyphText::bitmap(BitMapBackend::new(&png, size)).into_drawing_area();
        figure
            .draw(&root)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot draw {name}.png"))?;
        root.present()
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot write {name}.png"))?;
    }
    Ok(svg)
}

/// A text style in the embedded font.
#[doc(hidden)]
pub fn text(size: f64) -> TextStyle<'static> {
    (FONT, size).into_font().into()
}

/// A bold text style for titles.
pub(crate) fn title(size: f64) -> TextStyle<'static> {
    (FONT, size, FontStyle::Bold).into_font().into()
}

/// Largest magnitude an axis may reach; beyond, values are clipped (the model's outputs stay
/// far below: see `MAX_VIOLENCE_BUDGET`).
const AXIS_LIMIT: f64 = 1e15;

/// An axis range plotters can always draw: finite, at most ±10^15, and with a span of at least
/// a millionth of its magnitude. Plotters computes key points by stepping through the range;
/// with an infinite, NaN or degenerate range it never finished.
#[doc(hidden)]
pub fn safe_range(lo: f64, hi: f64) -> (f64, f64) {
    let clip = |x: f64, fallback: f64| {
        if x.is_nan() {
            fallback
        } else {
            x.clamp(-AXIS_LIMIT, AXIS_LIMIT)
        }
    };
    let (mut lo, mut hi) = (clip(lo, 0.0), clip(hi, 1.0));
    if hi < lo {
        std::mem::swap(&mut lo, &mut hi);
    }
    let min_span = 1e-6 * lo.abs().max(hi.abs()).max(1.0);
    if hi - lo < min_span {
        let mid = 0.5 * (lo + hi);
        lo = mid - min_span;
        hi = mid + min_span;
    }
    (lo, hi)
}
