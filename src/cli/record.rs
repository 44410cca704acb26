//! The recording subcommands: declare, tick, skip, reopen, note, severity, assign, resolve, close.

use chrono::{DateTime, Utc};

use super::context::{CliError, Context};
use crate::domain::event::{Envelope, Event};
use crate::domain::{Command, sanitize};
use crate::store::EventStore;

pub fn declare(
    ctx: &Context,
    runbook: &str,
    severity: Option<String>,
    title: Option<String>,
    aware_at: Option<DateTime<Utc>>,
    drill: bool,
) -> Result<(), CliError> {
    let runbook = ctx.runbook(runbook)?;
    let command = |id: String| Command::Declare {
        id,
        runbook: Box::new(runbook.clone()),
        severity: severity.clone(),
        title: title.clone(),
        aware_at,
        drill,
    };
    let id = ctx.workspace.declare(&ctx.actor, ctx.now, &command)?;
    println!("{id}");
    Ok(())
}

pub fn execute(ctx: &Context, incident: &str, command: Command) -> Result<(), CliError> {
    let id = ctx.incident_id(incident)?;
    let written = ctx.workspace.execute(&id, &ctx.actor, ctx.now, command)?;
    for envelope in &written {
        println!("✓ {id} #{} {}", envelope.seq, sanitize::line(&describe(envelope)));
    }
    Ok(())
}

/// One line saying what an event recorded, for terminals and logs.
pub fn describe(envelope: &Envelope) -> String {
    let by = &envelope.actor.name;
    match &envelope.event {
        Event::Declared { title, severity, runbook, drill, .. } => format!(
            "{by} declared {}{severity} \"{title}\" from runbook {} v{}",
            if *drill { "DRILL " } else { "" },
            runbook.id,
            runbook.version
        ),
        Event::StepTicked { step, note, forced } => format!(
            "{by} ticked {step}{}{}",
            if *forced { " (forced past open dependencies)" } else { "" },
            note.as_ref().map(|n| format!(": {n}")).unwrap_or_default()
        ),
        Event::StepSkipped { step, reason } => format!("{by} skipped {step}: {reason}"),
        Event::StepReopened { step, reason } => format!("{by} reopened {step}: {reason}"),
        Event::NoteAdded { text } => format!("{by} noted: {text}"),
        Event::SeverityChanged { from, to, reason } => format!("{by} changed severity {from} → {to}: {reason}"),
        Event::RoleAssigned { role, name, previous } => match previous {
            Some(previous) => format!("{by} assigned {role} to {name} (was {previous})"),
            None => format!("{by} assigned {role} to {name}"),
        },
        Event::Resolved {} => format!("{by} resolved the incident"),
        Event::Closed { forced, reason, open_steps } => match (forced, reason) {
            (true, Some(reason)) => {
                format!("{by} closed the incident with {} required steps open: {reason}", open_steps.len())
            }
            _ => format!("{by} closed the incident"),
        },
        Event::TornTailQuarantined { file, bytes, .. } => {
            format!("recovery quarantined a torn tail of {bytes} bytes to {file}")
        }
    }
}
