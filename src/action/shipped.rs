//! The example actions shipped with warroom, installed into the workspace's `bin/` the first
//! time an action runs. An existing file is never overwritten (it may be the team's own),
//! unless it is byte for byte an earlier shipped version: that one is upgraded.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::FileError;

const SHIPPED: &[(&str, &str)] = &[
    ("kill-switch", include_str!("../../assets/actions/kill-switch")),
    ("reroute-traffic", include_str!("../../assets/actions/reroute-traffic")),
];

/// SHA-256 of earlier shipped versions, which are upgraded in place.
const EARLIER: &[&str] = &[
    "a46b75a665206544fa84e65d8c649884355ae233133398d1d49bf2103a232f4a",
    "d5e7d0b62f977af634ecc87e5816903a7e5a30f503797e1e7116e9ac420f0ed2",
    "21e212cc9d1f5678819ea15b7519f1c87ee6f5ea9a8966432efeb62d0a4d6e9e",
    "14874cbf09a36e6705f52f98fb374b5825c7198beca15d16f4a0a7cd302f3bb7",
    "d4bbec6a160fb825ebfc4747637d119b9f97a38d76c06db0e2d98057c87e92e4",
    "461b8a8b211126254fb1790d852234ab1fde8085bdfedb2b950081179d211b2a",
    "852bca56bcfde5434139b43bca9b5fe379141da651a5bd81cc7cc1df52b991b3",
];

pub fn install(workspace: &Path) -> Result<(), FileError> {
    let bin = workspace.join("bin");
    for (name, text) in SHIPPED {
        let path = bin.join(name);
        if path.exists() && !earlier_shipped(&path) {
            continue;
        }
        crate::private_fs::create_dir_all(&bin).map_err(|e| FileError::new("create", &bin, e))?;
        crate::private_fs::write(&path, text.as_bytes())
            .and_then(|()| std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)))
            .map_err(|e| FileError::new("install", &path, e))?;
    }
    Ok(())
}

fn earlier_shipped(path: &Path) -> bool {
    use sha2::Digest;
    std::fs::read(path).is_ok_and(|bytes| EARLIER.contains(&format!("{:x}", sha2::Sha256::digest(&bytes)).as_str()))
}
