//! Checkpoints: a statement that log `log` had reached `seq` with head hash `head`, signed
//! (when the workspace requires signatures) over the same text as that line's own signature.
//! warroom appends one to every witness (`--witness DIR`: a directory on another disk or
//! host, append-only) after each durable append, and puts one in every export bundle, so that
//! cutting, emptying, rewriting or deleting a log is caught by comparing it with them.

use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::allowed_signers::AllowedSigners;
use super::line::{Digest32, hex};
use super::signature;
use crate::domain::sanitize;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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
/// A checkpoint line is well under this; anything longer is not one.
const MAX_LINE: u64 = 4096;
/// Checkpoints kept from one witness file (a year of appends to one incident is far fewer).
const MAX_READ: usize = 1_000_000;

impl Checkpoint {
    pub fn new(log: &str, seq: u64, head: &Digest32, at: DateTime<Utc>) -> Self {
        Self { log: log.to_owned(), seq, head: hex(head), at, signer: None, sig: None }
    }
}

/// Appends `checkpoint` to `<witness>/<log>.checkpoints`. Best effort: a witness that is
/// away costs the log nothing (the operational log says so).
pub fn witness(dir: &Path, checkpoint: &Checkpoint) -> Result<(), String> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut line = serde_json::to_vec(checkpoint).map_err(|e| e.to_string())?;
    line.push(b'\n');
    let path = file_of(dir, &checkpoint.log);
    let failed = |e: std::io::Error| format!("witness {}: {e}", path.display());
    // Never follow a link, never wait on a FIFO: a planted file cannot hang the writer.
    let flags = nix::fcntl::OFlag::O_NOFOLLOW | nix::fcntl::OFlag::O_NONBLOCK;
    let mut file =
        OpenOptions::new().create(true).append(true).custom_flags(flags.bits()).open(&path).map_err(failed)?;
    if !file.metadata().map_err(failed)?.file_type().is_file() {
        return Err(format!("witness {}: not a regular file", path.display()));
    }
    file.write_all(&line).map_err(failed)
}

/// The last checkpoint `dir` holds for `log`, read from the end of its file (one read of at
/// most two checkpoint lines, whatever the file's length).
pub fn latest_in(dir: &Path, log: &str) -> Option<Checkpoint> {
    use std::io::{Seek, SeekFrom};
    use std::os::unix::fs::OpenOptionsExt;
    let flags = nix::fcntl::OFlag::O_NOFOLLOW | nix::fcntl::OFlag::O_NONBLOCK;
    let mut file = OpenOptions::new().read(true).custom_flags(flags.bits()).open(file_of(dir, log)).ok()?;
    let len = file.metadata().ok().filter(|m| m.file_type().is_file())?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(2 * MAX_LINE))).ok()?;
    let mut tail = Vec::new();
    file.take(2 * MAX_LINE).read_to_end(&mut tail).ok()?;
    let last = tail.trim_ascii_end().rsplit(|b| *b == b'\n').next()?;
    serde_json::from_slice::<Checkpoint>(last).ok().filter(|c| c.log == log)
}

/// Why a checkpoint may not be relied on.
pub enum Distrust {
    /// The workspace requires signatures and it carries none.
    Unsigned,
    Forged(String),
}

/// Whether a checkpoint may be relied on: under a signing policy (`allowed`) it must carry a
/// signature, by a key allowed for its signer, over its own statement.
pub fn check_trust(checkpoint: &Checkpoint, allowed: Option<&AllowedSigners>) -> Result<(), Distrust> {
    let Some(allowed) = allowed else { return Ok(()) };
    let (Some(sig), Some(signer)) = (&checkpoint.sig, &checkpoint.signer) else { return Err(Distrust::Unsigned) };
    let head =
        super::line::unhex(checkpoint.head.as_bytes()).ok_or(Distrust::Forged("its head is not a hash".into()))?;
    let sig = signature::from_line(sig.as_bytes()).map_err(Distrust::Forged)?;
    let message = signature::message(&checkpoint.log, checkpoint.seq, &head);
    signature::check(&sig, message.as_bytes()).map_err(Distrust::Forged)?;
    allowed
        .check_sig(signer, &sig, checkpoint.at)
        .map_err(|why| Distrust::Forged(format!("{} signs for {}: {why}", sig.describe(), sanitize::line(signer))))
}

fn file_of(dir: &Path, log: &str) -> PathBuf {
    dir.join(format!("{log}{SUFFIX}"))
}

/// Every checkpoint a witness (or a bundle) holds, each distinct one once. Only regular files
/// are read (a FIFO or a link to a device is skipped), lines longer than a checkpoint can be
/// are skipped, and at most `MAX_READ` are kept from one file.
pub fn all_in(dir: &Path) -> Vec<Checkpoint> {
    let bundle = dir.join(BUNDLE_FILE);
    if is_regular(&bundle) {
        let text = fs::File::open(&bundle).ok().and_then(|f| {
            let mut bytes = Vec::new();
            f.take(MAX_LINE).read_to_end(&mut bytes).ok().map(|_| bytes)
        });
        return text.and_then(|b| serde_json::from_slice(&b).ok()).into_iter().collect();
    }
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(SUFFIX)))
        .filter(|path| is_regular(path))
        .collect();
    files.sort();
    files.iter().flat_map(|path| read_file(path)).collect()
}

fn is_regular(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

fn read_file(path: &Path) -> Vec<Checkpoint> {
    let Ok(file) = fs::File::open(path) else { return Vec::new() };
    let mut reader = BufReader::new(file);
    let mut seen = std::collections::BTreeSet::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if !line.ends_with(b"\n") && line.len() as u64 == MAX_LINE => {
                // Longer than any checkpoint: skip the rest of it.
                let _ = reader.skip_until(b'\n');
            }
            Ok(_) => {
                if let Ok(checkpoint) = serde_json::from_slice::<Checkpoint>(line.trim_ascii_end()) {
                    seen.insert(checkpoint);
                    if seen.len() >= MAX_READ {
                        break;
                    }
                }
            }
        }
    }
    seen.into_iter().collect()
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
    /// How much a mismatch says: a deleted log over an emptied one over a cut over a change.
    pub const fn rank(&self) -> u64 {
        match self {
            Self::Deleted => 3,
            Self::Emptied => 2,
            Self::Truncated { .. } => 1,
            Self::Rewritten { .. } => 0,
        }
    }

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
