//! The incident's alerts in full (`i`): what each sender said, every label and annotation,
//! the links a responder follows (`runbook_url`, the source's `generatorURL`), and the scope
//! labels a later alert brought.

use chrono_tz::Tz;

use super::detail_lines::Lines;
use super::theme::Role;
use crate::domain::alert::Status;
use crate::domain::clock::display::local_and_utc;
use crate::domain::incident::Incident;
use crate::domain::sanitize;

pub(super) fn alerts(out: &mut Lines, incident: &Incident, tz: Tz) -> String {
    if incident.alerts.is_empty() {
        out.block(Role::Muted, "No alert recorded on this incident (declared by hand).");
    }
    let mut tracks: Vec<_> = incident.alerts.values().collect();
    tracks.sort_by_key(|t| (t.first_seen, t.alert.key.clone()));
    for track in tracks {
        let alert = &track.alert;
        let status = match alert.status {
            Status::Firing => ("firing", Role::Error),
            Status::Acknowledged => ("acknowledged", Role::DueSoon),
            Status::Resolved => ("resolved", Role::Ok),
        };
        out.heading(alert.name());
        out.lines.push(vec![
            (Role::Muted, format!("{:<13} ", "status")),
            (status.1, status.0.to_owned()),
            (Role::Text, format!(" · via {:?} · key {}", alert.source, sanitize::line(&alert.key))),
        ]);
        if !track.widened.is_empty() {
            let grown: Vec<String> = track.widened.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.lines.push(vec![
                (Role::Muted, format!("{:<13} ", "scope")),
                (Role::Error, format!("SCOPE GROWTH {}", sanitize::line(&grown.join(" ")))),
            ]);
        }
        if let Some(summary) = alert.summary() {
            out.field("summary", summary);
        }
        out.field("first seen", &local_and_utc(track.first_seen, tz));
        out.field("last seen", &format!("{} · {}", local_and_utc(track.last_seen, tz), deliveries(track.deliveries)));
        if let Some(at) = alert.starts_at {
            out.field("started", &local_and_utc(at, tz));
        }
        if let Some(at) = alert.ends_at {
            out.field("ended", &local_and_utc(at, tz));
        }
        if let Some(group) = &alert.group {
            out.field("group", group);
        }
        if let Some(url) = &alert.generator_url {
            out.field("source link", url);
        }
        if let Some(url) = alert.annotations.get("runbook_url") {
            out.field("runbook link", url);
        }
        out.block(Role::Title, "labels");
        for (name, value) in &alert.labels {
            out.field(&format!("  {name}"), value);
        }
        if !alert.annotations.is_empty() {
            out.block(Role::Title, "annotations");
        }
        for (name, value) in &alert.annotations {
            if value.contains('\n') {
                out.field(&format!("  {name}"), "");
                out.block(Role::Text, &indent(value));
            } else {
                out.field(&format!("  {name}"), value);
            }
        }
    }
    format!("Alerts on {} ({})", incident.id, incident.alerts.len())
}

/// A multi-line annotation, each line indented under its name.
fn indent(text: &str) -> String {
    text.split('\n').map(|line| format!("    {line}")).collect::<Vec<_>>().join("\n")
}

/// `n deliveries`, in the singular for one.
pub fn deliveries(n: u32) -> String {
    if n == 1 { "1 delivery".to_owned() } else { format!("{n} deliveries") }
}
