//! Recovery's copy of a torn tail: streamed aside a chunk at a time, whatever its size.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};

use sha2::{Digest, Sha256};

/// Copies `file` from `offset` to its end into `copy` (synced), a chunk at a time, hashing
/// what it copies; returns how many bytes.
pub fn copy_hashing(file: &mut File, offset: u64, copy: &mut File, hasher: &mut Sha256) -> std::io::Result<u64> {
    file.seek(SeekFrom::Start(offset))?;
    let mut chunk = vec![0; 1 << 20];
    let mut copied = 0;
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&chunk[..n]);
        copy.write_all(&chunk[..n])?;
        copied += n as u64;
    }
    copy.sync_all()?;
    Ok(copied)
}
