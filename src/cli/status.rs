//! `warroom status`: open incidents at a glance, one incident in full, or JSON
//! (schema: docs/status-json.md).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::clock_view::rfc3339;
use super::context::{CliError, Context, Listing};
use crate::domain::incident::Incident;
use crate::domain::sanitize;

pub fn run(ctx: &Context, incident: Option<&str>, json: bool, all: bool) -> Result<(), CliError> {
    let listing = match incident {
        Some(wanted) => {
            let id = ctx.incident_id(wanted)?;
            Listing { incidents: vec![ctx.store.incident(&id)?], unreadable: Vec::new() }
        }
        None if all => ctx.history()?,
        None => ctx.open_incidents()?,
    };
    let out = if json {
        to_json(ctx, &listing)?
    } else if incident.is_some() {
        listing.incidents.iter().map(|i| detail(i, ctx.now, ctx.tz)).collect()
    } else {
        overview(ctx, &listing)
    };
    print!("{out}");
    listing.ensure_whole()
}

fn overview(ctx: &Context, listing: &Listing) -> String {
    let incidents = &listing.incidents;
    let mut out = String::new();
    let unreadable = match listing.unreadable.len() {
        0 => String::new(),
        n => format!(", {n} UNREADABLE"),
    };
    let _ = writeln!(
        out,
        "{} — {} incident{}{unreadable} (acting as {})",
        ctx.store.location(),
        incidents.len(),
        if incidents.len() == 1 { "" } else { "s" },
        sanitize::line(&ctx.actor.name)
    );
    for warning in ctx.clocks().warnings() {
        let _ = writeln!(out, "\n⚠ {}", sanitize::line(&warning));
    }
    for (id, why) in &listing.unreadable {
        let _ = writeln!(out, "\n✗ {id}  CANNOT BE READ: {}", sanitize::line(&why.to_string()));
    }
    if incidents.is_empty() && listing.unreadable.is_empty() {
        out.push_str("No open incidents. Declare one with `warroom declare --runbook ID` (see `warroom runbooks`).\n");
    }
    for incident in incidents {
        out.push('\n');
        out.push_str(&headline(incident, ctx.now, ctx.tz));
    }
    out
}

fn headline(incident: &Incident, now: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    let (done, total) = incident.progress();
    let mut out = format!(
        "  {}  {:<4}  {:<8}  {}{}\n      {} v{} · declared {} by {} ({} ago) · commander {} · {done}/{total} steps\n",
        incident.id,
        sanitize::line(&incident.severity),
        incident.state.name(),
        sanitize::line(&incident.title),
        if incident.drill { "  [DRILL]" } else { "" },
        incident.runbook.id,
        sanitize::line(&incident.runbook.version),
        rfc3339(incident.declared_at),
        sanitize::line(&incident.declared_by),
        age(now - incident.declared_at),
        sanitize::line(incident.commander().unwrap_or("(unassigned)")),
    );
    if let Some(most_urgent) = incident.clock_statuses(now).first() {
        let _ = writeln!(out, "      clock: {}", super::clock_view::line(most_urgent, tz));
    }
    if let Some(step) = incident.current_step().filter(|_| incident.state != crate::domain::IncidentState::Archived) {
        let _ = writeln!(
            out,
            "      now: {} — {} ({}{})",
            step.id,
            sanitize::line(&step.title),
            step.role,
            step.timebox.map(|t| format!(", timebox {t}")).unwrap_or_default()
        );
    }
    out
}

fn detail(incident: &Incident, now: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    let mut out = headline(incident, now, tz);
    let clocks = incident.clock_statuses(now);
    if !clocks.is_empty() {
        out.push_str(if incident.archived_at.is_some() {
            "\n  Regulatory clocks (stopped at the archive: as it left them, no longer counted down)\n"
        } else {
            "\n  Regulatory clocks (most urgent first)\n"
        });
        for status in &clocks {
            let _ = writeln!(out, "    {}", super::clock_view::line(status, tz));
        }
    }
    out.push_str("\n  Roles\n");
    for role in &incident.runbook.roles {
        let name = incident.roles.get(&role.id).map_or("—".into(), |n| sanitize::line(n).into_owned());
        let since = incident.role_since.get(&role.id).map(|at| format!("  since {}", rfc3339(*at))).unwrap_or_default();
        let _ = writeln!(out, "    {:<12} {name}{since}", role.id);
        if let Some(paging) = super::status_paging::paging_text(incident, &role.id, now) {
            let _ = writeln!(out, "    {:<12} {paging}", "");
        }
    }
    if !incident.stated_labels.is_empty() {
        let stated: Vec<String> =
            incident.stated_labels.iter().map(|(label, value)| format!("{label}={}", sanitize::line(value))).collect();
        let _ = writeln!(out, "\n  Alert labels stated by hand: {}", stated.join(", "));
    }
    let updates = crate::domain::updates::due(incident);
    if !updates.is_empty() {
        out.push_str("\n  Stakeholder updates\n");
        for next in &updates {
            let _ = writeln!(
                out,
                "    {:<12} {}",
                sanitize::line(&next.audience),
                super::status_paging::update_text(next, now)
            );
        }
    }
    let mut phase = "";
    for (phase_title, step, state) in incident.checklist() {
        if phase_title != phase {
            phase = phase_title;
            let _ = writeln!(out, "\n  {}", sanitize::line(phase_title));
        }
        let mark = match state.status {
            crate::domain::StepStatus::Pending => "[ ]",
            crate::domain::StepStatus::Done => "[x]",
            crate::domain::StepStatus::Skipped => "[-]",
        };
        let who = match (&state.by, state.at) {
            (Some(by), Some(at)) => format!("  {} {}", sanitize::line(by), rfc3339(at)),
            _ => String::new(),
        };
        let optional = if step.required { "" } else { " (optional)" };
        let _ = writeln!(out, "    {mark} {:<22} {}{optional}{who}", step.id, sanitize::line(&step.title));
        if let Some(comment) = &state.comment {
            let _ = writeln!(out, "          “{}”", sanitize::line(comment));
        }
        if let Some(waiting) = incident.containment.waiting_request(&step.id, now) {
            let _ = writeln!(
                out,
                "          APPROVAL WAITING: {} asked, expires {} (warroom approve {} {})",
                sanitize::line(&waiting.requested_by),
                rfc3339(waiting.expires_at),
                incident.id,
                step.id
            );
        }
        if let Some(run) = incident.in_effect(&step.id) {
            let _ = writeln!(out, "          IN EFFECT: run #{} by {}", run.started_seq, sanitize::line(&run.by));
        }
    }
    if !incident.notes.is_empty() {
        out.push_str("\n  Notes\n");
        for note in &incident.notes {
            let _ =
                writeln!(out, "    {} {}: {}", rfc3339(note.at), sanitize::line(&note.by), sanitize::line(&note.text));
        }
    }
    out.push('\n');
    out
}

fn age(elapsed: chrono::Duration) -> String {
    let minutes = elapsed.num_minutes().max(0);
    match minutes {
        0..60 => format!("{minutes}m"),
        60..2880 => format!("{}h{:02}m", minutes / 60, minutes % 60),
        _ => format!("{}d", minutes / 1440),
    }
}

#[derive(Serialize)]
struct StatusJson<'a> {
    workspace: String,
    generated_at: String,
    store_healthy: bool,
    incidents: Vec<IncidentJson<'a>>,
    /// Incidents whose log cannot be read, beside the ones that can.
    unreadable: Vec<UnreadableJson>,
    /// Alerts no runbook matched, waiting in the inbox.
    unrouted: Vec<super::alerts::AlertJson<'a>>,
}

#[derive(Serialize)]
struct UnreadableJson {
    id: String,
    error: String,
}

#[derive(Serialize)]
struct IncidentJson<'a> {
    id: &'a str,
    title: &'a str,
    runbook: &'a str,
    runbook_version: &'a str,
    severity: &'a str,
    state: &'static str,
    drill: bool,
    declared_at: String,
    declared_by: &'a str,
    aware_at: Option<String>,
    resolved_at: Option<String>,
    closed_at: Option<String>,
    archived_at: Option<String>,
    progress: Progress,
    current_step: Option<&'a str>,
    steps: Vec<StepJson<'a>>,
    roles: &'a BTreeMap<String, String>,
    /// When each role's holder took it.
    roles_since: BTreeMap<&'a str, String>,
    /// Command offered to another responder and not yet accepted (the commander is still `roles.commander`).
    handover: Option<HandoverJson<'a>>,
    notes: Vec<NoteJson<'a>>,
    clocks: Vec<super::clock_view::ClockJson<'a>>,
    alert_counts: AlertCounts,
    /// Every alert recorded on the incident, oldest first.
    alerts: Vec<super::alerts::AlertJson<'a>>,
    /// Alert labels responders stated by hand (actions read them before any alert's own).
    stated_labels: &'a BTreeMap<String, String>,
    /// Drills: how many times faster than real time the clocks run (1 for real incidents).
    drill_speed: u32,
    /// The side-effect ledger; `irreversible` ones weigh on the AI Act "serious incident" test.
    effects: Vec<&'a crate::domain::actions::SideEffect>,
    /// What forensic steps preserved.
    preserved: &'a [crate::domain::actions::Preserved],
    actions: Vec<super::status_containment::ActionJson<'a>>,
    /// Two-person requests: who asked for what, who approved, and the run or tick that spent it.
    approvals: Vec<super::status_containment::ApprovalJson<'a>>,
    /// Each role's paging, for roles paged at all.
    paging: Vec<super::status_paging::PagingJson<'a>>,
    /// Every outbound message (pages) and how its delivery stands.
    messages: Vec<super::status_paging::MessageJson<'a>>,
    /// Each audience's next stakeholder update while the incident is active.
    updates: Vec<super::status_paging::UpdateJson>,
    last_seq: u64,
}

/// The alerts recorded on an incident: distinct ones, how many of them fire still, and every
/// delivery that changed something (exact retries are not stored).
#[derive(Serialize)]
struct AlertCounts {
    distinct: usize,
    firing: usize,
    deliveries: u64,
}

#[derive(Serialize)]
struct HandoverJson<'a> {
    from: &'a str,
    to: &'a str,
    offered_at: String,
}

#[derive(Serialize)]
struct Progress {
    done: usize,
    total: usize,
}

#[derive(Serialize)]
struct StepJson<'a> {
    id: &'a str,
    title: &'a str,
    phase: &'a str,
    kind: &'static str,
    role: &'a str,
    required: bool,
    state: &'static str,
    by: Option<&'a str>,
    at: Option<String>,
    comment: Option<&'a str>,
    forced: bool,
}

#[derive(Serialize)]
struct NoteJson<'a> {
    seq: u64,
    by: &'a str,
    at: String,
    text: &'a str,
}

fn to_json(ctx: &Context, listing: &Listing) -> Result<String, CliError> {
    let incidents = &listing.incidents;
    let inbox = ctx.store.inbox()?;
    let view = StatusJson {
        unrouted: inbox.open_items().map(super::alerts::unrouted_json).collect(),
        workspace: ctx.store.location(),
        generated_at: rfc3339(ctx.now),
        store_healthy: ctx.store.is_healthy(),
        incidents: incidents.iter().map(|i| incident_json(i, ctx.now)).collect(),
        unreadable: listing
            .unreadable
            .iter()
            .map(|(id, why)| UnreadableJson { id: id.clone(), error: why.to_string() })
            .collect(),
    };
    crate::ascii_json::to_ascii_json_pretty(&view).map_err(|e| CliError::internal(format!("cannot write JSON: {e}")))
}

fn incident_json(incident: &Incident, now: DateTime<Utc>) -> IncidentJson<'_> {
    let (done, total) = incident.progress();
    let alerts = AlertCounts {
        distinct: incident.alerts.len(),
        firing: incident.alerts.values().filter(|t| t.alert.status == crate::domain::alert::Status::Firing).count(),
        deliveries: incident.alerts.values().map(|t| u64::from(t.deliveries)).sum(),
    };
    let mut tracks: Vec<_> = incident.alerts.values().collect();
    tracks.sort_by_key(|t| (t.first_seen, t.alert.key.as_str()));
    IncidentJson {
        alert_counts: alerts,
        alerts: tracks.into_iter().map(super::alerts::alert_json).collect(),
        stated_labels: &incident.stated_labels,
        effects: incident.containment.effects.values().collect(),
        preserved: &incident.containment.preserved,
        actions: super::status_containment::actions(incident),
        approvals: super::status_containment::approvals(incident, now),
        paging: super::status_paging::paging_json(incident, now),
        messages: super::status_paging::messages_json(incident),
        updates: super::status_paging::updates_json(incident, now),
        id: &incident.id,
        title: &incident.title,
        runbook: &incident.runbook.id,
        runbook_version: &incident.runbook.version,
        severity: &incident.severity,
        state: incident.state.name(),
        drill: incident.drill,
        declared_at: rfc3339(incident.declared_at),
        declared_by: &incident.declared_by,
        aware_at: incident.aware_at().map(rfc3339),
        resolved_at: incident.resolved_at.map(rfc3339),
        closed_at: incident.closed_at.map(rfc3339),
        archived_at: incident.archived_at.map(rfc3339),
        progress: Progress { done, total },
        current_step: incident.current_step().map(|s| s.id.as_str()),
        steps: incident
            .checklist()
            .map(|(phase, step, state)| StepJson {
                id: &step.id,
                title: &step.title,
                phase,
                kind: step.kind.name(),
                role: &step.role,
                required: step.required,
                state: state.status.name(),
                by: state.by.as_deref(),
                at: state.at.map(rfc3339),
                comment: state.comment.as_deref(),
                forced: state.forced,
            })
            .collect(),
        roles: &incident.roles,
        roles_since: incident.role_since.iter().map(|(role, at)| (role.as_str(), rfc3339(*at))).collect(),
        handover: incident.handover.as_ref().map(|h| HandoverJson {
            from: &h.from,
            to: &h.to,
            offered_at: rfc3339(h.at),
        }),
        notes: incident
            .notes
            .iter()
            .map(|n| NoteJson { seq: n.seq, by: &n.by, at: rfc3339(n.at), text: &n.text })
            .collect(),
        clocks: incident
            .clock_statuses(now)
            .iter()
            .map(|s| super::clock_view::to_json_at_speed(s, incident.speed))
            .collect(),
        drill_speed: incident.speed,
        last_seq: incident.last_seq,
    }
}
