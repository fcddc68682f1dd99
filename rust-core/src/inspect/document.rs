//! Document photos (ID card, permits, passport, business licence, signed
//! authenticity statement, domain certificate): the whole document in the
//! frame, enough resolution, a colour original rather than a grey copy,
//! sharp, no glare over it, and the red seal or fingerprint the province
//! asks for on the authenticity statement.

use image::{DynamicImage, GenericImageView, GrayImage, Luma, Rgb, RgbImage};
use imageproc::drawing::draw_polygon_mut;
use imageproc::geometry::convex_hull;
use imageproc::point::Point;
use imageproc::region_labelling::{connected_components, Connectivity};

use super::backdrop::median;
use super::blur::blur_spread;
use super::colour::{chroma, hue, luma, saturation};
use super::finding::{
    at_least, at_most, finding, Finding, Measure, MeasureUnit, Outcome, PixelRect,
};
use super::morphology;
use super::screen::screen_pattern;
use super::working::Working;

/// What the photographed document physically is (the order's `DocumentKind`
/// says which slot it fills): it decides the resolution needed and whether
/// the original is in colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DocumentType {
    /// Resident identity card (either side).
    IdCard,
    /// Hong Kong and Macao residence permit or Mainland Travel Permit.
    HkMacaoPermit,
    /// Taiwan residence permit or Mainland Travel Permit.
    TaiwanPermit,
    /// Passport data page.
    Passport,
    /// Business licence or other subject licence.
    BusinessLicence,
    /// The signed authenticity statement (verification form).
    AuthenticityStatement,
    /// Domain name certificate.
    DomainCertificate,
}

impl DocumentType {
    /// The document's name in English, for messages.
    pub fn name_en(self) -> &'static str {
        match self {
            DocumentType::IdCard => "ID card",
            DocumentType::HkMacaoPermit => "Hong Kong and Macao permit",
            DocumentType::TaiwanPermit => "Taiwan permit",
            DocumentType::Passport => "passport",
            DocumentType::BusinessLicence => "business licence",
            DocumentType::AuthenticityStatement => "authenticity statement",
            DocumentType::DomainCertificate => "domain name certificate",
        }
    }

    /// The same in Simplified Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            DocumentType::IdCard => "身份证",
            DocumentType::HkMacaoPermit => "港澳居民证件",
            DocumentType::TaiwanPermit => "台湾居民证件",
            DocumentType::Passport => "护照",
            DocumentType::BusinessLicence => "营业执照",
            DocumentType::AuthenticityStatement => "真实性核验单",
            DocumentType::DomainCertificate => "域名证书",
        }
    }

    /// Card-sized documents need fewer pixels than A4 sheets.
    fn is_card(self) -> bool {
        matches!(
            self,
            DocumentType::IdCard
                | DocumentType::HkMacaoPermit
                | DocumentType::TaiwanPermit
                | DocumentType::Passport
        )
    }

    /// Originals printed in colour, so that a grey copy is detectable (a
    /// statement or certificate may be printed in black and white).
    fn is_colour_original(self) -> bool {
        self != DocumentType::AuthenticityStatement && self != DocumentType::DomainCertificate
    }
}

/// Marks the province requires on this document (see `requirements_for`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RequiredMarks {
    /// The organisation's red official seal.
    pub seal: bool,
    /// The individual's red fingerprint (Jiangxi, Xinjiang).
    pub fingerprint: bool,
}

/// Every threshold of the document checks, with documented defaults.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DocumentProfile {
    /// Long side of a card-sized document in pixels: fail below 800
    /// (about 9 px per mm, the least that keeps 2 mm print legible), warn
    /// below 1000.
    pub card_px_fail: f64,
    /// See `card_px_fail`.
    pub card_px_warn: f64,
    /// Long side of an A4 sheet in pixels: fail below 1400 (about 5 px per
    /// mm: 8-point print 15 px tall), warn below 1800.
    pub sheet_px_fail: f64,
    /// See `sheet_px_fail`.
    pub sheet_px_warn: f64,
    /// Share of the document clearly coloured once the light's cast is
    /// removed: fail below 0.008 (grey photocopies show 0–0.005), warn
    /// below 0.02 (colour cards show 0.01–0.13: their pale tint is removed
    /// with the cast, the photo and emblems remain). Only for documents
    /// whose originals are in colour.
    pub colour_fail: f64,
    /// See `colour_fail`.
    pub colour_warn: f64,
    /// Share of the document washed out to white (luma ≥ 250) by glare:
    /// warn above 0.01, fail above 0.03. Paper photographed so bright that
    /// it clips all over counts too: faint print is lost the same way.
    pub glare_warn: f64,
    /// See `glare_warn`.
    pub glare_fail: f64,
    /// Share of the spectrum of the document's middle held in the sharp
    /// peaks a screen's pixel grid leaves ([`screen_pattern`]): warn above
    /// 0.05, fail above 0.10 (photographed off a screen, 翻拍).
    pub screen_warn: f64,
    /// See `screen_warn`.
    pub screen_fail: f64,
    /// Blur of the document's print: the spread of its strongest edges in
    /// the most blurred direction (`blur_spread` at 1024 px, where print of
    /// a legible document is still several pixels tall), as a share of the
    /// document's width. Warn above 0.0024, fail above 0.0030. Sharp
    /// documents in the corpus (with sensor noise, up to 12 MP) measure at
    /// most 0.0016; in the blur sweep every document fails from a defocus
    /// disc of radius 0.3 % of its width or a motion of 1.2 % (79 % at 0.8 %).
    pub blur_warn: f64,
    /// See `blur_warn`.
    pub blur_fail: f64,
    /// A seal's diameter as a share of the document's short side: at least
    /// 0.12 (a 40 mm seal on A4 is 0.19).
    pub seal_min_size: f64,
    /// A fingerprint's long side as a share of the document's short side:
    /// at least 0.04 (a 15 mm print on A4 is 0.07).
    pub fingerprint_min_size: f64,
}

impl Default for DocumentProfile {
    fn default() -> Self {
        DocumentProfile {
            card_px_fail: 800.0,
            card_px_warn: 1000.0,
            sheet_px_fail: 1400.0,
            sheet_px_warn: 1800.0,
            colour_fail: 0.008,
            colour_warn: 0.02,
            glare_warn: 0.01,
            glare_fail: 0.03,
            screen_warn: 0.05,
            screen_fail: 0.10,
            blur_warn: 0.0024,
            blur_fail: 0.0030,
            seal_min_size: 0.12,
            fingerprint_min_size: 0.04,
        }
    }
}

/// Long side of the working copy the document is looked for in.
const WORKING_SIDE: u32 = 640;
/// A pixel belongs to the document when it is this far (RGB distance) from
/// the surface around it (the median colour of the frame's edge).
const FROM_SURFACE: f64 = 45.0;
/// The document must cover at least this share of the photo to be found.
const MIN_DOCUMENT_AREA: f64 = 0.08;
/// Width the print's blur is measured at.
const BLUR_WIDTH: u32 = 1024;
/// Share of the document's size that colour and glare stay clear of its
/// sides by (corners rounded, the edge's shadow, a rotation's jagged rim).
const QUAD_INSET: f64 = 0.03;

/// The document found in a photo, in working pixels.
struct Found {
    mask: GrayImage,
    quad: Vec<Point<f64>>,
    touches_edge: f64,
}

impl Found {
    /// The box around the document in the photo's pixels (`scale` photo
    /// pixels to a working one).
    fn region(&self, scale: f64) -> PixelRect {
        let (x0, y0, x1, y1) = bounds(&self.quad);
        PixelRect {
            x: (x0.max(0.0) * scale) as u32,
            y: (y0.max(0.0) * scale) as u32,
            width: ((x1 - x0.max(0.0)) * scale) as u32,
            height: ((y1 - y0.max(0.0)) * scale) as u32,
        }
    }
}

/// The corners of the document in `image` (top-left, top-right,
/// bottom-right, bottom-left, in its pixels), when one stands out from the
/// surface it lies on: where its text is read, straightened. When the
/// corners found do not make a plausible photographed rectangle (glare or a
/// shadow joined to the document's outline), the corners of the box around
/// it instead.
pub fn document_corners(image: &DynamicImage) -> Option<[(f32, f32); 4]> {
    let working = Working::new(image, WORKING_SIDE);
    let doc = find_document(&working.rgb)?;
    let s = working.scale;
    let fitted = fitted_sides(&doc.mask, &doc.quad).filter(|q| plausible_rectangle(q));
    let quad: Vec<(f32, f32)> = if let Some(fitted) = fitted {
        fitted
            .iter()
            .map(|p| ((p.x * s) as f32, (p.y * s) as f32))
            .collect()
    } else {
        let r = doc.region(s);
        let (x0, y0) = (r.x as f32, r.y as f32);
        let (x1, y1) = (x0 + r.width as f32, y0 + r.height as f32);
        vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    };
    quad.try_into().ok()
}

/// The document's corners where lines fitted to its four sides meet: each
/// side is the mask's outline seen from that side across the middle of the
/// rough quadrilateral `rough`, fitted robustly (median slopes, then least
/// squares on the points near that line), so that glare or a shadow joined
/// to part of one side does not pull a corner away as the hull's extreme
/// points do.
fn fitted_sides(mask: &GrayImage, rough: &[Point<f64>]) -> Option<Vec<Point<f64>>> {
    if rough.len() != 4 {
        return None;
    }
    let (w, h) = mask.dimensions();
    let (x0, y0, x1, y1) = bounds(rough);
    // Outline points per side as (along, across): the first mask pixel met
    // coming in from that side, on every other line across the middle 70 %.
    let span = |a: f64, b: f64, limit: u32| {
        let (a, b) = (a + 0.15 * (b - a), b - 0.15 * (b - a));
        (a.max(0.0) as u32..(b.max(0.0) as u32).min(limit)).step_by(2)
    };
    let outline = |along: std::iter::StepBy<std::ops::Range<u32>>,
                   across: u32,
                   from_end: bool,
                   inside: &dyn Fn(u32, u32) -> bool| {
        along
            .filter_map(|a| {
                let hit = if from_end {
                    (0..across).rev().find(|&c| inside(a, c))
                } else {
                    (0..across).find(|&c| inside(a, c))
                };
                hit.map(|c| (a as f64, c as f64))
            })
            .collect::<Vec<(f64, f64)>>()
    };
    let column = |x: u32, y: u32| mask.get_pixel(x, y)[0] > 0;
    let row = |y: u32, x: u32| mask.get_pixel(x, y)[0] > 0;
    let top = outline(span(x0, x1, w), h, false, &column);
    let bottom = outline(span(x0, x1, w), h, true, &column);
    let left = outline(span(y0, y1, h), w, false, &row);
    let right = outline(span(y0, y1, h), w, true, &row);
    // Lines as across = a · along + b.
    let [t, b, l, r] = [top, bottom, left, right].map(|points| robust_line(&points));
    let (t, b, l, r) = (t?, b?, l?, r?);
    // A row line y = a x + b meets a column line x = c y + d.
    let meet = |(a, b): (f64, f64), (c, d): (f64, f64)| {
        let y = (a * d + b) / (1.0 - a * c);
        Point::new(c * y + d, y)
    };
    Some(vec![meet(t, l), meet(t, r), meet(b, r), meet(b, l)])
}

/// The line through most of `points` (along, across): the median of the
/// pairwise slopes and the median intercept, then least squares over the
/// points within two pixels of it.
fn robust_line(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.len() < 8 {
        return None;
    }
    let step = (points.len() / 40).max(1);
    let sample: Vec<(f64, f64)> = points.iter().step_by(step).copied().collect();
    let mut slopes = Vec::with_capacity(sample.len() * sample.len() / 2);
    for (i, p) in sample.iter().enumerate() {
        for q in &sample[i + 1..] {
            if q.0 != p.0 {
                slopes.push((q.1 - p.1) / (q.0 - p.0));
            }
        }
    }
    let middle = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied()
    };
    let a = middle(slopes)?;
    let b = middle(points.iter().map(|p| p.1 - a * p.0).collect())?;
    let near: Vec<&(f64, f64)> = points
        .iter()
        .filter(|p| (p.1 - a * p.0 - b).abs() <= 2.0)
        .collect();
    if near.len() < points.len() / 3 {
        return None;
    }
    let n = near.len() as f64;
    let (sx, sy) = near.iter().fold((0.0, 0.0), |s, p| (s.0 + p.0, s.1 + p.1));
    let (mx, my) = (sx / n, sy / n);
    let (sxx, sxy) = near.iter().fold((0.0, 0.0), |s, p| {
        (s.0 + (p.0 - mx).powi(2), s.1 + (p.0 - mx) * (p.1 - my))
    });
    if sxx <= f64::EPSILON {
        return Some((a, b));
    }
    let a = sxy / sxx;
    Some((a, my - a * mx))
}

/// Whether `quad` looks like a rectangle photographed at a moderate angle:
/// every corner within [`MAX_CORNER_SKEW`] of a right angle and opposite
/// sides of about the same length.
fn plausible_rectangle(quad: &[Point<f64>]) -> bool {
    if quad.len() != 4 {
        return false;
    }
    let side = |i: usize| quad[(i + 1) % 4] - quad[i];
    let len = |v: Point<f64>| v.x.hypot(v.y);
    (0..4).all(|i| {
        let (a, b) = (side(i), side((i + 3) % 4));
        let cos = -(a.x * b.x + a.y * b.y) / (len(a) * len(b)).max(f64::EPSILON);
        let opposite = len(side(i)) / len(side((i + 2) % 4)).max(f64::EPSILON);
        cos.abs() <= MAX_CORNER_SKEW.to_radians().sin() && (0.8..=1.25).contains(&opposite)
    })
}

/// Degrees a corner of a photographed document may stray from square
/// before its outline is taken to include something else.
const MAX_CORNER_SKEW: f64 = 15.0;

/// Checks a photo of a document of `doc_type` that must carry `marks`.
pub fn check_document(
    image: &DynamicImage,
    doc_type: DocumentType,
    marks: RequiredMarks,
    profile: &DocumentProfile,
) -> Vec<Finding> {
    let working = Working::new(image, WORKING_SIDE);
    let s = working.scale;
    let mut findings = Vec::new();
    let Some(doc) = find_document(&working.rgb) else {
        findings.push(finding(
            "document.not_found",
            Outcome::Fail,
            Measure::at_least(0.0, MeasureUnit::Share, MIN_DOCUMENT_AREA),
            None,
            "No document found. Lay the whole document on a plain surface of another colour, with a little space all round.",
            "未找到证件。请将整份证件放在颜色不同的纯色平面上，四周留出空隙。",
        ));
        return findings;
    };
    let region = doc.region(s);
    let (w, h) = working.rgb.dimensions();
    let corner_out = doc
        .quad
        .iter()
        .any(|p| p.x < 1.0 || p.y < 1.0 || p.x > w as f64 - 2.0 || p.y > h as f64 - 2.0);
    findings.push(finding(
        "document.edge_cut",
        if corner_out || doc.touches_edge > 0.01 {
            Outcome::Fail
        } else {
            Outcome::Pass
        },
        Measure::at_most(doc.touches_edge, MeasureUnit::Share, 0.01),
        Some(region),
        "Part of the document is outside the photo. Move back until all four corners show, with a margin.",
        "证件有部分在照片之外。请后退，使四个角完整可见并留有边距。",
    ));

    let (long, short) = sides(&doc.quad);
    let long_px = long * s;
    let (fail, warn) = if doc_type.is_card() {
        (profile.card_px_fail, profile.card_px_warn)
    } else {
        (profile.sheet_px_fail, profile.sheet_px_warn)
    };
    findings.push(finding(
        "document.resolution",
        at_least(long_px, warn, fail),
        Measure::at_least(long_px, MeasureUnit::Pixels, fail),
        Some(region),
        "The document is too small in the photo. Move closer so that it fills most of the frame.",
        "证件在照片中太小。请靠近拍摄，使证件占满大部分画面。",
    ));

    let pixels = inside_quadrilateral(&working.rgb, &doc.quad);
    let n = pixels.len().max(1) as f64;
    if doc_type.is_colour_original() {
        let coloured = colour_share(&pixels);
        findings.push(finding(
            "document.colour",
            at_least(coloured, profile.colour_warn, profile.colour_fail),
            Measure::at_least(coloured, MeasureUnit::Share, profile.colour_fail),
            Some(region),
            "Photograph the original document in colour, not a black-and-white copy.",
            "请拍摄证件原件的彩色照片，不要使用黑白复印件。",
        ));
    }
    let glare = pixels.iter().filter(|p| luma(**p) >= 250.0).count() as f64 / n;
    findings.push(finding(
        "document.glare",
        at_most(glare, profile.glare_warn, profile.glare_fail),
        Measure::at_most(glare, MeasureUnit::Share, profile.glare_fail),
        Some(region),
        "Light is reflecting off the document. Tilt it or move away from the lamp or window.",
        "证件反光。请调整角度，或远离灯光或窗户。",
    ));
    let screen = screen_pattern(image, region);
    findings.push(finding(
        "document.screen",
        at_most(screen, profile.screen_warn, profile.screen_fail),
        Measure::at_most(screen, MeasureUnit::Share, profile.screen_fail),
        Some(region),
        "This looks photographed off a screen. Photograph the original document itself, not a picture of it on a phone or monitor.",
        "照片疑似翻拍屏幕。请直接拍摄证件原件，不要拍摄手机或电脑屏幕上的图片。",
    ));
    let spread = blur_spread(&print_area(image, region), BLUR_WIDTH);
    let (en, zh) = if spread.is_motion() {
        (
            "The document is smeared by movement. Hold the phone still, or rest your elbows on the table, and take it again.",
            "证件照片因晃动而模糊。请拿稳手机或将手肘撑在桌上，然后重拍。",
        )
    } else {
        (
            "The document is out of focus. Tap the text on the screen to focus, then take it again.",
            "证件照片未对焦。请点击屏幕上的文字对焦后重拍。",
        )
    };
    findings.push(finding(
        "document.blurry",
        at_most(spread.worst, profile.blur_warn, profile.blur_fail),
        Measure::at_most(spread.worst, MeasureUnit::Share, profile.blur_fail),
        Some(region),
        en,
        zh,
    ));

    if marks.seal || marks.fingerprint {
        let found = red_marks(&working.rgb, &doc.mask);
        let size_of = |shape: MarkShape, min_aspect: f64, max_aspect: f64| {
            found
                .iter()
                .filter(|m| m.shape == shape && (min_aspect..=max_aspect).contains(&m.aspect))
                .map(|m| m.size / short.max(1.0))
                .fold(0.0, f64::max)
        };
        if marks.seal {
            let size = size_of(MarkShape::Ring, 0.6, 1.6);
            findings.push(finding(
                "document.seal",
                at_least(size, profile.seal_min_size, profile.seal_min_size),
                Measure::at_least(size, MeasureUnit::Share, profile.seal_min_size),
                Some(region),
                "The organisation's red official seal must be stamped on the form.",
                "表格上须加盖单位红色公章。",
            ));
        }
        if marks.fingerprint {
            let size = size_of(MarkShape::Filled, 0.4, 2.5);
            findings.push(finding(
                "document.fingerprint",
                at_least(
                    size,
                    profile.fingerprint_min_size,
                    profile.fingerprint_min_size,
                ),
                Measure::at_least(size, MeasureUnit::Share, profile.fingerprint_min_size),
                Some(region),
                "Sign the form and press your red fingerprint on it.",
                "请在表格上签名并按上红色指印。",
            ));
        }
    }
    findings
}

/// The middle of the document (its inner 80 %, clear of the edges) in
/// grey, reduced straight from the photo to at most the blur width.
fn print_area(image: &DynamicImage, region: PixelRect) -> GrayImage {
    let (x, y) = (region.x + region.width / 10, region.y + region.height / 10);
    let (w, h) = (
        (region.width * 4 / 5).clamp(1, image.width().saturating_sub(x).max(1)),
        (region.height * 4 / 5).clamp(1, image.height().saturating_sub(y).max(1)),
    );
    let (tw, th) = if w > BLUR_WIDTH {
        (
            BLUR_WIDTH,
            (h as u64 * BLUR_WIDTH as u64 / w as u64).max(1) as u32,
        )
    } else {
        (w, h)
    };
    match image {
        DynamicImage::ImageRgb8(rgb) => {
            let view = rgb.view(x, y, w, h);
            DynamicImage::ImageRgb8(image::imageops::thumbnail(&*view, tw, th)).into_luma8()
        }
        other => {
            DynamicImage::ImageRgba8(image::imageops::thumbnail(&*other.view(x, y, w, h), tw, th))
                .into_luma8()
        }
    }
}

/// The pixel indices of the largest 4-connected set region of `mask`
/// (flood fill with an explicit stack; empty when nothing is set).
fn largest_component(mask: &GrayImage) -> Vec<u32> {
    let (w, h) = (mask.width() as usize, mask.height() as usize);
    let set = mask.as_raw();
    let mut seen = vec![false; w * h];
    let (mut largest, mut current, mut stack) = (Vec::new(), Vec::new(), Vec::new());
    for start in 0..w * h {
        if set[start] == 0 || seen[start] {
            continue;
        }
        current.clear();
        seen[start] = true;
        // (index, column): the column is carried so no pixel needs a division.
        stack.push((start, start % w));
        while let Some((i, x)) = stack.pop() {
            current.push(i as u32);
            let neighbours = [
                (x > 0).then(|| (i - 1, x - 1)),
                (x + 1 < w).then(|| (i + 1, x + 1)),
                (i >= w).then(|| (i - w, x)),
                (i + w < w * h).then(|| (i + w, x)),
            ];
            for (n, nx) in neighbours.into_iter().flatten() {
                if set[n] > 0 && !seen[n] {
                    seen[n] = true;
                    stack.push((n, nx));
                }
            }
        }
        if current.len() > largest.len() {
            std::mem::swap(&mut largest, &mut current);
        }
    }
    largest
}

/// Finds the largest region that differs from the surface around the
/// frame's edge, and the quadrilateral around it.
fn find_document(rgb: &RgbImage) -> Option<Found> {
    let (w, h) = rgb.dimensions();
    if w < 16 || h < 16 {
        return None;
    }
    let ring = (w.min(h) / 50).max(2);
    let mut channels = [Vec::new(), Vec::new(), Vec::new()];
    for (y, row) in rgb.as_raw().chunks_exact(3 * w as usize).enumerate() {
        let band = (y as u32) < ring || y as u32 >= h - ring;
        let r = 3 * ring as usize;
        let (left, right) = (&row[..r], &row[row.len() - r..]);
        let pixels: [&[u8]; 2] = if band { [row, &[]] } else { [left, right] };
        for px in pixels.iter().flat_map(|part| part.chunks_exact(3)) {
            for (c, &v) in channels.iter_mut().zip(px) {
                c.push(v);
            }
        }
    }
    let surface = Rgb(channels.map(median));
    let limit = (FROM_SURFACE * FROM_SURFACE) as i32;
    let differs: Vec<u8> = rgb
        .pixels()
        .map(|p| {
            let d: i32 = (0..3)
                .map(|c| (p[c] as i32 - surface[c] as i32).pow(2))
                .sum();
            if d > limit {
                255
            } else {
                0
            }
        })
        .collect();
    let differs = GrayImage::from_raw(w, h, differs).expect("one byte per pixel");
    // Close the gaps that print and shadows leave, then drop specks.
    let cleaned = morphology::open(&morphology::close(&differs, 3), 2);
    let component = largest_component(&cleaned);
    if (component.len() as f64) < MIN_DOCUMENT_AREA * (w * h) as f64 {
        return None;
    }
    let mut mask = GrayImage::new(w, h);
    for &i in &component {
        mask.as_mut()[i as usize] = 255;
    }
    // Each row's first and last pixel outline the region; count the pixels
    // on the frame's edge.
    let mut outline = Vec::new();
    let mut on_edge = 0u64;
    for (y, row) in mask.as_raw().chunks_exact(w as usize).enumerate() {
        let (Some(first), Some(last)) = (
            row.iter().position(|&v| v > 0),
            row.iter().rposition(|&v| v > 0),
        ) else {
            continue;
        };
        outline.push(Point::new(first as i64, y as i64));
        outline.push(Point::new(last as i64, y as i64));
        on_edge += if y == 0 || y == h as usize - 1 {
            row.iter().filter(|&&v| v > 0).count() as u64
        } else {
            (row[0] > 0) as u64 + (row[w as usize - 1] > 0) as u64
        };
    }
    let hull: Vec<Point<f64>> = convex_hull(outline)
        .into_iter()
        .map(|p| Point::new(p.x as f64, p.y as f64))
        .collect();
    Some(Found {
        mask,
        quad: quadrilateral(&hull),
        touches_edge: on_edge as f64 / (2 * (w + h)) as f64,
    })
}

/// The four corners of a convex hull, in order top-left, top-right,
/// bottom-right, bottom-left: the hull's extreme points along the four
/// diagonals (exact for a document turned by less than 45°, which is how
/// people photograph documents).
fn quadrilateral(hull: &[Point<f64>]) -> Vec<Point<f64>> {
    [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]
        .iter()
        .filter_map(|&(dx, dy)| {
            hull.iter()
                .copied()
                .max_by(|a, b| (dx * a.x + dy * a.y).total_cmp(&(dx * b.x + dy * b.y)))
        })
        .collect()
}

/// The pixels of `rgb` inside `quad` shrunk towards its centre by
/// `QUAD_INSET` of its size: where colour and glare are measured, so that
/// the surface, the document's shadow and whatever of the surface joined
/// its outline stay out.
fn inside_quadrilateral(rgb: &RgbImage, quad: &[Point<f64>]) -> Vec<Rgb<u8>> {
    let n = quad.len().max(1) as f64;
    let (cx, cy) = (
        quad.iter().map(|p| p.x).sum::<f64>() / n,
        quad.iter().map(|p| p.y).sum::<f64>() / n,
    );
    let keep = 1.0 - 2.0 * QUAD_INSET;
    let corners: Vec<Point<i32>> = quad
        .iter()
        .map(|p| {
            let at = |c: f64, v: f64| (c + (v - c) * keep).round() as i32;
            Point::new(at(cx, p.x), at(cy, p.y))
        })
        .collect();
    let mut inside = GrayImage::new(rgb.width(), rgb.height());
    draw_polygon_mut(&mut inside, &corners, Luma([1]));
    rgb.pixels()
        .zip(inside.as_raw())
        .filter(|(_, &m)| m > 0)
        .map(|(p, _)| *p)
        .collect()
}

/// Bounding box (left, top, right, bottom) of points.
fn bounds(points: &[Point<f64>]) -> (f64, f64, f64, f64) {
    points.iter().fold(
        (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
        |(l, t, r, b), p| (l.min(p.x), t.min(p.y), r.max(p.x), b.max(p.y)),
    )
}

/// (long, short) side of a quadrilateral: the means of opposite sides.
fn sides(quad: &[Point<f64>]) -> (f64, f64) {
    if quad.len() != 4 {
        let (l, t, r, b) = bounds(quad);
        return ((r - l).max(b - t), (r - l).min(b - t));
    }
    let len = |a: Point<f64>, b: Point<f64>| ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
    let a = (len(quad[0], quad[1]) + len(quad[2], quad[3])) / 2.0;
    let b = (len(quad[1], quad[2]) + len(quad[3], quad[0])) / 2.0;
    (a.max(b), a.min(b))
}

/// Share of pixels clearly coloured after removing the light's cast (each
/// channel scaled so that the document's median colour becomes grey).
fn colour_share(pixels: &[Rgb<u8>]) -> f64 {
    if pixels.is_empty() {
        return 0.0;
    }
    let med = [0, 1, 2].map(|c| median(pixels.iter().map(|p| p.0[c]).collect()).max(1) as f64);
    let grey = (med[0] + med[1] + med[2]) / 3.0;
    let coloured = pixels
        .iter()
        .filter(|p| {
            let balanced = Rgb([0, 1, 2].map(|c| (p.0[c] as f64 * grey / med[c]).min(255.0) as u8));
            chroma(balanced) >= 30
        })
        .count();
    coloured as f64 / pixels.len() as f64
}

/// A red mark (seal, fingerprint) on the document.
struct Mark {
    /// Long side of its bounding box, working pixels.
    size: f64,
    /// Width over height.
    aspect: f64,
    /// What its ink looks like across it.
    shape: MarkShape,
}

/// How a red mark's ink lies across it: a seal is a ring (its rim fully
/// inked, its middle holding a star or a line of print), a fingerprint a
/// filled oval of ridges (as much ink in the middle as at the rim, or more).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MarkShape {
    /// The rim holds at least `RING_OVER_MIDDLE` times the middle's ink.
    Ring,
    /// The middle is inked (≥ `FILLED_MIDDLE`) at least as densely as
    /// `FILLED_OVER_RING` of the rim.
    Filled,
    /// Neither: a scribble, a blot, a logo.
    Other,
}

/// Ink density of a seal's rim over its middle: at least this.
const RING_OVER_MIDDLE: f64 = 1.6;
/// Ink density of a fingerprint's middle: at least this...
const FILLED_MIDDLE: f64 = 0.2;
/// ...and at least this share of its rim's.
const FILLED_OVER_RING: f64 = 0.8;

impl MarkShape {
    /// The shape from the ink densities of the mark's rim (the ellipse its
    /// box bounds, from 0.8 of its radius outwards) and middle (within 0.55).
    fn of(rim: f64, middle: f64) -> MarkShape {
        if rim >= RING_OVER_MIDDLE * middle && rim > 0.0 {
            MarkShape::Ring
        } else if middle >= FILLED_MIDDLE && middle >= FILLED_OVER_RING * rim {
            MarkShape::Filled
        } else {
            MarkShape::Other
        }
    }
}

/// Stamp-ink red: hue within 20° of red, chroma ≥ 40, saturation ≥ 0.2;
/// laxer than clothing red, as ink on paper is lighter and a fingerprint's
/// ridges blend with the paper between them.
fn is_ink_red(p: Rgb<u8>) -> bool {
    let h = hue(p);
    !(20.0..340.0).contains(&h) && chroma(p) >= 40 && saturation(p) >= 0.2
}

/// The red marks inside the document's `mask`, strokes joined into marks.
fn red_marks(rgb: &RgbImage, mask: &GrayImage) -> Vec<Mark> {
    let red = GrayImage::from_fn(rgb.width(), rgb.height(), |x, y| {
        Luma([
            if mask.get_pixel(x, y)[0] > 0 && is_ink_red(*rgb.get_pixel(x, y)) {
                255
            } else {
                0
            },
        ])
    });
    let joined = imageproc::morphology::dilate(&red, imageproc::distance_transform::Norm::LInf, 2);
    let labels = connected_components(&joined, Connectivity::Eight, Luma([0u8]));
    let mut boxes = std::collections::HashMap::<u32, (u32, u32, u32, u32)>::new();
    for (x, y, l) in labels.enumerate_pixels() {
        if l[0] > 0 {
            let b = boxes.entry(l[0]).or_insert((x, y, x, y));
            *b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
        }
    }
    // Ink and pixels counted in each mark's rim and middle.
    let mut zones = std::collections::HashMap::<u32, [(u32, u32); 2]>::new();
    for (x, y, l) in labels.enumerate_pixels() {
        let Some(&(left, top, right, bottom)) = boxes.get(&l[0]) else {
            continue;
        };
        // Position within the ellipse the undilated box bounds (1 = rim).
        let (cx, cy) = ((left + right) as f64 / 2.0, (top + bottom) as f64 / 2.0);
        let (rx, ry) = (
            ((right - left) as f64 / 2.0 - 2.0).max(1.0),
            ((bottom - top) as f64 / 2.0 - 2.0).max(1.0),
        );
        let rho = ((x as f64 - cx) / rx).hypot((y as f64 - cy) / ry);
        let zone = if (0.8..=1.05).contains(&rho) {
            0
        } else if rho <= 0.55 {
            1
        } else {
            continue;
        };
        let counts = &mut zones.entry(l[0]).or_default()[zone];
        counts.0 += (red.get_pixel(x, y)[0] > 0) as u32;
        counts.1 += 1;
    }
    boxes
        .iter()
        .map(|(label, &(l, t, r, b))| {
            // Undo the dilation's growth.
            let (bw, bh) = (
                (r - l + 1).saturating_sub(4).max(1),
                (b - t + 1).saturating_sub(4).max(1),
            );
            let density = |(ink, all): (u32, u32)| ink as f64 / all.max(1) as f64;
            let [rim, middle] = zones.get(label).copied().unwrap_or_default();
            Mark {
                size: bw.max(bh) as f64,
                aspect: bw as f64 / bh as f64,
                shape: MarkShape::of(density(rim), density(middle)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::finding::Outcome;

    /// A card turned by 8° with a patch of glare joined to its lower right
    /// corner: the corners come from the fitted sides, not from the patch.
    #[test]
    fn corners_come_from_the_sides_not_from_glare_joined_to_the_card() {
        let angle = 8f64.to_radians();
        let (cx, cy) = (800.0, 600.0);
        let (hw, hh) = (500.0, 315.0);
        let card = |x: f64, y: f64| {
            let (dx, dy) = (x - cx, y - cy);
            let u = dx * angle.cos() + dy * angle.sin();
            let v = -dx * angle.sin() + dy * angle.cos();
            u.abs() < hw && v.abs() < hh
        };
        let truth = [(-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh)].map(|(u, v)| {
            (
                cx + u * angle.cos() - v * angle.sin(),
                cy + u * angle.sin() + v * angle.cos(),
            )
        });
        let glare = truth[2];
        let img = RgbImage::from_fn(1600, 1200, |px, py| {
            let (x, y) = (px as f64, py as f64);
            if (x - glare.0).hypot(y - glare.1) < 90.0 {
                Rgb([255, 255, 250])
            } else if card(x, y) {
                Rgb([225, 228, 235])
            } else {
                Rgb([60, 110, 50])
            }
        });
        let corners = document_corners(&DynamicImage::ImageRgb8(img)).unwrap();
        for (found, want) in corners.iter().zip(truth) {
            let off = (found.0 as f64 - want.0).hypot(found.1 as f64 - want.1);
            assert!(off < 12.0, "corner {found:?} is {off:.1} px from {want:?}");
        }
    }

    /// Whether 9 px cell `cell` of print row `row` is a gap between words:
    /// one in four, where a hash puts them, as on a real page (evenly spaced
    /// dashes would make a lattice, which only a screen is).
    fn word_gap(cell: i64, row: i64) -> bool {
        let h = (cell.wrapping_mul(73_856_093) ^ row.wrapping_mul(19_349_663)) as u64;
        h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 62 == 0
    }

    /// A 1600 × 1200 photo of an A4-landscape-like sheet (cream paper, dark
    /// print lines, a coloured band) on a brown table, the sheet's top-left
    /// corner at (x, y) and `width` wide.
    fn photo(x: i64, y: i64, width: u32, seal: bool, grey: bool) -> DynamicImage {
        let height = width * 7 / 10;
        let img = RgbImage::from_fn(1600, 1200, |px, py| {
            let (dx, dy) = (px as i64 - x, py as i64 - y);
            if dx < 0 || dy < 0 || dx >= width as i64 || dy >= height as i64 {
                return Rgb([92, 60, 38]);
            }
            let (u, v) = (dx as f64 / width as f64, dy as f64 / height as f64);
            let centre = ((u - 0.8).powi(2) + ((v - 0.75) * 0.7).powi(2)).sqrt();
            let p = if v < 0.12 {
                Rgb([30, 110, 200])
            } else if seal && (0.07..0.085).contains(&centre) {
                Rgb([215, 40, 45])
            } else if (dy / 6) % 4 == 0 && u > 0.08 && u < 0.7 && !word_gap(dx / 9, dy / 6) {
                Rgb([35, 35, 40])
            } else {
                Rgb([236, 232, 222])
            };
            if grey {
                let l = luma(p) as u8;
                Rgb([l, l, l])
            } else {
                p
            }
        });
        DynamicImage::ImageRgb8(img)
    }

    fn outcome(findings: &[Finding], code: &str) -> Outcome {
        findings
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("{code} missing in {findings:?}"))
            .outcome
    }

    fn check(image: &DynamicImage, marks: RequiredMarks) -> Vec<Finding> {
        check_document(
            image,
            DocumentType::BusinessLicence,
            marks,
            &DocumentProfile::default(),
        )
    }

    #[test]
    fn a_good_sheet_passes_and_its_seal_is_found() {
        let seal = RequiredMarks {
            seal: true,
            fingerprint: false,
        };
        let good = check(&photo(50, 75, 1500, true, false), seal);
        // 1500 px of A4 long side is enough, if less than the 1800 advised.
        assert_eq!(outcome(&good, "document.resolution"), Outcome::Warn);
        for f in good.iter().filter(|f| f.code != "document.resolution") {
            assert_eq!(f.outcome, Outcome::Pass, "{f:?}");
        }
        let region = good[0].region.unwrap();
        assert!(
            region.x.abs_diff(50) < 12 && region.width.abs_diff(1500) < 24,
            "{region:?}"
        );
        let unsealed = check(&photo(50, 75, 1500, false, false), seal);
        assert_eq!(outcome(&unsealed, "document.seal"), Outcome::Fail);
        assert!(!unsealed.iter().any(|f| f.code == "document.fingerprint"));
    }

    /// `image` with a red fingerprint (an oval of concentric ridges 3 px
    /// apart) `height` pixels tall centred at (cx, cy).
    fn with_fingerprint(image: DynamicImage, cx: f64, cy: f64, height: f64) -> DynamicImage {
        let mut rgb = image.to_rgb8();
        for (x, y, p) in rgb.enumerate_pixels_mut() {
            let (dx, dy) = (
                (x as f64 - cx) / (0.38 * height),
                (y as f64 - cy) / (0.5 * height),
            );
            let rho = dx.hypot(dy);
            if rho < 1.0 && ((rho * height / 2.0) as u32).is_multiple_of(3) {
                *p = Rgb([205, 45, 50]);
            }
        }
        DynamicImage::ImageRgb8(rgb)
    }

    #[test]
    fn a_seal_is_no_fingerprint_and_a_fingerprint_no_seal() {
        let fingerprint = RequiredMarks {
            seal: false,
            fingerprint: true,
        };
        let seal = RequiredMarks {
            seal: true,
            fingerprint: false,
        };
        let sealed = photo(50, 75, 1500, true, false);
        assert_eq!(
            outcome(&check(&sealed, fingerprint), "document.fingerprint"),
            Outcome::Fail
        );
        let pressed = with_fingerprint(photo(50, 75, 1500, false, false), 1000.0, 950.0, 140.0);
        assert_eq!(
            outcome(&check(&pressed, fingerprint), "document.fingerprint"),
            Outcome::Pass
        );
        // A fingerprint as large as a seal is still no seal.
        let large = with_fingerprint(photo(50, 75, 1500, false, false), 1000.0, 850.0, 300.0);
        assert_eq!(
            outcome(&check(&large, seal), "document.seal"),
            Outcome::Fail
        );
        assert_eq!(
            outcome(&check(&large, fingerprint), "document.fingerprint"),
            Outcome::Pass
        );
    }

    #[test]
    fn faults_fail_with_their_codes() {
        let none = RequiredMarks::default();
        let cut = check(&photo(400, 150, 1400, false, false), none);
        assert_eq!(outcome(&cut, "document.edge_cut"), Outcome::Fail);
        let small = check(&photo(500, 400, 600, false, false), none);
        assert_eq!(outcome(&small, "document.resolution"), Outcome::Fail);
        assert_eq!(outcome(&small, "document.edge_cut"), Outcome::Pass);
        let copy = check(&photo(100, 150, 1400, false, true), none);
        assert_eq!(outcome(&copy, "document.colour"), Outcome::Fail);
        // On a wood desk whose lighter knots touch the copy's sides (they
        // differ from the desk's median, so they join its outline): the
        // knots are outside its quadrilateral and lend it no colour.
        let mut desk = photo(100, 150, 1400, false, true).to_rgb8();
        for (x, y, p) in desk.enumerate_pixels_mut() {
            let knot = |kx: u32, ky: u32| x.abs_diff(kx) < 45 && y.abs_diff(ky) < 30;
            if [
                (55, 300),
                (55, 700),
                (1545, 420),
                (1545, 820),
                (500, 120),
                (900, 1160),
            ]
            .iter()
            .any(|&(kx, ky)| knot(kx, ky))
                && !((100..1500).contains(&x) && (150..1130).contains(&y))
            {
                *p = Rgb([176, 112, 58]);
            }
        }
        let knots = check(&DynamicImage::ImageRgb8(desk), none);
        assert_eq!(outcome(&knots, "document.colour"), Outcome::Fail);
        let blurred = DynamicImage::ImageRgb8(image::imageops::blur(
            &photo(100, 150, 1400, false, false).to_rgb8(),
            6.0,
        ));
        assert_eq!(
            outcome(&check(&blurred, none), "document.blurry"),
            Outcome::Fail
        );
        // Smeared sideways by 1 % of the document's width.
        let smeared = DynamicImage::ImageLuma8(super::super::blur::tests::motion(
            &photo(100, 150, 1400, false, false).to_luma8(),
            14.0,
            0.0,
        ));
        let findings = check(&smeared, none);
        assert_eq!(outcome(&findings, "document.blurry"), Outcome::Fail);
        let blurry = findings.iter().find(|f| f.code == "document.blurry");
        assert!(blurry.is_some_and(|f| f.message_en.contains("movement")));
        assert_eq!(
            outcome(
                &check(&photo(100, 150, 1400, false, false), none),
                "document.blurry"
            ),
            Outcome::Pass
        );
        let mut glare = photo(100, 150, 1400, false, false).to_rgb8();
        for (x, y, p) in glare.enumerate_pixels_mut() {
            if (x as i64 - 700).pow(2) + (y as i64 - 600).pow(2) < 200 * 200 {
                *p = Rgb([255, 255, 255]);
            }
        }
        let glare = check(&DynamicImage::ImageRgb8(glare), none);
        assert_eq!(outcome(&glare, "document.glare"), Outcome::Fail);
        let empty = DynamicImage::ImageRgb8(RgbImage::from_pixel(800, 600, Rgb([92, 60, 38])));
        assert_eq!(
            outcome(&check(&empty, none), "document.not_found"),
            Outcome::Fail
        );
        assert_eq!(
            outcome(
                &check(&DynamicImage::new_rgb8(4, 4), none),
                "document.not_found"
            ),
            Outcome::Fail
        );
    }
}
