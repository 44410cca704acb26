//! `status`: how each role's paging stands (paged, unanswered, escalating, acknowledged) and
//! every outbound message with how its delivery stands, in text and in `--json`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::clock_view::rfc3339;
use crate::domain::incident::Incident;
use crate::domain::outbound::Purpose;
use crate::domain::outbox::Delivery;
use crate::domain::paging::{Paging, paging, said};

#[derive(Serialize)]
pub struct PagingJson<'a> {
    role: &'a str,
    /// `waiting` (paged, unanswered), `acknowledged`, `assigned` (another responder gave the
    /// role to someone, which stopped the paging; they have not acknowledged), or `unanswered`
    /// (the incident ended first).
    state: &'static str,
    /// The rung last paged, 0 for the first (`level` counts from 1, as the text does).
    rung: Option<usize>,
    level: Option<usize>,
    paged_at: Option<String>,
    escalates_at: Option<String>,
    /// Every message of the rung last paged was given up.
    unreached: bool,
    acknowledged_by: Option<String>,
    acknowledged_at: Option<String>,
    assigned_to: Option<String>,
    assigned_by: Option<String>,
    assigned_at: Option<String>,
    /// Unanswered past its escalation, or reaching nobody.
    urgent: bool,
    said: String,
}

#[derive(Serialize)]
pub struct MessageJson<'a> {
    key: &'a str,
    notifier: &'a str,
    kind: &'static str,
    to: Option<&'a str>,
    /// The role paged or settled (null for an update).
    role: Option<&'a str>,
    /// The audience of an update (null otherwise).
    audience: Option<&'a str>,
    /// `page`, `update`, or what a paging service was told: `acknowledge`, `resolve`.
    purpose: &'static str,
    /// The page's rung (null for what a service was told).
    rung: Option<usize>,
    attempts: u32,
    /// `queued`, `retrying`, `delivered`, `given_up`, `withdrawn` or `simulated` (a drill).
    delivery: &'static str,
    at: Option<String>,
    why: Option<&'a str>,
}

pub fn paging_json(incident: &Incident, now: DateTime<Utc>) -> Vec<PagingJson<'_>> {
    incident
        .runbook
        .roles
        .iter()
        .filter_map(|role| {
            let (urgent, text) = said(incident, &role.id, now)?;
            let mut json = PagingJson {
                role: &role.id,
                state: "waiting",
                rung: None,
                level: None,
                paged_at: None,
                escalates_at: None,
                unreached: false,
                acknowledged_by: None,
                acknowledged_at: None,
                assigned_to: None,
                assigned_by: None,
                assigned_at: None,
                urgent,
                said: text,
            };
            match paging(incident, &role.id) {
                Paging::Quiet => {
                    let (rung, at) = incident.outbox.last_page(&role.id)?;
                    json.state = "unanswered";
                    json.rung = Some(rung);
                    json.level = Some(rung + 1);
                    json.paged_at = Some(rfc3339(at));
                }
                Paging::Waiting { rung, at, escalates_at, unreached } => {
                    json.rung = Some(rung);
                    json.level = Some(rung + 1);
                    json.paged_at = Some(rfc3339(at));
                    json.escalates_at = escalates_at.map(rfc3339);
                    json.unreached = unreached;
                }
                Paging::Acknowledged { by, at, assigned_by: None } => {
                    json.state = "acknowledged";
                    json.acknowledged_by = Some(by);
                    json.acknowledged_at = Some(rfc3339(at));
                }
                Paging::Acknowledged { by, at, assigned_by: Some(giver) } => {
                    json.state = "assigned";
                    json.assigned_to = Some(by);
                    json.assigned_by = Some(giver);
                    json.assigned_at = Some(rfc3339(at));
                }
            }
            Some(json)
        })
        .collect()
}

pub fn messages_json(incident: &Incident) -> Vec<MessageJson<'_>> {
    incident
        .outbox
        .messages
        .iter()
        .map(|message| {
            let m = &message.outbound;
            let (purpose, rung, audience) = match &m.purpose {
                Purpose::Page { rung, .. } => ("page", Some(*rung), None),
                Purpose::Settle { action, .. } => (action.name(), None, None),
                Purpose::Update { audience } => ("update", None, Some(audience.as_str())),
            };
            let (delivery, at, why) = match &message.delivery {
                Delivery::Pending { next_at, last_error: None } => ("queued", Some(*next_at), None),
                Delivery::Pending { next_at, last_error: Some(why) } => ("retrying", Some(*next_at), Some(why)),
                Delivery::Delivered { at, .. } => ("delivered", Some(*at), None),
                Delivery::Failed { at, why } => ("given_up", Some(*at), Some(why)),
                Delivery::Withdrawn { at, why } => ("withdrawn", Some(*at), Some(why)),
                Delivery::Simulated => ("simulated", None, None),
            };
            MessageJson {
                key: &m.key,
                notifier: &m.notifier,
                kind: m.kind.name(),
                to: m.to.as_deref(),
                role: m.purpose.role(),
                audience,
                purpose,
                rung,
                attempts: message.attempts,
                delivery,
                at: at.map(rfc3339),
                why: why.map(String::as_str),
            }
        })
        .collect()
}

/// The role's paging after its line in `status`, when it has any.
pub fn paging_text(incident: &Incident, role: &str, now: DateTime<Utc>) -> Option<String> {
    said(incident, role, now).map(|(urgent, text)| format!("{}{text}", if urgent { "⚠ " } else { "" }))
}

/// An audience's next update: when it is due, and the last one.
#[derive(Serialize)]
pub struct UpdateJson {
    audience: String,
    /// How often, at the incident's severity (drills: shrunk by their speed).
    every_seconds: i64,
    last_at: Option<String>,
    /// How the last update stands: `delivered`, `pending`, `given_up` (a receiver refused
    /// it: the audience did not hear it), `by_hand` (no notifier) or `simulated` (a drill's).
    last_delivery: Option<&'static str>,
    due_at: String,
    /// `later`, `soon` (within a quarter of the interval, at most 10 minutes) or `late`.
    state: &'static str,
}

pub fn updates_json(incident: &Incident, now: DateTime<Utc>) -> Vec<UpdateJson> {
    crate::domain::updates::due(incident)
        .into_iter()
        .map(|next| UpdateJson {
            state: next.urgency(now).name(),
            every_seconds: next.every.num_seconds(),
            last_at: next.last.map(rfc3339),
            last_delivery: next.last_reached.map(crate::domain::updates::Reached::name),
            due_at: rfc3339(next.due_at),
            audience: next.audience,
        })
        .collect()
}

/// `due in 12m (every 2h; last 1h48m ago)`, or `LATE 5m …`.
pub fn update_text(next: &crate::domain::updates::UpdateDue, now: DateTime<Utc>) -> String {
    use crate::domain::duration::at_a_glance;
    let when = if now >= next.due_at {
        format!("LATE {} (was due {})", at_a_glance(now - next.due_at), rfc3339(next.due_at))
    } else {
        format!("due in {} ({})", at_a_glance(next.due_at - now), rfc3339(next.due_at))
    };
    let reached = match next.last_reached {
        Some(crate::domain::updates::Reached::GivenUp) => " — NOT DELIVERED: a receiver refused it (outbox status)",
        Some(crate::domain::updates::Reached::Pending) => " (not yet delivered)",
        _ => "",
    };
    let last = next
        .last
        .map_or_else(|| "none sent yet".to_owned(), |at| format!("last {} ago{reached}", at_a_glance(now - at)));
    let minutes = next.every.num_minutes();
    let every = if minutes >= 60 && minutes % 60 == 0 { format!("{}h", minutes / 60) } else { at_a_glance(next.every) };
    format!("{when}; every {every}; {last}")
}
