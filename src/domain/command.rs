//! What a responder asks for. `decide` checks it against the incident and turns it into events.

use chrono::{DateTime, Utc};

use super::runbook::Runbook;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Declare {
        id: String,
        runbook: Box<Runbook>,
        severity: Option<String>,
        title: Option<String>,
        aware_at: Option<DateTime<Utc>>,
        drill: bool,
    },
    Tick {
        step: String,
        note: Option<String>,
        force: bool,
    },
    Skip {
        step: String,
        reason: String,
    },
    Reopen {
        step: String,
        reason: String,
    },
    Note {
        text: String,
    },
    Severity {
        to: String,
        reason: String,
    },
    Assign {
        role: String,
        name: String,
    },
    Resolve,
    Close {
        force: bool,
        reason: Option<String>,
    },
}
