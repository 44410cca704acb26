//! Events: the only things that change an incident. Each is appended once and never edited; a
//! correction is a later event that names what it corrects.

use super::actions::{ActionOutcome, DrillRun, EffectState};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::alert::Alert;
use super::clock::{ClockDef, Decision, SubmissionPhase};
use super::runbook::Runbook;

pub use super::actor::Actor;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Event {
    Declared {
        incident: String,
        title: String,
        severity: String,
        runbook: Box<Runbook>,
        aware_at: Option<DateTime<Utc>>,
        drill: bool,
        /// The catalog entries of the runbook's clocks, as they were at declaration.
        clocks: Vec<ClockDef>,
        /// Opened by an alert: the actor is the ingesting system, not a commander.
        #[serde(default)]
        from_alert: bool,
    },
    StepTicked {
        step: String,
        note: Option<String>,
        /// Ticked although a dependency was still open.
        forced: bool,
        /// The commander's reason for altering the AI system before the authority was informed.
        hold_override: Option<String>,
    },
    StepSkipped {
        step: String,
        reason: String,
    },
    StepReopened {
        step: String,
        reason: String,
    },
    NoteAdded {
        text: String,
    },
    /// A note about an earlier moment: `at` is when it happened (a claim), the envelope's
    /// `at` when it was recorded.
    FactNoted {
        text: String,
        at: DateTime<Utc>,
    },
    /// A responder states what an alert would have said (`agent` is `support-bot`): actions
    /// read it as the alert label, before any alert's own.
    LabelStated {
        label: String,
        value: String,
    },
    SeverityChanged {
        from: String,
        to: String,
        reason: String,
    },
    /// For `commander` handed from one responder to another by someone else, an offer: the
    /// previous commander keeps command until the new one accepts (`CommandAccepted`).
    RoleAssigned {
        role: String,
        name: String,
        previous: Option<String>,
    },
    CommandAccepted {
        from: String,
    },
    /// The events after it in the same append are a commander-only decision that another
    /// responder took for the commander, having confirmed acting in their stead.
    ActedInStead {
        commander: String,
        what: String,
        /// Why the commander could not give it themselves.
        reason: String,
    },
    Resolved {},
    Closed {
        forced: bool,
        reason: Option<String>,
        open_steps: Vec<String>,
        /// Clocks still running when closed with --force.
        #[serde(default)]
        open_clocks: Vec<String>,
        /// Actions whose effect is still in the world although they have an undo (their seqs).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        never_undone: Vec<u64>,
    },
    Archived {
        reason: Option<String>,
        /// The duties still open when archived with a reason.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        open_duties: Vec<String>,
    },
    DecisionRecorded {
        decision: Decision,
        /// When it was reached; the envelope's `at` is when it was recorded.
        at: DateTime<Utc>,
        evidence: Option<String>,
        /// The seq of the earlier record of the same decision this one corrects.
        corrects: Option<u64>,
        /// Recorded by warroom itself (from an alert), for a responder to confirm.
        auto: bool,
        /// Why a correction moves the decision later (refused without one).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// It confirms the record it `corrects` as it was (the same time).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        confirms: bool,
        /// Each clock deadline this record moved, before and after.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        moved: Vec<MovedDeadline>,
        /// Decided for this regime alone (its clocks only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        regime: Option<String>,
    },
    /// The competent authority was told of one action that alters the AI system, before it is
    /// taken (AI Act Art. 73(6)): that step's evidence hold lifts.
    AuthorityInformed {
        step: String,
        /// The clocks whose authority was informed.
        clocks: Vec<String>,
        reference: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
        at: DateTime<Utc>,
    },
    /// A delay the clock's law allows (law enforcement, national security) began.
    ClockPaused {
        clock: String,
        /// When it began (the official's statement); the envelope's `at` is when recorded.
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        /// The provision and the request it rests on.
        basis: String,
        reason: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        moved: Vec<MovedDeadline>,
    },
    /// The delay ended before its `until` (the agency said notice no longer impedes it).
    ClockResumed {
        clock: String,
        at: DateTime<Utc>,
        reason: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        moved: Vec<MovedDeadline>,
    },
    SubmissionRecorded {
        clock: String,
        reference: String,
        at: DateTime<Utc>,
        phase: SubmissionPhase,
        channel: Option<String>,
        late_reason: Option<String>,
        /// The filing as it stood when submitted (Markdown): what the recipient was sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filed: Option<String>,
    },
    ClockWaived {
        clock: String,
        rationale: String,
    },
    ClockAdded {
        clock: Box<ClockDef>,
        reason: String,
    },
    ClockDropped {
        clock: String,
        reason: String,
    },
    ContentProvided {
        clock: String,
        item: String,
        text: String,
    },
    /// An alert routed to this incident (or, in the inbox log, to no runbook).
    AlertReceived {
        alert: Box<Alert>,
        /// The runbook's scope labels whose value no earlier alert of the incident had.
        #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        widens: std::collections::BTreeMap<String, String>,
        /// A responder attached it from the unrouted inbox (no trigger routed it here).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        attached: bool,
    },
    AlertUnrouted {
        alert: Box<Alert>,
    },
    UnroutedDismissed {
        key: String,
        reason: String,
    },
    UnroutedDeclared {
        key: String,
        incident: String,
    },
    /// In the inbox log: a responder recorded the alert on an incident already open.
    UnroutedAttached {
        key: String,
        incident: String,
    },
    /// The person at a shared keyboard changed: later events are theirs.
    ResponderSwitched {
        from: String,
    },
    /// Recovery found a torn last line (a writer died mid-append); its bytes were copied aside.
    /// A two-person step: the first responder asks; a different one must approve by `expires_at`.
    ApprovalRequested {
        step: String,
        expires_at: DateTime<Utc>,
        /// The exact argv to be approved, for a step with an action.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        argv: Option<Vec<String>>,
    },
    ApprovalGranted {
        step: String,
        requested_seq: u64,
    },
    /// A step's program about to run: the exact argv, and the approval it spends.
    ActionStarted {
        step: String,
        argv: Vec<String>,
        cwd: Option<String>,
        approval: Option<u64>,
        /// Started although steps it depends on were open.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        forced: bool,
        /// The commander's reason for running it under the AI Act evidence hold.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hold_override: Option<String>,
        /// How it runs in a drill (none in a real incident).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        drill: Option<DrillRun>,
        /// The run whose effect it reverses.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        undoes: Option<u64>,
    },
    ActionFinished {
        step: String,
        started_seq: u64,
        outcome: Box<ActionOutcome>,
    },
    /// Something the agent did in the world, for the ledger.
    EffectRecorded {
        id: String,
        what: String,
        place: String,
        count: u64,
        owner: String,
        state: EffectState,
        evidence: Option<String>,
    },
    EffectUpdated {
        id: String,
        state: EffectState,
        evidence: Option<String>,
        count: Option<u64>,
        owner: Option<String>,
    },
    EvidencePreserved {
        step: String,
        identifier: String,
        location: String,
        digest: String,
    },
    /// A drill's settings, recorded right after its declaration: clock speed, and for a
    /// micro-drill the steps it practises.
    DrillConfigured {
        speed: u32,
        focus: Option<Vec<String>>,
    },
    TornTailQuarantined {
        file: String,
        bytes: u64,
        sha256: String,
    },
    /// A stakeholder update: what `audience` was told; one message per target follows.
    UpdateSent {
        audience: String,
        text: String,
    },
    /// A message to leave warroom, recorded before any attempt to send it.
    MessageQueued {
        message: Box<super::outbound::Outbound>,
    },
    /// An attempt that did not deliver: tried again at `retry_at`, or given up without one.
    DeliveryFailed {
        key: String,
        attempt: u32,
        why: String,
        retry_at: Option<DateTime<Utc>>,
    },
    MessageDelivered {
        key: String,
        attempt: u32,
        receipt: Option<String>,
    },
    /// A message still waiting is not sent after all, and why.
    MessageWithdrawn {
        key: String,
        why: String,
    },
    /// The actor answers the pages for `role`: its escalation stops.
    PageAcknowledged {
        role: String,
        /// Where the answer came from, when not the actor's own command (`pagerduty`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<String>,
        /// Who answered there, as that tool names them (the actor only recorded it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        answered_by: Option<String>,
    },
}

/// A clock's due time before and after a decision was recorded or corrected (`None`: not
/// started).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedDeadline {
    pub clock: String,
    pub before: Option<DateTime<Utc>>,
    pub after: Option<DateTime<Utc>>,
}

impl Event {
    /// The deadlines a clock event moved, for the events that record them.
    pub fn moved_mut(&mut self) -> Option<&mut Vec<MovedDeadline>> {
        match self {
            Self::DecisionRecorded { moved, .. }
            | Self::ClockPaused { moved, .. }
            | Self::ClockResumed { moved, .. } => Some(moved),
            _ => None,
        }
    }
}

impl MovedDeadline {
    pub fn later(&self) -> bool {
        matches!((self.before, self.after), (Some(before), Some(after)) if after > before)
    }
}

/// An event as it stands in the log: numbered, timed and signed by its actor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub event: Event,
}
