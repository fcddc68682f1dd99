//! Recognised text as it lies on the document: lines with their boxes,
//! grouped into rows read left to right, so that a label and its value in
//! separate boxes (`姓名` … `张三`) are read together.

use crate::imaging::PixelRect;

/// One line of recognised text, from the core's recogniser or the
/// platform's (ML Kit Text Recognition, Apple Vision).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TextLine {
    /// The text as recognised.
    pub text: String,
    /// The recogniser's confidence, 0–1.
    pub confidence: f32,
    /// Where it is in the photo.
    pub region: PixelRect,
}

/// Lines on one row of the document, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Their texts joined, without the gaps between boxes.
    pub text: String,
    /// The box around them all.
    pub region: PixelRect,
    /// The least confidence among them.
    pub confidence: f32,
}

/// Groups `lines` into rows, top to bottom: a line joins a row when its
/// vertical centre lies within half the row's line height of the row's.
pub fn rows(lines: &[TextLine]) -> Vec<Row> {
    let mut sorted: Vec<&TextLine> = lines
        .iter()
        .filter(|l| !l.text.trim().is_empty() && l.region.height > 0)
        .collect();
    sorted.sort_by(|a, b| centre_y(a).total_cmp(&centre_y(b)));
    let mut groups: Vec<Vec<&TextLine>> = Vec::new();
    for line in sorted {
        let joins = groups.last().is_some_and(|group| {
            let height = group.iter().map(|l| l.region.height).min().unwrap_or(1) as f64;
            let row_y = group.iter().map(|l| centre_y(l)).sum::<f64>() / group.len() as f64;
            (centre_y(line) - row_y).abs() < 0.5 * height.min(f64::from(line.region.height))
        });
        if joins {
            groups.last_mut().expect("checked").push(line);
        } else {
            groups.push(vec![line]);
        }
    }
    groups
        .into_iter()
        .map(|mut group| {
            group.sort_by_key(|l| l.region.x);
            Row {
                text: group.iter().map(|l| l.text.trim()).collect(),
                region: group
                    .iter()
                    .map(|l| l.region)
                    .reduce(union)
                    .expect("a group has a line"),
                confidence: group.iter().map(|l| l.confidence).fold(1.0, f32::min),
            }
        })
        .collect()
}

fn centre_y(line: &TextLine) -> f64 {
    f64::from(line.region.y) + f64::from(line.region.height) / 2.0
}

/// The smallest box holding both.
pub fn union(a: PixelRect, b: PixelRect) -> PixelRect {
    PixelRect::from_edges(
        a.x.min(b.x),
        a.y.min(b.y),
        a.right().max(b.right()),
        a.bottom().max(b.bottom()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, x: u32, y: u32, w: u32, h: u32) -> TextLine {
        TextLine {
            text: text.into(),
            confidence: 0.9,
            region: PixelRect {
                x,
                y,
                width: w,
                height: h,
            },
        }
    }

    #[test]
    fn labels_and_values_in_separate_boxes_share_a_row() {
        let got = rows(&[
            line("张三", 200, 104, 120, 40),
            line("性别", 40, 200, 80, 40),
            line("姓名", 40, 100, 80, 40),
            line("男", 200, 198, 40, 40),
        ]);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].text, "姓名张三");
        assert_eq!(
            got[0].region,
            PixelRect {
                x: 40,
                y: 100,
                width: 280,
                height: 44
            }
        );
        assert_eq!(got[1].text, "性别男");
    }
}
