//! Times typed by a responder: RFC 3339, `YYYY-MM-DD HH:MM[:SS]` (UTC), or `-30m` / `30m ago`.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::duration::Span;

pub fn parse(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let trimmed = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(t.with_timezone(&Utc));
    }
    // A wall time is UTC; saying so (`02:10 UTC`, `02:10Z`) is welcome.
    let wall = ["UTC", "Z"].iter().find_map(|zone| trimmed.strip_suffix(zone)).map_or(trimmed, str::trim_end);
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(wall, format) {
            return Ok(t.and_utc());
        }
    }
    let ago = trimmed.strip_prefix('-').or_else(|| trimmed.strip_suffix(" ago"));
    if let Some(span) = ago.and_then(|a| Span::parse(a).ok()) {
        let seconds = i64::try_from(span.seconds()).unwrap_or(i64::MAX);
        if let Some(t) = now.checked_sub_signed(chrono::Duration::seconds(seconds)) {
            return Ok(t);
        }
    }
    if let Some(span) = trimmed.strip_prefix('+').and_then(|a| Span::parse(a).ok()) {
        let seconds = i64::try_from(span.seconds()).unwrap_or(i64::MAX);
        if let Some(t) = now.checked_add_signed(chrono::Duration::seconds(seconds)) {
            return Ok(t);
        }
    }
    Err(format!(
        "cannot read the time {:?}: use RFC 3339 (2026-11-24T02:10:00Z), \"2026-11-24 02:10\" (UTC) or \"-30m\"",
        super::sanitize::line(text)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_forms() {
        let now = DateTime::parse_from_rfc3339("2026-11-24T05:00:00Z").expect("now").with_timezone(&Utc);
        assert_eq!(parse("2026-11-24T04:00:00+01:00", now).expect("rfc").to_rfc3339(), "2026-11-24T03:00:00+00:00");
        assert_eq!(parse("2026-11-24 02:10", now).expect("plain").to_rfc3339(), "2026-11-24T02:10:00+00:00");
        assert_eq!(parse("-30m", now).expect("ago").to_rfc3339(), "2026-11-24T04:30:00+00:00");
        assert_eq!(parse("2h ago", now).expect("ago").to_rfc3339(), "2026-11-24T03:00:00+00:00");
        for said in ["2026-11-24 02:10 UTC", "2026-11-24 02:10Z", "2026-11-24T02:10 UTC"] {
            assert_eq!(parse(said, now).expect(said).to_rfc3339(), "2026-11-24T02:10:00+00:00", "{said}");
        }
        assert!(parse("yesterday", now).is_err());
        assert!(parse("2026-11-24 02:10 CET", now).is_err(), "only UTC is named");
    }
}
