//! What the user is told while framing a shot: one hint per problem, most
//! important first, each with a stable code and zh-Hans / English text,
//! derived from the photo checks' findings and the frame's motion.

use crate::inspect::{AdminPhotoProfile, Finding, Outcome};

/// One piece of live guidance. Declared in priority order: when several
/// apply, the earlier ones are shown first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Hint {
    /// An order QR code was found and verified.
    CodeFound,
    /// A QR code was found but refused (not an order code, expired, …); the
    /// session's refusal event says why.
    CodeRefused,
    /// No QR code in view yet.
    LookForCode,
    /// The picture is too dark to judge.
    TooDark,
    /// No face in view.
    ShowFace,
    /// More than one person in view.
    OnlyOnePerson,
    /// The face is off centre or the head is cut off.
    CentreFace,
    /// No document in view.
    ShowDocument,
    /// Part of the document is outside the picture.
    DocumentEdgeCut,
    /// The subject (face or document) is too small.
    MoveCloser,
    /// The face is too large.
    MoveFarther,
    /// Light reflects off the subject.
    Glare,
    /// The backdrop does not fill the background.
    BackdropNotFilling,
    /// The backdrop's characters are hidden.
    BackdropTextHidden,
    /// Red clothing.
    RedClothing,
    /// Blue clothing.
    BlueClothing,
    /// A black-and-white copy instead of the coloured original.
    ColourOriginal,
    /// The form lacks its red official seal.
    SealMissing,
    /// The form lacks the red fingerprint.
    FingerprintMissing,
    /// The document has expired, or ends before the filing can be reviewed:
    /// another document is needed, a retake will not help.
    DocumentExpired,
    /// The document's text (validity period, number, zone) cannot be read
    /// yet: closer, sharper, without glare.
    TextUnreadable,
    /// The picture moves or is blurred.
    HoldStill,
    /// Everything passes: the still is about to be taken.
    Ready,
}

impl Hint {
    /// Stable code, e.g. `guide.move_closer`.
    pub fn code(&self) -> &'static str {
        match self {
            Hint::CodeFound => "guide.code_found",
            Hint::CodeRefused => "guide.code_refused",
            Hint::LookForCode => "guide.look_for_code",
            Hint::TooDark => "guide.too_dark",
            Hint::ShowFace => "guide.show_face",
            Hint::OnlyOnePerson => "guide.only_one_person",
            Hint::CentreFace => "guide.centre_face",
            Hint::ShowDocument => "guide.show_document",
            Hint::DocumentEdgeCut => "guide.document_edge_cut",
            Hint::MoveCloser => "guide.move_closer",
            Hint::MoveFarther => "guide.move_farther",
            Hint::Glare => "guide.glare",
            Hint::BackdropNotFilling => "guide.backdrop_not_filling",
            Hint::BackdropTextHidden => "guide.backdrop_text_hidden",
            Hint::RedClothing => "guide.red_clothing",
            Hint::BlueClothing => "guide.blue_clothing",
            Hint::ColourOriginal => "guide.colour_original",
            Hint::SealMissing => "guide.seal_missing",
            Hint::FingerprintMissing => "guide.fingerprint_missing",
            Hint::DocumentExpired => "guide.document_expired",
            Hint::TextUnreadable => "guide.text_unreadable",
            Hint::HoldStill => "guide.hold_still",
            Hint::Ready => "guide.ready",
        }
    }

    /// The hint in English.
    pub fn message_en(&self) -> &'static str {
        self.texts().0
    }

    /// The hint in Simplified Chinese.
    pub fn message_zh(&self) -> &'static str {
        self.texts().1
    }

    /// (English, Chinese).
    fn texts(&self) -> (&'static str, &'static str) {
        match self {
            Hint::CodeFound => ("Order code found.", "已识别订单二维码。"),
            Hint::CodeRefused => (
                "This QR code cannot be used.",
                "此二维码无法使用。",
            ),
            Hint::LookForCode => (
                "Point the camera at the QR code on the filing website.",
                "请将相机对准备案网站上的二维码。",
            ),
            Hint::TooDark => ("Too dark: find more light.", "光线太暗，请到明亮处拍摄。"),
            Hint::ShowFace => (
                "Face the camera so that your face is in the frame.",
                "请正对镜头，让脸部进入画面。",
            ),
            Hint::OnlyOnePerson => (
                "Only the website administrator may be in the picture.",
                "画面中只能有网站负责人本人。",
            ),
            Hint::CentreFace => (
                "Centre your face, with a little room above your head.",
                "请将脸部置于画面中央，头顶留出少许空间。",
            ),
            Hint::ShowDocument => (
                "Lay the whole document flat in view, on a plain surface.",
                "请将整份证件平放在纯色台面上，完整置于画面中。",
            ),
            Hint::DocumentEdgeCut => (
                "Part of the document is outside the picture: move back until all four corners show.",
                "证件有部分在画面之外，请后退至四个角完整可见。",
            ),
            Hint::MoveCloser => ("Move closer.", "请靠近一些。"),
            Hint::MoveFarther => ("Move back a little.", "请稍微后退。"),
            Hint::Glare => (
                "Too much light reflects: tilt a little or move away from the lamp or window.",
                "反光太强，请稍微倾斜或远离灯光、窗户。",
            ),
            Hint::BackdropNotFilling => (
                "Stand so that the backdrop fills the whole background.",
                "请调整位置，使幕布充满整个背景。",
            ),
            Hint::BackdropTextHidden => (
                "The characters on the backdrop must show: move aside or step back.",
                "幕布上的文字须清晰可见，请侧移或后退。",
            ),
            Hint::RedClothing => (
                "Red clothing is not allowed: change into black, grey or white.",
                "不能穿红色衣服，请换黑、灰或白色衣服。",
            ),
            Hint::BlueClothing => (
                "Blue clothing is not allowed: change into black, grey or white.",
                "不能穿蓝色衣服，请换黑、灰或白色衣服。",
            ),
            Hint::ColourOriginal => (
                "Photograph the original document in colour, not a copy.",
                "请拍摄证件原件的彩色照片，不要用复印件。",
            ),
            Hint::SealMissing => (
                "The form needs the red official seal.",
                "表格须加盖红色公章。",
            ),
            Hint::FingerprintMissing => (
                "The form needs your signature and red fingerprint.",
                "表格须签名并按红色指印。",
            ),
            Hint::DocumentExpired => (
                "This document has expired or expires too soon: use a valid one.",
                "此证件已过期或有效期不足，请使用有效证件。",
            ),
            Hint::TextUnreadable => (
                "The text cannot be read yet: move closer, hold still and avoid glare.",
                "证件文字尚无法识别：请靠近、保持稳定并避免反光。",
            ),
            Hint::HoldStill => ("Hold still.", "请保持手机稳定。"),
            Hint::Ready => ("Good: hold still.", "很好，请保持不动。"),
        }
    }
}

/// The hints for the failing findings of an administrator photo, sorted.
pub fn admin_photo_hints(findings: &[Finding], profile: &AdminPhotoProfile) -> Vec<Hint> {
    let middle = (profile.head_height_min_fail + profile.head_height_max_fail) / 2.0;
    hints_of(findings, |f| match f.code.as_str() {
        "photo.face_count" if f.measured < 1.0 => Some(Hint::ShowFace),
        "photo.face_count" => Some(Hint::OnlyOnePerson),
        "photo.off_centre" | "photo.head_cut" => Some(Hint::CentreFace),
        "photo.head_size" if f.measured < middle => Some(Hint::MoveCloser),
        "photo.head_size" => Some(Hint::MoveFarther),
        "photo.too_dark" => Some(Hint::TooDark),
        "photo.overexposed" => Some(Hint::Glare),
        "photo.blurry" => Some(Hint::HoldStill),
        "photo.backdrop" => Some(Hint::BackdropNotFilling),
        "photo.backdrop_text" => Some(Hint::BackdropTextHidden),
        "photo.clothing_red" => Some(Hint::RedClothing),
        "photo.clothing_blue" => Some(Hint::BlueClothing),
        _ => None,
    })
}

/// The hints for the failing findings of a document photo, sorted.
pub fn document_hints(findings: &[Finding]) -> Vec<Hint> {
    hints_of(findings, |f| match f.code.as_str() {
        "document.not_found" => Some(Hint::ShowDocument),
        "document.edge_cut" => Some(Hint::DocumentEdgeCut),
        "document.resolution" => Some(Hint::MoveCloser),
        "document.colour" => Some(Hint::ColourOriginal),
        "document.blurry" => Some(Hint::HoldStill),
        "document.glare" => Some(Hint::Glare),
        "document.seal" => Some(Hint::SealMissing),
        "document.fingerprint" => Some(Hint::FingerprintMissing),
        "document.expired" | "document.validity_short" => Some(Hint::DocumentExpired),
        _ => None,
    })
}

/// The sorted, distinct hints `hint_of` gives the failing findings.
fn hints_of(findings: &[Finding], hint_of: impl Fn(&Finding) -> Option<Hint>) -> Vec<Hint> {
    let mut hints: Vec<Hint> = findings
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .filter_map(hint_of)
        .collect();
    hints.sort();
    hints.dedup();
    hints
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::finding::{finding, Finding, Measure, MeasureUnit, Outcome};

    fn failing(code: &str, measured: f64) -> Finding {
        finding(
            code,
            Outcome::Fail,
            Measure::at_most(measured, MeasureUnit::Share, 0.0),
            None,
            "",
            "",
        )
    }

    #[test]
    fn findings_become_hints_in_priority_order() {
        let profile = AdminPhotoProfile::default();
        let mut passing = failing("photo.backdrop", 1.0);
        passing.outcome = Outcome::Warn;
        let hints = admin_photo_hints(
            &[
                failing("photo.clothing_red", 0.5),
                failing("photo.head_size", 0.1),
                failing("photo.blurry", 0.1),
                failing("photo.off_centre", 0.3),
                failing("photo.head_cut", -0.1),
                passing,
            ],
            &profile,
        );
        assert_eq!(
            hints,
            [
                Hint::CentreFace,
                Hint::MoveCloser,
                Hint::RedClothing,
                Hint::HoldStill
            ]
        );
        assert_eq!(
            admin_photo_hints(&[failing("photo.head_size", 0.9)], &profile),
            [Hint::MoveFarther]
        );
        assert_eq!(
            admin_photo_hints(&[failing("photo.face_count", 2.0)], &profile),
            [Hint::OnlyOnePerson]
        );
        assert_eq!(
            document_hints(&[
                failing("document.glare", 0.2),
                failing("document.edge_cut", 0.1)
            ]),
            [Hint::DocumentEdgeCut, Hint::Glare]
        );
    }

    #[test]
    fn every_hint_has_a_distinct_code_and_both_texts() {
        let all = [
            Hint::CodeFound,
            Hint::CodeRefused,
            Hint::LookForCode,
            Hint::TooDark,
            Hint::ShowFace,
            Hint::OnlyOnePerson,
            Hint::CentreFace,
            Hint::ShowDocument,
            Hint::DocumentEdgeCut,
            Hint::MoveCloser,
            Hint::MoveFarther,
            Hint::Glare,
            Hint::BackdropNotFilling,
            Hint::BackdropTextHidden,
            Hint::RedClothing,
            Hint::BlueClothing,
            Hint::ColourOriginal,
            Hint::SealMissing,
            Hint::FingerprintMissing,
            Hint::HoldStill,
            Hint::Ready,
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(Hint::code).collect();
        assert_eq!(codes.len(), all.len());
        for hint in &all {
            assert!(!hint.message_en().is_empty() && !hint.message_zh().is_empty());
            assert!(
                hint.message_zh().chars().any(|c| c > '\u{2e80}'),
                "{hint:?}"
            );
        }
    }
}
