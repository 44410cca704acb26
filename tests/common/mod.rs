//! Helpers for tests that drive the built `warroom` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_warroom");

pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("temp dir") }
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
