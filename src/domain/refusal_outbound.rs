//! Refusals about messages leaving warroom: one line each, any text from outside shown through
//! the display sanitiser.

use std::fmt;

use super::sanitize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutboundRefusal {
    /// The rotation has no target in `warroom.yaml`: nobody would be paged.
    NoTargets {
        rotation: String,
    },
    UnknownMessage {
        key: String,
    },
    /// Delivered or given up already (another process recorded it first).
    Settled {
        key: String,
    },
    /// Nobody is waiting for an answer on `role` (`None`: on any role).
    NotPaged {
        role: Option<String>,
    },
    /// Answered in person without naming a role while several wait: which one is not guessed.
    WhichRole {
        waiting: Vec<String>,
    },
    /// The role was paged at this rung or a later one already (by another process, say).
    AlreadyPaged {
        role: String,
        rung: usize,
    },
    AlreadyAcknowledged {
        role: String,
        by: String,
    },
    /// The incident is no longer active: its pages have stopped.
    PagingOver {
        state: &'static str,
    },
    /// Every service that paged `role` was told already.
    AlreadySettled {
        role: String,
        action: &'static str,
    },
    /// The runbook gives `audience` no update cadence.
    UnknownAudience {
        audience: String,
        known: Vec<String>,
    },
    /// A paging service cannot carry an update.
    UpdateByPager {
        audience: String,
        notifier: String,
    },
    EmptyUpdate,
}

impl fmt::Display for OutboundRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |s: &str| sanitize::line(s).into_owned();
        match self {
            Self::NoTargets { rotation } => write!(
                f,
                "rotation {} has no target in warroom.yaml: nobody is paged (add rotations: {{ {}: [{{ notifier: NAME, to: … }}] }})",
                show(rotation),
                show(rotation)
            ),
            Self::UnknownMessage { key } => write!(f, "no message {} in this incident's outbox", show(key)),
            Self::Settled { key } => write!(f, "message {} is already delivered or given up", show(key)),
            Self::NotPaged { role: Some(role) } => {
                write!(
                    f,
                    "{} is not paged: nothing to acknowledge (it is held, or its on-call path is empty)",
                    show(role)
                )
            }
            Self::NotPaged { role: None } => write!(f, "no role is paged and unanswered: nothing to acknowledge"),
            Self::WhichRole { waiting } => write!(
                f,
                "{} are paged and unanswered: name the one you answer (warroom ack INC ROLE; K in the console \
                 asks which)",
                waiting.iter().map(|r| show(r)).collect::<Vec<_>>().join(", ")
            ),
            Self::AlreadyPaged { role, rung } => {
                write!(f, "{} was already paged at level {} of its on-call path", show(role), rung + 1)
            }
            Self::PagingOver { state } => {
                write!(f, "the incident is {state}: its pages have stopped, there is nothing to acknowledge")
            }
            Self::AlreadySettled { role, action } => {
                write!(f, "every service that paged {} was already told to {action} it", show(role))
            }
            Self::UnknownAudience { audience, known } if known.is_empty() => {
                write!(f, "no update audience {}: the runbook sets none (updates: in the runbook)", show(audience))
            }
            Self::UnknownAudience { audience, known } => {
                write!(f, "no update audience {}: the runbook's are {}", show(audience), show(&known.join(", ")))
            }
            Self::UpdateByPager { audience, notifier } => write!(
                f,
                "audience {} is mapped to pagerduty notifier {}, which pages rather than informs: map it to a webhook, slack or smtp notifier in warroom.yaml",
                show(audience),
                show(notifier)
            ),
            Self::EmptyUpdate => write!(f, "an update needs its text"),
            Self::AlreadyAcknowledged { role, by } => {
                write!(f, "the page for {} was already acknowledged by {}", show(role), show(by))
            }
        }
    }
}
