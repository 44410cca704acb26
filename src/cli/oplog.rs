//! The operational log: `warroom.log` in the workspace, one JSON line per refusal, append,
//! fault and recovery (`tracing`), never on the terminal. Readable by its owner only.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Mutex;

pub const FILE: &str = "warroom.log";

/// Sends this process's tracing events to the workspace's log; without a writable log they
/// go nowhere (the evidence log is what counts).
pub fn init(workspace: &Path) {
    let Ok(file) = OpenOptions::new().create(true).append(true).mode(0o600).open(workspace.join(FILE)) else {
        return;
    };
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_ansi(false)
        .with_current_span(false)
        .with_writer(Mutex::new(file))
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
}
