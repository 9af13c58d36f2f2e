//! Unit tests of `output::plots::gif_writer` (`src/output/plots/gif_writer.rs`).

use peacesim::output::plots::gif_writer::*;

/// Decodes a GIF into its composed RGB frames.
fn decode(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(bytes).unwrap();
    let (w, h) = (decoder.width() as usize, decoder.height() as usize);
    let mut screen = vec![0u8; w * h * 3];
    let mut frames = Vec::new();
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        let (fl, ft) = (frame.left as usize, frame.top as usize);
        for y in 0..frame.height as usize {
            for x in 0..frame.width as usize {
                let p = &frame.buffer[(y * frame.width as usize + x) * 4..][..4];
                if p[3] != 0 {
                    let at = ((ft + y) * w + fl + x) * 3;
                    screen[at..at + 3].copy_from_slice(&p[..3]);
                }
            }
        }
        frames.push(screen.clone());
    }
    frames
}

fn picture(w: usize, h: usize, paint: impl Fn(usize, usize) -> [u8; 3]) -> Vec<u8> {
    (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .flat_map(|(x, y)| paint(x, y))
        .collect()
}

/// 100 colours.
fn background(x: usize, y: usize) -> [u8; 3] {
    [(x / 4 * 25) as u8, (y / 3 * 25) as u8, 7]
}

#[test]
fn frames_come_back_exactly() {
    let (w, h) = (40, 30);
    let frames = vec![
        picture(w, h, background),
        // Unchanged.
        picture(w, h, background),
        // A changed patch, one pixel of which is also the background's colour.
        picture(w, h, |x, y| {
            if (5..9).contains(&x) && (10..12).contains(&y) {
                [255, 0, (x + y) as u8]
            } else {
                background(x, y)
            }
        }),
        // 1200 colours in the changed part: the rarest are shown as the nearest kept.
        picture(w, h, |x, y| [(x * 6) as u8, (y * 8) as u8, (x * y) as u8]),
    ];
    let mut out = Vec::new();
    let mut writer = GifWriter::new(&mut out, (w as u32, h as u32), 160).unwrap();
    for f in &frames {
        writer.add(f).unwrap();
    }
    writer.finish().unwrap();
    let decoded = decode(&out);
    assert_eq!(decoded.len(), frames.len());
    for k in 0..3 {
        assert!(decoded[k] == frames[k], "frame {k} differs");
    }
    let error = decoded[3]
        .iter()
        .zip(&frames[3])
        .map(|(&a, &b)| (i32::from(a) - i32::from(b)).abs())
        .max()
        .unwrap();
    assert!(error < 48, "quantised frame is off by {error}");
}
