//! Who acted: the responder a process records events for, and which process it was.

use serde::{Deserialize, Serialize};

/// Who did it. A shared tmux session is one Unix user, so `name` is the acting responder
/// (`--as`), and login, host and pid say which process acted for them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub name: String,
    pub login: String,
    pub host: String,
    pub pid: u32,
    /// The process ran on a fixed test clock (a test build's `WARROOM_TEST_NOW`): its recorded
    /// times are not the system's, and `verify` says so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fixed_clock: bool,
    /// A service (the alert listener) recorded this, not a responder at a keyboard.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub service: bool,
}

impl Actor {
    /// A responder name has one spelling: no surrounding spaces, no control characters, at
    /// most 64 characters (it is compared, shown and stamped on every event).
    pub fn check_name(name: &str) -> Result<(), String> {
        let shown = super::sanitize::line(name);
        if name.trim().is_empty() {
            Err("a responder name cannot be empty".to_owned())
        } else if name.trim() != name {
            Err(format!("responder name {shown:?} has spaces around it: type it as {:?}", name.trim()))
        } else if name.chars().any(char::is_control) {
            Err(format!("responder name {shown:?} holds a control character"))
        } else if name.chars().count() > 64 {
            Err("a responder name has at most 64 characters".to_owned())
        } else {
            Ok(())
        }
    }

    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            login: name.to_owned(),
            host: "test".to_owned(),
            pid: 0,
            fixed_clock: false,
            service: false,
        }
    }
}
