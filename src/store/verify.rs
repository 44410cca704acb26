//! `warroom verify`: every line's seal, the chain and the sequence, naming the first bad `seq`.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::line::{Digest32, LineFault};
use super::scan::{self, Position, ScanError, TornTail};

#[derive(Debug)]
pub struct Verified {
    pub events: u64,
    pub bytes: u64,
    pub head: Option<Digest32>,
    /// What the check set right in the store's own bookkeeping (the log is the truth).
    pub repaired: Option<String>,
}

#[derive(Debug)]
pub enum VerifyFailure {
    Unreadable(std::io::Error),
    BadLine {
        seq: u64,
        offset: u64,
        fault: LineFault,
    },
    Torn {
        seq: u64,
        tail: TornTail,
    },
    /// An event recorded earlier than one before it, by more than clocks drift or a lock waits.
    TimeReversed {
        seq: u64,
        at: DateTime<Utc>,
        before: DateTime<Utc>,
    },
    /// The log's first line declares another incident: a log copied over this one's.
    Misplaced {
        declares: String,
    },
}

/// How far a recording time may fall behind its predecessor's: processes take their time
/// before the lock that orders their lines, and hosts' clocks drift a little.
pub const TIME_TOLERANCE_SECONDS: i64 = 300;

impl std::fmt::Display for VerifyFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreadable(e) => write!(f, "cannot read: {e}"),
            Self::BadLine { seq, offset, fault } => write!(f, "seq {seq} (byte {offset}): {fault}"),
            Self::Torn { seq, tail } => write!(
                f,
                "seq {seq} (byte {}): torn tail of {} bytes with no newline: a writer died mid-append \
                 (never acknowledged; the next write quarantines it)",
                tail.offset, tail.len
            ),
            Self::TimeReversed { seq, at, before } => write!(
                f,
                "seq {seq}: recorded at {} but an earlier line says {}: a clock set back or a time written by hand",
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                before.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            Self::Misplaced { declares } => {
                write!(f, "its first line declares {declares}: another incident's log copied over this one")
            }
        }
    }
}

pub fn verify_file(path: &Path) -> Result<Verified, VerifyFailure> {
    let file = File::open(path).map_err(VerifyFailure::Unreadable)?;
    verify_reader(file, &identity(path))
}

/// Checks a log read from `reader` whose identity (its genesis) is `identity`.
pub fn verify_reader(reader: impl Read, identity: &str) -> Result<Verified, VerifyFailure> {
    let tolerance = chrono::Duration::seconds(TIME_TOLERANCE_SECONDS);
    let mut latest: Option<DateTime<Utc>> = None;
    let mut reversed = None;
    let each = |envelope: crate::domain::event::Envelope| {
        if let Some(before) = latest.filter(|before| envelope.at < *before - tolerance)
            && reversed.is_none()
        {
            reversed = Some(VerifyFailure::TimeReversed { seq: envelope.seq, at: envelope.at, before });
        }
        latest = Some(latest.map_or(envelope.at, |l| l.max(envelope.at)));
    };
    let scanned = scan::scan(reader, Position::START, super::line::genesis(identity), each);
    if let (Ok(_), Some(reversed)) = (&scanned, reversed) {
        return Err(reversed);
    }
    match scanned {
        Ok((end, None)) => Ok(Verified { events: end.seq, bytes: end.offset, head: end.hash, repaired: None }),
        Ok((end, Some(tail))) => Err(VerifyFailure::Torn { seq: end.seq + 1, tail }),
        Err(ScanError::Io(e)) => Err(VerifyFailure::Unreadable(e)),
        Err(ScanError::Corrupt(c)) => Err(VerifyFailure::BadLine { seq: c.seq, offset: c.offset, fault: c.fault }),
    }
}

/// A log's identity: the incident its first line declares, else its file name (`inbox`).
pub fn identity(path: &Path) -> String {
    #[derive(serde::Deserialize)]
    struct First {
        event: crate::domain::event::Event,
    }
    let first_line = File::open(path).ok().and_then(|file| {
        let mut line = Vec::new();
        std::io::BufRead::read_until(&mut std::io::BufReader::new(file.take(1 << 20)), b'\n', &mut line).ok()?;
        Some(line)
    });
    if let Some(First { event: crate::domain::event::Event::Declared { incident, .. } }) =
        first_line.and_then(|line| serde_json::from_slice::<First>(line.trim_ascii_end()).ok())
    {
        return incident;
    }
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}
