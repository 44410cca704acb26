//! What a responder asks for. `decide` checks it against the incident and turns it into events.

use chrono::{DateTime, Utc};

use super::actions::{ActionOutcome, DrillRun, EffectState};
use super::alert::Alert;
use super::clock::{ClockDef, Decision, SubmissionPhase};
use super::runbook::Runbook;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// A drill's speed and, for a micro-drill, its steps (the others are skipped).
    ConfigureDrill {
        speed: u32,
        focus: Option<Vec<String>>,
    },
    /// For a step with an action, `argv` is what would run: the approval is for exactly that.
    RequestApproval {
        step: String,
        argv: Option<Vec<String>>,
    },
    /// `argv` is what the approver was shown; a request for another argv is not approved.
    Approve {
        step: String,
        argv: Option<Vec<String>>,
    },
    StartAction {
        step: String,
        argv: Vec<String>,
        cwd: Option<String>,
        /// Run although steps it depends on are open (recorded as forced).
        force: bool,
        /// The commander's reason for running it under the AI Act evidence hold.
        override_hold: Option<String>,
        drill: Option<DrillRun>,
        /// The run whose effect this one reverses.
        undoes: Option<u64>,
    },
    FinishAction {
        started_seq: u64,
        outcome: ActionOutcome,
    },
    AddEffect {
        id: String,
        what: String,
        place: String,
        count: u64,
        owner: String,
        state: EffectState,
        evidence: Option<String>,
    },
    UpdateEffect {
        id: String,
        state: EffectState,
        evidence: Option<String>,
        count: Option<u64>,
        owner: Option<String>,
    },
    Preserve {
        step: String,
        identifier: String,
        location: String,
        digest: String,
    },
    Declare {
        id: String,
        runbook: Box<Runbook>,
        /// The catalog entries of the runbook's clocks.
        clocks: Vec<ClockDef>,
        severity: Option<String>,
        title: Option<String>,
        aware_at: Option<DateTime<Utc>>,
        drill: bool,
        /// The alert that opened it: recorded, with `aware` auto-recorded at its start.
        from_alert: Option<Box<Alert>>,
    },
    Tick {
        step: String,
        note: Option<String>,
        force: bool,
        /// The commander's reason to alter the AI system while the AI Act evidence hold is on.
        override_hold: Option<String>,
    },
    Skip {
        step: String,
        reason: String,
    },
    Reopen {
        step: String,
        reason: String,
    },
    Note {
        text: String,
    },
    /// A fact learned later about an earlier moment: `at` is when it happened.
    Fact {
        text: String,
        at: DateTime<Utc>,
    },
    /// An alert label stated by hand, for an incident no alert (or no such label) came with.
    Label {
        label: String,
        value: String,
    },
    Severity {
        to: String,
        reason: String,
    },
    Assign {
        role: String,
        name: String,
    },
    /// The responder command was handed to takes it.
    AcceptCommand,
    /// A command only the commander may give, given by another responder who confirmed
    /// acting in the commander's stead: recorded as such.
    InStead {
        command: Box<Command>,
        /// Why the commander cannot give it themselves (unreachable, asleep, off shift).
        reason: String,
    },
    Resolve,
    Close {
        force: bool,
        reason: Option<String>,
    },
    Archive {
        reason: Option<String>,
    },
    Decide {
        decision: Decision,
        /// Decided for this regime alone (awareness differs by regime).
        regime: Option<String>,
        at: Option<DateTime<Utc>>,
        evidence: Option<String>,
        /// Why a correction moves the decision later.
        reason: Option<String>,
        /// Confirm a recorded decision as it is (without `at`, or at its own time).
        confirm: bool,
    },
    Notify {
        clock: String,
        reference: String,
        at: Option<DateTime<Utc>>,
        phase: SubmissionPhase,
        channel: Option<String>,
        late_reason: Option<String>,
        /// The filing as it stood when submitted (Markdown), kept with the submission.
        filed: Option<String>,
    },
    Waive {
        clock: String,
        rationale: String,
    },
    /// The competent authority was informed of the action of `step`, which alters the AI system.
    Inform {
        step: String,
        reference: String,
        channel: Option<String>,
        at: Option<DateTime<Utc>>,
    },
    /// A delay the clock's law allows (law enforcement, national security).
    PauseClock {
        clock: String,
        /// When it began, if before now (the official's statement).
        from: Option<DateTime<Utc>>,
        until: DateTime<Utc>,
        basis: String,
        reason: String,
    },
    /// End a delay before its `until`.
    ResumeClock {
        clock: String,
        at: Option<DateTime<Utc>>,
        reason: String,
    },
    AddClock {
        clock: Box<ClockDef>,
        reason: String,
    },
    DropClock {
        clock: String,
        reason: String,
    },
    Provide {
        clock: String,
        item: String,
        text: String,
    },
    /// The acting responder at a shared keyboard changes from `from` to the command's actor.
    SwitchResponder {
        from: String,
    },
    /// An alert routed to this incident, or `attached` to it from the inbox by a responder.
    Alert {
        alert: Box<Alert>,
        attached: bool,
    },
    /// Page `role`'s rotation at `rung` of its on-call path: one message per target, each
    /// with its notifier's kind and whether it may receive drill traffic.
    Page {
        role: String,
        rung: usize,
        rotation: String,
        targets: Vec<(super::outbound::Target, super::outbound::NotifierKind, bool)>,
    },
    /// A stakeholder update to `audience`: one message per target, each with its notifier's
    /// kind and whether it may receive drill traffic (none: recorded, sent by hand).
    SendUpdate {
        audience: String,
        text: String,
        targets: Vec<(super::outbound::Target, super::outbound::NotifierKind, bool)>,
    },
    /// Tell the services that paged `role` (each target, as it was paged) that its page was
    /// answered or its incident is over.
    Settle {
        role: String,
        action: super::outbound::Settle,
        /// Each target the page reached, with its notifier's kind (what it is told depends on it).
        targets: Vec<(super::outbound::Target, super::outbound::NotifierKind)>,
    },
    /// The actor answers the pages for `role` (every role paged and unanswered when `None`).
    Acknowledge {
        role: Option<String>,
        via: Option<String>,
        answered_by: Option<String>,
    },
    /// What came of one attempt to send a queued message.
    Delivery {
        key: String,
        attempt: u32,
        outcome: DeliveryOutcome,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Delivered {
        receipt: Option<String>,
    },
    /// Not delivered: tried again at `retry_at`, or given up without one.
    Failed {
        why: String,
        retry_at: Option<DateTime<Utc>>,
    },
    /// Not sent after all: what it asked for happened (the page was answered, the incident
    /// resolved).
    Withdrawn {
        why: String,
    },
}

impl Command {
    /// The command's name, as the CLI spells it (for the operational log).
    pub fn name(&self) -> &'static str {
        match self {
            Self::ConfigureDrill { .. } => "configure-drill",
            Self::RequestApproval { .. } => "request-approval",
            Self::Approve { .. } => "approve",
            Self::StartAction { .. } => "start-action",
            Self::FinishAction { .. } => "finish-action",
            Self::AddEffect { .. } => "effect-add",
            Self::UpdateEffect { .. } => "effect-update",
            Self::Preserve { .. } => "preserve",
            Self::Declare { .. } => "declare",
            Self::Tick { .. } => "tick",
            Self::Skip { .. } => "skip",
            Self::Reopen { .. } => "reopen",
            Self::Note { .. } => "note",
            Self::Fact { .. } => "note-at",
            Self::Label { .. } => "label",
            Self::Severity { .. } => "severity",
            Self::Assign { .. } => "assign",
            Self::AcceptCommand => "accept",
            Self::InStead { command, .. } => command.name(),
            Self::Resolve => "resolve",
            Self::Close { .. } => "close",
            Self::Archive { .. } => "archive",
            Self::Decide { .. } => "decide",
            Self::Notify { .. } => "notify",
            Self::Waive { .. } => "waive",
            Self::AddClock { .. } => "clock-add",
            Self::PauseClock { .. } => "clock-pause",
            Self::Inform { .. } => "inform",
            Self::ResumeClock { .. } => "clock-resume",
            Self::DropClock { .. } => "clock-drop",
            Self::Provide { .. } => "clock-provide",
            Self::SwitchResponder { .. } => "switch-responder",
            Self::Alert { .. } => "alert",
            Self::Page { .. } => "page",
            Self::Settle { .. } => "settle",
            Self::SendUpdate { .. } => "update",
            Self::Delivery { .. } => "delivery",
            Self::Acknowledge { .. } => "ack",
        }
    }
}
