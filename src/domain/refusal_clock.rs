//! Refusals about regulatory clocks: awareness per regime, delays the law allows, the
//! authority informed of an altering action, and duties set aside. One line each, any text
//! from outside shown through the display sanitiser.

use std::fmt;

use super::sanitize;

/// How a refusal that only the commander could lift says what to do next: at 2am the commander
/// may be unreachable, so another responder may take the decision once they confirm it.
pub const ASK_OR_ACT_IN_STEAD: &str =
    "; ask them, or act in their stead with --in-stead REASON (the log records that you acted for them, and why)";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClockRefusal {
    /// Only the commander may set this duty aside.
    OnlyCommander {
        what: String,
        commander: String,
    },
    /// A law that asks for one notice, filed in phases.
    NoPhases {
        clock: String,
        phase: &'static str,
    },
    /// Something dated before its clock started.
    BeforeStart {
        what: &'static str,
        clock: String,
        start: String,
    },
    /// A regime's own awareness with no shared one to measure it against.
    RegimeBeforeShared {
        regime: String,
    },
    RegimeOnlyForAwareness {
        decision: String,
    },
    UnknownRegime {
        regime: String,
        known: String,
    },
    /// Recording that the authority was informed of a step's action, refused.
    Inform {
        step: String,
        why: String,
    },
    /// A reason for lateness given for a filing that is not late: it would read as an
    /// admission in the record.
    NotLate {
        clock: String,
        limit: Option<String>,
    },
    /// A delay of a clock refused, and why.
    Delay {
        clock: String,
        why: String,
    },
    /// A step done by recording a decision, ticked before the decision is recorded.
    RecordsDecision {
        step: String,
        decision: &'static str,
    },
}

impl fmt::Display for ClockRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |s: &str| sanitize::line(s).into_owned();
        match self {
            Self::OnlyCommander { what, commander } => {
                let hint = ASK_OR_ACT_IN_STEAD;
                write!(f, "only the commander ({}) may {}{hint}", show(commander), show(what))
            }
            Self::NoPhases { clock, phase } => write!(
                f,
                "{}'s law asks for one notice, not phases: it cannot be filed as {phase}; file it complete, with its \
                 content",
                show(clock)
            ),
            Self::NotLate { clock, limit } => write!(
                f,
                "{} is filed within its legal limit{}: leave the reason for lateness empty",
                show(clock),
                limit.as_ref().map(|l| format!(" ({l})")).unwrap_or_default()
            ),
            Self::BeforeStart { what, clock, start } => {
                write!(f, "{what} cannot be dated before {} started ({start})", show(clock))
            }
            Self::RegimeBeforeShared { regime } => write!(
                f,
                "record the awareness for every regime first (decide INC aware --at TIME); aware --regime {} is then \
                 that regime's own, earlier or (with a reason) later",
                show(regime)
            ),
            Self::RegimeOnlyForAwareness { decision } => {
                write!(f, "--regime applies to aware only; {decision} is one decision for every regime")
            }
            Self::UnknownRegime { regime, known } if known.is_empty() => {
                write!(f, "no clock of this incident that starts on awareness belongs to regime {}", show(regime))
            }
            Self::UnknownRegime { regime, known } => write!(
                f,
                "no clock of this incident that starts on awareness belongs to regime {} (those: {known})",
                show(regime)
            ),
            Self::Inform { step, why } => {
                write!(f, "cannot record the authority informed of step {}: {why}", show(step))
            }
            Self::Delay { clock, why } => write!(f, "no delay of {}: {why}", show(clock)),
            Self::RecordsDecision { step, decision } => write!(
                f,
                "step {} is done by recording the decision {decision}, which starts its clocks: record it (d, or \
                 warroom decide INC {decision} --at TIME --evidence …) and the step is ticked with it",
                show(step)
            ),
        }
    }
}
