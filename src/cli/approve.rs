//! `warroom approve INC STEP [--yes]`: shows the request (the exact argv, who asked, until
//! when) and records the approval once confirmed. `--request` asks for one instead.

use super::context::{CliError, Context};
use super::run::{confirmed, refused};
use crate::app::approval;
use crate::domain::sanitize;

pub fn run(ctx: &Context, incident: &str, step: &str, request: bool, yes: bool) -> Result<(), CliError> {
    let app = ctx.app();
    let fail = |e: crate::app::AppError| CliError::new(e.failure(), refused(&e));
    if request {
        let seq = approval::request(&app, incident, step).map_err(fail)?;
        println!("approval requested (#{seq}): a second responder runs `warroom approve {incident} {step}`");
        return Ok(());
    }
    let pending = approval::pending(&app, incident, step).map_err(fail)?;
    let at = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    println!(
        "{}: {} asked at {} for a second responder's approval of {step} (#{}); it expires at {}",
        pending.incident,
        sanitize::line(&pending.requested_by),
        at(pending.requested_at),
        pending.seq,
        at(pending.expires_at)
    );
    match &pending.argv {
        Some(argv) => {
            println!("once approved, this runs (without a shell), once:");
            for (i, arg) in argv.iter().enumerate() {
                println!("  argv[{i}] = {:?}", sanitize::line(arg));
            }
        }
        None => println!("once approved, the step may be ticked as done, once"),
    }
    if pending.drill {
        println!("DRILL: its actions run only in their drill form");
    }
    for (name, value) in &pending.targets {
        println!("  it targets {}={:?}", sanitize::line(name), sanitize::line(value));
    }
    if !pending.open.is_empty() {
        println!("  steps it depends on are OPEN: {}", pending.open.join(", "));
    }
    if !yes && !confirmed("Approve it? [y/N] ")? {
        return Err(CliError::refused("not approved"));
    }
    let recorded = approval::approve(&app, &pending).map_err(fail)?;
    let seq = recorded.events.last().map_or(0, |e| e.seq);
    println!("✓ approved {step} (#{seq}); {} may now run it", sanitize::line(&pending.requested_by));
    Ok(())
}
