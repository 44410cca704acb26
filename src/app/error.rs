use std::fmt;

use crate::domain::sanitize;
use crate::store::{Failure, StoreError};

/// Why a use case did not happen (or happened only in part), as one line for a person, and the
/// kind of failure a front end maps to its exit code or HTTP status.
#[derive(Debug)]
pub enum AppError {
    /// The store refused, could not write, or found damage.
    Store(StoreError),
    /// The request names something that does not exist or cannot be done (exit 1).
    Refused(String),
    /// The request itself is malformed (exit 2).
    Usage(String),
    /// The incident closed, but its bundle could not be written (exit 1).
    ClosedWithoutBundle { id: String, why: String },
}

impl AppError {
    pub fn refused(text: impl Into<String>) -> Self {
        Self::Refused(text.into())
    }

    /// The commander and what only they may do, when that alone refused the request.
    pub fn commander_needed(&self) -> Option<(String, String)> {
        match self {
            Self::Store(StoreError::Refused(refusal)) => refusal.commander_needed(),
            _ => None,
        }
    }

    /// The part of the request to correct, when a refusal is about one.
    pub const fn about(&self) -> Option<crate::domain::refusal_about::About> {
        match self {
            Self::Store(StoreError::Refused(refusal)) => refusal.about(),
            _ => None,
        }
    }

    pub const fn failure(&self) -> Failure {
        match self {
            Self::Store(e) => e.failure(),
            Self::Refused(_) | Self::ClosedWithoutBundle { .. } => Failure::Refused,
            Self::Usage(_) => Failure::Usage,
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Store(e) => write!(f, "{e}"),
            Self::Refused(text) | Self::Usage(text) => write!(f, "{}", sanitize::line(text)),
            Self::ClosedWithoutBundle { id, why } => {
                write!(
                    f,
                    "closed {id}, but the bundle was not written: {} (run warroom export {id})",
                    sanitize::line(why)
                )
            }
        }
    }
}

impl std::error::Error for AppError {}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<crate::action::FileError> for AppError {
    fn from(e: crate::action::FileError) -> Self {
        Self::Store(StoreError::io(e.action, &e.path, e.source))
    }
}

impl From<crate::domain::Refusal> for AppError {
    fn from(r: crate::domain::Refusal) -> Self {
        Self::Store(StoreError::Refused(r))
    }
}

/// One line in the operational log for a use case that did not happen: a refusal (the
/// responder's to fix) or a fault (the store's).
pub fn log(app: &super::App, call: &str, incident: Option<&str>, error: &AppError) {
    let incident = incident.unwrap_or("");
    match error.failure() {
        Failure::Refused | Failure::Usage | Failure::Waiting => {
            tracing::info!(event = "refusal", actor = %app.actor.name, call, incident, reason = %error);
        }
        Failure::Damaged | Failure::NotSaved | Failure::Internal => {
            tracing::error!(event = "fault", actor = %app.actor.name, call, incident, error = %error);
        }
    }
}
