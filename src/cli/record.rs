//! The recording subcommands: declare, tick, skip, reopen, note, severity, assign, resolve, close.

use chrono::{DateTime, Utc};

use super::context::{CliError, Context};
use crate::domain::describe::describe;
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
    let clocks = runbook.clocks.iter().map(|c| ctx.clock_def(c).cloned()).collect::<Result<Vec<_>, _>>()?;
    let command = |id: String| Command::Declare {
        id,
        runbook: Box::new(runbook.clone()),
        clocks: clocks.clone(),
        severity: severity.clone(),
        title: title.clone(),
        aware_at,
        drill,
        from_alert: None,
    };
    let id = ctx.workspace.declare(&ctx.actor, ctx.now, &command)?;
    println!("{id}");
    Ok(())
}

pub fn execute(ctx: &Context, incident: &str, command: Command) -> Result<(), CliError> {
    let id = ctx.incident_id(incident)?;
    let written = ctx.workspace.execute(&id, &ctx.actor, ctx.now, command)?;
    if written.is_empty() {
        return Err(CliError::new(4, "nothing was recorded"));
    }
    for envelope in &written {
        println!("✓ {id} #{} {}", envelope.seq, sanitize::line(&describe(envelope)));
    }
    Ok(())
}
