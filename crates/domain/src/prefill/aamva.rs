//! The AAMVA DL/ID Card Design Standard's barcode data (versions 01–10): a header naming the
//! issuer (IIN) and version, a directory of subfiles, and in the `DL` or `ID` subfile one
//! data element a line (`DCSSMITH`). What each element means, and how dates are written,
//! depends on the version and the country: version 01 writes CCYYMMDD everywhere; later
//! versions write MMDDCCYY in the US and CCYYMMDD in Canada.

use super::{iso_date, DocumentKind, DocumentRead, Field, ReadError, ReadField, Source};

const COMPLIANCE: char = '@';

/// The subfile's data elements, by their three-letter ids.
struct Elements<'a> {
    pairs: Vec<(&'a str, &'a str)>,
}

impl<'a> Elements<'a> {
    fn get(&self, id: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty() && !is_placeholder(v))
    }
}

/// AAMVA writes NONE or unavailable for a value a jurisdiction does not give.
fn is_placeholder(value: &str) -> bool {
    matches!(
        value.to_ascii_uppercase().as_str(),
        "NONE" | "UNAVL" | "UNAVAILABLE" | "N/A"
    )
}

/// The header's facts.
struct Header {
    version: u8,
    /// Offset and length of each DL / ID subfile, from the directory.
    subfiles: Vec<(String, usize, usize)>,
}

fn header(text: &str) -> Result<Header, ReadError> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&(COMPLIANCE as u8)) {
        return Err(ReadError::NotAamva(
            "it does not start with the compliance indicator",
        ));
    }
    // "@\n\x1e\r" then the file type: "ANSI " (and "AAMVA" in some version 01 cards).
    let file_type = text
        .get(4..9)
        .ok_or(ReadError::NotAamva("it is too short"))?;
    if file_type != "ANSI " && file_type != "AAMVA" {
        return Err(ReadError::NotAamva(
            "its file type is neither ANSI nor AAMVA",
        ));
    }
    let digits = |range: std::ops::Range<usize>| -> Result<usize, ReadError> {
        text.get(range)
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse().ok())
            .ok_or(ReadError::NotAamva("its header is not the standard's"))
    };
    let version = digits(15..17)? as u8;
    // Version 01 has no jurisdiction version in the header.
    let (entries, mut at) = if version <= 1 {
        (digits(17..19)?, 19)
    } else {
        (digits(19..21)?, 21)
    };
    let mut subfiles = Vec::new();
    for _ in 0..entries {
        let kind = text
            .get(at..at + 2)
            .ok_or(ReadError::NotAamva("its directory is cut short"))?
            .to_owned();
        let offset = digits(at + 2..at + 6)?;
        let length = digits(at + 6..at + 10)?;
        subfiles.push((kind, offset, length));
        at += 10;
    }
    Ok(Header { version, subfiles })
}

/// The data elements of the first DL or ID subfile, and which it was.
fn elements<'a>(text: &'a str, header: &Header) -> Result<(Elements<'a>, DocumentKind), ReadError> {
    let found = header
        .subfiles
        .iter()
        .find(|(kind, _, _)| kind == "DL" || kind == "ID");
    let (kind, body) = match found {
        Some((kind, offset, length)) => {
            // Offsets are counted from the start of the data; some issuers count them off
            // by a byte or two, so the subfile is found by its type near the offset.
            let from = offset.saturating_sub(4);
            let at = text
                .get(from..)
                .and_then(|rest| rest.find(kind.as_str()))
                .map(|i| from + i)
                .ok_or(ReadError::NoLicenceData)?;
            let end = (at + length + 4).min(text.len());
            (
                kind.as_str(),
                text.get(at + 2..end).ok_or(ReadError::NoLicenceData)?,
            )
        }
        // A directory that names no DL/ID subfile: look for one after the header.
        None => {
            let at = text
                .find("DLDAQ")
                .or_else(|| text.find("DLDCA"))
                .or_else(|| text.find("IDDAQ"))
                .ok_or(ReadError::NoLicenceData)?;
            (&text[at..at + 2], &text[at + 2..])
        }
    };
    let pairs = body
        .split(['\n', '\r', '\x1e'])
        .filter_map(|line| {
            let line = line.trim_start_matches(['\x1e', '\r', '\n']);
            let id = line.get(0..3)?;
            id.bytes()
                .all(|b| b.is_ascii_uppercase())
                .then(|| (id, line.get(3..).unwrap_or("")))
        })
        .collect();
    let document = if kind == "ID" {
        DocumentKind::IdCard
    } else {
        DocumentKind::DriversLicence
    };
    Ok((Elements { pairs }, document))
}

/// A date as the card writes it, for its version and country.
fn date(value: &str, version: u8, canadian: bool) -> Option<String> {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 8 {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<u32>().ok());
    let year_first = version <= 1 || canadian;
    let (year, month, day) = if year_first {
        (n(0..4)?, n(4..6)?, n(6..8)?)
    } else {
        (n(4..8)?, n(0..2)?, n(2..4)?)
    };
    iso_date(year as i32, month, day)
}

/// Capitalised as people write names: `SMITH-JONES` → `Smith-Jones`, `O'NEIL` → `O'Neil`.
fn name_case(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut start = true;
    for c in value.trim().chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphabetic();
    }
    out
}

/// Reads the text of an AAMVA PDF417 barcode.
pub fn parse(text: &str) -> Result<DocumentRead, ReadError> {
    let header = header(text)?;
    let (elements, document) = elements(text, &header)?;
    let version = header.version;
    let country = elements
        .get("DCG")
        .map(str::to_ascii_uppercase)
        .unwrap_or_else(|| "USA".to_owned());
    let canadian = country == "CAN";
    let mut fields = Vec::new();
    let mut put = |field: Field, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            fields.push(ReadField { field, value });
        }
    };

    // Names: version 01 has a whole name (DAA, LAST,FIRST,MIDDLE) or DAB/DAC/DAD;
    // version 03 has the given names together in DCT; the others DCS/DAC/DAD.
    let (mut last, mut first, mut middle) = (
        elements.get("DCS").or_else(|| elements.get("DAB")),
        elements.get("DAC"),
        elements.get("DAD"),
    );
    let given;
    if first.is_none() {
        if let Some(names) = elements.get("DCT") {
            given = names.replace(',', " ");
            let mut parts = given.splitn(2, ' ');
            first = parts.next();
            middle = middle.or(parts.next());
        }
    }
    let whole;
    if last.is_none() {
        if let Some(name) = elements.get("DAA") {
            whole = name.to_owned();
            let mut parts = whole.split(',').map(str::trim);
            last = parts.next();
            first = first.or(parts.next());
            middle = middle.or(parts.next());
        }
    }
    put(Field::LastName, last.map(name_case));
    put(Field::FirstName, first.map(name_case));
    put(Field::MiddleName, middle.map(name_case));
    put(
        Field::Suffix,
        elements
            .get("DCU")
            .or_else(|| elements.get("DAE"))
            .map(str::to_owned),
    );
    put(
        Field::BirthDate,
        elements.get("DBB").and_then(|d| date(d, version, canadian)),
    );
    put(
        Field::Sex,
        elements.get("DBC").and_then(|s| match s {
            "1" | "M" => Some("MALE".to_owned()),
            "2" | "F" => Some("FEMALE".to_owned()),
            "9" | "X" => Some("UNSPECIFIED".to_owned()),
            _ => None,
        }),
    );
    put(Field::Street1, elements.get("DAG").map(name_case));
    put(Field::Street2, elements.get("DAH").map(name_case));
    put(Field::City, elements.get("DAI").map(name_case));
    let state = elements.get("DAJ").map(str::to_ascii_uppercase);
    put(Field::State, state.clone());
    put(
        Field::PostalCode,
        elements.get("DAK").map(|zip| {
            // ZIP+4 written as nine digits (zeros when there is no +4): the five.
            let digits: String = zip.chars().filter(char::is_ascii_alphanumeric).collect();
            if canadian {
                let compact = digits.to_ascii_uppercase();
                match compact.len() {
                    6 => format!("{} {}", &compact[..3], &compact[3..]),
                    _ => compact,
                }
            } else {
                digits.chars().take(5).collect()
            }
        }),
    );
    put(
        Field::Country,
        super::alpha2(&country).or(Some("US".to_owned()).filter(|_| !canadian)),
    );
    put(
        Field::DocumentNumber,
        elements.get("DAQ").map(str::to_owned),
    );
    put(
        Field::IssuedDate,
        elements.get("DBD").and_then(|d| date(d, version, canadian)),
    );
    put(
        Field::ExpiryDate,
        elements.get("DBA").and_then(|d| date(d, version, canadian)),
    );
    put(Field::IssuingState, state);
    put(Field::IssuingCountry, Some(country));
    Ok(DocumentRead {
        source: Source::Pdf417,
        document,
        fields,
        checks: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A barcode's text as an issuer writes it: the header, a directory of one subfile,
    /// and the subfile's elements.
    fn payload(version: u8, kind: &str, elements: &[(&str, &str)]) -> String {
        let mut body = String::from(kind);
        for (i, (id, value)) in elements.iter().enumerate() {
            body.push_str(id);
            body.push_str(value);
            body.push(if i + 1 == elements.len() { '\r' } else { '\n' });
        }
        let header_len = if version <= 1 { 19 } else { 21 } + 10;
        let mut text = format!("@\n\x1e\rANSI 636014{version:02}");
        if version > 1 {
            text.push_str("00");
        }
        text.push_str(&format!("01{kind}{header_len:04}{:04}", body.len()));
        text.push_str(&body);
        text
    }

    fn get(read: &DocumentRead, field: Field) -> &str {
        read.get(field)
            .unwrap_or_else(|| panic!("{field:?} in {read:?}"))
    }

    #[test]
    fn a_version_10_california_licence_reads_in_the_drafts_formats() {
        let text = payload(
            10,
            "DL",
            &[
                ("DAQ", "D1234567"),
                ("DCS", "SAMPLE"),
                ("DAC", "JANE"),
                ("DAD", "ANNE"),
                ("DBB", "06141986"),
                ("DBC", "2"),
                ("DAG", "123 MAIN STREET"),
                ("DAI", "SACRAMENTO"),
                ("DAJ", "CA"),
                ("DAK", "958220000  "),
                ("DBD", "01152021"),
                ("DBA", "06142026"),
                ("DCG", "USA"),
                ("DCU", "NONE"),
            ],
        );
        let read = parse(&text).unwrap();
        assert_eq!(read.source, Source::Pdf417);
        assert_eq!(read.document, DocumentKind::DriversLicence);
        assert_eq!(get(&read, Field::LastName), "Sample");
        assert_eq!(get(&read, Field::FirstName), "Jane");
        assert_eq!(get(&read, Field::MiddleName), "Anne");
        assert_eq!(get(&read, Field::BirthDate), "1986-06-14");
        assert_eq!(get(&read, Field::Sex), "FEMALE");
        assert_eq!(get(&read, Field::Street1), "123 Main Street");
        assert_eq!(get(&read, Field::City), "Sacramento");
        assert_eq!(get(&read, Field::State), "CA");
        assert_eq!(get(&read, Field::PostalCode), "95822");
        assert_eq!(get(&read, Field::DocumentNumber), "D1234567");
        assert_eq!(get(&read, Field::IssuedDate), "2021-01-15");
        assert_eq!(get(&read, Field::ExpiryDate), "2026-06-14");
        assert_eq!(get(&read, Field::Country), "US");
        assert_eq!(get(&read, Field::IssuingCountry), "USA");
        assert_eq!(get(&read, Field::IssuingState), "CA");
        assert!(read.get(Field::Suffix).is_none(), "NONE is no suffix");
    }

    /// The example barcode data of the standard's annex (version 10, Virginia), with its
    /// jurisdiction subfile.
    const STANDARD_EXAMPLE: &str = "@\n\x1e\rANSI 636000100002DL00410278ZV03190008DLDAQT64235789\nDCSSAMPLE\nDDEN\nDACMICHAEL\nDDFN\nDADJOHN\nDDGN\nDCUJR\nDCAD\nDCBK\nDCDPH\nDBD06062019\nDBB06061986\nDBA12102024\nDBC1\nDAU068 in\nDAYBRO\nDAG2300 WEST BROAD STREET\nDAIRICHMOND\nDAJVA\nDAK232690000  \nDCF2424244747474786102204\nDCGUSA\nDCK123456789\nDDAF\nDDB06062018\nDDC06062020\nDDD1\rZVZVA01\r";

    #[test]
    fn the_standards_own_example_reads_as_the_standard_says() {
        let read = parse(STANDARD_EXAMPLE).unwrap();
        assert_eq!(get(&read, Field::DocumentNumber), "T64235789");
        assert_eq!(get(&read, Field::LastName), "Sample");
        assert_eq!(get(&read, Field::FirstName), "Michael");
        assert_eq!(get(&read, Field::MiddleName), "John");
        assert_eq!(get(&read, Field::Suffix), "JR");
        assert_eq!(get(&read, Field::BirthDate), "1986-06-06");
        assert_eq!(get(&read, Field::IssuedDate), "2019-06-06");
        assert_eq!(get(&read, Field::ExpiryDate), "2024-12-10");
        assert_eq!(get(&read, Field::Sex), "MALE");
        assert_eq!(get(&read, Field::Street1), "2300 West Broad Street");
        assert_eq!(get(&read, Field::City), "Richmond");
        assert_eq!(get(&read, Field::State), "VA");
        assert_eq!(get(&read, Field::PostalCode), "23269");
        assert_eq!(get(&read, Field::Country), "US");
    }

    #[test]
    fn version_01_writes_dates_year_first_and_a_whole_name() {
        let text = payload(
            1,
            "DL",
            &[
                ("DAA", "PUBLIC,JOHN,QUINCY"),
                ("DAQ", "12345678"),
                ("DBB", "19700131"),
                ("DBA", "20250131"),
                ("DAG", "1 ELM ST"),
                ("DAI", "ANYTOWN"),
                ("DAJ", "VA"),
                ("DAK", "221010000"),
            ],
        );
        let read = parse(&text).unwrap();
        assert_eq!(get(&read, Field::LastName), "Public");
        assert_eq!(get(&read, Field::FirstName), "John");
        assert_eq!(get(&read, Field::MiddleName), "Quincy");
        assert_eq!(get(&read, Field::BirthDate), "1970-01-31");
        assert_eq!(get(&read, Field::ExpiryDate), "2025-01-31");
        assert_eq!(get(&read, Field::PostalCode), "22101");
    }

    #[test]
    fn version_03_gives_the_given_names_together() {
        let text = payload(
            3,
            "DL",
            &[
                ("DCS", "O'NEIL"),
                ("DCT", "MARY ELLEN"),
                ("DBB", "02291992"),
                ("DAQ", "X99"),
            ],
        );
        let read = parse(&text).unwrap();
        assert_eq!(get(&read, Field::LastName), "O'Neil");
        assert_eq!(get(&read, Field::FirstName), "Mary");
        assert_eq!(get(&read, Field::MiddleName), "Ellen");
        assert_eq!(get(&read, Field::BirthDate), "1992-02-29");
    }

    #[test]
    fn a_canadian_card_writes_dates_year_first_and_keeps_its_postal_code() {
        let text = payload(
            8,
            "ID",
            &[
                ("DCS", "TREMBLAY"),
                ("DAC", "LUC"),
                ("DBB", "19851103"),
                ("DAJ", "ON"),
                ("DAK", "K1A0B1    "),
                ("DCG", "CAN"),
                ("DAQ", "T1234-56789-01234"),
            ],
        );
        let read = parse(&text).unwrap();
        assert_eq!(read.document, DocumentKind::IdCard);
        assert_eq!(get(&read, Field::BirthDate), "1985-11-03");
        assert_eq!(get(&read, Field::PostalCode), "K1A 0B1");
        assert_eq!(get(&read, Field::Country), "CA");
        assert_eq!(get(&read, Field::IssuingCountry), "CAN");
    }

    #[test]
    fn an_impossible_date_is_left_out_rather_than_guessed() {
        let text = payload(9, "DL", &[("DCS", "DOE"), ("DBB", "13402000")]);
        let read = parse(&text).unwrap();
        assert!(read.get(Field::BirthDate).is_none());
    }

    #[test]
    fn text_that_is_not_aamva_is_refused_in_words() {
        assert!(matches!(parse("hello"), Err(ReadError::NotAamva(_))));
        assert!(matches!(
            parse("@\n\x1e\rANSI 63601410000100"),
            Err(ReadError::NotAamva(_) | ReadError::NoLicenceData)
        ));
        let no_dl = "@\n\x1e\rANSI 636014100001ZX00310008ZXZAWCA\r";
        assert!(matches!(parse(no_dl), Err(ReadError::NoLicenceData)));
    }
}
