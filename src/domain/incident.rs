//! Incident state: a pure fold of its events. `apply` is total: an event that no longer fits
//! (a step the snapshot does not know) changes nothing, so replay never fails on content.

use super::containment::Containment;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

pub use super::alert::AlertTrack;
use super::clock::def::Decision;
use super::clock::{ClockDef, ClockFacts, ClockStatus, DecisionRecord, Schedule, evaluate_scheduled, schedule};
use super::clock_fold;
use super::event::{Envelope, Event};
use super::runbook::Runbook;
pub use super::status::{IncidentState, Note, StepState, StepStatus};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incident {
    pub id: String,
    pub title: String,
    pub runbook: Runbook,
    pub severity: String,
    pub state: IncidentState,
    pub drill: bool,
    pub declared_at: DateTime<Utc>,
    pub declared_by: String,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    pub steps: Vec<StepState>,
    pub roles: BTreeMap<String, String>,
    /// When each role's holder took it (command: when they accepted it).
    pub role_since: BTreeMap<String, DateTime<Utc>>,
    /// Who gave each role to a holder who did not take it themselves.
    pub role_given_by: BTreeMap<String, String>,
    /// Command offered to another responder, not yet accepted.
    pub handover: Option<super::handover::Handover>,
    pub notes: Vec<Note>,
    /// The clocks that apply (the runbook's, plus added, minus dropped).
    pub clocks: Vec<ClockDef>,
    pub clock_facts: ClockFacts,
    /// Each clock's anchor and deadline, kept in step with `clocks` and `clock_facts`.
    schedules: Vec<Schedule>,
    /// Alerts routed here, by key: the latest delivery and how many changed something.
    pub alerts: BTreeMap<String, AlertTrack>,
    /// Alert labels responders stated by hand, latest statement of each.
    pub stated_labels: BTreeMap<String, String>,
    /// Approvals, action runs, the side-effect ledger and preserved evidence.
    pub containment: Containment,
    /// Pages and updates queued to leave warroom, and what became of each.
    pub outbox: super::outbox::Outbox,
    /// A drill's clocks run this many times faster than real ones (1 for real incidents).
    pub speed: u32,
    /// A micro-drill's steps (the rest were skipped when it began).
    pub drill_focus: Option<Vec<String>>,
    pub last_seq: u64,
    pub last_at: DateTime<Utc>,
}

impl Incident {
    /// The incident a `declared` envelope opens, or `None` for any other event.
    pub fn declared(envelope: &Envelope) -> Option<Self> {
        let Event::Declared { incident, title, severity, runbook, aware_at, drill, clocks, from_alert } =
            &envelope.event
        else {
            return None;
        };
        let steps = runbook
            .steps()
            .map(|_| StepState {
                status: StepStatus::Pending,
                by: None,
                at: None,
                comment: None,
                forced: false,
                reopened: 0,
            })
            .collect();
        let mut roles = BTreeMap::new();
        if !from_alert {
            roles.insert("commander".to_owned(), envelope.actor.name.clone());
        }
        let mut clock_facts = ClockFacts::default();
        if let Some(at) = aware_at {
            clock_facts.record(DecisionRecord {
                decision: Decision::Aware,
                at: *at,
                recorded_at: envelope.at,
                by: envelope.actor.name.clone(),
                evidence: None,
                seq: envelope.seq,
                corrects: None,
                auto: false,
                reason: None,
                regime: None,
            });
        }
        Some(Self {
            id: incident.clone(),
            title: title.clone(),
            runbook: (**runbook).clone(),
            severity: severity.clone(),
            state: IncidentState::Active,
            drill: *drill,
            declared_at: envelope.at,
            declared_by: envelope.actor.name.clone(),
            resolved_at: None,
            closed_at: None,
            archived_at: None,
            steps,
            role_since: roles.keys().map(|role| (role.clone(), envelope.at)).collect(),
            role_given_by: BTreeMap::new(),
            roles,
            notes: Vec::new(),
            schedules: clocks.iter().map(|c| schedule(c, &clock_facts)).collect(),
            clocks: clocks.clone(),
            clock_facts,
            alerts: BTreeMap::new(),
            stated_labels: BTreeMap::new(),
            handover: None,
            containment: Containment::default(),
            outbox: super::outbox::Outbox::default(),
            speed: 1,
            drill_focus: None,
            last_seq: envelope.seq,
            last_at: envelope.at,
        })
    }

    pub fn apply(&mut self, envelope: &Envelope) {
        self.apply_event(envelope);
        if clock_fold::fold(&mut self.clock_facts, &mut self.clocks, envelope) {
            self.schedules = self.clocks.iter().map(|c| scaled(c, &self.clock_facts, self.speed)).collect();
        }
    }

    fn apply_event(&mut self, envelope: &Envelope) {
        self.last_seq = envelope.seq;
        self.last_at = envelope.at;
        self.containment.apply(envelope);
        self.outbox.apply(envelope);
        let by = &envelope.actor.name;
        match &envelope.event {
            Event::AlertReceived { alert, widens, .. } => {
                let track = self.alerts.entry(alert.key.clone()).or_insert_with(|| AlertTrack {
                    alert: (**alert).clone(),
                    first_seen: envelope.at,
                    last_seen: envelope.at,
                    deliveries: 0,
                    widened: BTreeMap::new(),
                });
                track.alert = (**alert).clone();
                track.last_seen = envelope.at;
                track.deliveries += 1;
                track.widened.extend(widens.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            Event::DrillConfigured { speed, focus } => {
                self.speed = (*speed).max(1);
                self.drill_focus.clone_from(focus);
            }
            Event::Declared { .. }
            | Event::TornTailQuarantined { .. }
            | Event::ResponderSwitched { .. }
            | Event::ActedInStead { .. }
            | Event::AlertUnrouted { .. }
            | Event::UnroutedDismissed { .. }
            | Event::UnroutedDeclared { .. }
            | Event::UnroutedAttached { .. }
            | Event::ApprovalRequested { .. }
            | Event::ApprovalGranted { .. }
            | Event::ActionStarted { .. }
            | Event::ActionFinished { .. }
            | Event::EffectRecorded { .. }
            | Event::EffectUpdated { .. }
            | Event::EvidencePreserved { .. }
            | Event::UpdateSent { .. }
            | Event::MessageQueued { .. }
            | Event::DeliveryFailed { .. }
            | Event::MessageDelivered { .. }
            | Event::PageAcknowledged { .. }
            | Event::MessageWithdrawn { .. } => {}
            // Folded by `clock_fold`.
            Event::DecisionRecorded { .. }
            | Event::SubmissionRecorded { .. }
            | Event::ClockWaived { .. }
            | Event::ClockPaused { .. }
            | Event::AuthorityInformed { .. }
            | Event::ClockResumed { .. }
            | Event::ContentProvided { .. }
            | Event::ClockAdded { .. }
            | Event::ClockDropped { .. } => {}
            Event::StepTicked { step, note, forced, .. } => {
                self.set_step(step, StepStatus::Done, by, envelope.at, note.clone(), *forced);
            }
            Event::StepSkipped { step, reason } => {
                self.set_step(step, StepStatus::Skipped, by, envelope.at, Some(reason.clone()), false);
            }
            Event::StepReopened { step, .. } => {
                if let Some(state) = self.step_state_mut(step) {
                    state.reopened += 1;
                    state.status = StepStatus::Pending;
                    state.by = None;
                    state.at = None;
                    state.comment = None;
                    state.forced = false;
                }
            }
            Event::NoteAdded { text } => self.notes.push(Note {
                seq: envelope.seq,
                by: by.clone(),
                at: envelope.at,
                text: text.clone(),
                happened_at: None,
            }),
            Event::FactNoted { text, at } => self.notes.push(Note {
                seq: envelope.seq,
                by: by.clone(),
                at: envelope.at,
                text: text.clone(),
                happened_at: Some(*at),
            }),
            Event::LabelStated { label, value } => {
                self.stated_labels.insert(label.clone(), value.clone());
            }
            Event::SeverityChanged { to, .. } => self.severity.clone_from(to),
            Event::RoleAssigned { role, name, previous } => {
                let offered = previous.as_deref().filter(|p| super::handover::is_offer(role, name, p, by));
                if role == "commander" {
                    self.handover = offered.map(|from| super::handover::Handover {
                        from: from.to_owned(),
                        to: name.clone(),
                        at: envelope.at,
                    });
                }
                if offered.is_none() && self.roles.insert(role.clone(), name.clone()).as_ref() != Some(name) {
                    self.role_since.insert(role.clone(), envelope.at);
                    if name == by {
                        self.role_given_by.remove(role);
                    } else {
                        self.role_given_by.insert(role.clone(), by.clone());
                    }
                }
            }
            Event::CommandAccepted { .. } => {
                if let Some(handover) = self.handover.take() {
                    self.roles.insert("commander".to_owned(), handover.to);
                    self.role_since.insert("commander".to_owned(), envelope.at);
                }
            }
            Event::Resolved {} => {
                self.state = IncidentState::Resolved;
                self.resolved_at = Some(envelope.at);
            }
            Event::Closed { .. } => {
                self.state = IncidentState::Closed;
                self.closed_at = Some(envelope.at);
            }
            Event::Archived { .. } => {
                self.state = IncidentState::Archived;
                self.archived_at = Some(envelope.at);
            }
        }
    }

    /// The earliest awareness, for any regime.
    pub fn aware_at(&self) -> Option<DateTime<Utc>> {
        self.clock_facts.earliest(Decision::Aware)
    }

    pub fn clock(&self, id: &str) -> Option<&ClockDef> {
        self.clocks.iter().find(|c| c.id == id)
    }

    /// Every clock of the incident at `now`, most urgent first.
    /// A closed incident's clocks stand as they were when it closed.
    pub fn clock_statuses(&self, now: DateTime<Utc>) -> Vec<ClockStatus<'_>> {
        let now = self.archived_at.map_or(now, |archived| archived.min(now));
        let mut statuses: Vec<ClockStatus<'_>> = self
            .clocks
            .iter()
            .zip(&self.schedules)
            .map(|(def, schedule)| evaluate_scheduled(def, &self.clock_facts, *schedule, now))
            .collect();
        statuses.sort_unstable_by_key(|s| (s.urgency(), s.def.id.as_str()));
        statuses
    }

    fn set_step(
        &mut self,
        step: &str,
        status: StepStatus,
        by: &str,
        at: DateTime<Utc>,
        comment: Option<String>,
        forced: bool,
    ) {
        if let Some(state) = self.step_state_mut(step) {
            state.status = status;
            state.by = Some(by.to_owned());
            state.at = Some(at);
            state.comment = comment;
            state.forced = forced;
        }
    }

    fn step_state_mut(&mut self, step: &str) -> Option<&mut StepState> {
        let index = self.runbook.step_index(step)?;
        self.steps.get_mut(index)
    }

    /// Whether a later alert brought a tenant, agent or tool the incident did not reach before.
    /// The labels an action sees as the alert's: the first alert's, each overridden by what a
    /// responder stated.
    pub fn alert_labels(&self) -> BTreeMap<&str, &str> {
        let first = self.alerts.values().min_by_key(|t| (t.first_seen, &t.alert.key));
        let mut labels: BTreeMap<&str, &str> =
            first.map(|t| t.alert.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()).unwrap_or_default();
        labels.extend(self.stated_labels.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        labels
    }

    /// Every value `label` has had on this incident: in any of its alerts, or stated by hand.
    pub fn label_values(&self, label: &str) -> std::collections::BTreeSet<&str> {
        let alerts = self.alerts.values().filter_map(|t| t.alert.labels.get(label));
        alerts.chain(self.stated_labels.get(label)).map(String::as_str).filter(|v| !v.is_empty()).collect()
    }

    pub fn scope_grew(&self) -> bool {
        self.alerts.values().any(|t| !t.widened.is_empty())
    }

    /// Every scope label value later alerts brought (empty while the scope is what it was).
    pub fn scope_growth(&self) -> std::collections::BTreeSet<(&str, &str)> {
        self.alerts.values().flat_map(|t| t.widened.iter().map(|(k, v)| (k.as_str(), v.as_str()))).collect()
    }

    pub fn commander(&self) -> Option<&str> {
        self.roles.get("commander").map(String::as_str)
    }

    /// How the incident is named to the world outside the workspace (message keys, PagerDuty's
    /// dedup_key): its id and a tag of its declaration, since another workspace sending to the
    /// same receiver may have an incident of the same id.
    pub fn reference(&self) -> String {
        use sha2::{Digest, Sha256};
        let declared = self.declared_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let digest = Sha256::digest(format!("{}\n{declared}\n{}", self.id, self.declared_by));
        let tag: String = digest.iter().take(REFERENCE_TAG_BYTES).map(|b| format!("{b:02x}")).collect();
        format!("{}{REFERENCE_TAG_MARK}{tag}", self.id)
    }
}

/// Between an incident's id and the tag of its declaration in its reference.
pub const REFERENCE_TAG_MARK: char = '.';
const REFERENCE_TAG_BYTES: usize = 6;

/// Replays envelopes into an incident. `None` when the first event is not a declaration.
pub fn fold<'a>(envelopes: impl IntoIterator<Item = &'a Envelope>) -> Option<Incident> {
    let mut envelopes = envelopes.into_iter();
    let mut incident = Incident::declared(envelopes.next()?)?;
    for envelope in envelopes {
        incident.apply(envelope);
    }
    Some(incident)
}

/// A clock's schedule, its deadline compressed `speed` times towards its anchor (drills).
fn scaled(def: &ClockDef, facts: &ClockFacts, speed: u32) -> Schedule {
    let mut planned = schedule(def, facts);
    let factor = i32::try_from(speed).unwrap_or(i32::MAX).max(1);
    if let (Some(anchor), Some(deadline)) = (planned.anchor_at, planned.deadline.as_mut())
        && factor > 1
    {
        deadline.due_at = anchor + (deadline.due_at - anchor) / factor;
        deadline.legal_limit_at = anchor + (deadline.legal_limit_at - anchor) / factor;
    }
    planned
}
