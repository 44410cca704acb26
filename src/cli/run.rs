//! `warroom run INC STEP [--yes] [--undo] [--force] [--override-hold REASON]`: the exact argv
//! and environment first (in a drill, how it runs there), then a confirmation, then the program
//! with its output streamed here; everything recorded. A two-person step without an approval of
//! exactly this argv gets its request recorded instead (exit 6), for a second responder to approve.

use std::io::{BufRead, IsTerminal, Write};

use super::context::{CliError, Context};
use crate::action::Prepared;
use crate::app::action::{self, Approval, RunOptions};
use crate::domain::sanitize;
use crate::store::Failure;

pub fn run(
    ctx: &Context,
    incident: &str,
    step: &str,
    yes: bool,
    undo: bool,
    options: &RunOptions,
) -> Result<(), CliError> {
    let app = ctx.app();
    let gate =
        action::prepare(&app, incident, step, undo, options).map_err(|e| CliError::new(e.failure(), refused(&e)))?;
    let (id, prepared) = (&gate.incident, &gate.prepared);
    show(id, prepared, options);
    match &gate.approval {
        Approval::Ready => {}
        Approval::Waiting { requested_by, seq } => {
            return Err(CliError::new(
                Failure::Waiting,
                format!(
                    "waiting for a second responder to approve (requested by {} #{seq}): warroom approve {id} {step}",
                    sanitize::line(requested_by),
                ),
            ));
        }
        Approval::Requested(seq) => {
            return Err(CliError::new(
                Failure::Waiting,
                format!(
                    "two-person step: approval of this argv requested (#{seq}); a second responder runs `warroom approve {id} {step}`, then run it again"
                ),
            ));
        }
    }
    if !yes && !confirmed("Run it? [y/N] ")? {
        return Err(CliError::refused("not run"));
    }
    let ran = action::run(&app, id, prepared, options, |chunk| {
        let mut out = std::io::stdout();
        let _ = out.write_all(sanitize::block(chunk).as_bytes());
        let _ = out.flush();
    })?;
    let o = &ran.outcome;
    let ticked = if ran.ticked { "; step ticked" } else { "" };
    if o.simulated {
        println!("✓ DRILL {id} {step}: simulated (dry run), recorded as #{}{ticked}", ran.started_seq);
        return Ok(());
    }
    if o.succeeded() {
        println!(
            "✓ {id} {step}: exit 0; output {} bytes in {} (sha256 {}){ticked}",
            o.output_bytes, o.output_file, o.output_sha256
        );
        return Ok(());
    }
    let why = if o.timed_out {
        format!("TIMED OUT after {}s and was killed", prepared.timeout.as_secs())
    } else {
        o.exit_code.map_or_else(|| "ended by a signal".to_owned(), |c| format!("FAILED with exit {c}"))
    };
    Err(CliError::refused(format!("✗ {id} {step}: {why}; the step stays open (output in {})", o.output_file)))
}

/// What will run, as the responder must see it before saying yes.
fn show(id: &str, prepared: &Prepared, options: &RunOptions) {
    let step = &prepared.step;
    let what = if prepared.undo { "UNDO of" } else { "action of" };
    let runs = if prepared.simulated() { "would run in a real incident" } else { "will run" };
    println!("{id}: the {what} {step} {runs}, without a shell, in the workspace:");
    if let Some(drill) = prepared.drill {
        println!("  {}", drill.describe());
    }
    if let Some(seq) = prepared.undoes {
        println!("  it reverses run #{seq}");
    }
    for (i, arg) in prepared.argv.iter().enumerate() {
        println!("  argv[{i}] = {:?}", sanitize::line(arg));
    }
    println!("  timeout {}s; environment:", prepared.timeout.as_secs());
    for (name, value) in &prepared.env {
        println!("    {}={:?}", sanitize::line(name), sanitize::line(value));
    }
    if options.force {
        println!("  FORCED: recorded as run although steps it depends on may be open");
    }
    if let Some(reason) = &options.override_hold {
        println!("  past the AI Act evidence hold, the commander's reason: {}", sanitize::line(reason));
    }
}

/// Asks on the terminal; refuses without one.
pub fn confirmed(question: &str) -> Result<bool, CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::refused("refused: confirm on a terminal, or pass --yes"));
    }
    print!("{question}");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).map_err(|e| CliError::refused(e.to_string()))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// A refusal to prepare reads "refused: …", as every refusal does.
pub fn refused(e: &crate::app::AppError) -> String {
    match e {
        crate::app::AppError::Refused(text) => format!("refused: {}", sanitize::line(text)),
        other => other.to_string(),
    }
}
