//! Actions never outlive their timeout nor the warroom process that started them: a watcher
//! process (the warroom binary, started hidden) kills the action's process group when either
//! ends; and when a warroom process died anyway, the next one to open the incident finds the
//! run unfinished, kills what is left of its group and records it abandoned.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;
use sha2::{Digest, Sha256};

use super::capture::{Captured, TAIL_BYTES};

/// The program that watches running actions (the warroom binary), set once by the front end.
static WATCHER: OnceLock<PathBuf> = OnceLock::new();

/// From now on every action is watched by `program watch-action …` (a hidden subcommand).
pub fn watch_with(program: PathBuf) {
    let _ = WATCHER.set(program);
}

pub fn watcher() -> Option<&'static Path> {
    WATCHER.get().map(PathBuf::as_path)
}

/// Where a running action's process group id is kept, beside its output file.
pub fn group_file(output_file: &Path) -> PathBuf {
    output_file.with_extension("pgid")
}

/// Whether process `pid` exists (on this host).
pub fn alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else { return false };
    !matches!(kill(Pid::from_raw(pid), None), Err(Errno::ESRCH))
}

/// Whether any process of group `group` is left.
pub fn group_alive(group: i32) -> bool {
    group > 1 && !matches!(killpg(Pid::from_raw(group), None), Err(Errno::ESRCH))
}

/// SIGTERM to the group, then SIGKILL after `grace` if anything is left.
pub fn end_group(group: i32, grace: Duration) {
    if group <= 1 {
        return;
    }
    let _ = killpg(Pid::from_raw(group), Signal::SIGTERM);
    let until = Instant::now() + grace;
    while group_alive(group) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = killpg(Pid::from_raw(group), Signal::SIGKILL);
}

/// The watcher's loop: ends the group once its time is up or `parent` is gone; returns once
/// the group is.
pub fn watch(group: i32, parent: u32, time_left: Duration, grace: Duration) {
    let until = Instant::now() + time_left;
    while group_alive(group) {
        if !alive(parent) || Instant::now() >= until {
            end_group(group, grace);
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The group recorded for an action whose output goes to `output_file`, if it still runs.
pub fn leftover_group(output_file: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(group_file(output_file)).ok()?;
    let group: i32 = text.trim().parse().ok()?;
    group_alive(group).then_some(group)
}

/// What an abandoned action's file holds: its size, hash and tail.
pub fn captured_so_far(output_file: &Path) -> Captured {
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    let mut tail = Vec::new();
    let mut write_error = None;
    match std::fs::File::open(output_file) {
        Ok(mut file) => {
            let mut buffer = vec![0u8; 64 * 1024];
            loop {
                match file.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(n) => {
                        hasher.update(&buffer[..n]);
                        total += n as u64;
                        tail.extend_from_slice(&buffer[..n]);
                        let excess = tail.len().saturating_sub(TAIL_BYTES);
                        tail.drain(..excess);
                    }
                    Err(e) => {
                        write_error = Some(format!("cannot read the output file: {e}"));
                        break;
                    }
                }
            }
        }
        Err(e) => write_error = Some(format!("no output file: {e}")),
    }
    Captured {
        bytes: total,
        sha256: format!("{:x}", hasher.finalize()),
        tail: String::from_utf8_lossy(&tail).into_owned(),
        write_error,
    }
}
