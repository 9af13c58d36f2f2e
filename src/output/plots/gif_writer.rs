//! A GIF writer for animations of mostly still pictures.
//!
//! plotters' own GIF backend quantises every whole frame with NeuQuant, which took most of the
//! time of `peacesim trace`. Here each frame after the first holds only the rectangle that
//! changed since the previous frame, with the pixels in it that did not change transparent.
//! A frame's palette is made of the colours of its changed pixels: exactly those colours when
//! there are at most 255 (256 in the first frame); otherwise a choice of them that keeps the
//! frequent colours exact (see [`palette`]). The pictures drawn here have few colours besides
//! the antialiased edges of text and shapes, so nearly every pixel keeps its exact colour.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Write;

/// Index of the transparent colour in frames that have one.
const TRANSPARENT: u8 = 0;

/// Hashes a packed RGB colour (a `u32`) by one multiplication.
#[derive(Default)]
struct RgbHasher(u64);

impl Hasher for RgbHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        let x = (self.0 ^ u64::from(n)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 29);
    }
}

/// Per colour: how many changed pixels have it, then its palette index.
type Colours = HashMap<u32, (u32, u8), BuildHasherDefault<RgbHasher>>;

fn pack(pixel: &[u8]) -> u32 {
    u32::from(pixel[0]) << 16 | u32::from(pixel[1]) << 8 | u32::from(pixel[2])
}

fn unpack(c: u32) -> [u8; 3] {
    [(c >> 16) as u8, (c >> 8) as u8, c as u8]
}

/// Squared distance between two colours.
fn distance(a: [u8; 3], b: [u8; 3]) -> u32 {
    a.iter()
        .zip(&b)
        .map(|(&x, &y)| u32::from(x.abs_diff(y)).pow(2))
        .sum()
}

/// Builds the palette of a frame from its colour counts and sets each colour's index; `first`
/// is the first index given to a colour (after the transparent one, if any).
///
/// With more colours than room, the palette is chosen greedily: the most frequent colour
/// first, then each time the colour whose pixels are worst served so far (count × squared
/// distance to the nearest chosen colour), so that frequent colours stay exact and no group of
/// rare ones is left far from every entry. Each colour is shown as its nearest entry.
fn palette(colours: &mut Colours, first: usize) -> Vec<u8> {
    let room = 256 - first;
    let mut by_count: Vec<(u32, u32)> = colours.iter().map(|(&c, &(n, _))| (c, n)).collect();
    // Most frequent first; equal counts in colour order, so the file is reproducible.
    by_count.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let rgb: Vec<[u8; 3]> = by_count.iter().map(|&(c, _)| unpack(c)).collect();
    let mut kept: Vec<usize> = Vec::with_capacity(room);
    // Per colour: the palette slot it is shown as.
    let mut slot = vec![0usize; rgb.len()];
    if rgb.len() <= room {
        kept.extend(0..rgb.len());
        slot = (0..rgb.len()).collect();
    } else {
        let mut nearest = vec![u32::MAX; rgb.len()];
        let mut pick = 0;
        loop {
            kept.push(pick);
            for (i, &c) in rgb.iter().enumerate() {
                let d = distance(c, rgb[pick]);
                if d < nearest[i] {
                    nearest[i] = d;
                    slot[i] = kept.len() - 1;
                }
            }
            if kept.len() == room {
                break;
            }
            let worst = (0..rgb.len())
                .map(|i| (u64::from(by_count[i].1) * u64::from(nearest[i]), i))
                .fold((0, 0), |best, x| if x.0 > best.0 { x } else { best });
            if worst.0 == 0 {
                break;
            }
            pick = worst.1;
        }
    }
    for (&(c, _), &s) in by_count.iter().zip(&slot) {
        if let Some(entry) = colours.get_mut(&c) {
            entry.1 = (first + s) as u8;
        }
    }
    let mut out = vec![255u8; first * 3];
    out.extend(kept.iter().flat_map(|&k| rgb[k]));
    out
}

/// Writes RGB frames of one size to a GIF that loops forever.
pub struct GifWriter<W: Write> {
    encoder: gif::Encoder<W>,
    size: (usize, usize),
    /// Delay after each frame (hundredths of a second).
    delay: u16,
    /// The previous frame (RGB), once there is one.
    previous: Option<Vec<u8>>,
    colours: Colours,
    indices: Vec<u8>,
}

impl<W: Write> GifWriter<W> {
    /// `frame_ms`: how long each frame shows.
    pub fn new(out: W, size: (u32, u32), frame_ms: u32) -> Result<Self, gif::EncodingError> {
        let (w, h) = (
            u16::try_from(size.0).unwrap_or(u16::MAX),
            u16::try_from(size.1).unwrap_or(u16::MAX),
        );
        let mut encoder = gif::Encoder::new(out, w, h, &[])?;
        encoder.set_repeat(gif::Repeat::Infinite)?;
        Ok(Self {
            encoder,
            size: (usize::from(w), usize::from(h)),
            delay: u16::try_from(frame_ms.saturating_add(5) / 10).unwrap_or(u16::MAX),
            previous: None,
            colours: Colours::default(),
            indices: Vec::new(),
        })
    }

    /// Adds a frame: `rgb` holds `width × height` pixels, three bytes each, row by row.
    pub fn add(&mut self, rgb: &[u8]) -> Result<(), gif::EncodingError> {
        let (w, h) = self.size;
        assert_eq!(
            rgb.len(),
            w * h * 3,
            "a frame has width × height RGB pixels"
        );
        // The rectangle that changed (the whole picture for the first frame).
        let (left, top, right, bottom) = match &self.previous {
            None => (0, 0, w, h),
            Some(prev) => changed_rectangle(prev, rgb, w, h).unwrap_or((0, 0, 1, 1)),
        };
        let previous = self.previous.as_deref();
        // Per pixel of the rectangle, row by row: its colour if it changed, else `None`.
        let changed = |y: usize| {
            let span = (y * w + left) * 3..(y * w + right) * 3;
            let now = &rgb[span.clone()];
            let before = previous.map(|p| &p[span]);
            now.chunks_exact(3).enumerate().map(move |(x, pixel)| {
                let same = before.is_some_and(|b| &b[3 * x..3 * x + 3] == pixel);
                (!same).then(|| pack(pixel))
            })
        };
        self.colours.clear();
        for y in top..bottom {
            for c in changed(y).flatten() {
                self.colours.entry(c).or_insert((0, 0)).0 += 1;
            }
        }
        let transparent = previous.is_some();
        let palette = palette(&mut self.colours, usize::from(transparent));
        self.indices.clear();
        for y in top..bottom {
            for c in changed(y) {
                self.indices
                    .push(c.map_or(TRANSPARENT, |c| self.colours.get(&c).map_or(0, |e| e.1)));
            }
        }
        let frame = gif::Frame {
            left: left as u16,
            top: top as u16,
            width: (right - left) as u16,
            height: (bottom - top) as u16,
            buffer: std::borrow::Cow::Borrowed(&self.indices),
            palette: Some(palette),
            transparent: transparent.then_some(TRANSPARENT),
            delay: self.delay,
            dispose: gif::DisposalMethod::Keep,
            ..gif::Frame::default()
        };
        self.encoder.write_frame(&frame)?;
        match &mut self.previous {
            Some(prev) => prev.copy_from_slice(rgb),
            None => self.previous = Some(rgb.to_vec()),
        }
        Ok(())
    }

    /// Ends the GIF and returns the writer.
    pub fn finish(self) -> std::io::Result<W> {
        self.encoder.into_inner()
    }
}

/// The smallest rectangle `(left, top, right, bottom)` (right and bottom exclusive) holding
/// every pixel that differs between two RGB pictures; `None` when they are the same.
fn changed_rectangle(
    a: &[u8],
    b: &[u8],
    w: usize,
    h: usize,
) -> Option<(usize, usize, usize, usize)> {
    let stride = w * 3;
    fn row(p: &[u8], stride: usize, y: usize) -> &[u8] {
        &p[y * stride..(y + 1) * stride]
    }
    let top = (0..h).find(|&y| row(a, stride, y) != row(b, stride, y))?;
    let bottom = (top..h)
        .rev()
        .find(|&y| row(a, stride, y) != row(b, stride, y))?
        + 1;
    let (mut left, mut right) = (w, 0);
    for y in top..bottom {
        let (ra, rb) = (row(a, stride, y), row(b, stride, y));
        if ra == rb {
            continue;
        }
        let first = (0..w).find(|&x| ra[3 * x..3 * x + 3] != rb[3 * x..3 * x + 3]);
        let last = (0..w)
            .rev()
            .find(|&x| ra[3 * x..3 * x + 3] != rb[3 * x..3 * x + 3]);
        if let (Some(f), Some(l)) = (first, last) {
            left = left.min(f);
            right = right.max(l + 1);
        }
    }
    Some((left, top, right, bottom))
}
