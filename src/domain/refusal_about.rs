//! Which part of a command a refusal is about, so a form can return to the answer to correct
//! instead of the last question.

use super::refusal::Refusal;
use super::refusal_clock::ClockRefusal;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum About {
    /// When something happened or was decided.
    When,
    /// Why: a reason, a rationale.
    Reason,
    /// Why a filing came after the legal limit.
    LateReason,
    /// The recipient's reference or receipt.
    Reference,
    /// The phase of a filing.
    Phase,
    Clock,
    Decision,
    /// Prose: a note, what was done.
    Text,
    Severity,
    Role,
    /// A responder's name.
    Name,
}

impl Refusal {
    /// The part of the command to correct, when the refusal is about one.
    pub const fn about(&self) -> Option<About> {
        Some(match self {
            Self::EmptyText(_) => About::Text,
            Self::ForceNeedsReason | Self::LaterNeedsReason { .. } => About::Reason,
            Self::InFuture(_)
            | Self::DecisionUnchanged { .. }
            | Self::DecisionExists { .. }
            | Self::OutOfOrder { .. }
            | Self::Clock(ClockRefusal::BeforeStart { .. }) => About::When,
            Self::Clock(
                ClockRefusal::RegimeBeforeShared { .. }
                | ClockRefusal::RegimeOnlyForAwareness { .. }
                | ClockRefusal::UnknownRegime { .. },
            ) => About::Decision,
            Self::Clock(ClockRefusal::NoPhases { .. }) | Self::CompleteWithoutContent { .. } => About::Phase,
            Self::LateWithoutReason { .. } | Self::Clock(ClockRefusal::NotLate { .. }) => About::LateReason,
            Self::UnknownClock { .. }
            | Self::ClockAlreadyActive(_)
            | Self::AlreadySubmitted(_)
            | Self::AlreadyWaived(_) => About::Clock,
            Self::UnknownSeverity { .. } | Self::SameSeverity(_) => About::Severity,
            Self::UnknownRole { .. } => About::Role,
            Self::SameAssignee { .. } | Self::BadName(_) => About::Name,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_about_one_answer_name_it_and_others_name_none() {
        let late = Refusal::LateWithoutReason { clock: "gdpr-33".into(), limit: "x".into() };
        assert_eq!(late.about(), Some(About::LateReason));
        assert_eq!(Refusal::InFuture("the decision").about(), Some(About::When));
        let before =
            Refusal::Clock(ClockRefusal::BeforeStart { what: "a delay", clock: "c".into(), start: "s".into() });
        assert_eq!(before.about(), Some(About::When));
        assert_eq!(Refusal::NotDeclared.about(), None);
        assert_eq!(Refusal::AlreadySkipped { step: "s".into() }.about(), None);
    }
}
