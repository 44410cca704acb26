//! The unrouted-alert inbox of a file workspace: `<root>/inbox.jsonl`, a log like an
//! incident's.

use std::path::PathBuf;

use super::workspace::Workspace;

impl Workspace {
    pub fn inbox_path(&self) -> PathBuf {
        self.root().join("inbox.jsonl")
    }
}
