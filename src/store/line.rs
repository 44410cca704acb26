//! The log line format (docs/log-format.md): one JSON object per line, printable ASCII only,
//! `prev` chaining to the line before and `hash` sealing the line itself.
//!
//! `{"v":1,"seq":N,"prev":"<hex>","at":"<RFC 3339>","actor":{…},"event":{"kind":…,"data":…},"hash":"<hex>"}`
//!
//! `hash` is the SHA-256 of every byte of the line before `,"hash":"`; `prev` is the previous
//! line's `hash` (for the first line, the SHA-256 of `warroom log v1 <incident id>`).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ascii_json::to_ascii_json;
use crate::domain::event::{Actor, Envelope, Event};

pub const FORMAT_VERSION: u8 = 1;
const HASH_KEY: &[u8] = b",\"hash\":\"";
/// `,"hash":"` + 64 hex digits + `"`.
const SEAL_LEN: usize = HASH_KEY.len() + 64 + 1;
/// What follows the seal on a signed line: `,"sig":"<base64>"`.
const SIG_KEY: &[u8] = b",\"sig\":\"";

pub type Digest32 = [u8; 32];

/// The longest line a writer writes and a reader buffers: past it, bytes with no newline are
/// counted, never held, and a line that does end is damage.
pub const MAX_LINE_BYTES: usize = 256 << 20;

pub fn genesis(incident: &str) -> Digest32 {
    Sha256::digest(format!("warroom log v{FORMAT_VERSION} {incident}")).into()
}

#[derive(Serialize)]
struct LineOut<'a> {
    v: u8,
    seq: u64,
    prev: &'a str,
    at: String,
    actor: &'a Actor,
    event: &'a Event,
}

#[derive(Deserialize)]
struct LineIn<'a> {
    v: u8,
    seq: u64,
    #[serde(borrow)]
    prev: &'a str,
    at: DateTime<Utc>,
    actor: Actor,
    event: Event,
    #[serde(borrow, rename = "hash")]
    _hash: &'a str,
    #[serde(borrow, default, rename = "sig")]
    _sig: Option<&'a str>,
}

/// Appends one sealed line (with its `\n`) to `out` and returns its hash.
pub fn encode(
    out: &mut Vec<u8>,
    seq: u64,
    prev: &Digest32,
    at: DateTime<Utc>,
    actor: &Actor,
    event: &Event,
) -> serde_json::Result<Digest32> {
    let start = out.len();
    let prev_hex = hex(prev);
    let line = LineOut {
        v: FORMAT_VERSION,
        seq,
        prev: &prev_hex,
        at: at.to_rfc3339_opts(SecondsFormat::Micros, true),
        actor,
        event,
    };
    to_ascii_json(&line, out)?;
    out.pop();
    let digest: Digest32 = Sha256::digest(&out[start..]).into();
    out.extend_from_slice(HASH_KEY);
    out.extend_from_slice(hex(&digest).as_bytes());
    out.extend_from_slice(b"\"}\n");
    let written = out.len() - start;
    if written > MAX_LINE_BYTES {
        out.truncate(start);
        return Err(serde::ser::Error::custom(format_args!(
            "the event would be a line of {} MiB; the log's limit is {} MiB",
            written >> 20,
            MAX_LINE_BYTES >> 20
        )));
    }
    Ok(digest)
}

/// What is wrong with one line. The caller knows which `seq` the line should have held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineFault {
    NotAscii(usize),
    NoSeal,
    HashMismatch,
    Malformed(String),
    Version(u8),
    Sequence {
        found: u64,
    },
    Chain,
    /// A whole sealed line with no newline after it: a writer never leaves one (each write
    /// ends in `\n`), so it was cut by hand.
    Unterminated,
    /// Longer than any writer writes (`MAX_LINE_BYTES`).
    TooLong,
}

impl std::fmt::Display for LineFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotAscii(col) => write!(f, "byte {col} is not printable ASCII"),
            Self::NoSeal => write!(f, "the line has no hash seal at its end"),
            Self::HashMismatch => write!(f, "the line's bytes do not match its hash (changed after it was written)"),
            Self::Malformed(why) => write!(f, "not a valid event: {why}"),
            Self::Version(v) => write!(f, "unknown format version {v}"),
            Self::Sequence { found } => write!(f, "carries seq {found}"),
            Self::Chain => write!(
                f,
                "its prev does not match the hash of the line before (a line was removed, added or reordered)"
            ),
            Self::Unterminated => {
                write!(f, "a whole sealed line has lost its newline (cut by hand; appending the newline restores it)")
            }
            Self::TooLong => write!(f, "longer than the {} MiB any writer writes", MAX_LINE_BYTES >> 20),
        }
    }
}

/// A line taken apart: the part its hash covers, the hash it claims, and its signature.
pub struct Parts<'a> {
    pub body: &'a [u8],
    pub claimed: Digest32,
    pub sig: Option<&'a [u8]>,
}

/// The part of a line its hash covers, and the hash it claims.
pub fn split_seal(line: &[u8]) -> Result<(&[u8], Digest32), LineFault> {
    split(line).map(|parts| (parts.body, parts.claimed))
}

pub fn split(line: &[u8]) -> Result<Parts<'_>, LineFault> {
    if !printable_ascii(line) {
        let col = line.iter().position(|b| !(0x20..0x7f).contains(b)).unwrap_or(0);
        return Err(LineFault::NotAscii(col + 1));
    }
    let mut inner = line.strip_suffix(b"}").ok_or(LineFault::NoSeal)?;
    let mut sig = None;
    if let Some(value_end) = inner.len().checked_sub(1).filter(|_| inner.ends_with(b"\""))
        && let Some(key) = memchr::memrchr(b'"', &inner[..value_end]).and_then(|q| q.checked_sub(SIG_KEY.len() - 1))
        && inner[key..].starts_with(SIG_KEY)
    {
        sig = Some(&inner[key + SIG_KEY.len()..value_end]);
        inner = &inner[..key];
    }
    let cut = inner.len().checked_sub(SEAL_LEN).ok_or(LineFault::NoSeal)?;
    let (body, seal) = inner.split_at(cut);
    if !seal.starts_with(HASH_KEY) || !seal.ends_with(b"\"") {
        return Err(LineFault::NoSeal);
    }
    let claimed = unhex(&seal[HASH_KEY.len()..HASH_KEY.len() + 64]).ok_or(LineFault::NoSeal)?;
    Ok(Parts { body, claimed, sig })
}

/// The hashes lines `seqs` (the `seq`-th lines) of a log read from `reader` claim, in one pass.
pub fn hashes_of_lines(
    mut reader: impl std::io::BufRead,
    seqs: &std::collections::BTreeSet<u64>,
) -> std::io::Result<std::collections::BTreeMap<u64, Digest32>> {
    let mut found = std::collections::BTreeMap::new();
    let Some(&last) = seqs.last() else { return Ok(found) };
    let mut line = Vec::new();
    for seq in 1..=last {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if seqs.contains(&seq)
            && let Ok(parts) = split(line.strip_suffix(b"\n").unwrap_or(&line))
        {
            found.insert(seq, parts.claimed);
        }
    }
    Ok(found)
}

/// True when `tail` (bytes after the last newline) is a whole line whose seal holds: not a
/// torn write but a newline cut away.
pub fn is_whole_line(tail: &[u8]) -> bool {
    split(tail).is_ok_and(|parts| body_hash(parts.body) == parts.claimed)
}

/// Adds `sig` to the last line in `bytes` (which ends with a sealed line and its `\n`).
pub fn attach_signature(bytes: &mut Vec<u8>, sig: &str) {
    debug_assert!(bytes.ends_with(b"\"}\n"));
    bytes.truncate(bytes.len() - 2);
    bytes.extend_from_slice(SIG_KEY);
    bytes.extend_from_slice(sig.as_bytes());
    bytes.extend_from_slice(b"\"}\n");
}

/// Every byte in 0x20..=0x7E, eight at a time: a byte is out of range when its top bit is
/// set, when its low seven bits are 0x7F, or when they are below 0x20 (no carry crosses a
/// byte in either sum).
fn printable_ascii(bytes: &[u8]) -> bool {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const TOP: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let bad = |word: u64| {
        let low = word & LOW7;
        (word | (low + ONES) | !(low + 0x60 * ONES)) & TOP
    };
    let mut words = bytes.chunks_exact(8);
    let mut flags = 0;
    for word in words.by_ref() {
        flags |= bad(u64::from_le_bytes(word.try_into().unwrap_or([0; 8])));
    }
    flags == 0 && words.remainder().iter().all(|b| b.wrapping_sub(0x20) < 0x5f)
}

pub fn body_hash(body: &[u8]) -> Digest32 {
    Sha256::digest(body).into()
}

/// Parses a line whose seal was already checked, and checks version, sequence and chain.
pub fn decode(line: &[u8], expected_seq: u64, prev: &Digest32) -> Result<Envelope, LineFault> {
    // One UTF-8 check of the whole line (it is ASCII, so this is quick) instead of one per string.
    let text = std::str::from_utf8(line).map_err(|e| LineFault::Malformed(e.to_string()))?;
    let parsed: LineIn<'_> = serde_json::from_str(text).map_err(|e| LineFault::Malformed(e.to_string()))?;
    if parsed.v != FORMAT_VERSION {
        return Err(LineFault::Version(parsed.v));
    }
    if parsed.seq != expected_seq {
        return Err(LineFault::Sequence { found: parsed.seq });
    }
    if unhex(parsed.prev.as_bytes()).as_ref() != Some(prev) {
        return Err(LineFault::Chain);
    }
    Ok(Envelope { seq: parsed.seq, at: parsed.at, actor: parsed.actor, event: parsed.event })
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Lower-case hex only: an upper-cased digit is a changed byte.
pub fn unhex(text: &[u8]) -> Option<Digest32> {
    const BAD: u8 = 0xff;
    const NIBBLE: [u8; 256] = {
        let mut table = [BAD; 256];
        let mut c = 0;
        while c < 10 {
            table[b'0' as usize + c] = c as u8;
            c += 1;
        }
        let mut c = 0;
        while c < 6 {
            table[b'a' as usize + c] = 10 + c as u8;
            c += 1;
        }
        table
    };
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    let mut invalid = 0;
    for (slot, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let (high, low) = (NIBBLE[usize::from(pair[0])], NIBBLE[usize::from(pair[1])]);
        invalid |= (high | low) & 0xf0;
        *slot = high << 4 | (low & 0x0f);
    }
    (invalid == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_word_at_a_time_check_agrees_with_the_plain_rule(
            bytes in proptest::collection::vec(prop_oneof![0x1eu8..=0x21, 0x7du8..=0x81, 0x20u8..0x7f, 0xfeu8..=0xff, 0u8..=1], 0..80)
        ) {
            prop_assert_eq!(printable_ascii(&bytes), bytes.iter().all(|b| (0x20..0x7f).contains(b)));
        }
    }

    #[test]
    fn a_line_round_trips_and_is_sealed() {
        let actor = Actor::named("alice");
        let event = Event::NoteAdded { text: "naïve \u{1b}[2J note".to_owned() };
        let at = DateTime::parse_from_rfc3339("2026-11-24T05:00:00Z").expect("time").with_timezone(&Utc);
        let prev = genesis("INC-1");
        let mut out = Vec::new();
        let digest = encode(&mut out, 1, &prev, at, &actor, &event).expect("encode");
        assert_eq!(out.last(), Some(&b'\n'));
        let line = &out[..out.len() - 1];
        let (body, claimed) = split_seal(line).expect("sealed");
        assert_eq!(claimed, digest);
        assert_eq!(body_hash(body), digest);
        let envelope = decode(line, 1, &prev).expect("decode");
        assert_eq!(envelope.event, event);
        assert_eq!(decode(line, 2, &prev), Err(LineFault::Sequence { found: 1 }));
        assert_eq!(decode(line, 1, &genesis("INC-2")), Err(LineFault::Chain));
    }
}
