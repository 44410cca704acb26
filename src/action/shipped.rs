//! The example actions shipped with warroom, installed into the workspace's `bin/` the first
//! time an action runs (an existing file is never overwritten: it may be the team's own).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::FileError;

const SHIPPED: &[(&str, &str)] = &[
    ("kill-switch", include_str!("../../assets/actions/kill-switch")),
    ("reroute-traffic", include_str!("../../assets/actions/reroute-traffic")),
];

pub fn install(workspace: &Path) -> Result<(), FileError> {
    let bin = workspace.join("bin");
    for (name, text) in SHIPPED {
        let path = bin.join(name);
        if path.exists() {
            continue;
        }
        crate::private_fs::create_dir_all(&bin).map_err(|e| FileError::new("create", &bin, e))?;
        crate::private_fs::write(&path, text.as_bytes())
            .and_then(|()| std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)))
            .map_err(|e| FileError::new("install", &path, e))?;
    }
    Ok(())
}
