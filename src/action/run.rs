//! Running a prepared action in its own process group with a timeout (the whole group is killed
//! when it passes), its output streamed to the caller and written through to the workspace with
//! its SHA-256 (see `capture`). Recording its start and outcome is the application's
//! (`app::action`).

use std::io::Read;
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::FileError;
use super::capture::Capture;
use super::expand::Prepared;
use super::orphan;
use crate::clock::Clock;
use crate::domain::actions::ActionOutcome;

/// The exit status recorded when the program could not be started (as a shell reports it).
pub const CANNOT_START: i32 = 127;

/// After a timeout: SIGTERM to the group, then SIGKILL this much later.
pub const GRACE: Duration = Duration::from_secs(2);

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
    let relative = output_file(incident, started_seq, &prepared.step);
    let path = root.join(&relative);
    if let Some(dir) = path.parent() {
        crate::private_fs::create_dir_all(dir).map_err(|e| FileError::new("create", dir, e))?;
    }
    let mut capture = Capture::to_file(&path).map_err(|e| FileError::new("create", &path, e))?;
    let group_file = orphan::group_file(&path);
    let mut watcher = None;
    let mut started = false;
    let spawned = |group: u32| {
        started = true;
        let _ = crate::private_fs::write(&group_file, group.to_string().as_bytes());
        watcher = start_watcher(group, prepared.timeout);
    };
    let (exit_code, timed_out) = execute(root, prepared, &mut capture, &mut output, spawned);
    let captured = capture.finish(&mut output);
    if let Some(watcher) = watcher {
        stop_watcher(watcher);
    }
    let _ = std::fs::remove_file(&group_file);
    Ok(ActionOutcome {
        exit_code,
        timed_out,
        started_at,
        ended_at: clock.now(),
        output_tail: captured.tail,
        output_bytes: captured.bytes,
        output_file: relative,
        output_sha256: captured.sha256,
        abandoned: false,
        simulated: false,
        not_started: !started,
    })
}

/// Where the output of the action started as `started_seq` goes, relative to the workspace.
pub fn output_file(incident: &str, started_seq: u64, step: &str) -> String {
    format!("actions/{incident}/{started_seq}-{step}.log")
}

/// Runs the program, its output (stdout and stderr as they came) into `capture`; returns its
/// exit code (`None` if a signal ended it) and whether the timeout killed it.
fn execute(
    workspace: &Path,
    prepared: &Prepared,
    capture: &mut Capture,
    output: &mut impl FnMut(&str),
    on_spawn: impl FnOnce(u32),
) -> (Option<i32>, bool) {
    use std::os::unix::process::CommandExt;
    let Some((program, args)) = prepared.argv.split_first() else {
        capture.take(b"no program to run\n", output);
        return (None, false);
    };
    // Absolute, so that a program path below the workspace still names it after the chdir.
    let workspace = &std::path::absolute(workspace).unwrap_or_else(|_| workspace.to_owned());
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
            let text = format!("[warroom: cannot start {}: {e}]\n", program.display());
            capture.take(text.as_bytes(), output);
            return (Some(CANNOT_START), false);
        }
    };
    on_spawn(child.id());
    // Bounded: a program printing faster than its output is written waits on its pipe.
    let (tx, rx) = mpsc::sync_channel::<Vec<u8>>(64);
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
    let mut timed_out = false;
    let mut killed_at: Option<Instant> = None;
    let status = loop {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(chunk) => {
                capture.take(&chunk, output);
                continue;
            }
            Err(mpsc::RecvTimeoutError::Timeout | mpsc::RecvTimeoutError::Disconnected) => capture.tick(output),
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
        capture.take(&chunk, output);
    }
    if timed_out {
        let note =
            format!("\n[warroom: timed out after {}s; the process group was killed]\n", prepared.timeout.as_secs());
        capture.take(note.as_bytes(), output);
    }
    (status.and_then(|s| s.code()), timed_out)
}

/// Starts the watcher that ends the group if this process dies or the timeout passes without
/// it (none when no watcher program was set, as in library tests).
fn start_watcher(group: u32, timeout: Duration) -> Option<std::process::Child> {
    use std::os::unix::process::CommandExt;
    let program = orphan::watcher()?;
    let seconds = (timeout + GRACE).as_secs() + 1;
    Process::new(program)
        .args(["watch-action", "--group", &group.to_string(), "--parent", &std::process::id().to_string()])
        .args(["--seconds", &seconds.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .ok()
}

/// The watcher ends by itself once the group is gone; it is waited for so that no zombie stays.
fn stop_watcher(mut watcher: std::process::Child) {
    let until = Instant::now() + Duration::from_secs(1);
    while Instant::now() < until {
        if watcher.try_wait().ok().flatten().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = watcher.kill();
    let _ = watcher.wait();
}
