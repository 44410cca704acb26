//! Refusals under the two-person rule: a request and its approval, one line each.

use chrono::{DateTime, Utc};
use std::fmt;

use super::sanitize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApprovalRefusal {
    NeedsApproval {
        step: String,
        /// A grant the log does not prove, and why.
        unproven: Option<String>,
    },
    NotTwoPerson {
        step: String,
    },
    ApprovalAlreadyRequested {
        step: String,
        by: String,
    },
    NoApprovalRequest {
        step: String,
    },
    ApprovalExpired {
        step: String,
        at: DateTime<Utc>,
    },
    SelfApproval {
        step: String,
    },
    /// The approval would come from the process that made the request (one keyboard, with
    /// the responder switched): not a second person.
    SameKeyboard {
        step: String,
        requested_by: String,
    },
    /// The request waiting is for another argv than the approver was shown.
    ApprovalChanged {
        step: String,
        requested: Vec<String>,
    },
}

impl From<ApprovalRefusal> for super::Refusal {
    fn from(refusal: ApprovalRefusal) -> Self {
        Self::Approval(refusal)
    }
}

impl fmt::Display for ApprovalRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |s: &str| sanitize::line(s).into_owned();
        match self {
            Self::NeedsApproval { step, unproven: Some(grant) } => write!(
                f,
                "step {step} is under the two-person rule, and its approval does not count: {}. A second, different responder approves it (V on the step in the console, or warroom approve INC {step})",
                show(grant)
            ),
            Self::NeedsApproval { step, unproven: None } => write!(
                f,
                "step {step} is under the two-person rule: request approval (r on the step in the console, or warroom approve INC {step} --request), then a second, different responder approves it (V, or warroom approve INC {step})"
            ),
            Self::NotTwoPerson { step } => {
                write!(f, "step {step} is not under the two-person rule; no approval needed")
            }
            Self::ApprovalAlreadyRequested { step, by } => {
                write!(f, "approval for {step} is already requested by {}; a second responder approves it", show(by))
            }
            Self::NoApprovalRequest { step } => write!(f, "nobody has requested approval for {step}"),
            Self::ApprovalExpired { step, at } => write!(
                f,
                "the request for {step} expired at {}; request it again",
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            Self::SameKeyboard { step, requested_by } => write!(
                f,
                "{} requested {step} from this same warroom process: switching the responder does not make a \
                 second person; the approval comes from another responder's own console or shell",
                show(requested_by)
            ),
            Self::SelfApproval { step } => {
                write!(f, "you requested {step} yourself: a second, different responder must approve it")
            }
            Self::ApprovalChanged { step, requested } => write!(
                f,
                "the request for {step} is for another argv than you were shown ({}); look at it again",
                requested.iter().map(|a| show(a)).collect::<Vec<_>>().join(" ")
            ),
        }
    }
}
