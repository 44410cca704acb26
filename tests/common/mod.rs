//! Helpers for tests that drive the built `warroom` binary.
#![allow(dead_code)]

pub mod keys;
pub mod listen;
pub mod postgres;
pub mod receiver;
pub mod responder;
pub mod screen;
pub mod smtp;
pub mod stores;
pub mod tmux;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_warroom");

pub struct Workspace {
    pub dir: tempfile::TempDir,
    /// The PostgreSQL store its commands use (WARROOM_STORE), if not its files.
    pub store: Option<String>,
}

impl Workspace {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("temp dir"), store: None }
    }

    /// A workspace whose evidence is kept in a fresh PostgreSQL database.
    pub fn on_postgres() -> Self {
        Self { store: Some(postgres::database()), ..Self::new() }
    }

    /// A fresh workspace with its own runbook, `runbooks/<name>.yaml`.
    pub fn with_runbook(name: &str, yaml: &str) -> Self {
        let ws = Self::new();
        std::fs::create_dir_all(ws.path().join("runbooks")).expect("runbooks");
        std::fs::write(ws.path().join(format!("runbooks/{name}.yaml")), yaml).expect("runbook");
        ws
    }

    /// An executable `bin/<name>` in the workspace, for a step's action to run.
    pub fn program(&self, name: &str, text: &str) {
        use std::os::unix::fs::PermissionsExt;
        let bin = self.path().join("bin");
        std::fs::create_dir_all(&bin).expect("bin");
        let path = bin.join(name);
        std::fs::write(&path, text).expect("program");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn log(&self, id: &str) -> PathBuf {
        self.path().join("incidents").join(format!("{id}.jsonl"))
    }

    pub fn command(&self, actor: &str) -> Command {
        let mut command = Command::new(BIN);
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("WARROOM_DIR", self.path())
            .env("WARROOM_USER", actor);
        if let Some(url) = &self.store {
            command.env("WARROOM_STORE", url);
        }
        // Under a moved clock (.ci/moved-clock) every warroom runs on it, as the consoles in
        // tmux do: a log's times then agree with the time `verify` checks them against.
        for (name, value) in std::env::vars_os() {
            if name.to_str().is_some_and(|n| n == "LD_PRELOAD" || n.starts_with("FAKETIME")) {
                command.env(name, value);
            }
        }
        command
    }

    pub fn run(&self, actor: &str, args: &[&str]) -> Output {
        self.command(actor).args(args).output().expect("run warroom")
    }

    /// Runs and insists on success; returns stdout.
    pub fn ok(&self, actor: &str, args: &[&str]) -> String {
        let out = self.run(actor, args);
        assert!(out.status.success(), "warroom {args:?} failed: {}", stderr(&out));
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs at the fixed time `time` (RFC 3339) and insists on success; returns stdout.
    pub fn ok_at(&self, actor: &str, time: &str, args: &[&str]) -> String {
        let out = self.command(actor).env("WARROOM_TEST_NOW", time).args(args).output().expect("run warroom");
        assert!(out.status.success(), "warroom {args:?} at {time} failed: {}", stderr(&out));
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// The directory the first line of `printed` says a bundle was written to.
    pub fn bundle_in(printed: &str) -> PathBuf {
        let line = printed.lines().find(|l| l.contains("bundle written to")).expect("a bundle written");
        PathBuf::from(line.split("written to ").nth(1).expect("path").trim())
    }

    /// Runs signing with the key file `key`, and insists on success; returns stdout, trimmed.
    pub fn ok_with_key(&self, actor: &str, key: &Path, args: &[&str]) -> String {
        let out = self.command(actor).arg("--key").arg(key).args(args).output().expect("run warroom");
        assert!(out.status.success(), "warroom {args:?} failed: {}", stderr(&out));
        String::from_utf8(out.stdout).expect("utf-8 stdout").trim().to_owned()
    }

    /// Runs and insists on a refusal with `code`; returns the one stderr line.
    pub fn refused(&self, actor: &str, args: &[&str], code: i32) -> String {
        let out = self.run(actor, args);
        assert_eq!(out.status.code(), Some(code), "warroom {args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "one line expected, got: {err}");
        assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
        err
    }

    pub fn declare(&self, actor: &str, runbook: &str) -> String {
        self.ok(actor, &["declare", "--runbook", runbook]).trim().to_owned()
    }

    pub fn status_json(&self, incident: &str) -> serde_json::Value {
        let text = self.ok("auditor", &["status", incident, "--json"]);
        let value: serde_json::Value = serde_json::from_str(&text).expect("status json");
        value["incidents"][0].clone()
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// POSTs `body` to a listener on loopback and returns the HTTP status.
pub fn post(port: u16, body: &str) -> u16 {
    post_to(port, "/alerts", body)
}

/// POSTs a JSON `body` to `path` on a loopback port and returns the HTTP status.
pub fn post_to(port: u16, path: &str, body: &str) -> u16 {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return 0 };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes())).expect("send");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// Clock facts with every decision reached at `anchor` (each clock anchored there).
pub fn every_decision_at(anchor: chrono::DateTime<chrono::Utc>) -> warroom::domain::clock::ClockFacts {
    use warroom::domain::clock::{ClockFacts, Decision, DecisionRecord};
    let mut facts = ClockFacts::default();
    for decision in Decision::ALL {
        let record = DecisionRecord {
            decision,
            at: anchor,
            recorded_at: anchor,
            by: "p".into(),
            evidence: None,
            seq: 1,
            corrects: None,
            auto: false,
            reason: None,
            regime: None,
        };
        facts.decisions.insert(decision, record);
    }
    facts
}

/// A submission for `clock` at `at`.
pub fn submission(clock: &str, at: chrono::DateTime<chrono::Utc>) -> warroom::domain::clock::Submission {
    warroom::domain::clock::Submission {
        clock: clock.into(),
        at,
        recorded_at: at,
        by: "priya".into(),
        reference: format!("REF-{clock}"),
        phase: warroom::domain::clock::SubmissionPhase::Initial,
        channel: None,
        late_reason: None,
        seq: 100,
        filed: None,
    }
}
