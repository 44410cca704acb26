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
        .with_writer(Mutex::new(Lossy(file)))
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// The log file, losing a line it cannot write (a full disk) instead of complaining on the
/// terminal, where the console is drawn.
struct Lossy(std::fs::File);

impl std::io::Write for Lossy {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
