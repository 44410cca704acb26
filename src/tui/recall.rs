//! The `:` lines entered in this workspace's consoles, kept in `console-history` in the
//! workspace so ↑ recalls them after a restart or in another responder's console. Bounded:
//! only the last lines are read, and the file is cut back when it grows.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::model::COMMAND_HISTORY;

const FILE: &str = "console-history";
/// Past this size the file is rewritten with its last `COMMAND_HISTORY` lines.
const MAX_BYTES: u64 = 256 * 1024;
/// A line longer than this is not kept (nobody types it; a paste is in the log anyway).
const MAX_LINE: usize = 4096;

/// The last lines kept, oldest first; lines with control characters are left out.
pub fn load(dir: &Path) -> Vec<String> {
    let Ok(mut file) = std::fs::File::open(dir.join(FILE)) else { return Vec::new() };
    let size = file.metadata().map_or(0, |m| m.len());
    if size > MAX_BYTES && file.seek(SeekFrom::Start(size - MAX_BYTES)).is_err() {
        return Vec::new();
    }
    let mut bytes = Vec::new();
    if file.take(MAX_BYTES).read_to_end(&mut bytes).is_err() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<String> = text.lines().filter(|l| keeps(l)).map(str::to_owned).collect();
    if size > MAX_BYTES && !lines.is_empty() {
        lines.remove(0);
    }
    lines.dedup();
    let excess = lines.len().saturating_sub(COMMAND_HISTORY);
    lines.drain(..excess);
    lines
}

/// Appends `line`; a failure (a full disk) costs only the recall, never the command.
pub fn append(dir: &Path, line: &str) {
    let line = line.trim();
    if !keeps(line) {
        return;
    }
    let path = dir.join(FILE);
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > MAX_BYTES) {
        let kept = load(dir).join("\n") + "\n";
        if let Err(e) = crate::private_fs::write(&path, kept.as_bytes()) {
            tracing::warn!(event = "console_history", error = %e);
        }
    }
    let written = crate::private_fs::options()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut file| file.write_all(format!("{line}\n").as_bytes()));
    if let Err(e) = written {
        tracing::warn!(event = "console_history", error = %e);
    }
}

fn keeps(line: &str) -> bool {
    !line.trim().is_empty() && line.len() <= MAX_LINE && !line.chars().any(char::is_control)
}
