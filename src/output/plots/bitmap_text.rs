//! Text for the bitmap figures (PNG and GIF), set glyph by glyph at its true position.
//!
//! plotters' bitmap text (its `ab_glyph` font support) draws each glyph's ink box at the pen
//! position, dropping the glyph's left side bearing, and truncates the pen position to whole
//! pixels. Glyphs with a wide bearing — the point, the digit 1, `m`, `i` — land too far left, so
//! "12.0" read as "12 .0" or "6. 0" in the PNGs while the SVGs (set by the browser) were right.
//! [`GlyphText`] wraps a bitmap backend and sets text itself: each glyph is placed at the
//! fractional pen position, with its bearing and kerning, from the same embedded DejaVu fonts.
//! Everything else is passed to the wrapped backend unchanged.
//!
//! Both the bitmap and the SVG figures go through [`GlyphText`], which also writes a negative
//! number's sign as a true minus (−), as the reports' text does; plotters' own tick labels
//! use the hyphen.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::prelude::DrawingBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle,
};
use std::borrow::Cow;
use std::sync::OnceLock;

/// `text` with the hyphen of every negative number (a `-` before a digit, not after a letter or
/// digit) replaced by a true minus.
pub fn true_minus(text: &str) -> Cow<'_, str> {
    if !text.contains('-') {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    for (k, &c) in chars.iter().enumerate() {
        let before = k.checked_sub(1).map(|i| chars[i]);
        let after = chars.get(k + 1);
        if c == '-'
            && after.is_some_and(|a| a.is_ascii_digit() || *a == '.')
            && !before.is_some_and(|b| b.is_alphanumeric() || b == '.' || b == '_')
        {
            out.push('−');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The three faces of the embedded font.
struct Faces {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
    oblique: FontRef<'static>,
}

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| {
        let load = |bytes: &'static [u8]| match FontRef::try_from_slice(bytes) {
            Ok(f) => f,
            Err(_) => unreachable!("the embedded DejaVu fonts are valid TrueType"),
        };
        Faces {
            regular: load(dejavu::sans::regular()),
            bold: load(dejavu::sans::bold()),
            oblique: load(dejavu::sans::oblique()),
        }
    })
}

fn face(style: FontStyle) -> &'static FontRef<'static> {
    let f = faces();
    match style {
        FontStyle::Bold => &f.bold,
        FontStyle::Italic | FontStyle::Oblique => &f.oblique,
        FontStyle::Normal => &f.regular,
    }
}

/// Width of `text` in pixels at `size` (plotters' font size), with kerning, unrounded.
fn advance(style: FontStyle, size: f64, text: &str) -> f32 {
    let font = face(style).as_scaled(PxScale::from(size as f32));
    let mut x = 0.0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            x += font.kern(p, id);
        }
        x += font.h_advance(id);
        prev = Some(id);
    }
    x
}

/// The layout box plotters would give (width from the advances, height `size / 1.24`), so
/// figures keep their layout; the width is rounded rather than truncated.
fn layout(style: FontStyle, size: f64, text: &str) -> (i32, i32) {
    (
        advance(style, size, text).round() as i32,
        (size / 1.24) as i32,
    )
}

/// A backend whose text has true minus signs and, with `glyphs` (bitmap backends), is set by
/// [`GlyphText::draw_text`] rather than by plotters.
pub struct GlyphText<B> {
    pub inner: B,
    pub glyphs: bool,
}

impl<B> GlyphText<B> {
    /// Text set here (bitmap backends).
    pub fn bitmap(inner: B) -> Self {
        Self {
            inner,
            glyphs: true,
        }
    }

    /// Text left to the backend, with true minus signs (SVG).
    pub fn vector(inner: B) -> Self {
        Self {
            inner,
            glyphs: false,
        }
    }
}

impl<B: DrawingBackend> DrawingBackend for GlyphText<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let text = true_minus(text);
        if !self.glyphs {
            return self.inner.estimate_text_size(&text, style);
        }
        let (w, h) = layout(style.style(), style.size(), &text);
        Ok((w.max(0) as u32, h.max(0) as u32))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let text = true_minus(text);
        if !self.glyphs {
            return self.inner.draw_text(&text, style, pos);
        }
        let colour = style.color();
        if colour.alpha == 0.0 {
            return Ok(());
        }
        let size = style.size();
        let (width, height) = layout(style.style(), size, &text);
        // Anchor and rotation as plotters applies them to its layout box.
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let transform = style.transform();
        let font = face(style.style()).as_scaled(PxScale::from(size as f32));
        // Capitals and digits centred in the box; descenders hang below it.
        let cap = 0.626 * size as f32;
        let baseline = 0.5 * (height as f32 + cap);
        let (w, h) = self.inner.get_size();
        let mut pen = 0.0f32;
        let mut prev = None;
        let mut pixels = Vec::new();
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                pen += font.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(font.scale(), point(pen, baseline));
            pen += font.h_advance(id);
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            pixels.clear();
            outline.draw(|x, y, coverage| {
                if coverage > 0.0 {
                    pixels.push((
                        bounds.min.x as i32 + x as i32,
                        bounds.min.y as i32 + y as i32,
                        coverage.min(1.0),
                    ));
                }
            });
            for &(x, y, coverage) in &pixels {
                let (x, y) = transform.transform(x + dx, y + dy);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x >= 0 && y >= 0 && x < w as i32 && y < h as i32 {
                    self.inner.draw_pixel(
                        (x, y),
                        BackendColor {
                            alpha: colour.alpha * f64::from(coverage),
                            rgb: colour.rgb,
                        },
                    )?;
                }
            }
        }
        Ok(())
    }
}
