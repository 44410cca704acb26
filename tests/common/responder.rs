//! A responder with their own key and their own running ssh-agent, as tests sign with them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::Workspace;
use super::keys::keygen;

/// A responder's key pair and their own running ssh-agent holding it.
pub struct Responder {
    pub name: &'static str,
    pub key: PathBuf,
    agent: Child,
    pub socket: PathBuf,
}

impl Responder {
    pub fn new(dir: &Path, name: &'static str) -> Self {
        let key = keygen(dir, name);
        let socket = dir.join(format!("{name}.agent"));
        let agent = Command::new("ssh-agent")
            .args(["-D", "-a"])
            .arg(&socket)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ssh-agent (openssh-client) is installed");
        let started = Instant::now();
        while !socket.exists() {
            assert!(started.elapsed() < Duration::from_secs(10), "ssh-agent did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
        let added =
            Command::new("ssh-add").arg("-q").arg(&key).env("SSH_AUTH_SOCK", &socket).output().expect("ssh-add");
        assert!(added.status.success(), "ssh-add: {}", super::stderr(&added));
        Self { name, key, agent, socket }
    }

    /// Locks (`-x`) or unlocks (`-X`) the agent, the password coming from `askpass`.
    pub fn lock(&self, askpass: &Path, flag: &str) {
        let done = Command::new("ssh-add")
            .arg(flag)
            .env("SSH_AUTH_SOCK", &self.socket)
            .env("SSH_ASKPASS", askpass)
            .env("SSH_ASKPASS_REQUIRE", "force")
            .env("DISPLAY", ":0")
            .stdin(Stdio::null())
            .output()
            .expect("ssh-add");
        assert!(done.status.success(), "ssh-add {flag}: {}", super::stderr(&done));
    }

    pub fn public_line(&self) -> String {
        super::keys::public_line(&self.key)
    }

    /// `warroom` as this responder, with their agent, acting as `actor`.
    pub fn run_as(&self, ws: &Workspace, actor: &str, args: &[&str]) -> Output {
        ws.command(actor).env("SSH_AUTH_SOCK", &self.socket).args(args).output().expect("run warroom")
    }

    pub fn run(&self, ws: &Workspace, args: &[&str]) -> Output {
        self.run_as(ws, self.name, args)
    }

    pub fn ok(&self, ws: &Workspace, args: &[&str]) -> String {
        let out = self.run(ws, args);
        assert!(out.status.success(), "{} {args:?}: {}", self.name, super::stderr(&out));
        String::from_utf8(out.stdout).expect("utf-8")
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.agent.kill();
        let _ = self.agent.wait();
    }
}
