//! `warroom run INC STEP [--yes]`: the exact argv first, then a confirmation, then the program
//! with its output streamed here; everything recorded. A two-person step without an approval
//! gets its request recorded instead, for a second responder to approve.

use std::io::{BufRead, IsTerminal, Write};

use super::context::{CliError, Context};
use crate::app::action::{self, Approval};
use crate::domain::sanitize;

pub fn run(ctx: &Context, incident: &str, step: &str, yes: bool) -> Result<(), CliError> {
    let app = ctx.app();
    let gate = action::prepare(&app, incident, step).map_err(|e| CliError::new(e.failure(), refused(&e)))?;
    let (id, prepared) = (&gate.incident, &gate.prepared);
    println!("{id} {step} will run, without a shell, in the workspace:");
    for (i, arg) in prepared.argv.iter().enumerate() {
        println!("  argv[{i}] = {:?}", sanitize::line(arg));
    }
    println!(
        "  timeout {}s; environment: {}",
        prepared.timeout.as_secs(),
        prepared.env.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")
    );
    match &gate.approval {
        Approval::Ready => {}
        Approval::Waiting { requested_by, seq } => {
            return Err(CliError::refused(format!(
                "refused: waiting for a second responder to approve (requested by {} #{seq}): warroom approve {id} {step}",
                sanitize::line(requested_by),
            )));
        }
        Approval::Requested(_) => {
            return Err(CliError::refused(format!(
                "two-person step: approval requested; a second responder runs `warroom approve {id} {step}`, then run it again"
            )));
        }
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::refused("refused: confirm on a terminal, or pass --yes"));
        }
        print!("Run it? [y/N] ");
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).map_err(|e| CliError::refused(e.to_string()))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return Err(CliError::refused("not run"));
        }
    }
    let ran = action::run(&app, id, prepared, |chunk| {
        let mut out = std::io::stdout();
        let _ = out.write_all(sanitize::block(chunk).as_bytes());
        let _ = out.flush();
    })?;
    let o = &ran.outcome;
    if o.succeeded() {
        println!(
            "✓ {id} {step}: exit 0; output {} bytes in {} (sha256 {}){}",
            o.output_bytes,
            o.output_file,
            o.output_sha256,
            if ran.ticked { "; step ticked" } else { "" }
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

/// A refusal to prepare reads "refused: …", as every refusal does.
fn refused(e: &crate::app::AppError) -> String {
    match e {
        crate::app::AppError::Refused(text) => format!("refused: {}", sanitize::line(text)),
        other => other.to_string(),
    }
}
