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
        }
    }
}
