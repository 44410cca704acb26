//! Handing over command. The commander (or anyone) names a new commander; the previous one
//! keeps command, and every power that goes with it, until the new one accepts. Taking
//! command yourself needs no acceptance: the log says who did it.

use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handover {
    pub from: String,
    pub to: String,
    /// When command was offered.
    pub at: DateTime<Utc>,
}

/// Whether assigning `role` to `name`, held by `previous`, recorded by `by`, is an offer that
/// waits for `name` to accept (rather than an assignment in force at once).
pub fn is_offer(role: &str, name: &str, previous: &str, by: &str) -> bool {
    role == "commander" && name != previous && name != by
}
