//! The whole output of each action run, copied into the bundle at the path the post-mortem
//! names, when the file is still what the log recorded (its SHA-256). The manifest says of
//! each run's output what became of it, so a missing or altered file is seen, not hidden.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::incident::Incident;

/// An output file as the workspace holds it now (`None`: it cannot be read).
#[derive(Clone, Debug)]
pub struct OnDisk {
    pub file: String,
    pub bytes: Option<Vec<u8>>,
}

/// What became of one run's output in this bundle.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Copied {
    pub file: String,
    pub recorded_sha256: String,
    pub copied: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why_not: Option<String>,
}

/// The files every run of `incident` wrote, relative to the workspace, as the log records them.
pub fn recorded(incident: &Incident) -> Vec<(&str, &str)> {
    let outcomes = incident.containment.runs.iter().filter_map(|run| run.outcome.as_ref());
    outcomes
        .filter(|o| !o.output_file.is_empty() && !o.simulated && !o.not_started)
        .map(|o| (o.output_file.as_str(), o.output_sha256.as_str()))
        .collect()
}

/// The outputs to copy, and the manifest's account of every one. A redacted bundle copies
/// none: like the log, an output may hold the values a redaction removes.
/// The files are (path in the bundle, bytes).
pub fn copy(incident: &Incident, on_disk: &[OnDisk], redacted: bool) -> (Vec<(String, Vec<u8>)>, Vec<Copied>) {
    let mut files = Vec::new();
    let mut account = Vec::new();
    for (file, recorded_sha256) in recorded(incident) {
        let bytes = on_disk.iter().find(|d| d.file == file).and_then(|d| d.bytes.as_ref());
        let why_not = match bytes {
            _ if redacted => Some("left out of a redacted bundle, like the log".to_owned()),
            None => Some("the workspace no longer holds it".to_owned()),
            Some(bytes) => {
                let found = format!("{:x}", Sha256::digest(bytes));
                (found != recorded_sha256).then(|| format!("it changed since the run: its SHA-256 is now {found}"))
            }
        };
        if let (None, Some(bytes)) = (&why_not, bytes) {
            files.push((file.to_owned(), bytes.clone()));
        }
        let copied = why_not.is_none();
        account.push(Copied { file: file.to_owned(), recorded_sha256: recorded_sha256.to_owned(), copied, why_not });
    }
    (files, account)
}
