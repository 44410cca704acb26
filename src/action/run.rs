//! Running a prepared action in its own process group with a timeout (the whole group is killed
//! when it passes), its output streamed to the caller and kept whole in the workspace with its
//! SHA-256. Recording its start and outcome is the application's (`app::action`).

use std::io::Read;
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::FileError;
use super::expand::Prepared;
use crate::clock::Clock;
use crate::domain::actions::ActionOutcome;

/// How much of the output the log itself keeps (the end of it); the file keeps all.
pub const TAIL_BYTES: usize = 4096;
/// After a timeout: SIGTERM to the group, then SIGKILL this much later.
const GRACE: Duration = Duration::from_secs(2);

/// Runs `prepared` (its start already recorded as `started_seq` of `incident`), streaming each
/// chunk of output to `output` and keeping all of it in the workspace's `actions/`; returns
/// the outcome to record.
pub fn run_program(
    root: &Path,
    incident: &str,
    started_seq: u64,
    prepared: &Prepared,
    clock: &Clock,
    mut output: impl FnMut(&str),
) -> Result<ActionOutcome, FileError> {
    super::shipped::install(root)?;
    let started_at = clock.now();
    let relative = format!("actions/{incident}/{started_seq}-{}.log", prepared.step);
    let path = root.join(&relative);
    if let Some(dir) = path.parent() {
        crate::private_fs::create_dir_all(dir).map_err(|e| FileError::new("create", dir, e))?;
    }
    let (bytes, exit_code, timed_out) = execute(root, prepared, &mut output);
    crate::private_fs::write(&path, &bytes)
        .and_then(|()| std::fs::File::open(&path)?.sync_all())
        .map_err(|e| FileError::new("write", &path, e))?;
    let tail_start = bytes.len().saturating_sub(TAIL_BYTES);
    Ok(ActionOutcome {
        exit_code,
        timed_out,
        started_at,
        ended_at: clock.now(),
        output_tail: String::from_utf8_lossy(&bytes[tail_start..]).into_owned(),
        output_bytes: bytes.len() as u64,
        output_file: relative,
        output_sha256: format!("{:x}", Sha256::digest(&bytes)),
    })
}

/// Runs the program; returns its output (stdout and stderr as they came), its exit code
/// (`None` if a signal ended it), and whether the timeout killed it.
fn execute(workspace: &Path, prepared: &Prepared, output: &mut impl FnMut(&str)) -> (Vec<u8>, Option<i32>, bool) {
    use std::os::unix::process::CommandExt;
    let Some((program, args)) = prepared.argv.split_first() else {
        return (b"no program to run\n".to_vec(), None, false);
    };
    let cwd = prepared.cwd.as_deref().map_or_else(|| workspace.to_owned(), |c| workspace.join(c));
    // A relative path with a directory (`bin/kill-switch`) names a file in the workspace; a bare
    // name is looked up on PATH.
    let program = if program.contains('/') && Path::new(program).is_relative() {
        workspace.join(program)
    } else {
        program.into()
    };
    let spawned = Process::new(&program)
        .args(args)
        .current_dir(cwd)
        .envs(prepared.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            let text = format!("cannot start {}: {e}\n", program.display());
            output(&text);
            return (text.into_bytes(), None, false);
        }
    };
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let mut readers = Vec::new();
    let pipes: [Option<Box<dyn Read + Send>>; 2] = [
        child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>),
        child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>),
    ];
    for mut pipe in pipes.into_iter().flatten() {
        let tx = tx.clone();
        readers.push(std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 || tx.send(buffer[..n].to_vec()).is_err() {
                    break;
                }
            }
        }));
    }
    drop(tx);
    let group = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap_or(0));
    let deadline = Instant::now() + prepared.timeout;
    let mut bytes = Vec::new();
    let mut timed_out = false;
    let mut killed_at: Option<Instant> = None;
    let status = loop {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(chunk) => {
                output(&String::from_utf8_lossy(&chunk));
                bytes.extend_from_slice(&chunk);
                continue;
            }
            Err(mpsc::RecvTimeoutError::Timeout | mpsc::RecvTimeoutError::Disconnected) => {}
        }
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        let now = Instant::now();
        match killed_at {
            None if now >= deadline => {
                timed_out = true;
                let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGTERM);
                killed_at = Some(now);
            }
            Some(at) if now >= at + GRACE => {
                let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
                break child.wait().ok();
            }
            _ => {}
        }
    };
    if timed_out {
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
    }
    let drained = Instant::now() + Duration::from_secs(1);
    while let Ok(chunk) = rx.recv_timeout(drained.saturating_duration_since(Instant::now())) {
        output(&String::from_utf8_lossy(&chunk));
        bytes.extend_from_slice(&chunk);
    }
    if timed_out {
        let note =
            format!("\n[warroom: timed out after {}s; the process group was killed]\n", prepared.timeout.as_secs());
        output(&note);
        bytes.extend_from_slice(note.as_bytes());
    }
    (bytes, status.and_then(|s| s.code()), timed_out)
}
