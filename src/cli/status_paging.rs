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
    role: &'a str,
    /// `page`, or what a paging service was told: `acknowledge`, `resolve`.
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
            let (purpose, rung) = match &m.purpose {
                Purpose::Page { rung, .. } => ("page", Some(*rung)),
                Purpose::Settle { action, .. } => (action.name(), None),
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
