//! Where a log's bytes live: a file of the workspace, or rows of a database. A log reads
//! through a view and appends through a hold, which keeps every other writer out until it is
//! dropped; each adapter keeps the same line bytes.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::line::Digest32;

/// A look at a log's bytes as they stand.
pub trait View {
    fn byte_len(&mut self) -> io::Result<u64>;
    /// The bytes from `offset` to the end.
    fn read_from(&mut self, offset: u64) -> io::Result<Box<dyn Read + '_>>;
    /// Whether line `seq` is still the one sealed with `hash`, where the medium can look a line
    /// up by number (rows, which a failover may have replaced). A file is only ever appended
    /// to: true.
    fn continues(&mut self, _seq: u64, _hash: &Digest32) -> io::Result<bool> {
        Ok(true)
    }
}

/// The log taken for writing: no other writer appends until it is dropped.
pub trait Hold: View {
    /// Appends whole lines; durable once it returns.
    fn append(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Cuts the log back to `len` bytes, durably (what a failed append or a torn tail left).
    fn cut(&mut self, len: u64) -> io::Result<()>;
}

pub trait Medium: Send + Sync {
    /// Where the log lives, for people and for errors.
    fn location(&self) -> &Path;
    fn view(&self) -> io::Result<Box<dyn View>>;
    fn hold(&self) -> io::Result<Box<dyn Hold>>;
}

/// A log file of the workspace, held with an exclusive `flock`.
pub struct FileMedium {
    path: PathBuf,
}

impl FileMedium {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }
}

impl Medium for FileMedium {
    fn location(&self) -> &Path {
        &self.path
    }

    fn view(&self) -> io::Result<Box<dyn View>> {
        Ok(Box::new(File::open(&self.path)?))
    }

    fn hold(&self) -> io::Result<Box<dyn Hold>> {
        let file = OpenOptions::new().read(true).append(true).open(&self.path)?;
        file.lock()?;
        Ok(Box::new(file))
    }
}

impl View for File {
    fn byte_len(&mut self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }

    fn read_from(&mut self, offset: u64) -> io::Result<Box<dyn Read + '_>> {
        self.seek(SeekFrom::Start(offset))?;
        Ok(Box::new(self))
    }
}

impl Hold for File {
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self.write(bytes)? {
            written if written == bytes.len() => self.sync_data(),
            written => Err(io::Error::new(
                io::ErrorKind::WriteZero,
                format!("short write ({written} of {} bytes): the disk is full or failing", bytes.len()),
            )),
        }
    }

    fn cut(&mut self, len: u64) -> io::Result<()> {
        self.set_len(len)?;
        self.sync_all()
    }
}
