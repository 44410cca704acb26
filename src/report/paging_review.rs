//! The post-mortem's account of paging: every page and escalation, what became of each
//! message, who answered and how long after the role was first paged, and each role whose
//! pages nobody answered. An auditor asks "who was called, when, and did anyone pick up".

use chrono::{DateTime, Utc};

use super::markdown::{cell, table};
use super::timeline::Sealed;
use crate::domain::duration::at_a_glance;
use crate::domain::event::Event;
use crate::domain::incident::Incident;
use crate::domain::outbound::Purpose;
use crate::domain::outbox::Delivery;

/// The section, or nothing when the incident paged no one.
pub fn section(incident: &Incident, sealed: &[Sealed]) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut answered: Vec<&str> = Vec::new();
    for line in sealed {
        match &line.event {
            Event::MessageQueued { message } => {
                let Purpose::Page { role, rung, rotation, .. } = &message.purpose else { continue };
                let to = message.to.as_deref().map(|to| format!(" to {to}")).unwrap_or_default();
                let became = incident.outbox.get(&message.key).map_or_else(String::new, |m| delivery(&m.delivery));
                let what = format!(
                    "paged level {} ({rotation}) through {} {}{to}: {became}",
                    rung + 1,
                    message.kind.name(),
                    message.notifier
                );
                rows.push(vec![time(line.at), role.clone(), what]);
            }
            Event::PageAcknowledged { role, via, answered_by } => {
                answered.push(role);
                let who = answered_by.as_deref().unwrap_or(&line.actor.name);
                let via = via.as_deref().map(|v| format!(" in {v}")).unwrap_or_default();
                let after = incident
                    .outbox
                    .first_page(role)
                    .map(|first| format!(", {} after the first page", at_a_glance(line.at - first)))
                    .unwrap_or_default();
                rows.push(vec![time(line.at), role.clone(), format!("answered by {who}{via}{after}")]);
            }
            _ => {}
        }
    }
    if rows.is_empty() {
        return String::new();
    }
    let mut roles: Vec<&str> = Vec::new();
    for rung in &incident.runbook.on_call {
        let role = rung.role.as_str();
        let paged = incident.outbox.first_page(role).is_some();
        if paged && !answered.contains(&role) && !roles.contains(&role) {
            roles.push(role);
        }
    }
    let unanswered = if roles.is_empty() {
        String::new()
    } else {
        let taken = |role: &str| incident.roles.get(role).map(|h| format!(" (the role went to {})", cell(h)));
        let listed: Vec<String> =
            roles.iter().map(|r| format!("{}{}", cell(r), taken(r).unwrap_or_default())).collect();
        format!("\nPaged and never acknowledged: {}.\n", listed.join(", "))
    };
    format!("\n## Paging\n\n{}{unanswered}", table(&["time (UTC)", "role", "what"], rows.into_iter()))
}

fn delivery(delivery: &Delivery) -> String {
    match delivery {
        Delivery::Delivered { at, .. } => format!("delivered {}", time(*at)),
        Delivery::Pending { last_error: Some(why), .. } => format!("NOT DELIVERED, still retrying: {why}"),
        Delivery::Pending { .. } => "NOT DELIVERED yet".to_owned(),
        Delivery::Failed { why, .. } => format!("GIVEN UP: {why}"),
        Delivery::Withdrawn { why, .. } => format!("withdrawn: {why}"),
        Delivery::Simulated => "DRILL: recorded, not sent".to_owned(),
    }
}

fn time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}
