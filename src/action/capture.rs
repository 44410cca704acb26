//! An action's output as it arrives: written through to its file, hashed whole, and kept in
//! memory only as a bounded tail (for the log) and a bounded batch (for the screen), however
//! much the program prints.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// How much of the output the log itself keeps (the end of it); the file keeps all.
pub const TAIL_BYTES: usize = 4096;
/// The most shown at once; output arriving faster is shown by its ends, the middle elided.
const SHOWN_AT_ONCE: usize = 64 * 1024;
/// Output is handed to the screen at most this often.
const SHOW_EVERY: Duration = Duration::from_millis(50);

pub struct Capture {
    file: Option<File>,
    write_error: Option<String>,
    hasher: Sha256,
    total: u64,
    tail: Vec<u8>,
    batch: Vec<u8>,
    elided: u64,
    shown_at: Instant,
}

/// What was captured, once the program ended.
pub struct Captured {
    pub bytes: u64,
    pub sha256: String,
    pub tail: String,
    /// Why the file does not hold all of it, if it does not.
    pub write_error: Option<String>,
}

impl Capture {
    pub fn to_file(path: &Path) -> std::io::Result<Self> {
        let file = crate::private_fs::options().write(true).create(true).truncate(true).open(path)?;
        Ok(Self {
            file: Some(file),
            write_error: None,
            hasher: Sha256::new(),
            total: 0,
            tail: Vec::with_capacity(TAIL_BYTES),
            batch: Vec::new(),
            elided: 0,
            shown_at: Instant::now(),
        })
    }

    /// Takes one chunk; hands what is due to `show` (at most every 50 ms).
    pub fn take(&mut self, chunk: &[u8], show: &mut impl FnMut(&str)) {
        if let Some(file) = &mut self.file
            && let Err(e) = file.write_all(chunk)
        {
            self.write_error = Some(e.to_string());
            self.file = None;
        }
        self.hasher.update(chunk);
        self.total += chunk.len() as u64;
        keep_last(&mut self.tail, chunk, TAIL_BYTES);
        let room = SHOWN_AT_ONCE.saturating_sub(self.batch.len());
        let (now, later) = chunk.split_at(chunk.len().min(room));
        self.batch.extend_from_slice(now);
        self.elided += later.len() as u64;
        self.tick(show);
    }

    /// Hands what waits to `show`, once 50 ms passed since it last did.
    pub fn tick(&mut self, show: &mut impl FnMut(&str)) {
        if self.shown_at.elapsed() >= SHOW_EVERY && (!self.batch.is_empty() || self.elided > 0) {
            self.show(show);
        }
    }

    /// Hands everything not yet shown to `show`.
    pub fn show(&mut self, show: &mut impl FnMut(&str)) {
        if !self.batch.is_empty() {
            show(&String::from_utf8_lossy(&self.batch));
            self.batch.clear();
        }
        if self.elided > 0 {
            show(&format!("\n[warroom: {} more bytes not shown here; the output file keeps them]\n", self.elided));
            self.elided = 0;
        }
        self.shown_at = Instant::now();
    }

    /// Syncs the file and says what was captured.
    pub fn finish(mut self, show: &mut impl FnMut(&str)) -> Captured {
        self.show(show);
        if let Some(file) = self.file.take()
            && let Err(e) = file.sync_all()
        {
            self.write_error = Some(e.to_string());
        }
        let mut tail = String::from_utf8_lossy(&self.tail).into_owned();
        if let Some(why) = &self.write_error {
            tail.push_str(&format!("\n[warroom: the output file is incomplete: {why}]"));
        }
        Captured {
            bytes: self.total,
            sha256: format!("{:x}", self.hasher.finalize()),
            tail,
            write_error: self.write_error,
        }
    }
}

fn keep_last(kept: &mut Vec<u8>, chunk: &[u8], limit: usize) {
    if chunk.len() >= limit {
        kept.clear();
        kept.extend_from_slice(&chunk[chunk.len() - limit..]);
        return;
    }
    let overflow = (kept.len() + chunk.len()).saturating_sub(limit);
    kept.drain(..overflow);
    kept.extend_from_slice(chunk);
}

#[cfg(test)]
mod tests {
    use super::keep_last;

    #[test]
    fn the_tail_keeps_the_last_bytes_whatever_the_chunking() {
        let text: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        for size in [1, 7, 4096, 5000, 10_000] {
            let mut kept = Vec::new();
            for chunk in text.chunks(size) {
                keep_last(&mut kept, chunk, 4096);
            }
            assert_eq!(kept, text[text.len() - 4096..], "chunks of {size}");
        }
    }
}
