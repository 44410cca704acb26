//! Checkpoints: a statement that log `log` had reached `seq` with head hash `head`, signed
//! (when the workspace requires signatures) over the same text as that line's own signature.
//! warroom appends one to every witness (`--witness DIR`: a directory on another disk or
//! host, append-only) after each durable append, and puts one in every export bundle, so that
//! cutting, emptying, rewriting or deleting a log is caught by comparing it with them.

use std::fs::{self, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::line::{Digest32, hex};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub log: String,
    pub seq: u64,
    pub head: String,
    pub at: DateTime<Utc>,
    /// Who the signing key signed for, and the signature (base64 SSHSIG), when signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

/// The file a bundle holds its checkpoint in.
pub const BUNDLE_FILE: &str = "checkpoint.json";
const SUFFIX: &str = ".checkpoints";
/// How much of a witness file's end is read for its latest checkpoint.
const TAIL: u64 = 64 * 1024;

impl Checkpoint {
    pub fn new(log: &str, seq: u64, head: &Digest32, at: DateTime<Utc>) -> Self {
        Self { log: log.to_owned(), seq, head: hex(head), at, signer: None, sig: None }
    }
}

/// Appends `checkpoint` to `<witness>/<log>.checkpoints`. Best effort: a witness that is
/// away costs the log nothing (the operational log says so).
pub fn witness(dir: &Path, checkpoint: &Checkpoint) -> Result<(), String> {
    let mut line = serde_json::to_vec(checkpoint).map_err(|e| e.to_string())?;
    line.push(b'\n');
    let path = file_of(dir, &checkpoint.log);
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("witness {}: {e}", path.display()))?;
    file.write_all(&line).map_err(|e| format!("witness {}: {e}", path.display()))
}

fn file_of(dir: &Path, log: &str) -> PathBuf {
    dir.join(format!("{log}{SUFFIX}"))
}

/// The latest checkpoint of every log a witness (or a bundle) holds: `(log, checkpoint)`.
pub fn latest_in(dir: &Path) -> Vec<Checkpoint> {
    let bundle = dir.join(BUNDLE_FILE);
    if bundle.is_file() {
        return fs::read(&bundle).ok().and_then(|b| serde_json::from_slice(&b).ok()).into_iter().collect();
    }
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    entries
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            path.file_name()?.to_str()?.strip_suffix(SUFFIX)?;
            latest_of(&path)
        })
        .collect()
}

/// The checkpoint with the highest seq among the last lines of a witness file.
fn latest_of(path: &Path) -> Option<Checkpoint> {
    let mut file = fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(TAIL))).ok()?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).ok()?;
    tail.split(|b| *b == b'\n').filter_map(|line| serde_json::from_slice::<Checkpoint>(line).ok()).max_by_key(|c| c.seq)
}

/// What a log looks like beside a checkpoint of it.
#[derive(Debug, PartialEq, Eq)]
pub enum Mismatch {
    Deleted,
    Emptied,
    Truncated { from: u64, to: u64 },
    Rewritten { seq: u64 },
}

impl Mismatch {
    pub fn describe(&self, checkpoint: &Checkpoint, source: &str) -> String {
        let said = format!("{source} holds a checkpoint at seq {} ({})", checkpoint.seq, short(&checkpoint.head));
        match self {
            Self::Deleted => format!("DELETED: the log is gone, but {said}"),
            Self::Emptied => format!("EMPTIED: the log holds no events, but {said}"),
            Self::Truncated { from, to } => format!("TRUNCATED: seq {from}-{to} missing; {said}"),
            Self::Rewritten { seq } => {
                format!("REWRITTEN: seq {seq} no longer has the hash it had (a line up to it changed); {said}")
            }
        }
    }
}

fn short(hex: &str) -> String {
    hex.chars().take(12).collect()
}

/// Compares a checkpoint with the log: `events` lines, `hash_at` the hash of a line by seq.
pub fn compare(checkpoint: &Checkpoint, events: Option<u64>, hash_at: Option<&str>) -> Option<Mismatch> {
    match events {
        None => Some(Mismatch::Deleted),
        Some(0) if checkpoint.seq > 0 => Some(Mismatch::Emptied),
        Some(n) if n < checkpoint.seq => Some(Mismatch::Truncated { from: n + 1, to: checkpoint.seq }),
        Some(_) if hash_at != Some(checkpoint.head.as_str()) => Some(Mismatch::Rewritten { seq: checkpoint.seq }),
        Some(_) => None,
    }
}
