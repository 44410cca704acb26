//! The workspace's `allowed_signers`: which public keys may sign for which responder, in
//! OpenSSH's format (`ssh-keygen -Y verify -f`, git's `gpg.ssh.allowedSignersFile`):
//! `principals [options] keytype base64 [comment]`, with the options `namespaces=`,
//! `valid-after=`, `valid-before=` and `cert-authority`. A line `@revoked keytype base64`
//! revokes a key for every principal (OpenSSH reads it as a principal that never matches; the
//! export hands the revoked keys to `ssh-keygen -r`).

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use ssh_key::PublicKey;
use ssh_key::public::KeyData;

use super::signature::Sig;

pub use super::signature::{NAMESPACE, fingerprint};
pub const FILE_NAME: &str = "allowed_signers";

#[derive(Clone, Debug)]
struct Entry {
    principals: String,
    key: KeyData,
    namespaces: Option<Vec<String>>,
    valid_after: Option<DateTime<Utc>>,
    valid_before: Option<DateTime<Utc>>,
    cert_authority: bool,
}

#[derive(Clone, Debug, Default)]
pub struct AllowedSigners {
    entries: Vec<Entry>,
    revoked: Vec<KeyData>,
    /// The file as read, for export bundles.
    pub text: String,
}

/// Why a key may not sign for a principal at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    NotListed,
    Revoked,
    NotYetValid(DateTime<Utc>),
    Expired(DateTime<Utc>),
    /// A session key's certificate that does not vouch for it here, and why.
    Certificate(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let day = |t: &DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        match self {
            Self::NotListed => write!(f, "not allowed for them in {FILE_NAME}"),
            Self::Revoked => write!(f, "revoked (@revoked in {FILE_NAME})"),
            Self::NotYetValid(t) => write!(f, "not valid before {}", day(t)),
            Self::Expired(t) => write!(f, "expired at {} (valid-before)", day(t)),
            Self::Certificate(why) => write!(f, "its session certificate {why}"),
        }
    }
}

impl AllowedSigners {
    /// Parses the file's text; an error names `file:line` and what is wrong.
    pub fn parse(text: &str, file: &str) -> Result<Self, String> {
        let mut out = Self { text: text.to_owned(), ..Self::default() };
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let located = |why: String| format!("{file}:{}: {why}", index + 1);
            if let Some(rest) = line.strip_prefix("@revoked") {
                out.revoked.push(parse_key(&tokens(rest).map_err(located)?, 0).map_err(located)?);
                continue;
            }
            out.entries.push(parse_entry(line).map_err(located)?);
        }
        Ok(out)
    }

    /// Whether `key` may sign for `principal` at `at`, and if not, the reason that says most.
    pub fn check(&self, principal: &str, key: &KeyData, at: DateTime<Utc>) -> Result<(), Refused> {
        self.check_as(principal, key, at, false)
    }

    /// Whether `key` may certify session keys for `principal` at `at` (a `cert-authority` line).
    pub fn may_certify(&self, principal: &str, key: &KeyData, at: DateTime<Utc>) -> Result<(), Refused> {
        self.check_as(principal, key, at, true)
    }

    /// Whether `key` is `principal`'s in any form: signing itself or certifying session keys.
    pub fn is_theirs(&self, principal: &str, key: &KeyData, at: DateTime<Utc>) -> bool {
        self.check(principal, key, at).is_ok() || self.may_certify(principal, key, at).is_ok()
    }

    /// Whether the key behind `sig` may sign for `principal` at `at`: the key itself, or a
    /// session key whose certificate names `principal` and was made by a key that may certify
    /// for them, as `ssh-keygen -Y verify` judges it.
    pub fn check_sig(&self, principal: &str, sig: &Sig, at: DateTime<Utc>) -> Result<(), Refused> {
        let Some(certified) = &sig.certificate else { return self.check(principal, sig.sshsig.public_key(), at) };
        if self.revoked.contains(sig.sshsig.public_key()) {
            return Err(Refused::Revoked);
        }
        super::session::judge(certified, principal, at).map_err(Refused::Certificate)?;
        self.may_certify(principal, certified.certificate.signature_key(), at)
    }

    fn check_as(&self, principal: &str, key: &KeyData, at: DateTime<Utc>, authority: bool) -> Result<(), Refused> {
        if self.revoked.contains(key) {
            return Err(Refused::Revoked);
        }
        let mut best = Refused::NotListed;
        for entry in self.entries.iter().filter(|e| &e.key == key && e.cert_authority == authority) {
            match self.judge(entry, principal, key, at) {
                Ok(()) => return Ok(()),
                Err(Refused::NotListed) => {}
                Err(other) => best = other,
            }
        }
        Err(best)
    }

    fn judge(&self, entry: &Entry, principal: &str, key: &KeyData, at: DateTime<Utc>) -> Result<(), Refused> {
        let namespace_ok = entry.namespaces.as_ref().is_none_or(|ns| ns.iter().any(|n| pattern_matches(n, NAMESPACE)));
        if !namespace_ok || !pattern_list_matches(&entry.principals, principal) {
            return Err(Refused::NotListed);
        }
        if self.revoked.contains(key) {
            return Err(Refused::Revoked);
        }
        if let Some(after) = entry.valid_after.filter(|after| at < *after) {
            return Err(Refused::NotYetValid(after));
        }
        if let Some(before) = entry.valid_before.filter(|before| at >= *before) {
            return Err(Refused::Expired(before));
        }
        Ok(())
    }

    /// The revoked keys, one OpenSSH public key per line (`ssh-keygen -Y verify -r`).
    pub fn revoked_keys(&self) -> String {
        self.revoked
            .iter()
            .filter_map(|k| PublicKey::new(k.clone(), "").to_openssh().ok())
            .map(|line| format!("{}\n", line.trim_end()))
            .collect()
    }
}

fn parse_entry(line: &str) -> Result<Entry, String> {
    let fields = tokens(line)?;
    let principals = fields.first().ok_or("missing principals")?.clone();
    let has_options = fields.get(1).is_some_and(|f| !is_key_type(f));
    let mut entry = Entry {
        principals,
        key: parse_key(&fields, if has_options { 2 } else { 1 })?,
        namespaces: None,
        valid_after: None,
        valid_before: None,
        cert_authority: false,
    };
    if fields[..if has_options { 2 } else { 1 }].iter().any(|f| f.matches('"').count() % 2 == 1) {
        return Err("a quote is not closed".to_owned());
    }
    if has_options {
        let mut seen = Vec::new();
        for option in split_options(&fields[1]) {
            let (name, value) = option.split_once('=').map_or((option.as_str(), None), |(n, v)| (n, Some(v)));
            let name = name.to_ascii_lowercase();
            if seen.contains(&name) {
                return Err(format!("option {name} is given twice"));
            }
            seen.push(name.clone());
            // As OpenSSH reads them: a value is always in double quotes.
            let value = match value {
                Some(v) if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') => Some(&v[1..v.len() - 1]),
                Some(_) => return Err(format!("option {name}'s value must be in double quotes")),
                None => None,
            };
            match (name.as_str(), value) {
                ("cert-authority", None) => entry.cert_authority = true,
                ("namespaces", Some(v)) => entry.namespaces = Some(v.split(',').map(str::to_owned).collect()),
                ("valid-after", Some(v)) => entry.valid_after = Some(parse_time(v)?),
                ("valid-before", Some(v)) => entry.valid_before = Some(parse_time(v)?),
                _ => return Err(format!("unknown option {option:?}")),
            }
        }
    }
    Ok(entry)
}

fn is_key_type(field: &str) -> bool {
    field.starts_with("ssh-") || field.starts_with("ecdsa-") || field.starts_with("sk-")
}

fn parse_key(fields: &[String], at: usize) -> Result<KeyData, String> {
    let kind = fields.get(at).ok_or("missing key type and key")?;
    let base64 = fields.get(at + 1).ok_or("missing the base64 key after its type")?;
    let key =
        PublicKey::from_openssh(&format!("{kind} {base64}")).map_err(|e| format!("unreadable {kind} key: {e}"))?;
    Ok(key.key_data().clone())
}

/// Whitespace-separated fields; a double-quoted stretch stays in one field (a quote left open
/// is for the caller to judge: it matters in principals and options, not in a comment).
fn tokens(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    if let Some(first) = out.first_mut() {
        *first = first.trim_matches('"').to_owned();
    }
    Ok(out)
}

/// Comma-separated options; commas inside quotes belong to the value.
fn split_options(field: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in field.chars() {
        if c == ',' && !quoted {
            out.push(std::mem::take(&mut current));
            continue;
        }
        if c == '"' {
            quoted = !quoted;
        }
        current.push(c);
    }
    out.push(current);
    out.retain(|o| !o.is_empty());
    out
}

/// `YYYYMMDD` or `YYYYMMDDHHMM[SS]`, with `Z` for UTC, else the local time zone (as
/// `ssh-keygen` reads it).
fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    let bad = || format!("{text:?} is not a time (YYYYMMDD or YYYYMMDDHHMM[SS], Z for UTC)");
    let (digits, utc) = text.strip_suffix(['Z', 'z']).map_or((text, false), |d| (d, true));
    let naive = match digits.len() {
        8 => NaiveDate::parse_from_str(digits, "%Y%m%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)),
        12 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M").ok(),
        14 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").ok(),
        _ => None,
    }
    .ok_or_else(bad)?;
    if utc {
        return Ok(naive.and_utc());
    }
    Local.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc)).ok_or_else(bad)
}

/// An OpenSSH pattern list: any positive pattern matches and no `!` pattern does.
fn pattern_list_matches(list: &str, name: &str) -> bool {
    let mut matched = false;
    for pattern in list.split(',') {
        if let Some(negated) = pattern.strip_prefix('!') {
            if pattern_matches(negated, name) {
                return false;
            }
        } else if pattern_matches(pattern, name) {
            matched = true;
        }
    }
    matched
}

/// `*` any run, `?` any one character.
fn pattern_matches(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIPwtRDvTgBp/svO6FQlZstOvXmua8Pk1rh64XVmetMy";

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
    }

    #[test]
    fn keys_are_allowed_by_principal_namespace_and_validity() {
        let text = format!(
            "# team\nalice,!mallory {ALICE} alice@laptop\n\"bob\" namespaces=\"git,warroom\",valid-before=\"20261201Z\" {ALICE}\n"
        );
        let signers = AllowedSigners::parse(&text, "allowed_signers").expect("parses");
        let key = &signers.entries[0].key;
        assert!(signers.check("alice", key, at("2026-11-30T00:00:00Z")).is_ok());
        assert_eq!(signers.check("mallory", key, at("2026-11-30T00:00:00Z")), Err(Refused::NotListed));
        assert!(signers.check("bob", key, at("2026-11-30T23:59:59Z")).is_ok());
        assert_eq!(
            signers.check("bob", key, at("2026-12-01T00:00:00Z")),
            Err(Refused::Expired(at("2026-12-01T00:00:00Z")))
        );
        assert!(signers.check("bob", key, at("2026-12-02T00:00:00Z")).is_err());
    }

    #[test]
    fn a_revoked_key_signs_for_no_one() {
        let text = format!("alice {ALICE}\n@revoked {ALICE}\n");
        let signers = AllowedSigners::parse(&text, "allowed_signers").expect("parses");
        assert_eq!(signers.check("alice", &signers.entries[0].key, at("2026-11-30T00:00:00Z")), Err(Refused::Revoked));
        assert!(signers.revoked_keys().starts_with("ssh-ed25519 AAAA"));
    }

    #[test]
    fn a_bad_line_is_located() {
        let err = AllowedSigners::parse("\nalice ssh-ed25519 notbase64\n", "ws/allowed_signers").expect_err("bad");
        assert!(err.starts_with("ws/allowed_signers:2: unreadable ssh-ed25519 key"), "{err}");
        let err = AllowedSigners::parse(&format!("alice frobnicate {ALICE}"), "f").expect_err("bad");
        assert!(err.contains("f:1: unknown option"), "{err}");
        let twice = format!("alice valid-before=\"20270101\",valid-before=\"20280101\" {ALICE}");
        assert!(AllowedSigners::parse(&twice, "f").expect_err("bad").contains("given twice"));
        let bare = format!("alice namespaces=warroom {ALICE}");
        assert!(AllowedSigners::parse(&bare, "f").expect_err("bad").contains("must be in double quotes"));
        let open_comment = format!("alice {ALICE} alice's \"laptop");
        assert!(AllowedSigners::parse(&open_comment, "f").is_ok(), "a quote in the comment is the comment's");
    }

    #[test]
    fn patterns_match_like_openssh() {
        assert!(pattern_list_matches("*@example.com", "alice@example.com"));
        assert!(!pattern_list_matches("*,!alice", "alice"));
        assert!(pattern_list_matches("al?ce", "alice"));
        assert!(!pattern_list_matches("alice", "alice2"));
    }
}
