//! libpq's TLS options, read where libpq reads them: `sslmode`, `sslrootcert`, `sslcert` and
//! `sslkey` in the URL (either form), else `PGSSLMODE`, `PGSSLROOTCERT`, `PGSSLCERT` and
//! `PGSSLKEY`. The postgres crate parses only some of them, so they are taken out of the URL
//! here and the crate is given the rest.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub mode: Option<Mode>,
    pub root: Option<String>,
    pub cert: Option<String>,
    pub key: Option<String>,
}

const TAKEN: [(&str, &str); 4] =
    [("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")];

impl Options {
    fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let value = value.to_owned();
        match key {
            "sslmode" => self.mode = Some(mode(&value)?),
            "sslrootcert" => self.root = Some(value),
            "sslcert" => self.cert = Some(value),
            _ => self.key = Some(value),
        }
        Ok(())
    }

    /// What the URL left unsaid, from libpq's environment variables.
    fn or_environment(mut self, variable: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        for (key, name) in TAKEN {
            let unset = match key {
                "sslmode" => self.mode.is_none(),
                "sslrootcert" => self.root.is_none(),
                "sslcert" => self.cert.is_none(),
                _ => self.key.is_none(),
            };
            if let Some(value) = variable(name).filter(|v| unset && !v.is_empty()) {
                self.set(key, &value).map_err(|e| format!("{name}: {e}"))?;
            }
        }
        Ok(self)
    }
}

fn mode(value: &str) -> Result<Mode, String> {
    Ok(match value {
        "disable" => Mode::Disable,
        "allow" => Mode::Allow,
        "prefer" => Mode::Prefer,
        "require" => Mode::Require,
        "verify-ca" => Mode::VerifyCa,
        "verify-full" => Mode::VerifyFull,
        other => {
            return Err(format!(
                "sslmode {other:?} is not one of disable, allow, prefer, require, verify-ca, verify-full"
            ));
        }
    })
}

/// `url` without libpq's TLS options, and the options (with the environment's defaults).
pub fn take(url: &str) -> Result<(String, Options), String> {
    take_with(url, |name| std::env::var(name).ok())
}

fn take_with(url: &str, variable: impl Fn(&str) -> Option<String>) -> Result<(String, Options), String> {
    let mut options = Options::default();
    let taken = |key: &str| TAKEN.iter().any(|(k, _)| *k == key);
    let rest = if url.contains("://") {
        match url.split_once('?') {
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&') {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    if taken(key) {
                        options.set(key, &percent_decoded(value))?;
                    } else {
                        kept.push(pair);
                    }
                }
                if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) }
            }
            None => url.to_owned(),
        }
    } else {
        match pairs(url) {
            Some(pairs) => {
                let mut kept = Vec::new();
                for (key, value, raw) in pairs {
                    if taken(&key) {
                        options.set(&key, &value)?;
                    } else {
                        kept.push(raw);
                    }
                }
                kept.join(" ")
            }
            // Not well formed: the crate's parser says where.
            None => url.to_owned(),
        }
    };
    Ok((rest, options.or_environment(variable)?))
}

/// The `key=value` pairs of a libpq connection string: each key, its value (unquoted and
/// unescaped) and the pair as written.
fn pairs(text: &str) -> Option<Vec<(String, String, &str)>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    let skip_spaces = |mut at: usize| {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        at
    };
    loop {
        at = skip_spaces(at);
        if at == bytes.len() {
            return Some(found);
        }
        let start = at;
        while at < bytes.len() && bytes[at] != b'=' && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let key = text[start..at].to_owned();
        at = skip_spaces(at);
        if bytes.get(at) != Some(&b'=') {
            return None;
        }
        at = skip_spaces(at + 1);
        let quoted = bytes.get(at) == Some(&b'\'');
        if quoted {
            at += 1;
        }
        let mut value = Vec::new();
        loop {
            match bytes.get(at) {
                None if quoted => return None,
                None => break,
                Some(b'\'') if quoted => {
                    at += 1;
                    break;
                }
                Some(b) if !quoted && b.is_ascii_whitespace() => break,
                Some(b'\\') if at + 1 < bytes.len() => {
                    value.push(bytes[at + 1]);
                    at += 2;
                }
                Some(&b) => {
                    value.push(b);
                    at += 1;
                }
            }
        }
        found.push((key, String::from_utf8(value).ok()?, &text[start..at]));
    }
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes.get(at + 1..at + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[at], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                at += 3;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_environment(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn tls_options_leave_a_url_and_the_rest_stays_as_written() {
        let (rest, options) = take_with(
            "postgres://warroom@db1,db2/war?sslmode=verify-full&target_session_attrs=read-write&sslrootcert=%2Fetc%2Fca.pem",
            no_environment,
        )
        .expect("parsed");
        assert_eq!(rest, "postgres://warroom@db1,db2/war?target_session_attrs=read-write");
        assert_eq!((options.mode, options.root.as_deref()), (Some(Mode::VerifyFull), Some("/etc/ca.pem")));
    }

    #[test]
    fn tls_options_leave_a_connection_string_with_quoted_values() {
        let text = r"host=db1 sslmode = verify-ca sslrootcert='/etc/my ca\'s.pem' password='a b' dbname=war";
        let (rest, options) = take_with(text, no_environment).expect("parsed");
        assert_eq!(rest, "host=db1 password='a b' dbname=war");
        assert_eq!((options.mode, options.root.as_deref()), (Some(Mode::VerifyCa), Some("/etc/my ca's.pem")));
    }

    #[test]
    fn the_environment_fills_what_the_url_left_unsaid_and_a_bad_mode_is_named() {
        let environment = |name: &str| match name {
            "PGSSLMODE" => Some("require".to_owned()),
            "PGSSLROOTCERT" => Some("/from/env.pem".to_owned()),
            _ => None,
        };
        let (_, options) = take_with("host=db1 sslmode=verify-full", environment).expect("parsed");
        assert_eq!((options.mode, options.root.as_deref()), (Some(Mode::VerifyFull), Some("/from/env.pem")));
        let refused = take_with("host=db1 sslmode=verify", no_environment).expect_err("refused");
        assert!(refused.contains("\"verify\" is not one of"), "{refused}");
        let bad_env = take_with("host=db1", |_| Some("strict".to_owned())).expect_err("refused");
        assert!(bad_env.starts_with("PGSSLMODE: "), "{bad_env}");
    }
}
