//! The outbox runner: in the one process holding the outbox lease, each pass queues the pages
//! due (escalations included) and tries every message whose time has come, recording each
//! attempt. At-least-once: a process that dies between sending and recording leaves the
//! message pending, and the next holder sends it again under the same idempotency key.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{App, AppError};
use crate::domain::Command;
use crate::domain::command::DeliveryOutcome;
use crate::domain::incident::{Incident, IncidentState};
use crate::domain::outbound::{Notifier, Outbound, Purpose, retry_after};
use crate::domain::outbox::{Delivery, Message};
use crate::domain::paging::{self, Paging};
use crate::domain::parties::WorkspaceParties;
use crate::store::StoreError;

/// The lease's name: one process in the workspace delivers.
pub const LEASE: &str = "outbox";

/// Why an attempt did not deliver, and whether trying again can help (a refused request or a
/// missing secret cannot: the commander must mend the configuration).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undelivered {
    pub why: String,
    pub permanent: bool,
}

/// Sends one message once, through a notifier: the receiver's receipt, or why not.
pub trait Courier: Send + Sync {
    fn deliver(&self, incident: &str, message: &Outbound, notifier: &Notifier) -> Result<Option<String>, Undelivered>;
}

/// What one pass did, and when the next one has something to do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Messages queued: pages due, and what paging services must be told.
    pub queued: usize,
    pub delivered: usize,
    pub retrying: usize,
    pub given_up: usize,
    pub withdrawn: usize,
    pub next_at: Option<DateTime<Utc>>,
}

/// One pass over every incident not archived. Run it only while holding the lease.
pub fn pass(app: &App, parties: &WorkspaceParties, courier: &dyn Courier) -> Result<Pass, AppError> {
    let mut done = Pass::default();
    if parties.notifiers.is_empty() {
        return Ok(done);
    }
    let mut incidents = Vec::new();
    for id in app.store.open_ids()? {
        let incident = match app.store.incident(&id) {
            Ok(incident) if incident.state != IncidentState::Archived => incident,
            Ok(_) => continue,
            // Being declared this instant (its file made, its first line not yet written): the
            // declaring process pages it itself, and the next pass sees it whole.
            Err(StoreError::Undeclared { .. }) => continue,
            Err(e) => {
                super::error::log(app, "outbox", Some(&id), &e.into());
                continue;
            }
        };
        let queued = super::paging::queue_due(app, parties, &incident)?;
        done.queued += queued.len();
        incidents.push(if queued.is_empty() { incident } else { app.store.incident(&id)? });
    }
    let outcomes = deliver_due(app, &incidents, parties, courier);
    for outcome in outcomes? {
        match outcome {
            Some(DeliveryOutcome::Delivered { .. }) => done.delivered += 1,
            Some(DeliveryOutcome::Failed { retry_at: Some(_), .. }) => done.retrying += 1,
            Some(DeliveryOutcome::Failed { retry_at: None, .. }) => done.given_up += 1,
            Some(DeliveryOutcome::Withdrawn { .. }) => done.withdrawn += 1,
            None => {}
        }
    }
    for incident in incidents {
        // Read again only when an attempt wrote to the log: an idle pass replays each log once.
        let incident =
            if incident.outbox.due(app.now()).next().is_some() { app.store.incident(&incident.id)? } else { incident };
        done.next_at = earliest(done.next_at, next_at(&incident));
    }
    Ok(done)
}

/// Tries every message due, each notifier's in its own thread and in the order queued: a
/// receiver that hangs until its timeout holds up only its own messages, never a page through
/// another notifier.
fn deliver_due(
    app: &App,
    incidents: &[Incident],
    parties: &WorkspaceParties,
    courier: &dyn Courier,
) -> Result<Vec<Option<DeliveryOutcome>>, AppError> {
    let mut by_notifier: BTreeMap<&str, Vec<(&Incident, &Message)>> = BTreeMap::new();
    for incident in incidents {
        for message in incident.outbox.due(app.now()) {
            by_notifier.entry(message.outbound.notifier.as_str()).or_default().push((incident, message));
        }
    }
    let batches: Vec<Result<Vec<Option<DeliveryOutcome>>, AppError>> = std::thread::scope(|scope| {
        let running: Vec<_> = by_notifier
            .into_values()
            .map(|batch| {
                scope.spawn(move || {
                    batch
                        .into_iter()
                        .map(|(incident, message)| attempt(app, incident, message, parties, courier))
                        .collect()
                })
            })
            .collect();
        running
            .into_iter()
            .map(|thread| thread.join().unwrap_or_else(|_| Err(AppError::refused("a delivery stopped unexpectedly"))))
            .collect()
    });
    let mut outcomes = Vec::new();
    for batch in batches {
        outcomes.extend(batch?);
    }
    Ok(outcomes)
}

/// Sends `message` once and records what came of it (`None`: another process settled it first).
fn attempt(
    app: &App,
    incident: &Incident,
    message: &Message,
    parties: &WorkspaceParties,
    courier: &dyn Courier,
) -> Result<Option<DeliveryOutcome>, AppError> {
    let number = message.attempts + 1;
    if let Some(why) = no_longer_wanted(incident, message) {
        let command = Command::Delivery {
            key: message.outbound.key.clone(),
            attempt: message.attempts,
            outcome: DeliveryOutcome::Withdrawn { why: why.clone() },
        };
        return match app.store.execute(&incident.id, app.actor, app.now(), command) {
            Ok(_) => Ok(Some(DeliveryOutcome::Withdrawn { why })),
            Err(StoreError::Refused(_)) => Ok(None),
            Err(e) => Err(e.into()),
        };
    }
    let name = &message.outbound.notifier;
    let sent = match (parties.notifiers.get(name), parties.broken.get(name)) {
        (Some(_), Some(why)) => {
            Err(Undelivered { why: format!("notifier {name} in warroom.yaml: {why} (warroom lint)"), permanent: true })
        }
        (Some(notifier), None) => courier.deliver(&incident.id, &message.outbound, notifier),
        (None, _) => Err(Undelivered { why: format!("notifier {name} is no longer in warroom.yaml"), permanent: true }),
    };
    let outcome = match sent {
        Ok(receipt) => DeliveryOutcome::Delivered { receipt },
        Err(Undelivered { why, permanent }) => {
            let retry_at = (!permanent).then(|| app.now() + retry_after(number));
            DeliveryOutcome::Failed { why, retry_at }
        }
    };
    let command = Command::Delivery { key: message.outbound.key.clone(), attempt: number, outcome: outcome.clone() };
    match app.store.execute(&incident.id, app.actor, app.now(), command) {
        Ok(_) => Ok(Some(outcome)),
        Err(StoreError::Refused(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Why a message still waiting should not be sent after all: its page was answered, or the
/// incident is no longer active.
fn no_longer_wanted(incident: &Incident, message: &Message) -> Option<String> {
    let Purpose::Page { role, .. } = &message.outbound.purpose else { return None };
    match paging::paging(incident, role) {
        Paging::Waiting { .. } => None,
        Paging::Acknowledged { by, .. } => Some(format!("the page for {role} was answered by {by}")),
        Paging::Quiet if incident.state != IncidentState::Active => {
            Some(format!("the incident is {}", incident.state.name()))
        }
        Paging::Quiet => Some(format!("{role} is no longer paged")),
    }
}

/// When `incident` next needs the runner: a retry or an escalation.
fn next_at(incident: &Incident) -> Option<DateTime<Utc>> {
    let retries = incident.outbox.messages.iter().filter_map(|m| match m.delivery {
        Delivery::Pending { next_at, .. } => Some(next_at),
        _ => None,
    });
    let escalations = incident.runbook.roles.iter().filter_map(|role| match paging::paging(incident, &role.id) {
        Paging::Waiting { escalates_at, .. } => escalates_at,
        _ => None,
    });
    retries.chain(escalations).min()
}

fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
