//! Keys for tests, made by the real `ssh-keygen`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh ed25519 key pair `dir/<name>_ed25519{,.pub}`, without a passphrase.
pub fn keygen(dir: &Path, name: &str) -> PathBuf {
    let key = dir.join(format!("{name}_ed25519"));
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen (openssh-client) is installed");
    assert!(made.status.success(), "ssh-keygen: {}", super::stderr(&made));
    key
}

/// `keytype base64` of the public half of `key`, as `allowed_signers` lists it.
pub fn public_line(key: &Path) -> String {
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("public key");
    public.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}
