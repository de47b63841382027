//! Which Fin.com terms links may be shown, QR-coded or opened. The link comes from
//! Fin.com's answer, so it is data from outside: it is used only when it is `https` on the
//! connection's own Fin.com domain (the registrable domain of the connection's host, so
//! `orchestration.fin.com` for `api.fin.com`), or, for a connection to a loopback address
//! (Training's sandbox), on that same address and port. Anything else — another host, a
//! lookalike, credentials before the host, another scheme — is refused with the reason.

use std::sync::OnceLock;

use publicsuffix::Psl as _;
use url::{Host, Url};

use crate::{Error, Result};

/// The Public Suffix List (ICANN and private sections, without comments), as the `psl`
/// crate 2.1.247 carries it: see `data/README.md`. Read as text on the first terms link,
/// not compiled into code: the list compiled was 0.65 MB of every binary, the text is
/// 0.16 MB, and a terms link is checked a few times a day.
const PUBLIC_SUFFIXES: &str = include_str!("../data/public_suffix_list.txt");

/// The registrable domain of a lowercase host (`fin.com` for `api.fin.com`, `fin.co.uk`
/// for `api.fin.co.uk`), under the list's rules including its wildcards and exceptions;
/// an unlisted top-level label counts as a suffix, as the list's own rules say.
fn registrable_domain(host: &str) -> Option<&str> {
    static LIST: OnceLock<Option<publicsuffix::List>> = OnceLock::new();
    let list = LIST
        .get_or_init(|| {
            // The parser takes rules only after a section's heading; the file has none
            // (both sections are one here, which the registrable domain does not need).
            format!("// ===BEGIN ICANN DOMAINS===\n{PUBLIC_SUFFIXES}")
                .parse()
                .ok()
        })
        .as_ref()?;
    let domain = list.domain(host.as_bytes())?;
    std::str::from_utf8(domain.as_bytes()).ok()
}

/// Longer than any real terms link, and still a QR code a phone can read.
pub const MAX_TERMS_URL_CHARS: usize = 2048;

/// The terms link as it may be used (re-serialised by the URL parser), or why not.
pub fn checked_terms_url(raw: &str, connection: &Url) -> Result<Url> {
    let refuse = |why: &str| Err(Error::TermsLinkRefused(why.to_owned()));
    if raw.chars().count() > MAX_TERMS_URL_CHARS {
        return refuse("it is too long");
    }
    // The URL parser drops tabs and line breaks silently; a link that has any is not one
    // Fin.com would send.
    if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return refuse("it contains spaces or control characters");
    }
    let Ok(url) = Url::parse(raw) else {
        return refuse("it is not a web address");
    };
    if !url.username().is_empty() || url.password().is_some() {
        return refuse("it carries a user name before its host");
    }
    if is_loopback(connection) {
        let same_place = matches!(url.scheme(), "http" | "https")
            && url.host() == connection.host()
            && url.port_or_known_default() == connection.port_or_known_default();
        return if same_place {
            Ok(url)
        } else {
            refuse("it does not point at the Training sandbox")
        };
    }
    if url.scheme() != "https" {
        return refuse("it is not an https link");
    }
    let (Some(Host::Domain(host)), Some(Host::Domain(own))) = (url.host(), connection.host())
    else {
        return refuse("it does not name Fin.com's domain");
    };
    let own = own.to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    // Without a public suffix (a bare name), only the connection's exact host will do.
    let domain = registrable_domain(&own).unwrap_or(&own);
    let inside = host == domain || host.ends_with(&format!(".{domain}"));
    if !inside {
        return refuse(&format!("it points outside {domain}"));
    }
    // A label in punycode under the right domain would be Fin.com's own, but no terms page
    // needs one, and one that only looks like a known name is how lookalikes work.
    if host.split('.').any(|label| label.starts_with("xn--")) && !own.contains("xn--") {
        return refuse("its host uses look-alike (international) characters");
    }
    if url.port().is_some() && url.port() != connection.port() {
        return refuse("it names a port of its own");
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// A terms or agreements page as a QR code (an SVG `data:` URL) for the customer to open
/// on their own phone at the counter.
pub fn terms_qr(url: &str) -> Result<String> {
    use base64::Engine as _;
    let code = qrcode::QrCode::new(url.as_bytes())?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "/orchestration-customer-tos?customer_id=1f45e58d&tos_policies_value=ffef";

    fn check(raw: &str, connection: &str) -> std::result::Result<String, String> {
        let connection = Url::parse(connection).unwrap();
        match checked_terms_url(raw, &connection) {
            Ok(url) => Ok(url.to_string()),
            Err(Error::TermsLinkRefused(why)) => Err(why),
            Err(other) => panic!("{raw}: not the rule's own error: {other:?}"),
        }
    }

    #[test]
    fn fin_coms_own_links_pass() {
        for (raw, connection) in [
            (
                format!("https://orchestration.fin.com{LINK}"),
                "https://api.fin.com",
            ),
            (
                format!("https://orchestration.fin.com{LINK}"),
                "https://sandbox.api.fin.com/",
            ),
            (format!("https://fin.com{LINK}"), "https://api.fin.com"),
            (
                format!("https://Orchestration.FIN.com{LINK}"),
                "https://api.fin.com",
            ),
            (
                format!("http://127.0.0.1:4100{LINK}"),
                "http://127.0.0.1:4100",
            ),
            (
                format!("http://localhost:4100{LINK}"),
                "http://localhost:4100/",
            ),
        ] {
            assert!(
                check(&raw, connection).is_ok(),
                "{raw} on {connection}: {:?}",
                check(&raw, connection)
            );
        }
    }

    #[test]
    fn the_domain_is_the_registrable_one_under_multi_label_and_private_suffixes() {
        // A two-label public suffix: the connection's own domain is fin.co.uk, not co.uk.
        let uk = "https://fin.co.uk";
        assert!(check("https://tos.fin.co.uk/terms", uk).is_ok());
        assert!(check("https://evil.co.uk/terms", uk).is_err());
        // A private suffix (a hosting platform's): each customer's name is its own domain.
        let hosted = "https://fin-api.herokuapp.com";
        assert!(check("https://fin-api.herokuapp.com/terms", hosted).is_ok());
        assert!(check("https://evil.herokuapp.com/terms", hosted).is_err());
        // A wildcard rule and its exception.
        assert_eq!(registrable_domain("a.b.nom.br"), Some("a.b.nom.br"));
        assert_eq!(
            registrable_domain("www.city.kawasaki.jp"),
            Some("city.kawasaki.jp")
        );
        // An unlisted top-level label is a suffix of its own.
        assert_eq!(registrable_domain("api.fin.internal"), Some("fin.internal"));
    }

    #[test]
    fn hostile_links_are_refused() {
        let fin = "https://api.fin.com";
        let training = "http://127.0.0.1:4100";
        let cases: &[(&str, &str)] = &[
            ("http://orchestration.fin.com/tos", fin),
            ("https://evil.example/tos", fin),
            ("https://fin.com.evil.example/tos", fin),
            ("https://evilfin.com/tos", fin),
            ("https://api.fin.com@evil.example/", fin),
            ("https://user:pw@orchestration.fin.com/tos", fin),
            ("https://orchestration.fin.com:8443/tos", fin),
            ("javascript:alert(1)", fin),
            ("JavaScript:alert(document.cookie)//https://fin.com", fin),
            ("data:text/html,<script>alert(1)</script>", fin),
            ("file:///etc/passwd", fin),
            ("ftp://orchestration.fin.com/tos", fin),
            // Cyrillic "і" in fіn.com: another domain altogether once in punycode.
            ("https://orchestration.f\u{456}n.com/tos", fin),
            ("https://xn--fn-ckc.com/tos", fin),
            ("https://xn--80ak6aa92e.fin.com/tos", fin),
            ("https://151.101.1.1/tos", fin),
            ("https://orchestration.fin.com/tos\n", fin),
            ("https://orchestration.fin.com/t os", fin),
            ("//orchestration.fin.com/tos", fin),
            ("", fin),
            // Training: only the sandbox's own address and port.
            ("http://evil.example/tos", training),
            ("http://127.0.0.1:9999/tos", training),
            ("http://127.0.0.2:4100/tos", training),
            ("https://orchestration.fin.com/tos", training),
            ("javascript:alert(1)", training),
            ("file:///etc/passwd", training),
        ];
        for (raw, connection) in cases {
            if let Ok(url) = check(raw, connection) {
                panic!("{raw:?} on {connection} was accepted as {url}");
            }
        }
        let long = format!("https://orchestration.fin.com/{}", "a".repeat(3000));
        assert!(check(&long, fin).is_err());
    }
}
