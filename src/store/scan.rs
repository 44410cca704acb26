//! Streaming replay + verification of one log: every line's seal, version, sequence and chain.
//! Hashing runs on a second thread beside parsing, a chunk at a time, so the cost is about the
//! slower of the two and memory stays at a few chunks whatever the log's length.

use std::io::{self, Read};
use std::thread;

use super::line::{self, Digest32, LineFault};
use crate::domain::event::{Envelope, Event};

const CHUNK: usize = 4 << 20;

/// Where a scan starts: the beginning of a log, or just after a line already verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub seq: u64,
    pub hash: Option<Digest32>,
    pub offset: u64,
}

impl Position {
    pub const START: Self = Self { seq: 0, hash: None, offset: 0 };
}

/// Bytes after the last newline: a writer died mid-append. Never acknowledged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TornTail {
    pub offset: u64,
    pub len: u64,
}

#[derive(Debug)]
pub struct Corrupt {
    pub seq: u64,
    pub offset: u64,
    pub fault: LineFault,
}

#[derive(Debug)]
pub enum ScanError {
    Io(io::Error),
    Corrupt(Corrupt),
}

impl From<io::Error> for ScanError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// Reads `reader` (positioned at `from.offset`) to its end, calling `each` for every verified
/// event. Returns where the verified part ends and any torn tail after it.
pub fn scan(
    mut reader: impl Read,
    from: Position,
    mut each: impl FnMut(Envelope),
) -> Result<(Position, Option<TornTail>), ScanError> {
    let mut at = from;
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + (64 << 10));
    let mut eof = false;
    while !eof {
        eof = fill(&mut reader, &mut buf)?;
        let complete = buf.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        at = verify_chunk(&buf[..complete], at, &mut each)?;
        buf.drain(..complete);
    }
    let torn = (!buf.is_empty()).then_some(TornTail { offset: at.offset, len: buf.len() as u64 });
    Ok((at, torn))
}

fn fill(reader: &mut impl Read, buf: &mut Vec<u8>) -> io::Result<bool> {
    let target = buf.len() + CHUNK;
    let mut scratch = vec![0u8; 64 << 10];
    while buf.len() < target {
        let n = match reader.read(&mut scratch) {
            Ok(0) => return Ok(true),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        buf.extend_from_slice(&scratch[..n]);
    }
    Ok(false)
}

fn verify_chunk(chunk: &[u8], from: Position, each: &mut impl FnMut(Envelope)) -> Result<Position, ScanError> {
    if chunk.is_empty() {
        return Ok(from);
    }
    let lines: Vec<&[u8]> = chunk[..chunk.len() - 1].split(|b| *b == b'\n').collect();
    let (first_bad_hash, parsed) = thread::scope(|scope| {
        let hasher = scope.spawn(|| first_hash_mismatch(&lines));
        let parsed = parse_lines(&lines, from, each);
        (hasher.join().unwrap_or(Some(0)), parsed)
    });
    let (at, parse_fault) = parsed;
    let corrupt_at = |index: usize, fault: LineFault| {
        let offset = from.offset + lines[..index].iter().map(|l| l.len() as u64 + 1).sum::<u64>();
        ScanError::Corrupt(Corrupt { seq: from.seq + index as u64 + 1, offset, fault })
    };
    match (first_bad_hash, parse_fault) {
        (Some(h), Some((p, _))) if h < p => Err(corrupt_at(h, LineFault::HashMismatch)),
        (_, Some((p, fault))) => Err(corrupt_at(p, fault)),
        (Some(h), None) => Err(corrupt_at(h, LineFault::HashMismatch)),
        (None, None) => Ok(at),
    }
}

fn first_hash_mismatch(lines: &[&[u8]]) -> Option<usize> {
    lines.iter().position(|l| match line::split_seal(l) {
        Ok((body, claimed)) => line::body_hash(body) != claimed,
        Err(_) => false,
    })
}

fn parse_lines(
    lines: &[&[u8]],
    from: Position,
    each: &mut impl FnMut(Envelope),
) -> (Position, Option<(usize, LineFault)>) {
    let mut at = from;
    for (index, raw) in lines.iter().enumerate() {
        match parse_one(raw, &at) {
            Ok((envelope, hash)) => {
                at = Position { seq: envelope.seq, hash: Some(hash), offset: at.offset + raw.len() as u64 + 1 };
                each(envelope);
            }
            Err(fault) => return (at, Some((index, fault))),
        }
    }
    (at, None)
}

fn parse_one(raw: &[u8], at: &Position) -> Result<(Envelope, Digest32), LineFault> {
    let (_, claimed) = line::split_seal(raw)?;
    let prev = match at.hash {
        Some(prev) => prev,
        None => first_line_genesis(raw)?,
    };
    let envelope = line::decode(raw, at.seq + 1, &prev)?;
    Ok((envelope, claimed))
}

/// The first line must be a declaration; its incident id names the chain's genesis.
fn first_line_genesis(raw: &[u8]) -> Result<Digest32, LineFault> {
    #[derive(serde::Deserialize)]
    struct First {
        event: Event,
    }
    let first: First = serde_json::from_slice(raw).map_err(|e| LineFault::Malformed(e.to_string()))?;
    match first.event {
        Event::Declared { incident, .. } => Ok(line::genesis(&incident)),
        other => Err(LineFault::Malformed(format!("the first event is {}, not declared", other.kind()))),
    }
}
