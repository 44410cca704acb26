//! Redaction of personal data in free text, for bundles that leave the war room. Each value
//! becomes a pseudonym that is the same everywhere in the bundle (`<email-1>`), and the
//! manifest says which kinds were removed where, never the values.
//!
//! Found: e-mail addresses, phone numbers (international `+…`, or North American
//! `(555) 010-0199`), payment card numbers (13–19 digits passing Luhn), IBANs (passing
//! mod-97), IPv4 and IPv6 addresses, API keys and bearer tokens, and the names a workspace
//! lists. Look-alikes are left alone: a card number failing Luhn, an order number, a timestamp.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Token,
    Email,
    Iban,
    Card,
    Ip,
    Phone,
    Name,
}

impl Kind {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Token => "secret",
            Self::Email => "email",
            Self::Iban => "iban",
            Self::Card => "card",
            Self::Ip => "ip",
            Self::Phone => "phone",
            Self::Name => "name",
        }
    }
}

/// One removal: where (a file and a place in it), what kind, and the pseudonym put there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Removal {
    pub file: String,
    pub place: String,
    pub kind: Kind,
    pub pseudonym: String,
}

fn regex(pattern: &str) -> Regex {
    // The patterns are constants of this file, exercised by its tests.
    #[allow(clippy::expect_used)]
    Regex::new(pattern).expect("a redaction pattern")
}

const TOKEN_PATTERN: &str = r"(?x)
    (?i:bearer)\s+([A-Za-z0-9._~+/-]{16,}=*)
    | (?-u:\b)(sk-(?:live-|proj-|ant-)?[A-Za-z0-9_-]{16,}|sk_(?:live|test)_[A-Za-z0-9]{16,}|gh[pousr]_[A-Za-z0-9]{30,}
        |github_pat_[A-Za-z0-9_]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35})(?-u:\b)
    | (?i:api[_-]?key|secret|password|passwd|access[_-]?token)\s*[:=]\s*([^\s,;]{6,})";
const EMAIL_PATTERN: &str = r"(?-u:\b)[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?-u:\b)";
const IBAN_PATTERN: &str = r"(?-u:\b)[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?-u:\b)";
const CARD_PATTERN: &str = r"(?-u:\b)[0-9](?:[ -]?[0-9]){12,18}(?-u:\b)";
const IPV4_PATTERN: &str = r"(?-u:\b)[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?-u:\b)";
const IPV6_PATTERN: &str = r"(?i)(?-u:\b)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?-u:\b)";
const PHONE_PATTERN: &str = r"(?:\+[0-9]{1,3}[ .-]?(?:\([0-9]{1,4}\)[ .-]?)?[0-9]{1,4}(?:[ .-]?[0-9]{2,4}){1,5}(?-u:\b)|\(?(?-u:\b)[0-9]{3}\)?[ .-][0-9]{3}[ .-][0-9]{4}(?-u:\b))";

/// The detectors in the order they claim text: earlier ones win an overlap.
const PATTERNS: [&str; 7] =
    [TOKEN_PATTERN, EMAIL_PATTERN, IBAN_PATTERN, CARD_PATTERN, IPV4_PATTERN, IPV6_PATTERN, PHONE_PATTERN];

static DETECTORS: LazyLock<Vec<Regex>> = LazyLock::new(|| PATTERNS.iter().map(|p| regex(p)).collect());

pub struct Redactor {
    names: Vec<(String, Regex)>,
    /// Values stated as they are (the workspace's own contact points and parties).
    kept: Vec<String>,
    pseudonyms: BTreeMap<(Kind, String), String>,
    counters: BTreeMap<Kind, usize>,
    pub removals: Vec<Removal>,
}

impl Redactor {
    /// A redactor that also removes each of `names` (whole words, any case).
    pub fn new(names: &[String]) -> Self {
        let names = names
            .iter()
            .map(|n| n.trim())
            .filter(|n| n.chars().count() >= 2)
            .filter_map(|n| Regex::new(&format!(r"(?i)\b{}\b", regex::escape(n))).ok().map(|r| (n.to_lowercase(), r)))
            .collect();
        Self { names, kept: Vec::new(), pseudonyms: BTreeMap::new(), counters: BTreeMap::new(), removals: Vec::new() }
    }

    /// Leaves each of `values` as it is (any case): what a filing must state.
    pub fn keeping(mut self, values: &[String]) -> Self {
        self.kept = values.iter().map(|v| v.trim().to_lowercase()).filter(|v| !v.is_empty()).collect();
        self
    }

    /// `text` with every personal value replaced by its pseudonym; `file` and `place` say
    /// where, for the manifest.
    pub fn redact(&mut self, text: &str, file: &str, place: &str) -> String {
        let mut found = find(text, &self.names);
        found.retain(|(start, end, _)| !self.kept.contains(&text[*start..*end].to_lowercase()));
        if found.is_empty() {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end, kind) in found {
            out.push_str(&text[at..start]);
            let value = &text[start..end];
            let key = if kind == Kind::Name { value.to_lowercase() } else { canonical(kind, value) };
            let pseudonym = match self.pseudonyms.get(&(kind, key.clone())) {
                Some(p) => p.clone(),
                None => {
                    let n = self.counters.entry(kind).or_insert(0);
                    *n += 1;
                    let p = format!("<{}-{n}>", kind.label());
                    self.pseudonyms.insert((kind, key), p.clone());
                    p
                }
            };
            out.push_str(&pseudonym);
            self.removals.push(Removal { file: file.to_owned(), place: place.to_owned(), kind, pseudonym });
            at = end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// Every string inside a JSON value, redacted in place.
    pub fn redact_json(&mut self, value: &mut serde_json::Value, file: &str, place: &str) {
        match value {
            serde_json::Value::String(s) => *s = self.redact(s, file, place),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.redact_json(v, file, place)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|v| self.redact_json(v, file, place)),
            _ => {}
        }
    }
}

/// The same value written differently (spaces in a card number, case in an e-mail) gets the
/// same pseudonym.
fn canonical(kind: Kind, value: &str) -> String {
    match kind {
        Kind::Card | Kind::Iban | Kind::Phone => value.chars().filter(char::is_ascii_alphanumeric).collect(),
        Kind::Email | Kind::Ip => value.to_lowercase(),
        Kind::Token | Kind::Name => value.to_owned(),
    }
}

/// Non-overlapping findings, in order: (start, end, kind). Earlier kinds win an overlap.
fn find(text: &str, names: &[(String, Regex)]) -> Vec<(usize, usize, Kind)> {
    let mut found: Vec<(usize, usize, Kind)> = Vec::new();
    let mut take = |start: usize, end: usize, kind: Kind| {
        if !found.iter().any(|&(s, e, _)| start < e && s < end) {
            found.push((start, end, kind));
        }
    };
    let count = |wanted: fn(&u8) -> bool| text.as_bytes().iter().filter(|b| wanted(b)).count();
    let (digits, dots, colons) = (count(u8::is_ascii_digit), count(|b| *b == b'.'), count(|b| *b == b':'));
    // What each detector needs at the least, so most texts skip most of them.
    let possible = [true, text.contains('@'), digits >= 2, digits >= 13, dots >= 3, colons >= 2, digits >= 7];
    for (index, detector) in DETECTORS.iter().enumerate() {
        if !possible[index] {
            continue;
        }
        if index == 0 {
            for caps in detector.captures_iter(text) {
                if let Some(m) = caps.get(1).or_else(|| caps.get(2)).or_else(|| caps.get(3)) {
                    take(m.start(), m.end(), Kind::Token);
                }
            }
            continue;
        }
        for m in detector.find_iter(text) {
            let value = m.as_str();
            let kind = match index {
                1 => Some(Kind::Email),
                2 => iban_valid(value).then_some(Kind::Iban),
                3 => luhn_valid(value).then_some(Kind::Card),
                4 => {
                    (value.parse::<Ipv4Addr>().is_ok() && !dotted_version(text, m.start(), m.end())).then_some(Kind::Ip)
                }
                5 => ((value.contains("::") || value.matches(':').count() == 7) && value.parse::<Ipv6Addr>().is_ok())
                    .then_some(Kind::Ip),
                _ => {
                    let digits = value.chars().filter(char::is_ascii_digit).count();
                    ((7..=15).contains(&digits) && !looks_like_a_date(value)).then_some(Kind::Phone)
                }
            };
            if let Some(kind) = kind {
                take(m.start(), m.end(), kind);
            }
        }
    }
    for (_, pattern) in names {
        for m in pattern.find_iter(text) {
            take(m.start(), m.end(), Kind::Name);
        }
    }
    found.sort_unstable();
    found
}

/// `v1.2.3.4` or `1.2.3.4.5`: a version, not an address.
fn dotted_version(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    before.is_some_and(|c| c == 'v' || c == 'V' || c == '.')
        || after.is_some_and(|c| c == '.' && text[end + 1..].starts_with(|d: char| d.is_ascii_digit()))
}

fn looks_like_a_date(text: &str) -> bool {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    text.starts_with(|c: char| c.is_ascii_digit()) && digits.len() == 8 && digits.starts_with("20")
}

pub fn luhn_valid(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) || digits.iter().all(|d| *d == digits[0]) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d })
        .sum();
    sum.is_multiple_of(10)
}

pub fn iban_valid(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !(15..=34).contains(&compact.len()) {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    let mut remainder: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let value = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        for digit in value.to_string().chars().filter_map(|d| d.to_digit(10)) {
            remainder = (remainder * 10 + digit) % 97;
        }
    }
    remainder == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_value_gets_the_same_pseudonym_and_the_manifest_has_no_values() {
        let mut r = Redactor::new(&["Jane Roe".to_owned()]);
        let a = r.redact("mail jane@acme.example or JANE@ACME.EXAMPLE; Jane Roe called", "notes.md", "seq 4");
        assert_eq!(a, "mail <email-1> or <email-1>; <name-1> called");
        let b = r.redact("bob@globex.example wrote to jane@acme.example", "timeline.csv", "seq 9");
        assert_eq!(b, "<email-2> wrote to <email-1>");
        let manifest = serde_json::to_string(&r.removals).expect("json");
        assert!(!manifest.contains("acme") && !manifest.contains("Jane"), "{manifest}");
        assert!(manifest.contains(r#""kind":"email""#) && manifest.contains(r#""place":"seq 9""#));
    }

    #[test]
    fn checksums_decide() {
        assert!(luhn_valid("4111 1111 1111 1111") && !luhn_valid("4111 1111 1111 1112"));
        assert!(iban_valid("DE89 3704 0044 0532 0130 00") && !iban_valid("DE89 3704 0044 0532 0130 01"));
    }
}
