//! Colour classes the photo checks share: the blue of the backdrop, a white
//! backdrop, and the red and blue clothing a reviewer rejects. Each class is
//! defined on hue, chroma (max − min channel) and luma, so that it holds
//! under the warm and cool casts of ordinary indoor light.

use image::Rgb;

/// Luma of an sRGB pixel (BT.601 weights), 0–255.
pub fn luma(p: Rgb<u8>) -> f32 {
    let [r, g, b] = p.0;
    0.299 * r as f32 + 0.587 * g as f32 + 0.114 * b as f32
}

/// Max − min channel, 0–255: how far a pixel is from grey.
pub fn chroma(p: Rgb<u8>) -> u8 {
    let [r, g, b] = p.0;
    r.max(g).max(b) - r.min(g).min(b)
}

/// Hue in degrees (0–360); 0 for greys.
pub fn hue(p: Rgb<u8>) -> f32 {
    let [r, g, b] = p.0.map(|v| v as f32);
    let max = r.max(g).max(b);
    let c = max - r.min(g).min(b);
    if c == 0.0 {
        return 0.0;
    }
    let h = if max == r {
        ((g - b) / c).rem_euclid(6.0)
    } else if max == g {
        (b - r) / c + 2.0
    } else {
        (r - g) / c + 4.0
    };
    h * 60.0
}

/// Saturation as chroma over the brightest channel, 0–1.
pub fn saturation(p: Rgb<u8>) -> f32 {
    let max = p.0.into_iter().max().unwrap_or(0);
    if max == 0 {
        0.0
    } else {
        chroma(p) as f32 / max as f32
    }
}

/// Euclidean distance between two colours in RGB, 0–441.
pub fn distance(a: Rgb<u8>, b: Rgb<u8>) -> f64 {
    a.0.iter()
        .zip(b.0)
        .map(|(&x, y)| (x as f64 - y as f64).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// Blue as a backdrop or a garment shows it: hue 190–260°, clearly
/// coloured (chroma ≥ 40, saturation ≥ 0.35). Navy (20, 30, 80) is blue;
/// black with a bluish cast (15, 15, 25) is not.
pub fn is_blue(p: Rgb<u8>) -> bool {
    // In integers (every pixel of a photo goes through here): the hue lies
    // in 190–260° exactly when blue is the brightest channel and
    // −5/6 ≤ (r − g) / chroma ≤ 1/3.
    let [r, g, b] = p.0.map(i32::from);
    let c = chroma(p) as i32;
    b >= r && b >= g && c >= 40 && 100 * c >= 35 * b && (-5 * c..=2 * c).contains(&(6 * (r - g)))
}

/// Red clothing: hue within 18° of red (incl. crimson and maroon), strongly
/// saturated (≥ 0.5, chroma ≥ 50) so that skin tones and beige stay out.
pub fn is_red(p: Rgb<u8>) -> bool {
    let h = hue(p);
    !(18.0..342.0).contains(&h) && chroma(p) >= 50 && saturation(p) >= 0.5
}

/// A white backdrop under indoor light: near grey (chroma ≤ 30) and bright
/// (luma ≥ 140).
pub fn is_white(p: Rgb<u8>) -> bool {
    chroma(p) <= 30 && luma(p) >= 140.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_of_typical_colours() {
        let px = |r, g, b| Rgb([r, g, b]);
        for blue in [
            px(0, 90, 180),
            px(20, 30, 80),
            px(60, 120, 220),
            px(30, 80, 150),
        ] {
            assert!(is_blue(blue), "{blue:?}");
        }
        for not_blue in [
            px(15, 15, 25),
            px(120, 130, 140),
            px(0, 150, 80),
            px(200, 40, 40),
        ] {
            assert!(!is_blue(not_blue), "{not_blue:?}");
        }
        for red in [
            px(200, 20, 30),
            px(120, 15, 25),
            px(220, 30, 60),
            px(180, 40, 10),
        ] {
            assert!(is_red(red), "{red:?}");
        }
        // Skin tones, beige, brown, orange and black are not red.
        for not_red in [
            px(224, 172, 140),
            px(160, 110, 85),
            px(90, 55, 40),
            px(220, 200, 160),
            px(230, 120, 20),
            px(30, 20, 20),
        ] {
            assert!(!is_red(not_red), "{not_red:?}");
        }
        assert!(is_white(px(235, 235, 230)) && is_white(px(170, 172, 180)));
        assert!(!is_white(px(100, 100, 100)) && !is_white(px(240, 200, 150)));
        // The integer test of blue is the hue range it documents.
        for r in (0..=255).step_by(5) {
            for g in (0..=255).step_by(5) {
                for b in (0..=255).step_by(3) {
                    let p = px(r, g, b);
                    let h = hue(p);
                    let by_hue =
                        (190.0..=260.0).contains(&h) && chroma(p) >= 40 && saturation(p) >= 0.35;
                    let on_edge = (h - 190.0).abs() < 1e-3 || (h - 260.0).abs() < 1e-3;
                    assert!(is_blue(p) == by_hue || on_edge, "{p:?} at {h}°");
                }
            }
        }
        assert_eq!(hue(px(10, 10, 10)), 0.0);
        assert!((hue(px(0, 0, 255)) - 240.0).abs() < 1e-3);
        assert_eq!(saturation(px(0, 0, 0)), 0.0);
    }
}
