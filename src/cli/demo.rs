//! The main command (no subcommand): the workspace at a glance. An empty default workspace gets
//! a clearly marked demo incident, so a newcomer sees a live incident at once.

use chrono::Duration;

use super::context::{CliError, Context};
use super::status;
use crate::app::declare::Declaration;
use crate::domain::Command;

pub const DEMO_RUNBOOK: &str = "cross-tenant-pii-leak";

/// The workspace at a glance, for when the console cannot run (no terminal).
pub fn print_summary(ctx: &Context) -> Result<(), CliError> {
    match ctx.open_incidents()?.incidents.as_slice() {
        [only] => status::run(ctx, Some(&only.id), false, false),
        _ => status::run(ctx, None, false, false),
    }
}

pub fn declare_demo(ctx: &Context) -> Result<String, CliError> {
    let declaration = Declaration {
        runbook: DEMO_RUNBOOK.to_owned(),
        severity: None,
        title: Some("DEMO — support agent showed tenant Globex three Acme customer records".to_owned()),
        aware_at: Some(ctx.now - Duration::minutes(25)),
        drill: true,
        member_state: None,
        labels: vec![("agent".to_owned(), "support-bot".to_owned())],
    };
    let steps = [
        Command::Assign { role: "scribe".into(), name: "sam".into() },
        Command::Assign { role: "privacy".into(), name: "priya".into() },
        Command::Tick {
            step: "confirm-signal".into(),
            note: Some("trace 7f3a: 3 records of tenant acme returned to tenant globex".into()),
            force: false,
            override_hold: None,
        },
        Command::Tick { step: "record-awareness".into(), note: None, force: false, override_hold: None },
        Command::Note { text: "TODO: add a cross-tenant retrieval test to the release gate".into() },
    ];
    Ok(crate::app::declare::declare(&ctx.app(), declaration, steps.into())?)
}
