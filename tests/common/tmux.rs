//! tmux on an isolated socket: start `warroom` in a session, send keys, read the screen, and
//! wait for text (never a fixed sleep).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::{BIN, Workspace};

pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn new(name: &str) -> Self {
        let socket = format!("warroom-test-{name}-{}", std::process::id());
        let version = Command::new("tmux").arg("-V").output();
        assert!(version.is_ok_and(|v| v.status.success()), "tmux is needed (CI installs it)");
        Self { socket }
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket, "-f", "/dev/null"]).args(args).output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts `warroom` (then a marker line when it exits) in a new session.
    pub fn start(&self, session: &str, ws: &Workspace, actor: &str, size: (u16, u16)) {
        self.start_with(session, ws, actor, size, "--demo");
    }

    pub fn start_with(&self, session: &str, ws: &Workspace, actor: &str, size: (u16, u16), args: &str) {
        self.start_in(session, ws.path(), actor, size, args);
    }

    /// Starts `warroom ARGS` on the workspace at `dir`.
    pub fn start_in(&self, session: &str, dir: &Path, actor: &str, size: (u16, u16), args: &str) {
        let script = format!(
            "WARROOM_DIR='{}' WARROOM_USER='{actor}' WARROOM_CONFIG=/nonexistent TZ=UTC '{BIN}' {args}; echo \"EXITED $?\"; sleep 60",
            dir.display()
        );
        self.tmux(&[
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            &size.0.to_string(),
            "-y",
            &size.1.to_string(),
            "sh",
            "-c",
            &script,
        ]);
    }

    pub fn screen(&self, session: &str) -> String {
        self.tmux(&["capture-pane", "-p", "-t", session])
    }

    pub fn wait_for(&self, session: &str, text: &str, within: Duration) -> String {
        self.wait_until(session, text, within, |screen| screen.contains(text))
    }

    /// Waits for a screen where `done` holds (a whole frame drawn, not part of one).
    pub fn wait_until(&self, session: &str, what: &str, within: Duration, done: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen(session);
            if done(&screen) {
                return screen;
            }
            assert!(started.elapsed() < within, "{what:?} did not appear within {within:?}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    pub fn keys(&self, session: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", session];
        args.extend(keys);
        self.tmux(&args);
    }

    pub fn pane_pid(&self, session: &str) -> u32 {
        self.tmux(&["list-panes", "-t", session, "-F", "#{pane_pid}"]).trim().parse().expect("pid")
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}
