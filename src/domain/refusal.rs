//! Why a command was refused: one line a responder can act on. Nothing is appended.

use std::fmt;

use super::refusal_clock::ClockRefusal;
use super::sanitize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotDeclared,
    AlreadyDeclared(String),
    Closed(String),
    UnknownStep {
        step: String,
        hint: String,
    },
    UnknownRole {
        role: String,
        hint: String,
    },
    UnknownSeverity {
        severity: String,
        known: String,
    },
    AlreadyDone {
        step: String,
        by: String,
        at: String,
    },
    AlreadySkipped {
        step: String,
    },
    NotFinished {
        step: String,
    },
    DependenciesOpen {
        step: String,
        open: Vec<String>,
    },
    EmptyText(&'static str),
    SameSeverity(String),
    SameAssignee {
        role: String,
        name: String,
    },
    /// Only the responder command was handed to accepts it.
    NoHandover(String),
    AlreadyResolved,
    NotResolved,
    RequiredStepsOpen(Vec<String>),
    ForceNeedsReason,
    InFuture(&'static str),
    UnknownClock {
        clock: String,
        hint: String,
    },
    ClockAlreadyActive(String),
    DecisionUnchanged {
        decision: String,
        at: String,
    },
    /// A decision already recorded and no time given: re-anchoring it at "now" by omission
    /// would move its deadlines.
    DecisionExists {
        decision: String,
        at: String,
        by: String,
        auto: bool,
    },
    LaterNeedsReason {
        decision: String,
        from: String,
        to: String,
    },
    LaterOnlyCommander {
        decision: String,
        commander: String,
    },
    /// About a regulatory clock: regimes, delays, the authority informed, duties set aside.
    Clock(ClockRefusal),
    /// About a message leaving warroom.
    Outbound(super::refusal_outbound::OutboundRefusal),
    /// About the two-person rule: requests and approvals.
    Approval(super::refusal_approval::ApprovalRefusal),
    CompleteWithoutContent {
        clock: String,
        missing: Vec<String>,
    },
    OutOfOrder {
        decision: String,
        at: String,
        side: &'static str,
        other: String,
        other_at: String,
    },
    LateWithoutReason {
        clock: String,
        limit: String,
    },
    AlreadySubmitted(String),
    AlreadyWaived(String),
    UnknownContentItem {
        clock: String,
        item: String,
        known: String,
    },
    EvidenceHold {
        step: String,
        clocks: Vec<String>,
        preserve_first: Vec<String>,
    },
    OverrideNotCommander {
        commander: String,
    },
    Archived(String),
    NotClosed,
    DutiesOpen(Vec<String>),
    /// The same delivery of an alert already recorded (a retry): nothing new to store.
    RepeatAlert(String),
    UnknownUnrouted(String),
    NotADrill(String),
    DrillSpeed {
        speed: u32,
        fastest: u32,
    },
    NoAction {
        step: String,
    },
    /// A responder name with more than one spelling (spaces around it, control characters).
    BadName(String),
    /// An alert label stated by hand that an action could not take (the reason).
    BadLabel(String),
    /// A run in a drill must say how it runs there, and a real incident's must not.
    DrillMismatch {
        drill: bool,
    },
    NothingToUndo {
        seq: u64,
    },
    NoRunningAction {
        seq: u64,
    },
    EffectExists {
        id: String,
    },
    UnknownEffect {
        id: String,
        hint: String,
    },
    EffectUnchanged {
        id: String,
    },
    NotForensic {
        step: String,
    },
    /// The unrouted alert was dismissed or declared already (how, in words).
    UnroutedHandled {
        key: String,
        how: String,
    },
    UnknownRunbook {
        runbook: String,
        hint: String,
    },
    /// The runbook starts a clock the catalog in effect does not hold.
    ClockNotInCatalog {
        runbook: String,
        clock: String,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |s: &str| sanitize::line(s).into_owned();
        match self {
            Self::NotDeclared => write!(f, "this incident has no declaration in its log"),
            Self::AlreadyDeclared(id) => write!(f, "incident {} is already declared", show(id)),
            Self::Closed(id) => write!(
                f,
                "incident {} is closed: operations are over; it records only follow-up (decisions, submissions, waivers, content, notes, roles, steps, undos)",
                show(id)
            ),
            Self::Archived(id) => write!(f, "incident {} is archived; its log is sealed", show(id)),
            Self::NotClosed => write!(f, "only a closed incident can be archived: resolve and close it first"),
            Self::DutiesOpen(duties) => write!(
                f,
                "duties still open: {}; finish them (notify --phase complete, waive, tick) or archive with --reason",
                duties.join(", ")
            ),
            Self::UnknownStep { step, hint } => write!(f, "no step {:?} in this runbook{hint}", show(step)),
            Self::UnknownRole { role, hint } => write!(f, "no role {:?} in this runbook{hint}", show(role)),
            Self::UnknownSeverity { severity, known } => {
                write!(f, "no severity {:?} in this runbook (known: {known})", show(severity))
            }
            Self::AlreadyDone { step, by, at } => {
                write!(
                    f,
                    "step {} is already done (ticked by {} at {at}); reopen it first to redo it",
                    show(step),
                    show(by)
                )
            }
            Self::AlreadySkipped { step } => {
                write!(
                    f,
                    "step {} was skipped; reopen it first (o in the console, or warroom reopen) to do it after all",
                    show(step)
                )
            }
            Self::NotFinished { step } => write!(f, "step {} is still pending; there is nothing to reopen", show(step)),
            Self::DependenciesOpen { step, open } => write!(
                f,
                "step {} depends on {} which {} still open; finish {} first or force the tick (--force; F in the console)",
                show(step),
                open.join(", "),
                if open.len() == 1 { "is" } else { "are" },
                if open.len() == 1 { "it" } else { "them" },
            ),
            Self::EmptyText(what) => write!(f, "{what} must not be empty"),
            Self::SameSeverity(s) => write!(f, "severity is already {}", show(s)),
            Self::SameAssignee { role, name } => write!(f, "{} is already {}", show(name), show(role)),
            Self::NoHandover(why) => write!(f, "nothing to accept: {}", show(why)),
            Self::AlreadyResolved => write!(f, "incident is already resolved"),
            Self::NotResolved => {
                write!(f, "incident is still active; resolve it first (R in the console, or warroom resolve)")
            }
            Self::RequiredStepsOpen(steps) => write!(
                f,
                "required steps still open: {}; finish or skip them, or close with --force --reason",
                steps.join(", ")
            ),
            Self::ForceNeedsReason => write!(f, "--force needs --reason: the log must say why"),
            Self::InFuture(what) => write!(f, "{what} lies in the future"),
            Self::UnknownClock { clock, hint } => write!(f, "no clock {:?} on this incident{hint}", show(clock)),
            Self::ClockAlreadyActive(clock) => write!(f, "clock {} already applies to this incident", show(clock)),
            Self::DecisionUnchanged { decision, at } => write!(
                f,
                "{decision} is already recorded at {at}; give another --at to correct it, or --confirm to confirm it"
            ),
            Self::DecisionExists { decision, at, by, auto } => write!(
                f,
                "{decision} is already recorded: reached {at}, {}{by}; give --at TIME to correct it, or --confirm \
                 to confirm it as it is",
                if *auto { "auto-recorded from an alert for " } else { "by " }
            ),
            Self::LaterNeedsReason { decision, from, to } => {
                write!(f, "moving {decision} later ({from} → {to}) moves its deadlines later: say why with --reason")
            }
            Self::CompleteWithoutContent { clock, missing } => write!(
                f,
                "a complete notification for {clock} states every item its form requires; {} not recorded: record \
                 them with warroom clock provide, or file this one as initial or intermediate",
                missing.join(", ")
            ),
            Self::OutOfOrder { decision, at, side, other, other_at } => write!(
                f,
                "{decision} at {at} would fall {side} {other} ({other_at}): a breach begins before it ends and \
                 before anyone is aware of it; check the time, or correct {other} first"
            ),
            Self::LaterOnlyCommander { decision, commander } => {
                let hint = super::refusal_clock::ASK_OR_ACT_IN_STEAD;
                write!(f, "only the commander ({}) may move {decision} later{hint}", sanitize::line(commander))
            }
            Self::Clock(refusal) => refusal.fmt(f),
            Self::Outbound(refusal) => refusal.fmt(f),
            Self::Approval(refusal) => refusal.fmt(f),
            Self::LateWithoutReason { clock, limit } => write!(
                f,
                "this submission for {} is after its legal limit ({limit}): give --late-reason (the law asks for the reasons for the delay)",
                show(clock)
            ),
            Self::AlreadySubmitted(clock) => {
                write!(f, "{} was already submitted; a submitted clock cannot be marked not applicable", show(clock))
            }
            Self::AlreadyWaived(clock) => write!(f, "{} is already marked not applicable", show(clock)),
            Self::UnknownContentItem { clock, item, known } => {
                write!(f, "clock {} has no required-content item {:?} (known: {known})", show(clock), show(item))
            }
            Self::EvidenceHold { step, clocks, preserve_first } => write!(
                f,
                "step {} alters the AI system while {} applies: AI Act Art. 73(6) forbids altering it before the \
                 authority is informed of this action (warroom inform INC {} --ref REF){}; or the commander \
                 overrides with --override-hold REASON",
                show(step),
                clocks.join(", "),
                show(step),
                if preserve_first.is_empty() {
                    String::new()
                } else {
                    format!(". Preserve the evidence first ({})", preserve_first.join(", "))
                }
            ),
            Self::RepeatAlert(key) => write!(f, "alert {} is already recorded as delivered", show(key)),
            Self::NotADrill(id) => write!(f, "{id} is a real incident, not a drill"),
            Self::DrillSpeed { speed, fastest } => write!(f, "drill speed {speed} must be between 1 and {fastest}"),
            Self::NoAction { step } => write!(f, "step {step} has no action to run"),
            Self::BadName(why) | Self::BadLabel(why) => write!(f, "{why}"),
            Self::DrillMismatch { drill: true } => {
                write!(f, "this incident is a drill: its actions run in their drill form")
            }
            Self::DrillMismatch { drill: false } => {
                write!(f, "this incident is real: its actions do not run in a drill form")
            }
            Self::NothingToUndo { seq } => {
                write!(f, "run #{seq} cannot be undone: it did not succeed, is an undo itself, or was undone already")
            }
            Self::NoRunningAction { seq } => write!(f, "no running action started at #{seq}"),
            Self::EffectExists { id } => {
                write!(f, "side effect {} is already in the ledger (use effect update)", show(id))
            }
            Self::UnknownEffect { id, hint } => write!(f, "no side effect {:?} in the ledger{hint}", show(id)),
            Self::EffectUnchanged { id } => write!(f, "side effect {} already stands so", show(id)),
            Self::NotForensic { step } => write!(f, "step {step} is not a forensic-preservation step"),
            Self::UnknownUnrouted(key) => {
                write!(f, "no unrouted alert {} (see `warroom alert inbox`)", show(key))
            }
            Self::UnroutedHandled { key, how } => write!(f, "unrouted alert {} is already handled: {how}", show(key)),
            Self::UnknownRunbook { runbook, hint } => write!(f, "no runbook {:?}{hint}", show(runbook)),
            Self::ClockNotInCatalog { runbook, clock } => write!(
                f,
                "runbook {} starts clock {}, which the clock catalog does not hold (run `warroom lint`); nothing declared",
                show(runbook),
                show(clock)
            ),
            Self::OverrideNotCommander { commander } if commander.is_empty() => {
                write!(
                    f,
                    "only the incident commander can override the evidence hold, and none is assigned: assign one"
                )
            }
            Self::OverrideNotCommander { commander } => {
                let hint = super::refusal_clock::ASK_OR_ACT_IN_STEAD;
                write!(f, "only the incident commander ({}) can override the evidence hold{hint}", show(commander))
            }
        }
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    /// The commander, and what only they may do, when that alone refused the command.
    pub fn commander_needed(&self) -> Option<(String, String)> {
        match self {
            Self::Clock(ClockRefusal::OnlyCommander { what, commander }) => Some((commander.clone(), what.clone())),
            Self::LaterOnlyCommander { decision, commander } => {
                Some((commander.clone(), format!("move {decision} later")))
            }
            Self::OverrideNotCommander { commander } if !commander.is_empty() => {
                Some((commander.clone(), "override the evidence hold".to_owned()))
            }
            _ => None,
        }
    }
}
