//! Streaming replay + verification of one log: every line's seal, version, sequence and chain.
//! Each chunk of lines is split in two halves checked on two threads (hash and parse), then
//! folded in order, so memory stays at a few chunks whatever the log's length.

use std::io::{self, Read};
use std::thread;

use super::line::{self, Digest32, LineFault};
use crate::domain::event::Envelope;

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

/// A verified line's hash and the signature it carries (base64 SSHSIG), if any.
#[derive(Clone, Debug)]
pub struct Seal {
    pub hash: Digest32,
    pub sig: Option<Box<str>>,
}

/// Reads `reader` (positioned at `from.offset`) to its end, calling `each` for every verified
/// event in order. `genesis` is what the first line's `prev` must be (the log's identity).
/// Returns where the verified part ends and any torn tail after it.
pub fn scan(
    reader: impl Read,
    from: Position,
    genesis: Digest32,
    mut each: impl FnMut(Envelope),
) -> Result<(Position, Option<TornTail>), ScanError> {
    scan_sealed(reader, from, genesis, |envelope, _| each(envelope))
}

/// As `scan`, also handing over each line's seal.
pub fn scan_sealed(
    mut reader: impl Read,
    from: Position,
    genesis: Digest32,
    mut each: impl FnMut(Envelope, Seal),
) -> Result<(Position, Option<TornTail>), ScanError> {
    let mut at = if from.hash.is_none() { Position { hash: Some(genesis), ..from } } else { from };
    let mut buf: Vec<u8> = Vec::new();
    let mut eof = false;
    while !eof {
        eof = fill(&mut reader, &mut buf)?;
        let complete = memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1);
        at = verify_chunk(&buf[..complete], at, &mut each)?;
        buf.drain(..complete);
        if buf.len() > line::MAX_LINE_BYTES && !eof {
            let len = buf.len() as u64 + count_to_end(&mut reader, &at)?;
            return Ok((at, Some(TornTail { offset: at.offset, len })));
        }
    }
    let torn = (!buf.is_empty()).then_some(TornTail { offset: at.offset, len: buf.len() as u64 });
    Ok((at, torn))
}

/// Past the longest line a writer writes: counts the bytes to the end, holding none. A
/// newline among them makes the overlong line damage rather than a torn tail.
fn count_to_end(reader: &mut impl Read, at: &Position) -> Result<u64, ScanError> {
    let mut chunk = vec![0; 64 << 10];
    let mut counted = 0;
    loop {
        match reader.read(&mut chunk) {
            Ok(0) => return Ok(counted),
            Ok(n) if memchr::memchr(b'\n', &chunk[..n]).is_some() => return Err(corrupt(at, LineFault::TooLong)),
            Ok(n) => counted += n as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// Reads up to one chunk more into `buf`, growing it only as far as the data goes (a
/// catch-up that finds nothing new costs a read call, not a chunk); true at end of file.
fn fill(reader: &mut impl Read, buf: &mut Vec<u8>) -> io::Result<bool> {
    let read = reader.by_ref().take(CHUNK as u64).read_to_end(buf)?;
    Ok(read < CHUNK)
}

/// A half chunk's outcome: its events, the last good line's hash, and the first bad line.
struct Half {
    read: Vec<(Envelope, Seal)>,
    last_hash: Option<Digest32>,
    fault: Option<(usize, LineFault)>,
}

fn verify_chunk(chunk: &[u8], from: Position, each: &mut impl FnMut(Envelope, Seal)) -> Result<Position, ScanError> {
    if chunk.is_empty() {
        return Ok(from);
    }
    let lines: Vec<&[u8]> = memchr::memchr_iter(b'\n', chunk)
        .scan(0, |start, end| {
            let line = &chunk[*start..end];
            *start = end + 1;
            Some(line)
        })
        .collect();
    let split = lines.len() / 2;
    let (front, back) = lines.split_at(split);
    // The back half chains onto the hash the front half's last line claims; a false claim
    // is caught by that line's own seal check.
    let back_start = match front.last() {
        Some(last) => match line::split_seal(last) {
            Ok((_, claimed)) => Position { seq: from.seq + split as u64, hash: Some(claimed), offset: 0 },
            Err(_) => from,
        },
        None => from,
    };
    let (front_result, back_result): (Half, Half) = thread::scope(|scope| {
        let worker = scope.spawn(|| check_lines(back, back_start));
        let front_result = check_lines(front, from);
        let back_result = worker.join().unwrap_or_else(|_| Half {
            read: Vec::new(),
            last_hash: None,
            fault: Some((0, LineFault::Malformed("checker failed".into()))),
        });
        (front_result, back_result)
    });
    let (fault, last_hash) = match (front_result.fault, back_result.fault) {
        (Some(fault), _) => (Some(fault), front_result.last_hash),
        (None, Some((i, fault))) => (Some((split + i, fault)), back_result.last_hash.or(front_result.last_hash)),
        (None, None) => (None, back_result.last_hash.or(front_result.last_hash)),
    };
    let good = fault.as_ref().map_or(lines.len(), |(i, _)| *i);
    let mut at = Position {
        seq: from.seq + good as u64,
        hash: if good == 0 { from.hash } else { last_hash },
        offset: from.offset + lines[..good].iter().map(|l| l.len() as u64 + 1).sum::<u64>(),
    };
    for (read, seal) in front_result.read.into_iter().chain(back_result.read).take(good) {
        each(read, seal);
    }
    match fault {
        Some((_, fault)) => Err(corrupt(&at, fault)),
        None => {
            at.hash = at.hash.or(from.hash);
            Ok(at)
        }
    }
}

fn corrupt(at: &Position, fault: LineFault) -> ScanError {
    ScanError::Corrupt(Corrupt { seq: at.seq + 1, offset: at.offset, fault })
}

/// Checks consecutive lines starting after `from`; stops at the first bad one.
fn check_lines(lines: &[&[u8]], from: Position) -> Half {
    let mut read = Vec::with_capacity(lines.len());
    let mut at = from;
    let mut last_hash = None;
    for (index, raw) in lines.iter().enumerate() {
        match check_one(raw, &at) {
            Ok((out, seal)) => {
                at = Position { seq: at.seq + 1, hash: Some(seal.hash), offset: 0 };
                last_hash = Some(seal.hash);
                read.push((out, seal));
            }
            Err(fault) => return Half { read, last_hash, fault: Some((index, fault)) },
        }
    }
    Half { read, last_hash, fault: None }
}

fn check_one(raw: &[u8], at: &Position) -> Result<(Envelope, Seal), LineFault> {
    let parts = line::split(raw)?;
    if line::body_hash(parts.body) != parts.claimed {
        return Err(LineFault::HashMismatch);
    }
    let prev = at.hash.ok_or(LineFault::Chain)?;
    let out = line::decode(raw, at.seq + 1, &prev)?;
    let sig = parts.sig.map(|sig| String::from_utf8_lossy(sig).into());
    Ok((out, Seal { hash: parts.claimed, sig }))
}
