//! Who holds each role of the incident (`w`), in the runbook's order: since when, a handover
//! waiting for acceptance, the role's duties, whom the runbook's on-call path pages for it; one
//! responder holding several roles; how its paging stands (paged, unanswered, escalating,
//! acknowledged); and every page and change of hands, from the log.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::detail_lines::Lines;
use super::model::IncidentEntry;
use super::theme::Role;
use crate::domain::clock::display::local_and_utc;
use crate::domain::duration::at_a_glance;
use crate::domain::incident::{Incident, IncidentState};
use crate::domain::parties::WorkspaceParties;
use crate::domain::sanitize;

pub(super) fn roles(
    out: &mut Lines,
    entry: &IncidentEntry,
    parties: Option<&WorkspaceParties>,
    tz: Tz,
    now: DateTime<Utc>,
) -> String {
    let incident = &entry.incident;
    several(out, incident);
    for role in &incident.runbook.roles {
        out.heading(&format!("{} — {}{}", role.id, role.title, if role.required { "" } else { " (optional)" }));
        let label = |text: &str| (Role::Muted, format!("{text:<13} "));
        match incident.roles.get(&role.id) {
            Some(holder) => {
                let since = incident.role_since.get(&role.id).map_or_else(String::new, |at| {
                    format!(" since {} ({} ago)", local_and_utc(*at, tz), at_a_glance(now - *at))
                });
                out.lines.push(vec![label("held by"), (Role::Text, format!("{}{since}", sanitize::line(holder)))]);
            }
            None if role.required => out.lines.push(vec![label("held by"), (Role::DueSoon, "UNASSIGNED".to_owned())]),
            None => out.lines.push(vec![label("held by"), (Role::Muted, "nobody".to_owned())]),
        }
        if let Some(handover) = incident.handover.as_ref().filter(|_| role.id == "commander") {
            let offered = format!(
                "to {} at {}, not yet accepted: {} keeps command",
                sanitize::line(&handover.to),
                local_and_utc(handover.at, tz),
                sanitize::line(&handover.from)
            );
            out.lines.push(vec![label("handed over"), (Role::DueSoon, offered)]);
        }
        if let Some((urgent, text)) = crate::domain::paging::said(incident, &role.id, now) {
            let look = if urgent {
                Role::Overdue
            } else if text.starts_with("acknowledged") {
                Role::Done
            } else {
                Role::DueSoon
            };
            out.lines.push(vec![label("paging"), (look, text)]);
        }
        let path: Vec<_> = incident.runbook.on_call.iter().filter(|rung| rung.role == role.id).collect();
        if let Some(why) = unpaged(incident, &role.id, &path, parties, now) {
            out.lines.push(vec![label("paging"), (Role::DueSoon, why)]);
        }
        // The last rung has nobody after it: its delay escalates to no one.
        let rungs: Vec<String> = path
            .iter()
            .enumerate()
            .map(|(i, rung)| match rung.escalate_after {
                Some(after) if i + 1 < path.len() => format!("{} (next after {after})", rung.page),
                _ => rung.page.clone(),
            })
            .collect();
        if !rungs.is_empty() {
            out.field("on call", &rungs.join(" → "));
        }
        if !role.duties.trim().is_empty() {
            out.block(Role::Muted, role.duties.trim());
        }
    }
    let outside: Vec<String> = incident
        .roles
        .iter()
        .filter(|(id, _)| incident.runbook.role(id).is_none())
        .map(|(id, holder)| format!("{id}: {holder}"))
        .collect();
    if !outside.is_empty() {
        out.heading("Roles the runbook no longer names");
        out.block(Role::Text, &outside.join("\n"));
    }
    let changes: Vec<String> = entry
        .timeline
        .iter()
        .filter(|l| {
            matches!(
                l.kind,
                "role_assigned" | "command_accepted" | "acted_in_stead" | "message_queued" | "page_acknowledged"
            )
        })
        .map(|l| format!("{} {} {}", local_and_utc(l.at, tz), l.actor, l.text))
        .collect();
    if !changes.is_empty() {
        out.heading("Pages and changes of hands");
        for change in changes {
            out.block(Role::Muted, &change);
        }
    }
    format!("Roles of {}", incident.id)
}

/// A responder who holds several roles (a commander who is also scribe cannot keep the room
/// on the current step and write it down at once).
fn several(out: &mut Lines, incident: &Incident) {
    let mut held: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
    for (role, holder) in &incident.roles {
        held.entry(holder.as_str()).or_default().push(role.as_str());
    }
    for (holder, roles) in held.into_iter().filter(|(_, roles)| roles.len() > 1) {
        let text =
            format!("{} holds {}: is that too much for one person?", sanitize::line(holder), roles.join(" and "));
        out.lines.push(vec![(Role::DueSoon, format!("⚠ {text}"))]);
    }
}

/// Why nobody will be paged for a role nobody holds, when the workspace cannot page it: no
/// notifier at all, or its first rung's rotation mapped to nothing. An on-call path on screen
/// must not read as if someone were being called.
fn unpaged(
    incident: &Incident,
    role: &str,
    path: &[&crate::domain::runbook::Escalation],
    parties: Option<&WorkspaceParties>,
    now: DateTime<Utc>,
) -> Option<String> {
    let quiet = !incident.roles.contains_key(role)
        && incident.state == IncidentState::Active
        && crate::domain::paging::said(incident, role, now).is_none();
    let (parties, first) = (parties.filter(|_| quiet)?, path.first()?);
    let rotation = crate::domain::outbound::rotation_of(&first.page);
    if parties.notifiers.is_empty() {
        return Some("NOT PAGED: warroom.yaml has no notifiers, so nobody is called (docs/paging.md)".to_owned());
    }
    (!parties.rotations.contains_key(rotation)).then(|| {
        format!("NOT PAGED: warroom.yaml maps no targets to rotation {}: page by hand", sanitize::line(rotation))
    })
}
