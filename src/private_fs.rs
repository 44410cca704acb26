//! Files and directories only their owner can read: the workspace holds evidence (personal data
//! among it), so it is created 0700 and its files 0600 whatever the umask allows.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

pub const DIR_MODE: u32 = 0o700;
pub const FILE_MODE: u32 = 0o600;

/// `path` and any missing parents, each new one readable by its owner only.
pub fn create_dir_all(path: &Path) -> io::Result<()> {
    DirBuilder::new().recursive(true).mode(DIR_MODE).create(path)
}

/// Options that create a file readable by its owner only.
pub fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.mode(FILE_MODE);
    options
}

/// Whether others than its owner may read or write the file `meta` describes (a secret so kept
/// is anyone's on the host).
pub fn open_to_others(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o077 != 0
}

/// Creates or replaces `path` with `bytes`, readable by its owner only.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file: File = options().write(true).create(true).truncate(true).open(path)?;
    file.write_all(bytes)
}
