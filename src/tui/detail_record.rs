//! An incident read from the workspace, below its summary: every step, the bundles written
//! for it and its whole log. Nothing here can change it.

use chrono::Utc;

use super::detail_lines::Lines;
use super::model::{Model, RecordView};
use super::theme::Role;
use crate::domain::clock::display::{local_and_utc, local_and_utc_seconds};
use crate::domain::incident::StepStatus;

pub(super) fn rest(out: &mut Lines, record: &RecordView, model: &Model) {
    let incident = &record.entry.incident;
    let when = |at: chrono::DateTime<Utc>| local_and_utc(at, model.tz);
    out.heading("Steps");
    for ((_, step), state) in incident.runbook.steps().zip(&incident.steps) {
        let by = match (&state.by, state.at) {
            (Some(by), Some(at)) => format!(" by {by} at {}", when(at)),
            _ => String::new(),
        };
        let status = match state.status {
            StepStatus::Pending if step.required => "OPEN",
            status => status.name(),
        };
        let comment = state.comment.as_ref().map(|c| format!(" · {c}")).unwrap_or_default();
        out.field(&step.id, &format!("{status}{by}{comment}"));
    }
    out.heading("Bundles");
    if record.bundles.is_empty() {
        out.block(Role::Muted, "none written (close or export writes one)");
    }
    for bundle in &record.bundles {
        out.block(Role::Text, bundle);
    }
    out.heading(&format!("Log ({} entries)", record.entry.timeline.len()));
    for line in &record.entry.timeline {
        out.block(Role::Muted, &format!("#{} {} {}", line.seq, local_and_utc_seconds(line.at, model.tz), line.actor));
        out.block(Role::Text, &format!("    {}", line.text));
    }
}
