//! What reaches `update` (messages) and what it asks the loop to do (effects).

use crossterm::event::KeyEvent;

use super::model::LogLine;
use crate::action::Prepared;
use crate::domain::command::Command;
use crate::domain::inbox::InboxItem;
use crate::domain::incident::Incident;
use crate::domain::refusal_about::About;

/// Why a command was refused: one line, and the part of it to correct when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub text: String,
    pub about: Option<About>,
}

impl From<String> for Refused {
    fn from(text: String) -> Self {
        Self { text, about: None }
    }
}

impl From<&str> for Refused {
    fn from(text: &str) -> Self {
        text.to_owned().into()
    }
}

impl From<&crate::app::AppError> for Refused {
    fn from(e: &crate::app::AppError) -> Self {
        Self { text: e.to_string(), about: e.about() }
    }
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Tick,
    /// An incident changed: its state now and the lines appended since the last news.
    Changed {
        incident: Box<Incident>,
        appended: Vec<LogLine>,
    },
    /// An open incident's log cannot be read (damaged): shown beside the others, with why.
    Unreadable {
        id: String,
        why: String,
    },
    /// An incident is no longer open (closed, here or elsewhere).
    Gone(String),
    /// A command's outcome: what was recorded, or why it was refused.
    Done(Result<String, Refused>),
    /// Refused only because the commander alone may do it: the responder may confirm acting
    /// in the commander's stead, and `command` is given again as such.
    InSteadOffered {
        why: String,
        commander: String,
        what: String,
        incident: String,
        command: Box<Command>,
    },
    /// Something went wrong reading the store (not the outcome of a command).
    Problem(String),
    /// Text pasted into the terminal (bracketed paste): one message, however long.
    Paste(String),
    /// The store's health changed: why it refuses writes, or `None` once it writes again.
    Health(Option<String>),
    /// The terminal's new size (columns, rows).
    Resized(u16, u16),
    /// Show this incident (one this console just declared).
    Select(String),
    /// The runbooks to declare from, with their flags read afresh.
    Runbooks(Vec<(String, String)>),
    /// The unrouted alerts waiting now.
    Unrouted(Vec<InboxItem>),
    /// What a search found (`query`), or every incident (the history).
    Found {
        query: Option<String>,
        found: crate::app::search::Found,
    },
    /// An incident read in full, to show read-only.
    Record(Box<super::model::RecordView>),
    /// Output from the running action.
    ActionOutput(String),
    /// The running action ended: succeeded or not, and the one-line outcome.
    ActionFinished(bool, String),
    /// Another responder is at this keyboard now (recorded on every open incident).
    ResponderSwitched {
        to: String,
        text: String,
        /// The key that signs for them now, when the workspace requires signatures.
        signer: Option<String>,
    },
}

#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    Execute {
        incident: String,
        command: Command,
    },
    Declare {
        runbook: String,
        severity: Option<String>,
        title: Option<String>,
    },
    DeclareFromAlert {
        key: String,
        runbook: String,
        severity: Option<String>,
        title: Option<String>,
    },
    DismissAlert {
        key: String,
        reason: String,
    },
    AttachAlert {
        key: String,
        incident: String,
    },
    /// Run exactly the action the responder confirmed.
    RunAction {
        incident: String,
        prepared: Box<Prepared>,
        options: crate::app::action::RunOptions,
    },
    SwitchResponder {
        to: String,
    },
    /// Every incident that mentions `query`, or (no query) every incident.
    Find {
        query: Option<String>,
    },
    /// Read an incident in full from the workspace.
    OpenRecord {
        id: String,
    },
    /// A `:` line, with the incident `.` stands for.
    CommandLine {
        line: String,
        selected: Option<String>,
    },
}
