//! From each cell's glyph scores to the zone's text: every position keeps to the characters
//! its field may hold (ICAO 9303: digits in dates and check digits, letters or `<` in
//! names and country codes), close calls inside fields guarded by check digits are settled
//! by the digits, and a zone whose unguarded characters are not clear is not given out.

use super::glyphs::GLYPHS;

/// What a position may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// A–Z.
    Letter,
    /// A–Z or `<`.
    LetterOrFiller,
    /// 0–9.
    Digit,
    /// 0–9 or `<` (a check digit that may be empty).
    DigitOrFiller,
    /// 0–9, A–Z or `<`.
    Any,
    /// M, F, X or `<`.
    Sex,
}

impl Class {
    fn allows(self, c: u8) -> bool {
        match self {
            Class::Letter => c.is_ascii_uppercase(),
            Class::LetterOrFiller => c.is_ascii_uppercase() || c == b'<',
            Class::Digit => c.is_ascii_digit(),
            Class::DigitOrFiller => c.is_ascii_digit() || c == b'<',
            Class::Any => true,
            Class::Sex => matches!(c, b'M' | b'F' | b'X' | b'<'),
        }
    }
}

/// The classes of a zone's positions, line after line, and which positions check digits
/// guard.
struct Layout {
    classes: Vec<Class>,
    guarded: Vec<bool>,
}

fn layout(cells: usize) -> Layout {
    use Class::*;
    let mut classes = Vec::new();
    let mut push = |class: Class, count: usize| classes.extend(std::iter::repeat_n(class, count));
    match cells {
        30 => {
            // TD1: code, state, number, its digit, optional data; birth, digit, sex,
            // expiry, digit, nationality, optional, composite; names.
            push(Letter, 1);
            push(LetterOrFiller, 1);
            push(LetterOrFiller, 3);
            push(Any, 9);
            push(DigitOrFiller, 1);
            push(Any, 15);
            push(Digit, 7);
            push(Sex, 1);
            push(Digit, 7);
            push(LetterOrFiller, 3);
            push(Any, 11);
            push(Digit, 1);
            push(LetterOrFiller, 30);
        }
        _ => {
            // TD3 (44) and TD2 (36): code, state, names; number, digit, nationality,
            // birth, digit, sex, expiry, digit, optional (TD3: personal number and its
            // digit), composite.
            push(Letter, 1);
            push(LetterOrFiller, 1);
            push(LetterOrFiller, cells - 2);
            push(Any, 9);
            push(Digit, 1);
            push(LetterOrFiller, 3);
            push(Digit, 7);
            push(Sex, 1);
            push(Digit, 7);
            if cells == 44 {
                push(Any, 14);
                push(DigitOrFiller, 1);
            } else {
                push(Any, 7);
            }
            push(Digit, 1);
        }
    }
    let mut guarded = vec![false; classes.len()];
    let ranges: &[std::ops::Range<usize>] = match cells {
        30 => &[5..30, 30..37, 38..45, 48..60],
        36 => &[36..46, 49..56, 57..72],
        _ => &[44..54, 57..64, 65..88],
    };
    for range in ranges {
        for g in &mut guarded[range.clone()] {
            *g = true;
        }
    }
    Layout { classes, guarded }
}

/// ICAO 9303's check digit (weights 7, 3, 1; `<` 0, A–Z 10–35).
pub(super) fn check_digit(text: &[u8]) -> u8 {
    let mut sum = 0u32;
    for (i, &c) in text.iter().enumerate() {
        let value = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => 0,
        };
        sum += value * [7, 3, 1][i % 3];
    }
    (sum % 10) as u8
}

fn agrees(text: &[u8], digit: u8) -> bool {
    if digit == b'<' {
        return text.iter().all(|&c| c == b'<');
    }
    digit.is_ascii_digit() && check_digit(text) == digit - b'0'
}

/// The zone's check digits: each the positions it guards (in order) and its own position,
/// the composite last. A TD1 number longer than nine characters goes on into the optional
/// data, its digit after it, which depends on the text read.
fn checks(zone: &[u8], cells: usize) -> Vec<(Vec<usize>, usize)> {
    let span = |r: std::ops::Range<usize>| r.collect::<Vec<usize>>();
    match cells {
        30 => {
            let number = if zone[14] == b'<' {
                let used = 15
                    + zone[15..30]
                        .iter()
                        .rposition(|&c| c != b'<')
                        .map_or(0, |p| p + 1);
                if used == 15 {
                    (span(5..14), 14)
                } else {
                    let mut guarded = span(5..14);
                    guarded.extend(15..used - 1);
                    (guarded, used - 1)
                }
            } else {
                (span(5..14), 14)
            };
            let mut composite = span(5..30);
            composite.extend(30..37);
            composite.extend(38..45);
            composite.extend(48..59);
            vec![
                number,
                (span(30..36), 36),
                (span(38..44), 44),
                (composite, 59),
            ]
        }
        _ => {
            let l2 = cells;
            let end = l2 + cells - 1;
            let mut list = vec![
                (span(l2..l2 + 9), l2 + 9),
                (span(l2 + 13..l2 + 19), l2 + 19),
                (span(l2 + 21..l2 + 27), l2 + 27),
            ];
            if cells == 44 {
                list.push((span(l2 + 28..l2 + 42), l2 + 42));
            }
            let mut composite = span(l2..l2 + 10);
            composite.extend(l2 + 13..l2 + 20);
            composite.extend(l2 + 21..end);
            list.push((composite, end));
            list
        }
    }
}

fn check_agrees(zone: &[u8], (guarded, digit): &(Vec<usize>, usize)) -> bool {
    let text: Vec<u8> = guarded.iter().map(|&i| zone[i]).collect();
    agrees(&text, zone[*digit])
}

/// Whether every check digit of the zone (its lines concatenated) agrees.
pub(super) fn all_agree(zone: &[u8], cells: usize) -> bool {
    zone.len() == if cells == 30 { 90 } else { 2 * cells }
        && checks(zone, cells).iter().all(|c| check_agrees(zone, c))
}

/// How sure a read must be where no check digit guards it: the best glyph's correlation,
/// and its lead over the next glyph its field allows.
const MIN_SCORE: f32 = 0.45;
const MIN_LEAD: f32 = 0.04;
/// A guarded position's alternatives within this much of its best are tried when its
/// check digit disagrees.
const CLOSE: f32 = 0.15;

/// The zone's text from its cells' scores (the lines concatenated), or `None` when it
/// cannot be read with confidence.
///
/// A check digit lets through one in ten of the wrong texts it is shown, so trying many
/// combinations would find one that agrees by chance. A disagreeing digit may therefore
/// settle one close call in its field, and only when exactly one of the close alternatives
/// makes it agree; the composite digit, checked after, confirms the fields' fixes. The zone
/// is given out only when every digit agrees.
pub(super) fn decide(scores: &[[f32; 37]], cells: usize) -> Option<Vec<u8>> {
    let layout = layout(cells);
    if layout.classes.len() != scores.len() {
        return None;
    }
    // Per position, the allowed glyphs by score, best first.
    let ranked: Vec<Vec<(u8, f32)>> = scores
        .iter()
        .zip(&layout.classes)
        .map(|(s, class)| {
            let mut r: Vec<(u8, f32)> = GLYPHS
                .iter()
                .zip(s)
                .filter(|(c, _)| class.allows(**c))
                .map(|(c, s)| (*c, *s))
                .collect();
            r.sort_by(|a, b| b.1.total_cmp(&a.1));
            r
        })
        .collect();
    let mut text: Vec<u8> = ranked.iter().map(|r| r[0].0).collect();
    // The unguarded positions must be clear on their own.
    for (i, r) in ranked.iter().enumerate() {
        if layout.guarded[i] {
            continue;
        }
        let lead = r.get(1).map_or(1.0, |second| r[0].1 - second.1);
        if r[0].1 < MIN_SCORE || lead < MIN_LEAD {
            return None;
        }
    }
    // Each disagreeing digit may settle one close call, the composite last (it sees the
    // fields' fixes). A TD1 number's extent depends on the text, so the list is re-made.
    let count = checks(&text, cells).len();
    for n in 0..count {
        let check = checks(&text, cells)[n].clone();
        if check_agrees(&text, &check) {
            continue;
        }
        let mut fixes = Vec::new();
        for &at in check.0.iter().chain(std::iter::once(&check.1)) {
            let r = &ranked[at];
            for &(c, s) in r.iter().skip(1) {
                if r[0].1 - s > CLOSE {
                    break;
                }
                let was = text[at];
                text[at] = c;
                if check_agrees(&text, &check) {
                    fixes.push((at, c));
                }
                text[at] = was;
            }
        }
        match fixes.as_slice() {
            [(at, c)] => text[*at] = *c,
            _ => return None,
        }
    }
    all_agree(&text, cells).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TD3: &[u8] =
        b"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10";
    const TD2: &[u8] = b"I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<D231458907UTO7408122F1204159<<<<<<<6";
    const TD1: &[u8] =
        b"I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<";

    fn scores_for(text: &[u8]) -> Vec<[f32; 37]> {
        text.iter()
            .map(|&c| {
                let mut s = [0.2f32; 37];
                s[GLYPHS.iter().position(|&g| g == c).unwrap()] = 0.9;
                s
            })
            .collect()
    }

    #[test]
    fn the_specimens_agree_and_fit_their_layouts() {
        for (text, cells) in [(TD3, 44), (TD2, 36), (TD1, 30)] {
            assert!(all_agree(text, cells));
            let l = layout(cells);
            assert_eq!(l.classes.len(), text.len());
            for (i, (&c, class)) in text.iter().zip(&l.classes).enumerate() {
                assert!(class.allows(c), "{cells}: {} at {i}", char::from(c));
            }
            assert_eq!(decide(&scores_for(text), cells).as_deref(), Some(text));
        }
    }

    #[test]
    fn a_close_call_in_a_guarded_field_is_settled_by_its_check_digit() {
        // The birth date's last 2 scored just under a 7: its check digit picks the 2.
        let mut scores = scores_for(TD3);
        let seven = GLYPHS.iter().position(|&g| g == b'7').unwrap();
        let at = 44 + 13 + 5;
        assert_eq!(TD3[at], b'2');
        let two = GLYPHS.iter().position(|&g| g == b'2').unwrap();
        scores[at][two] = 0.80;
        scores[at][seven] = 0.82;
        assert_eq!(decide(&scores, 44).as_deref(), Some(TD3));
    }

    #[test]
    fn an_unclear_name_letter_gives_no_zone() {
        let mut scores = scores_for(TD3);
        let at = 6; // the R of ERIKSSON
        let k = GLYPHS.iter().position(|&g| g == b'K').unwrap();
        scores[at][k] = 0.89;
        assert_eq!(decide(&scores, 44), None);
    }
}
