//! The clock subcommands: decide, notify, waive, clock add | drop | list | provide.

use super::clock_view;
use super::context::{CliError, Context};
use crate::domain::clock::{Decision, SubmissionPhase};
use crate::domain::sanitize;
use crate::domain::suggest::did_you_mean;

pub fn decision(text: &str) -> Result<Decision, CliError> {
    Decision::parse(text).ok_or_else(|| {
        let hint = did_you_mean(text, Decision::ALL.iter().map(|d| d.name()));
        let known: Vec<&str> = Decision::ALL.iter().map(|d| d.name()).collect();
        CliError::usage(format!("unknown decision {:?}{hint} (known: {})", sanitize::line(text), known.join(", ")))
    })
}

pub fn phase(text: &str) -> Result<SubmissionPhase, CliError> {
    SubmissionPhase::parse(text).ok_or_else(|| {
        CliError::usage(format!("unknown phase {:?}: use initial, intermediate or complete", sanitize::line(text)))
    })
}

/// A submission's phase when none is given: initial where the law allows phased reports (or
/// the clock is not in the catalog), else the one complete notice it asks for.
pub fn default_phase(def: Option<&crate::domain::clock::ClockDef>) -> SubmissionPhase {
    use crate::domain::clock::def::Asked;
    match def {
        Some(def) if !def.asks.contains(&Asked::Phases) => SubmissionPhase::Complete,
        _ => SubmissionPhase::Initial,
    }
}

pub fn list(ctx: &Context, incident: Option<&str>, json: bool) -> Result<(), CliError> {
    let Some(wanted) = incident else {
        return catalog(ctx, json);
    };
    let id = ctx.incident_id(wanted)?;
    let incident = ctx.store.incident(&id)?;
    let statuses = incident.clock_statuses(ctx.now);
    if json {
        let view: Vec<_> = statuses.iter().map(clock_view::to_json).collect();
        let text = crate::ascii_json::to_ascii_json_pretty(&serde_json::json!({ "incident": id, "clocks": view }))
            .map_err(|e| CliError::internal(format!("cannot write JSON: {e}")))?;
        print!("{text}");
        return Ok(());
    }
    let stopped = if incident.archived_at.is_some() { " (stopped at the archive: as it left them)" } else { "" };
    println!("{id} — regulatory clocks at {}{stopped}", clock_view::local_and_utc(ctx.now, ctx.tz));
    if statuses.is_empty() {
        println!("  none (add one with `warroom clock add {id} CLOCK --reason …`)");
    }
    for status in &statuses {
        println!("  {}", clock_view::line(status, ctx.tz));
        if status.content_owed() {
            let missing: Vec<&str> = status.missing_content.iter().map(|c| c.id.as_str()).collect();
            println!("  {:<20} missing content: {}", "", missing.join(", "));
        }
    }
    Ok(())
}

fn catalog(ctx: &Context, json: bool) -> Result<(), CliError> {
    let catalog = ctx.clocks();
    if json {
        let text = crate::ascii_json::to_ascii_json_pretty(&serde_json::json!({ "clocks": catalog.clocks }))
            .map_err(|e| CliError::internal(format!("cannot write JSON: {e}")))?;
        print!("{text}");
        return Ok(());
    }
    println!("Clock catalog (shipped, plus {}/clocks/*.yaml)", ctx.dir.display());
    let width = catalog.clocks.iter().map(|c| c.id.chars().count()).max().unwrap_or(0);
    for def in &catalog.clocks {
        let id = sanitize::line(&def.id);
        println!("  {id:<width$} {}  [{}]", sanitize::line(&def.title), sanitize::line(&def.citation));
    }
    Ok(())
}
