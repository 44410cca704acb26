use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use super::line::LineFault;
use crate::domain::{Refusal, sanitize};

/// What kind of failure ended a command: the one table of process exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Refused, unknown, or lint errors: nothing was written.
    Refused,
    /// The request itself is malformed.
    Usage,
    /// The evidence does not verify.
    Damaged,
    /// A write did not become durable (disk, permissions, an unhealthy store).
    NotSaved,
    /// Something warroom itself got wrong, or its terminal or network gave way.
    Internal,
    /// Not done yet: it waits for a second responder's approval (the request is recorded).
    Waiting,
}

impl Failure {
    pub const fn exit_code(self) -> i32 {
        match self {
            Self::Refused => 1,
            Self::Usage => 2,
            Self::Damaged => 3,
            Self::NotSaved => 4,
            Self::Internal => 5,
            Self::Waiting => 6,
        }
    }
}

#[derive(Debug)]
pub enum StoreError {
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    Corrupt {
        incident: String,
        seq: u64,
        fault: LineFault,
    },
    WrongLog {
        file: String,
        declared: String,
    },
    /// The log says less than a witness saw it say: cut, or its head rewritten.
    BehindWitness {
        incident: String,
        why: String,
    },
    /// A write or sync failed and writing has not worked since: nothing is written until a
    /// probe write succeeds (the store retries by itself).
    Unhealthy {
        cause: String,
    },
    NotSaved {
        incident: String,
        source: io::Error,
    },
    UnknownIncident {
        id: String,
        hint: String,
    },
    Refused(Refusal),
    /// A log that does not verify, found while reading it whole (export).
    Damaged {
        file: String,
        why: String,
    },
    /// An export that cannot be written where asked.
    Export(String),
    /// A log with no declaration: its process died between creating it and declaring.
    Undeclared {
        id: String,
    },
    /// The workspace requires signed events and this process cannot sign for the actor.
    CannotSign(String),
    /// The workspace's `allowed_signers` cannot be read.
    Signers(String),
    /// The store cannot be used as configured (its address, its schema).
    Store(String),
    /// The target of a copy holds something other than what is copied into it.
    Conflict(String),
}

impl StoreError {
    /// True when the failure is the storage's own (full, read-only, failing), not the request's.
    pub fn is_storage_fault(&self) -> bool {
        match self {
            Self::NotSaved { .. } | Self::Unhealthy { .. } => true,
            Self::Io { source, .. } => {
                matches!(
                    source.kind(),
                    io::ErrorKind::StorageFull
                        | io::ErrorKind::QuotaExceeded
                        | io::ErrorKind::ReadOnlyFilesystem
                        | io::ErrorKind::PermissionDenied
                        | io::ErrorKind::WriteZero
                        | io::ErrorKind::NotConnected
                        | io::ErrorKind::ConnectionRefused
                        | io::ErrorKind::ConnectionReset
                        | io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::BrokenPipe
                        | io::ErrorKind::TimedOut
                ) || source.raw_os_error() == Some(5)
            }
            _ => false,
        }
    }

    /// The fault in a few words, for a status line: what was being written and why it failed.
    pub fn cause(&self) -> String {
        match self {
            Self::NotSaved { incident, source } => format!("writing {incident}: {source}"),
            Self::Unhealthy { cause } => cause.clone(),
            other => other.to_string(),
        }
    }

    pub fn io(action: &'static str, path: &Path, source: io::Error) -> Self {
        Self::Io { action, path: path.to_owned(), source }
    }

    pub const fn failure(&self) -> Failure {
        match self {
            Self::Refused(_)
            | Self::UnknownIncident { .. }
            | Self::Export(_)
            | Self::CannotSign(_)
            | Self::Conflict(_) => Failure::Refused,
            Self::Signers(_) | Self::Store(_) => Failure::Usage,
            Self::Corrupt { .. }
            | Self::WrongLog { .. }
            | Self::BehindWitness { .. }
            | Self::Damaged { .. }
            | Self::Undeclared { .. } => Failure::Damaged,
            Self::Io { .. } | Self::Unhealthy { .. } | Self::NotSaved { .. } => Failure::NotSaved,
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { action, path, source } if is_read_only(source) => {
                write!(f, "cannot {action} {}: the workspace is read-only ({source})", path.display())
            }
            Self::Io { action, path, source } => write!(f, "cannot {action} {}: {source}", path.display()),
            Self::Corrupt { incident, seq, fault } => write!(
                f,
                "the log of {incident} is damaged at seq {seq} ({fault}); it is read-only until restored \
                 (run `warroom verify {incident}`)"
            ),
            Self::WrongLog { file, declared } => {
                write!(f, "log file {file} declares incident {}: it was renamed or swapped", sanitize::line(declared))
            }
            Self::BehindWitness { incident, why } => {
                write!(f, "the log of {incident} is damaged: {why}; nothing is written to it until it is restored")
            }
            Self::Unhealthy { cause } => write!(
                f,
                "NOT SAVED: the store cannot write ({cause}); nothing is written until it can, and it retries by itself"
            ),
            Self::NotSaved { incident, source } => write!(f, "NOT SAVED to {incident}: {source}"),
            Self::UnknownIncident { id, hint } => {
                write!(f, "no incident {:?} in this workspace{hint}", sanitize::line(id))
            }
            Self::Refused(refusal) => write!(f, "refused: {refusal}"),
            Self::Damaged { file, why } => write!(f, "{file} is damaged: {why}; nothing exported"),
            Self::Export(why) => write!(f, "cannot export: {why}"),
            Self::Undeclared { id } => {
                write!(f, "{id} was never declared: its log is empty (the declaring process died)")
            }
            Self::CannotSign(why) => write!(f, "not recorded: {}", sanitize::line(why)),
            Self::Signers(why) => write!(f, "{}", sanitize::line(why)),
            Self::Store(why) | Self::Conflict(why) => write!(f, "{}", sanitize::line(why)),
        }
    }
}

fn is_read_only(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem)
}

impl std::error::Error for StoreError {}

impl From<Refusal> for StoreError {
    fn from(r: Refusal) -> Self {
        Self::Refused(r)
    }
}
