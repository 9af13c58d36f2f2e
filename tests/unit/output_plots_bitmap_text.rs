//! Unit tests of `output::plots::bitmap_text` (`src/output/plots/bitmap_text.rs`).

use peacesim::output::plots::bitmap_text::*;
use plotters::prelude::*;

/// Columns holding ink in a rendered line of text.
fn ink_columns(text: &str) -> Vec<bool> {
    peacesim::output::plots::register_fonts();
    let (w, h) = (200u32, 40u32);
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root =
            GlyphText::bitmap(BitMapBackend::with_buffer(&mut buf, (w, h))).into_drawing_area();
        root.draw(&Text::new(
            text.to_string(),
            (10, 8),
            peacesim::output::plots::text(24.0),
        ))
        .unwrap();
        root.present().unwrap();
    }
    (0..w as usize)
        .map(|x| (0..h as usize).any(|y| buf[(y * w as usize + x) * 3] < 160))
        .collect()
}

/// The blank runs between inked runs, in pixels.
fn gaps(columns: &[bool]) -> Vec<usize> {
    let mut gaps = Vec::new();
    let (mut seen, mut run) = (false, 0);
    for &ink in columns {
        if ink {
            if seen && run > 0 {
                gaps.push(run);
            }
            seen = true;
            run = 0;
        } else if seen {
            run += 1;
        }
    }
    gaps
}

#[test]
fn negative_numbers_get_a_true_minus() {
    assert_eq!(true_minus("-1.5"), "−1.5");
    assert_eq!(true_minus("[-2, -0.5]"), "[−2, −0.5]");
    assert_eq!(
        true_minus("12-60 months, 1e-6, do-no-harm, x-1"),
        "12-60 months, 1e-6, do-no-harm, x-1"
    );
}

#[test]
fn digits_and_points_are_evenly_spaced() {
    // "0.0": the gaps either side of the point are about equal (plotters' own bitmap text
    // put the point against the first digit and left a wide gap after it).
    let g = gaps(&ink_columns("0.0"));
    assert_eq!(g.len(), 2, "{g:?}");
    assert!(g[0].abs_diff(g[1]) <= 1, "gaps around the point: {g:?}");
    // "1 0" is never what "10" looks like: the gap between the digits stays narrow.
    let g = gaps(&ink_columns("10"));
    assert_eq!(g.len(), 1, "{g:?}");
    assert!(g[0] <= 4, "gap between 1 and 0: {g:?}");
}
