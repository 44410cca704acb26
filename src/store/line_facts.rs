//! What `verify` needs of a line, read straight from its bytes without building the event:
//! the fields come in a fixed order (docs/log-format.md), strings are escaped ASCII, so a raw
//! `"` never occurs inside one. The whole line is still checked to be JSON, without
//! allocating; anything the fast reading does not recognise falls back to the full decode.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use memchr::memmem::Finder;
use serde::de::IgnoredAny;

use super::line::{Digest32, LineFault, decode, unhex};

/// The facts of one line whose seal was checked.
#[derive(Debug)]
pub struct Facts<'a> {
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// The actor's name as written (JSON-escaped), for comparing lines cheaply.
    pub actor: &'a str,
    pub fixed_clock: bool,
    pub approval: Approval,
}

/// Approval lines, whose signers `verify` compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Approval {
    None,
    Requested,
    Granted { requested_seq: u64 },
}

const HEAD: &[u8] = br#"{"v":1,"seq":"#;
const PREV: &[u8] = br#","prev":""#;
const AT: &[u8] = br#"","at":""#;
const ACTOR: &[u8] = br#"","actor":{"name":""#;
const EVENT: &[u8] = br#"},"event":{"kind":""#;
const FIXED: &[u8] = br#""fixed_clock":true"#;

/// Reads the facts of `line` (its seal already checked), checking its version, sequence and
/// chain against `expected_seq` and `prev`.
pub fn read<'a>(line: &'a [u8], expected_seq: u64, prev: &Digest32) -> Result<Facts<'a>, LineFault> {
    match fast(line) {
        Some((facts, claimed_prev)) => {
            serde_json::from_slice::<IgnoredAny>(line).map_err(|e| LineFault::Malformed(e.to_string()))?;
            if facts.seq != expected_seq {
                return Err(LineFault::Sequence { found: facts.seq });
            }
            if unhex(claimed_prev).as_ref() != Some(prev) {
                return Err(LineFault::Chain);
            }
            Ok(facts)
        }
        // Not in the usual shape: the full decode says precisely what is wrong, or reads it.
        None => {
            let envelope = decode(line, expected_seq, prev)?;
            Err(LineFault::Malformed(format!("seq {} is not in the canonical field order", envelope.seq)))
        }
    }
}

fn fast(line: &[u8]) -> Option<(Facts<'_>, &[u8])> {
    let rest = line.strip_prefix(HEAD)?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let seq: u64 = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
    let rest = rest[digits..].strip_prefix(PREV)?;
    let (claimed_prev, rest) = (rest.get(..64)?, rest.get(64..)?);
    let rest = rest.strip_prefix(AT)?;
    let end = memchr::memchr(b'"', rest)?;
    let at = DateTime::parse_from_rfc3339(std::str::from_utf8(&rest[..end]).ok()?).ok()?.with_timezone(&Utc);
    let rest = rest[end..].strip_prefix(ACTOR)?;
    let name_end = string_end(rest)?;
    let actor = std::str::from_utf8(&rest[..name_end]).ok()?;
    let actor_rest = &rest[name_end..];
    static EVENT_AT: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(EVENT));
    static FIXED_AT: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(FIXED));
    let event = EVENT_AT.find(actor_rest)?;
    let fixed_clock = FIXED_AT.find(&actor_rest[..event]).is_some();
    let kind_rest = &actor_rest[event + EVENT.len()..];
    let kind = &kind_rest[..memchr::memchr(b'"', kind_rest)?];
    let approval = match kind {
        b"approval_requested" => Approval::Requested,
        b"approval_granted" => Approval::Granted { requested_seq: requested_seq(line)? },
        _ => Approval::None,
    };
    Some((Facts { seq, at, actor, fixed_clock, approval }, claimed_prev))
}

/// Where a JSON string that starts at `text[0]` ends (its closing quote).
fn string_end(text: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        let quote = from + memchr::memchr(b'"', &text[from..])?;
        let escapes = text[..quote].iter().rev().take_while(|b| **b == b'\\').count();
        if escapes % 2 == 0 {
            return Some(quote);
        }
        from = quote + 1;
    }
}

fn requested_seq(line: &[u8]) -> Option<u64> {
    #[derive(serde::Deserialize)]
    struct Line {
        event: crate::domain::event::Event,
    }
    match serde_json::from_slice::<Line>(line).ok()?.event {
        crate::domain::event::Event::ApprovalGranted { requested_seq, .. } => Some(requested_seq),
        _ => None,
    }
}

/// The actor's name as people write it (the JSON escapes undone).
pub fn unescaped(actor: &str) -> String {
    if !actor.contains('\\') {
        return actor.to_owned();
    }
    serde_json::from_str::<String>(&format!("\"{actor}\"")).unwrap_or_else(|_| actor.to_owned())
}
