//! The operational log: `warroom.log` in the workspace, one JSON line per refusal, append,
//! fault and recovery (`tracing`), never on the terminal. Readable by its owner only.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;

pub const FILE: &str = "warroom.log";

/// Sends this process's tracing events to the workspace's log, written by a thread of its own
/// so that no append waits for it; keep the guard until the process ends (dropping it writes
/// what is queued). Without a writable log the events go nowhere: the evidence log is what
/// counts.
pub fn init(workspace: &Path) -> Option<WorkerGuard> {
    let file = OpenOptions::new().create(true).append(true).mode(0o600).open(workspace.join(FILE)).ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let subscriber =
        tracing_subscriber::fmt().json().with_ansi(false).with_current_span(false).with_writer(writer).finish();
    tracing::subscriber::set_global_default(subscriber).ok()?;
    Some(guard)
}
