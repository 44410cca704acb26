//! Clock times as responders read them, on screen and in reports.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// `2d 03:12:09`, or `-00:41:10` when overdue.
pub fn countdown(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    let (days, rest) = (s / 86_400, s % 86_400);
    let clock = format!("{:02}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
    if days > 0 { format!("{sign}{days}d {clock}") } else { format!("{sign}{clock}") }
}

/// `Fri 27 Nov 06:47 CET (05:47Z)`: the responder's zone first, UTC beside it.
pub fn local_and_utc(t: DateTime<Utc>, tz: Tz) -> String {
    if tz == Tz::UTC {
        return t.format("%a %d %b %H:%M UTC").to_string();
    }
    format!("{} ({}Z)", t.with_timezone(&tz).format("%a %d %b %H:%M %Z"), t.format("%H:%M"))
}

/// `local_and_utc` to the second, for when something was recorded (an auditor's precision).
pub fn local_and_utc_seconds(t: DateTime<Utc>, tz: Tz) -> String {
    if tz == Tz::UTC {
        return t.format("%a %d %b %H:%M:%S UTC").to_string();
    }
    format!("{} ({}Z)", t.with_timezone(&tz).format("%a %d %b %H:%M:%S %Z"), t.format("%H:%M:%S"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdowns_and_zones() {
        assert_eq!(countdown(2 * 86_400 + 3 * 3600 + 12 * 60 + 9), "2d 03:12:09");
        assert_eq!(countdown(-2470), "-00:41:10");
        let t = DateTime::parse_from_rfc3339("2026-11-27T05:47:00Z").expect("t").with_timezone(&Utc);
        assert_eq!(local_and_utc(t, Tz::Europe__Paris), "Fri 27 Nov 06:47 CET (05:47Z)");
        assert_eq!(local_and_utc(t, Tz::UTC), "Fri 27 Nov 05:47 UTC");
    }
}
