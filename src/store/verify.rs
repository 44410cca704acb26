//! `warroom verify`: every line's seal, the chain and the sequence, naming the first bad `seq`.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::allowed_signers::AllowedSigners;
use super::line::{Digest32, LineFault, MAX_LINE_BYTES};
use super::scan::{self, Position, ScanError, TornTail};
use super::signature_check::{SignatureCheck, SignatureReport};
use crate::domain::audit::TwoPersonAudit;
use crate::domain::service_audit::ServiceAudit;

#[derive(Debug)]
pub struct Verified {
    pub events: u64,
    pub bytes: u64,
    pub head: Option<Digest32>,
    /// What the check set right in the store's own bookkeeping (the log is the truth).
    pub repaired: Option<String>,
    /// Who signed, when the workspace requires signatures (`None`: the log was not checked
    /// for signatures, there being no `allowed_signers`).
    pub signatures: Option<SignatureReport>,
    /// Events recorded by a test build on a fixed clock: their times are not the system's.
    pub fixed_clock: u64,
    /// The latest recording time in the log, and its seq (a time after the check's own is
    /// for the caller, who knows the time, to name).
    pub latest: Option<(u64, DateTime<Utc>)>,
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
        before_seq: u64,
    },
    /// The log's first line declares another incident: a log copied over this one's.
    Misplaced {
        declares: String,
    },
    /// Lines not signed, or not by a key allowed for their actor; approvals not by two
    /// people; runs and ticks of two-person steps with no second responder's approval.
    Signatures {
        problems: Vec<(u64, u64, String)>,
        events: u64,
    },
}

impl VerifyFailure {
    /// How many events a log holds whose chain is whole although it failed other checks.
    pub const fn intact_events(&self) -> Option<u64> {
        match self {
            Self::Signatures { events, .. } => Some(*events),
            _ => None,
        }
    }
}

/// At most this many signature problems are listed; the rest are counted.
const LISTED: usize = 12;

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
            Self::TimeReversed { seq, at, before, before_seq } => write!(
                f,
                "seq {seq} was recorded at {} but seq {before_seq} before it says {}: one of the two was timed by a \
                 clock set wrong or written by hand",
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                before.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            Self::Misplaced { declares } => {
                write!(f, "its first line declares {declares}: another incident's log copied over this one")
            }
            Self::Signatures { problems, .. } => {
                write!(f, "{} problem(s): ", problems.len())?;
                for (i, (first, last, why)) in problems.iter().take(LISTED).enumerate() {
                    let seqs = if first == last { format!("seq {first}") } else { format!("seq {first}-{last}") };
                    write!(f, "{}{seqs}: {why}", if i > 0 { "; " } else { "" })?;
                }
                if problems.len() > LISTED {
                    write!(f, "; and {} more", problems.len() - LISTED)?;
                }
                Ok(())
            }
        }
    }
}

pub fn verify_file(path: &Path, signers: Option<&AllowedSigners>) -> Result<Verified, VerifyFailure> {
    let file = File::open(path).map_err(VerifyFailure::Unreadable)?;
    match verify_reader(file, &identity(path), signers) {
        Err(VerifyFailure::Torn { seq, tail }) if whole_line_at(path, tail) => {
            Err(VerifyFailure::BadLine { seq, offset: tail.offset, fault: LineFault::Unterminated })
        }
        other => other,
    }
}

fn whole_line_at(path: &Path, tail: TornTail) -> bool {
    use std::io::{Seek, SeekFrom};
    if tail.len > MAX_LINE_BYTES as u64 {
        return false;
    }
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|mut f| f.seek(SeekFrom::Start(tail.offset)).map(|_| f))
        .and_then(|f| f.take(MAX_LINE_BYTES as u64 + 1).read_to_end(&mut bytes))
        .is_ok_and(|_| bytes.len() <= MAX_LINE_BYTES && super::line::is_whole_line(&bytes))
}

/// Checks a log read from `reader` whose identity (its genesis) is `identity`, and with
/// `signers`, that every line is signed by a key allowed for its actor.
pub fn verify_reader(
    reader: impl Read,
    identity: &str,
    signers: Option<&AllowedSigners>,
) -> Result<Verified, VerifyFailure> {
    let tolerance = chrono::Duration::seconds(TIME_TOLERANCE_SECONDS);
    let mut latest: Option<(u64, DateTime<Utc>)> = None;
    let mut reversed = None;
    let mut signed = signers.map(|s| SignatureCheck::new(s, identity));
    let mut fixed_clock = 0;
    let mut audit = TwoPersonAudit::default();
    let mut services = ServiceAudit::default();
    let each = |envelope: crate::domain::event::Envelope, seal: scan::Seal| {
        fixed_clock += u64::from(envelope.actor.fixed_clock);
        audit.event(&envelope);
        services.event(&envelope);
        if let Some(check) = signed.as_mut() {
            check.line(&envelope, &seal);
        }
        if let Some((before_seq, before)) = latest.filter(|(_, before)| envelope.at < *before - tolerance)
            && reversed.is_none()
        {
            reversed = Some(VerifyFailure::TimeReversed { seq: envelope.seq, at: envelope.at, before, before_seq });
        }
        if latest.is_none_or(|(_, at)| envelope.at > at) {
            latest = Some((envelope.seq, envelope.at));
        }
    };
    let scanned = scan::scan_sealed(reader, Position::START, super::line::genesis(identity), each);
    if let (Ok(_), Some(reversed)) = (&scanned, reversed) {
        return Err(reversed);
    }
    let signatures = signed.map(SignatureCheck::finish);
    let mut problems: Vec<(u64, u64, String)> = signatures.as_ref().map(|r| r.problems.clone()).unwrap_or_default();
    problems.extend(audit.breaches.into_iter().map(|(seq, why)| (seq, seq, why)));
    problems.extend(services.breaches().into_iter().map(|(seq, why)| (seq, seq, why)));
    problems.sort_by_key(|p| p.0);
    if let Ok((end, None)) = &scanned
        && !problems.is_empty()
    {
        return Err(VerifyFailure::Signatures { problems, events: end.seq });
    }
    match scanned {
        Ok((end, None)) => Ok(Verified {
            events: end.seq,
            bytes: end.offset,
            head: end.hash,
            repaired: None,
            signatures,
            fixed_clock,
            latest,
        }),
        Ok((end, Some(tail))) => Err(VerifyFailure::Torn { seq: end.seq + 1, tail }),
        Err(ScanError::Io(e)) => Err(VerifyFailure::Unreadable(e)),
        Err(ScanError::Corrupt(c)) => Err(VerifyFailure::BadLine { seq: c.seq, offset: c.offset, fault: c.fault }),
    }
}

/// A log's identity: the incident its first line declares, else its file name (`inbox`).
pub fn identity(path: &Path) -> String {
    let first_line = File::open(path).ok().and_then(|file| {
        let mut line = Vec::new();
        std::io::BufRead::read_until(&mut std::io::BufReader::new(file.take(1 << 20)), b'\n', &mut line).ok()?;
        Some(line)
    });
    first_line
        .and_then(|line| declared_by(&line))
        .unwrap_or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default())
}

/// The incident a log's first line declares, if it is a declaration.
pub fn declared_by(first_line: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct First {
        event: crate::domain::event::Event,
    }
    match serde_json::from_slice::<First>(first_line.trim_ascii_end()).ok()? {
        First { event: crate::domain::event::Event::Declared { incident, .. } } => Some(incident),
        _ => None,
    }
}

/// Whether the last complete line of `tail` (a log's end) is its archiving.
pub fn ends_archived(tail: &[u8]) -> bool {
    let complete = tail.iter().rposition(|b| *b == b'\n').map_or(&tail[..0], |end| &tail[..end]);
    let last = complete.iter().rposition(|b| *b == b'\n').map_or(complete, |start| &complete[start + 1..]);
    memchr::memmem::find(last, br#""event":{"kind":"archived""#).is_some()
}
