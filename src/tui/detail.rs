//! What `Enter` shows in full: a step, a clock, a log entry, the incident or the last message,
//! as labelled lines of text. Every piece of untrusted text goes through the block sanitiser,
//! so a note's every line shows and nothing in it reaches the terminal raw.

use super::model::{Detail, IncidentEntry, Model};
use super::panes::countdown::remaining_text;
use super::theme::Role;
use crate::domain::clock::display::local_and_utc;
use crate::domain::clock::{ClockState, StepHold};
use crate::domain::incident::StepStatus;
use crate::domain::sanitize;
use chrono::{DateTime, Utc};

pub use super::detail_lines::DetailLine;
use super::detail_lines::Lines;

/// The title and lines of `target` on the selected incident, or why there is nothing to show.
pub fn content(model: &Model, target: &Detail, now: DateTime<Utc>) -> (String, Vec<DetailLine>) {
    let mut out = Lines::default();
    let title = match (target, model.current()) {
        (Detail::Message, _) => {
            out.block(Role::Text, model.flash.as_ref().map_or("no message", |f| f.text.as_str()));
            // The current message is shown above; the earlier ones, newest first, faded or not.
            let current = model.flash.as_ref().map(|f| (f.at, f.text.as_str()));
            let earlier: Vec<_> =
                model.said.iter().rev().filter(|f| Some((f.at, f.text.as_str())) != current).collect();
            if !earlier.is_empty() {
                out.heading("Earlier messages");
                for said in earlier {
                    let mark = if said.kind == super::model::FlashKind::Refused { "refused" } else { "done" };
                    out.field(&format!("{} {mark}", said.at.format("%H:%M:%S UTC")), &said.text);
                }
            }
            "Message".to_owned()
        }
        (Detail::Record, _) => match &model.record {
            Some(record) => {
                incident(&mut out, &record.entry, model, now);
                super::detail_record::rest(&mut out, record, model);
                format!("{} read-only", record.entry.incident.id)
            }
            None => "Record".to_owned(),
        },
        (_, None) => {
            out.block(Role::Muted, "no incident selected");
            "Detail".to_owned()
        }
        (Detail::Incident, Some(entry)) => incident(&mut out, entry, model, now),
        (Detail::Step(id), Some(entry)) => step(&mut out, entry, id, model, now),
        (Detail::Clock(id), Some(entry)) => clock(&mut out, entry, id, model, now),
        (Detail::Log(seq), Some(entry)) => log(&mut out, entry, *seq, model),
        (Detail::Alerts, Some(entry)) => super::detail_alerts::alerts(&mut out, &entry.incident, model.tz),
        (Detail::Roles, Some(entry)) => {
            super::detail_roles::roles(&mut out, entry, model.parties.as_ref().ok(), model.tz, now)
        }
    };
    (title, out.lines)
}

fn when(model: &Model, at: DateTime<Utc>) -> String {
    local_and_utc(at, model.tz)
}

fn incident(out: &mut Lines, entry: &IncidentEntry, model: &Model, now: DateTime<Utc>) -> String {
    let incident = &entry.incident;
    out.field("title", &incident.title);
    out.field("severity", &incident.severity);
    out.field("state", incident.state.name());
    if incident.drill {
        out.field("drill", &format!("yes, clocks ×{}", incident.speed));
    }
    out.field("runbook", &format!("{} — {}", incident.runbook.id, incident.runbook.title));
    out.field("declared", &format!("{} by {}", when(model, incident.declared_at), incident.declared_by));
    for (label, at) in
        [("resolved", incident.resolved_at), ("closed", incident.closed_at), ("archived", incident.archived_at)]
    {
        if let Some(at) = at {
            out.field(label, &format!("{}{}", when(model, at), by_whom(entry, label)));
        }
    }
    let count = |status: StepStatus| incident.steps.iter().filter(|s| s.status == status).count();
    let (done, skipped, open) = (count(StepStatus::Done), count(StepStatus::Skipped), count(StepStatus::Pending));
    out.field("steps", &format!("{done} done, {skipped} skipped, {open} open"));
    out.heading("Roles");
    if incident.roles.is_empty() {
        out.block(Role::Muted, "no role assigned");
    }
    for (role, holder) in &incident.roles {
        out.field(role, holder);
    }
    match incident.archived_at {
        // The duties outlive the archive, but it no longer counts them down: each as the archive
        // left it, with its deadline, beside the reason the log gives for setting it aside.
        Some(_) => {
            out.heading("Clocks (stopped at the archive; an unfiled duty is tracked where its reason says)");
            let archive = entry.timeline.iter().rev().find(|line| line.kind == "archived");
            if let Some(line) = archive {
                out.block(Role::Muted, &line.text);
            }
            for status in incident.clock_statuses(now) {
                let due = status.deadline.map_or_else(String::new, |d| {
                    format!(", {} {}", if d.fixed { "due" } else { "target" }, when(model, d.due_at))
                });
                let state = status.state.name().replace('_', " ");
                out.field(&status.def.id, &format!("{state} at the archive{due}"));
            }
        }
        None => {
            out.heading("Clocks");
            for status in incident.clock_statuses(now) {
                out.field(&status.def.id, &remaining_text(&status));
            }
        }
    }
    out.heading(&format!("Alerts ({}) · i shows them in full", incident.alerts.len()));
    let growth = incident.scope_growth();
    if !growth.is_empty() {
        let grown: Vec<String> = growth.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.lines.push(vec![(Role::Error, format!("SCOPE GROWTH {}", sanitize::line(&grown.join(" "))))]);
    }
    for (key, track) in &incident.alerts {
        let summary = track.alert.summary().unwrap_or_default();
        out.field(
            track.alert.name(),
            &format!("{key} · {} · {summary}", super::detail_alerts::deliveries(track.deliveries)),
        );
    }
    format!("Incident {}", incident.id)
}

/// Who recorded the last event of `kind`, and whether they did it in the commander's stead.
fn by_whom(entry: &IncidentEntry, kind: &str) -> String {
    let Some(index) = entry.timeline.iter().rposition(|l| l.kind == kind) else { return String::new() };
    let line = &entry.timeline[index];
    let before = index.checked_sub(1).and_then(|i| entry.timeline.get(i));
    let stead = before.is_some_and(|b| b.kind == "acted_in_stead" && b.actor == line.actor);
    format!(" by {}{}", line.actor, if stead { " in the commander's stead" } else { "" })
}

fn step(out: &mut Lines, entry: &IncidentEntry, id: &str, model: &Model, now: DateTime<Utc>) -> String {
    let incident = &entry.incident;
    let Some((step, state)) = incident.step(id) else {
        out.block(Role::Muted, &format!("no step {id} in this runbook"));
        return "Step".to_owned();
    };
    out.field("title", &step.title);
    let holder = incident.roles.get(&step.role).map_or_else(|| "nobody assigned".to_owned(), Clone::clone);
    out.field("role", &format!("{} ({holder})", step.role));
    out.field("kind", &format!("{}{}", step.kind.name(), if step.required { "" } else { ", optional" }));
    let by = match (&state.by, state.at) {
        (Some(by), Some(at)) => format!(" by {by} at {}", when(model, at)),
        _ => String::new(),
    };
    let forced = if state.forced { ", forced" } else { "" };
    out.field("state", &format!("{}{by}{forced}", state.status.name()));
    if state.reopened > 0 {
        out.field("reopened", &format!("{} times", state.reopened));
    }
    if let Some(timebox) = step.timebox {
        out.field("timebox", &timebox.to_string());
    }
    if !step.depends_on.is_empty() {
        out.field("after", &step.depends_on.join(", "));
    }
    // A filing ticks its step, unless a step before it is still open: then it waits for x.
    if !step.files.is_empty() {
        let statuses = incident.clock_statuses(now);
        let filed: Vec<String> = step
            .files
            .iter()
            .map(|clock| {
                let state =
                    statuses.iter().find(|s| s.def.id == *clock).map_or("not on this incident", |s| s.state.name());
                format!("{clock} ({state})")
            })
            .collect();
        out.field("files", &filed.join(", "));
    }
    if state.status.is_open()
        && let StepHold::Held { clocks } = crate::domain::decide::step_hold(incident, step, now)
    {
        out.field("HELD", &format!("AI Act 73(6): until {} is informed", clocks.join(", ")));
    }
    if step.two_person {
        out.field("two-person", "a second responder must approve");
    }
    if let Some(waiting) = incident.containment.waiting_request(&step.id, now) {
        out.field("approval", &format!("{} asks; expires {}", waiting.requested_by, when(model, waiting.expires_at)));
    }
    if let Some(grant) = incident.containment.unproven_grant(&step.id, now) {
        let by = grant.granted_by.as_deref().unwrap_or_default();
        let why = grant.unproven.as_deref().unwrap_or_default();
        out.field("NOT APPROVED", &format!("#{} says {by} approved, but {why}", grant.granted_seq.unwrap_or_default()));
    }
    if let Some(action) = &step.action {
        let argv: Vec<String> = std::iter::once(action.program.clone()).chain(action.args.iter().cloned()).collect();
        out.field("action", &crate::domain::actions::quoted(&argv));
    }
    if let Some(run) = incident.in_effect(&step.id) {
        out.field("in effect", &format!("run #{} by {} at {}", run.started_seq, run.by, when(model, run.started_at)));
    }
    if let Some(comment) = &state.comment {
        out.heading("Note");
        out.block(Role::Untrusted, comment);
    }
    out.heading("What to do");
    out.block(Role::Text, step.detail.trim());
    let history: Vec<_> = entry
        .timeline
        .iter()
        .filter(|l| l.kind.starts_with("step_") || l.kind.starts_with("approval_") || l.kind.starts_with("action_"))
        .filter(|l| mentions(&l.text, &step.id))
        .collect();
    if !history.is_empty() {
        out.heading("History");
        for line in history {
            out.block(
                Role::Muted,
                &format!("#{} {} {} {}", line.seq, line.at.format("%m-%d %H:%MZ"), line.actor, line.text),
            );
        }
    }
    format!("Step {}", step.id)
}

/// `text` names `id` as a whole word (`fix` is not in `fix-filter`).
fn mentions(text: &str, id: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).any(|word| word == id)
}

fn clock(out: &mut Lines, entry: &IncidentEntry, id: &str, model: &Model, now: DateTime<Utc>) -> String {
    let statuses = entry.incident.clock_statuses(now);
    let Some(status) = statuses.iter().find(|s| s.def.id == id) else {
        out.block(Role::Muted, &format!("no clock {id} on this incident"));
        return "Clock".to_owned();
    };
    let def = status.def;
    out.field("title", &def.title);
    out.field("citation", &def.citation);
    if let Some(regime) = &def.regime {
        out.field("regime", regime);
    }
    out.field("recipient", &def.recipient);
    if let Some(localized) = &def.localized {
        out.field(
            "law",
            localized.member_state.as_deref().unwrap_or("no member state recorded: the strictest applies"),
        );
    }
    out.field("state", &status.state.name().replace('_', " "));
    out.field("time left", &remaining_text(status));
    if let Some(anchor) = status.anchor_at {
        out.field("started", &when(model, anchor));
    }
    if let Some(deadline) = status.deadline {
        out.field(if deadline.fixed { "due" } else { "target" }, &when(model, deadline.due_at));
        if deadline.legal_limit_at != deadline.due_at {
            out.field("legal limit", &when(model, deadline.legal_limit_at));
        }
    }
    if let Some(pause) = status.delayed {
        out.field("delayed", &format!("until {} ({}): {}", when(model, pause.ends_at()), pause.basis, pause.reason));
    }
    if let Some(waiver) = status.waiver {
        out.field("waived", &format!("by {} at {}: {}", waiver.by, when(model, waiver.at), waiver.rationale));
    }
    out.heading("Duty");
    out.block(Role::Text, &def.duty);
    if status.content_owed() {
        out.heading("Missing content");
        for item in &status.missing_content {
            out.field(&item.id, &item.text);
        }
    }
    let submissions: Vec<_> = entry.incident.clock_facts.submissions.iter().filter(|s| s.clock == def.id).collect();
    if !submissions.is_empty() {
        out.heading("Submissions");
        for s in submissions {
            let late = s.late_reason.as_ref().map(|r| format!(" · late: {r}")).unwrap_or_default();
            let channel = s.channel.as_ref().map(|c| format!(" via {c}")).unwrap_or_default();
            out.field(s.phase.name(), &format!("{} by {}{channel} ref {}{late}", when(model, s.at), s.by, s.reference));
        }
    }
    if matches!(status.state, ClockState::AwaitingAnchor) {
        out.heading("Starts when");
        out.block(Role::Text, &status.awaiting.map(|a| a.to_string()).unwrap_or_default());
    }
    format!("Clock {}", def.id)
}

fn log(out: &mut Lines, entry: &IncidentEntry, seq: u64, model: &Model) -> String {
    let Some(line) = entry.timeline.iter().find(|l| l.seq == seq) else {
        out.block(Role::Muted, &format!("no log entry #{seq}"));
        return "Log entry".to_owned();
    };
    out.field("recorded", &crate::domain::clock::display::local_and_utc_seconds(line.at, model.tz));
    out.field("by", &line.actor);
    out.field("what", line.kind);
    out.lines.push(Vec::new());
    out.block(Role::Text, &line.text);
    if let Some(run) = line.run.and_then(|s| entry.incident.containment.runs.iter().find(|r| r.started_seq == s)) {
        action_run(out, run);
    }
    format!("Log entry #{seq}")
}

/// What an action ran and, once it ended, the end of what it printed (the whole output is in
/// its file, named with its digest).
fn action_run(out: &mut Lines, run: &crate::domain::actions::ActionRun) {
    out.heading("Action");
    out.field("argv", &run.argv.join(" "));
    let Some(outcome) = &run.outcome else {
        out.block(Role::Muted, "still running, or its process died (the next warroom to open the incident records it)");
        return;
    };
    out.field("output file", &format!("{} ({} bytes)", outcome.output_file, outcome.output_bytes));
    out.field("sha256", &outcome.output_sha256);
    out.heading("Output (its end)");
    out.block(Role::Untrusted, &outcome.output_tail);
}
