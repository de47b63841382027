//! The machine-readable zone of ICAO 9303 travel documents: TD3 (passports, two lines of
//! 44), TD2 (two lines of 36) and TD1 (ID cards, three lines of 30). Each number and date
//! carries a check digit (weights 7, 3, 1; `<` is 0, A–Z are 10–35), and a composite digit
//! guards them together. A field with a check digit is used only when its digit agrees; the
//! names, nationality and sex, which have none, only when the composite digit agrees: a
//! wrong read is worse than none.

use chrono::Datelike;

use super::{
    alpha2, iso_date, CheckDigit, DocumentKind, DocumentRead, Field, ReadError, ReadField, Source,
};

/// The check digit of `text` as ICAO 9303 computes it; `None` for a character an MRZ never
/// holds.
pub fn check_digit(text: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, c) in text.chars().enumerate() {
        let value = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            '<' => 0,
            _ => return None,
        };
        sum += value * [7, 3, 1][i % 3];
    }
    Some((sum % 10) as u8)
}

fn agrees(text: &str, digit: char) -> bool {
    // An empty optional field may carry `<` as its digit.
    if digit == '<' {
        return text.chars().all(|c| c == '<');
    }
    digit
        .to_digit(10)
        .is_some_and(|d| check_digit(text) == Some(d as u8))
}

/// The lines of a zone: upper case, spaces dropped, blank lines left out.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            l.chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| c.to_ascii_uppercase())
                .collect::<String>()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// `SURNAME<<GIVEN<NAMES<<<` → (`Surname`, `Given Names`).
fn names(field: &str) -> (String, String) {
    let field = field.trim_end_matches('<');
    let (surname, given) = field.split_once("<<").unwrap_or((field, ""));
    let words = |part: &str| {
        part.split('<')
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut chars = w.chars();
                chars
                    .next()
                    .map(|first| first.to_string() + &chars.as_str().to_lowercase())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    (words(surname), words(given))
}

/// `YYMMDD` as a date: a birth date is never in the future, an expiry is this century's
/// unless that puts it more than 50 years away.
fn date(yymmdd: &str, birth: bool) -> Option<String> {
    if yymmdd.len() != 6 || !yymmdd.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| yymmdd[r].parse::<i32>().ok();
    let (yy, month, day) = (n(0..2)?, n(2..4)?, n(4..6)?);
    let this_year = chrono::Utc::now().year();
    let century = this_year / 100 * 100;
    let mut year = century + yy;
    if birth && year > this_year {
        year -= 100;
    }
    if !birth && year > this_year + 50 {
        year -= 100;
    }
    iso_date(year, month as u32, day as u32)
}

fn sex(c: char) -> Option<String> {
    match c {
        'M' => Some("MALE".to_owned()),
        'F' => Some("FEMALE".to_owned()),
        '<' | 'X' => Some("UNSPECIFIED".to_owned()),
        _ => None,
    }
}

fn country(code: &str) -> String {
    code.trim_end_matches('<').to_owned()
}

/// The parts of a zone, wherever its format puts them.
struct Parts<'a> {
    kind: DocumentKind,
    issuing: &'a str,
    names: &'a str,
    number: String,
    number_digit: char,
    birth: &'a str,
    birth_digit: char,
    sex: char,
    expiry: &'a str,
    expiry_digit: char,
    nationality: &'a str,
    /// TD3's personal number and its digit.
    personal: Option<(&'a str, char)>,
    /// What the composite digit guards, and the digit.
    composite: (String, char),
}

fn td3<'a>(l1: &'a str, l2: &'a str) -> Parts<'a> {
    Parts {
        kind: DocumentKind::Passport,
        issuing: &l1[2..5],
        names: &l1[5..44],
        number: l2[0..9].to_owned(),
        number_digit: char_at(l2, 9),
        nationality: &l2[10..13],
        birth: &l2[13..19],
        birth_digit: char_at(l2, 19),
        sex: char_at(l2, 20),
        expiry: &l2[21..27],
        expiry_digit: char_at(l2, 27),
        personal: Some((&l2[28..42], char_at(l2, 42))),
        composite: (
            format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..43]),
            char_at(l2, 43),
        ),
    }
}

fn td2<'a>(l1: &'a str, l2: &'a str) -> Parts<'a> {
    Parts {
        kind: DocumentKind::IdCard,
        issuing: &l1[2..5],
        names: &l1[5..36],
        number: l2[0..9].to_owned(),
        number_digit: char_at(l2, 9),
        nationality: &l2[10..13],
        birth: &l2[13..19],
        birth_digit: char_at(l2, 19),
        sex: char_at(l2, 20),
        expiry: &l2[21..27],
        expiry_digit: char_at(l2, 27),
        personal: None,
        composite: (
            format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..35]),
            char_at(l2, 35),
        ),
    }
}

fn td1<'a>(l1: &'a str, l2: &'a str, l3: &'a str) -> Parts<'a> {
    // A number longer than nine characters goes on into the optional data, its check digit
    // after it, and the usual digit's place holds `<`.
    let (number, number_digit) = if char_at(l1, 14) == '<' {
        let rest = l1[15..30].trim_end_matches('<');
        match rest.char_indices().last() {
            Some((at, digit)) => (format!("{}{}", &l1[5..14], &rest[..at]), digit),
            None => (l1[5..14].to_owned(), '<'),
        }
    } else {
        (l1[5..14].to_owned(), char_at(l1, 14))
    };
    Parts {
        kind: DocumentKind::IdCard,
        issuing: &l1[2..5],
        names: &l3[0..30],
        number,
        number_digit,
        birth: &l2[0..6],
        birth_digit: char_at(l2, 6),
        sex: char_at(l2, 7),
        expiry: &l2[8..14],
        expiry_digit: char_at(l2, 14),
        nationality: &l2[15..18],
        personal: None,
        composite: (
            format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]),
            char_at(l2, 29),
        ),
    }
}

fn char_at(line: &str, at: usize) -> char {
    line.as_bytes().get(at).map_or('?', |b| *b as char)
}

/// Reads a machine-readable zone from its text (the zone's lines, in order).
pub fn parse(text: &str) -> Result<DocumentRead, ReadError> {
    let lines = lines(text);
    if lines.iter().any(|l| {
        !l.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '<')
    }) {
        return Err(ReadError::NotMrz("it holds characters a zone never has"));
    }
    let parts = match lines.as_slice() {
        [l1, l2] if l1.len() == 44 && l2.len() == 44 => td3(l1, l2),
        [l1, l2] if l1.len() == 36 && l2.len() == 36 => td2(l1, l2),
        [l1, l2, l3] if [l1, l2, l3].iter().all(|l| l.len() == 30) => td1(l1, l2, l3),
        _ => {
            return Err(ReadError::NotMrz(
                "its lines are not 2 × 44, 2 × 36 or 3 × 30",
            ))
        }
    };
    // `<` weighs 0 and `K` 20 ≡ 0: a check digit cannot tell a filler misread as K from a
    // real K. Every zone's names hold a filler (between surname and given names, or after
    // them), so a names field without one means the fillers were misread, and nothing in
    // the zone can be trusted.
    if !parts.names.contains('<') {
        return Err(ReadError::NotMrz("its fillers (<) were not read as such"));
    }
    let number_ok = agrees(&parts.number, parts.number_digit);
    let birth_ok = agrees(parts.birth, parts.birth_digit);
    let expiry_ok = agrees(parts.expiry, parts.expiry_digit);
    let personal_ok = parts.personal.map(|(p, d)| agrees(p, d));
    let composite_ok = agrees(&parts.composite.0, parts.composite.1);
    let mut checks = vec![
        CheckDigit {
            guards: "documentNumber".into(),
            ok: number_ok,
        },
        CheckDigit {
            guards: "birthDate".into(),
            ok: birth_ok,
        },
        CheckDigit {
            guards: "expiryDate".into(),
            ok: expiry_ok,
        },
    ];
    if let Some(ok) = personal_ok {
        checks.push(CheckDigit {
            guards: "personalNumber".into(),
            ok,
        });
    }
    checks.push(CheckDigit {
        guards: "composite".into(),
        ok: composite_ok,
    });
    if !(number_ok || birth_ok || expiry_ok) {
        return Err(ReadError::CheckDigitsFailed);
    }

    let mut fields = Vec::new();
    let mut put = |field: Field, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            fields.push(ReadField { field, value });
        }
    };
    if composite_ok {
        let (surname, given) = names(parts.names);
        let mut given_names = given.splitn(2, ' ');
        put(Field::LastName, Some(surname));
        put(Field::FirstName, given_names.next().map(str::to_owned));
        put(Field::MiddleName, given_names.next().map(str::to_owned));
        put(Field::Sex, sex(parts.sex));
        put(Field::Nationality, Some(country(parts.nationality)));
        put(Field::IssuingCountry, Some(country(parts.issuing)));
        put(Field::Country, alpha2(&country(parts.nationality)));
    }
    if number_ok {
        put(
            Field::DocumentNumber,
            Some(parts.number.trim_end_matches('<').to_owned()),
        );
    }
    if birth_ok {
        put(Field::BirthDate, date(parts.birth, true));
    }
    if expiry_ok {
        put(Field::ExpiryDate, date(parts.expiry, false));
    }
    Ok(DocumentRead {
        source: Source::Mrz,
        document: parts.kind,
        fields,
        checks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ICAO 9303's specimens (Part 4, 5 and 6): Anna Maria Eriksson of Utopia.
    const TD3: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
    const TD2: &str = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6";
    const TD1: &str = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";

    fn get(read: &DocumentRead, field: Field) -> Option<&str> {
        read.get(field)
    }

    #[test]
    fn check_digits_follow_the_7_3_1_weights() {
        assert_eq!(check_digit("L898902C3"), Some(6));
        assert_eq!(check_digit("740812"), Some(2));
        assert_eq!(check_digit("120415"), Some(9));
        assert_eq!(check_digit("ZE184226B<<<<<"), Some(1));
        assert_eq!(check_digit("a"), None);
    }

    #[test]
    fn the_icao_passport_specimen_reads_whole() {
        let read = parse(TD3).unwrap();
        assert_eq!(read.source, Source::Mrz);
        assert_eq!(read.document, DocumentKind::Passport);
        assert!(read.checks.iter().all(|c| c.ok), "{:?}", read.checks);
        assert_eq!(get(&read, Field::LastName), Some("Eriksson"));
        assert_eq!(get(&read, Field::FirstName), Some("Anna"));
        assert_eq!(get(&read, Field::MiddleName), Some("Maria"));
        assert_eq!(get(&read, Field::DocumentNumber), Some("L898902C3"));
        assert_eq!(get(&read, Field::Nationality), Some("UTO"));
        assert_eq!(get(&read, Field::IssuingCountry), Some("UTO"));
        assert_eq!(get(&read, Field::BirthDate), Some("1974-08-12"));
        assert_eq!(get(&read, Field::ExpiryDate), Some("2012-04-15"));
        assert_eq!(get(&read, Field::Sex), Some("FEMALE"));
        assert_eq!(
            get(&read, Field::Country),
            None,
            "Utopia is not an ISO country"
        );
    }

    #[test]
    fn the_id_card_specimens_read_whole() {
        for text in [TD1, TD2] {
            let read = parse(text).unwrap();
            assert_eq!(read.document, DocumentKind::IdCard);
            assert!(
                read.checks.iter().all(|c| c.ok),
                "{text}: {:?}",
                read.checks
            );
            assert_eq!(get(&read, Field::DocumentNumber), Some("D23145890"));
            assert_eq!(get(&read, Field::LastName), Some("Eriksson"));
            assert_eq!(get(&read, Field::BirthDate), Some("1974-08-12"));
        }
    }

    #[test]
    fn a_field_whose_check_digit_disagrees_is_left_out() {
        // One misread digit in the birth date: its check fails, and so does the composite,
        // so neither it nor the names are used; the number and expiry still agree.
        let misread = TD3.replace("7408122F", "7408172F");
        let read = parse(&misread).unwrap();
        assert_eq!(get(&read, Field::BirthDate), None);
        assert_eq!(get(&read, Field::LastName), None);
        assert_eq!(get(&read, Field::DocumentNumber), Some("L898902C3"));
        assert_eq!(get(&read, Field::ExpiryDate), Some("2012-04-15"));
        assert!(read.checks.iter().any(|c| c.guards == "birthDate" && !c.ok));
    }

    #[test]
    fn fillers_misread_as_k_are_refused_though_every_check_digit_agrees() {
        // What stock OCR does to `<`. K weighs 20, which is 0 modulo 10 as `<` is, so every
        // digit still agrees; without the fillers the names would read
        // "Erikssonkkannakmaria…". Nothing is used.
        let garbled = TD3.replace('<', "K");
        assert!(matches!(parse(&garbled), Err(ReadError::NotMrz(_))));
    }

    #[test]
    fn a_zone_whose_every_digit_disagrees_gives_nothing() {
        let hopeless = TD3
            .replace("L898902C36", "L898902C37")
            .replace("7408122", "7408123")
            .replace("1204159", "1204150");
        assert!(matches!(
            parse(&hopeless),
            Err(ReadError::CheckDigitsFailed)
        ));
    }

    #[test]
    fn a_long_document_number_continues_in_the_optional_data() {
        // A TD1 number of 12 characters: nine, `<`, then the rest and its digit.
        let number = "D23145890AB1";
        let digit = check_digit(number).unwrap();
        let l1 = format!("I<UTO{}<{}{}", &number[..9], &number[9..], digit);
        let l1 = format!("{l1:<<30}");
        let l2_head = "7408122F1204159UTO<<<<<<<<<<<";
        let composite = format!(
            "{}{}{}{}",
            &l1[5..30],
            &l2_head[0..7],
            &l2_head[8..15],
            &l2_head[18..29]
        );
        let l2 = format!("{l2_head}{}", check_digit(&composite).unwrap());
        let text = format!("{l1}\n{l2}\nERIKSSON<<ANNA<MARIA<<<<<<<<<<");
        let read = parse(&text).unwrap();
        assert_eq!(get(&read, Field::DocumentNumber), Some(number));
        assert!(read.checks.iter().all(|c| c.ok), "{:?}", read.checks);
    }

    #[test]
    fn text_that_is_not_a_zone_is_refused() {
        assert!(matches!(parse("hello\nworld"), Err(ReadError::NotMrz(_))));
        assert!(matches!(parse("P<UTO"), Err(ReadError::NotMrz(_))));
    }
}
