//! A secret a workspace file holds (a token, a webhook's signing key, a password), read as a
//! secret must be: a regular file (never a FIFO or a device, which would block or never end),
//! small, and not empty (an empty key signs for anyone).

use std::io::Read;
use std::path::Path;

/// The largest secret file read.
const MAX_BYTES: u64 = 64 * 1024;

pub struct Secret {
    pub text: String,
    /// Others than its owner may read the file: anyone on the host could use it.
    pub shared: bool,
}

pub fn read(path: &Path) -> Result<Secret, String> {
    let shown = path.display();
    let file = open_without_blocking(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a file"));
    }
    let mut text = String::new();
    file.take(MAX_BYTES + 1).read_to_string(&mut text).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if text.len() as u64 > MAX_BYTES {
        return Err(format!("{shown} is over {} KiB: not a secret", MAX_BYTES / 1024));
    }
    let text = text.trim().to_owned();
    if text.is_empty() {
        return Err(format!("{shown} is empty"));
    }
    Ok(Secret { text, shared: crate::private_fs::open_to_others(&meta) })
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits()).open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::read;

    #[test]
    fn only_a_small_non_empty_regular_file_is_a_secret() {
        let dir = std::env::temp_dir().join(format!("warroom-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let at = |name: &str, bytes: &[u8]| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).expect("write");
            path
        };
        assert_eq!(read(&at("ok", b"  s3cret\n")).map(|s| s.text), Ok("s3cret".to_owned()));
        assert!(read(&at("blank", b" \n\t")).is_err_and(|e| e.ends_with("is empty")));
        assert!(read(&at("big", &vec![b'x'; 70 * 1024])).is_err_and(|e| e.contains("not a secret")));
        assert!(read(&dir).is_err_and(|e| e.ends_with("is not a file")));
        assert!(read(std::path::Path::new("/dev/zero")).is_err_and(|e| e.ends_with("is not a file")));
        let fifo = dir.join("fifo");
        let _ = std::fs::remove_file(&fifo);
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).expect("mkfifo");
        assert!(read(&fifo).is_err_and(|e| e.ends_with("is not a file")), "a FIFO neither blocks nor passes");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
