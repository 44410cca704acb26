//! Human durations as runbooks write them (`15m`, `4h`, `90d`, `2w`), and a time elapsed at a
//! glance.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Span {
    seconds: u64,
}

impl Span {
    pub const fn from_seconds(seconds: u64) -> Self {
        Self { seconds }
    }

    pub const fn seconds(self) -> u64 {
        self.seconds
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(|| format!("duration {text:?} has no unit (use s, m, h, d or w)"))?;
        let (digits, unit) = text.split_at(split);
        let count: u64 = digits.parse().map_err(|_| format!("duration {text:?} must start with a whole number"))?;
        let unit_seconds = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3_600,
            "d" => 86_400,
            "w" => 604_800,
            _ => return Err(format!("duration {text:?} has unknown unit {unit:?} (use s, m, h, d or w)")),
        };
        let seconds = count
            .checked_mul(unit_seconds)
            .filter(|s| *s <= 100 * 365 * 86_400)
            .ok_or_else(|| format!("duration {text:?} is longer than a century"))?;
        if seconds == 0 {
            return Err(format!("duration {text:?} must be longer than zero"));
        }
        Ok(Self { seconds })
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.seconds;
        let (n, unit) = [(604_800, "w"), (86_400, "d"), (3_600, "h"), (60, "m")]
            .into_iter()
            .find(|(u, _)| s.is_multiple_of(*u))
            .map_or((s, "s"), |(u, name)| (s / u, name));
        write!(f, "{n}{unit}")
    }
}

impl From<Span> for String {
    fn from(span: Span) -> Self {
        span.to_string()
    }
}

impl TryFrom<String> for Span {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text)
    }
}

/// A time elapsed at a glance: `42m`, `3h05`, `2d4h`.
pub fn at_a_glance(elapsed: chrono::Duration) -> String {
    let minutes = elapsed.num_minutes().max(0);
    match minutes {
        0..60 => format!("{minutes}m"),
        60..1440 => format!("{}h{:02}", minutes / 60, minutes % 60),
        _ => format!("{}d{}h", minutes / 1440, minutes % 1440 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::Span;

    #[test]
    fn parses_each_unit_and_prints_it_back() {
        for (text, secs) in [("45s", 45), ("15m", 900), ("4h", 14_400), ("90d", 7_776_000), ("2w", 1_209_600)] {
            let span = Span::parse(text).expect(text);
            assert_eq!(span.seconds(), secs);
            assert_eq!(span.to_string(), text);
        }
    }

    #[test]
    fn refuses_nonsense_with_a_reason() {
        assert!(Span::parse("15").unwrap_err().contains("no unit"));
        assert!(Span::parse("15x").unwrap_err().contains("unknown unit"));
        assert!(Span::parse("m").unwrap_err().contains("whole number"));
        assert!(Span::parse("0m").unwrap_err().contains("longer than zero"));
        assert!(Span::parse("99999999999999w").unwrap_err().contains("century"));
    }
}
