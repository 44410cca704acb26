//! What a recording command prints once it is durable: ids alone on stdout where scripts read
//! them (`id=$(warroom declare …)`), a ✓ line per event otherwise.

use crate::app::Done;
use crate::domain::describe::describe;
use crate::domain::sanitize;

pub fn print(ctx: &super::Context, done: &Done) -> Result<(), super::CliError> {
    match done {
        Done::Declared { id, .. } => {
            println!("{id}");
            super::outbox::warn_after_declaring(ctx, id);
        }
        Done::Drilled { id, runbook, speed } => {
            println!("{id}");
            super::outbox::warn_after_declaring(ctx, id);
            eprintln!("DRILL {id} on {runbook}: clocks run {speed}× faster (drill time = wall time × {speed})");
            super::drill::announce(ctx, id, *speed)?;
        }
        Done::DeclaredFromAlert { id, key, runbook } => {
            println!(
                "✓ declared {id} on runbook {} from unrouted alert {}",
                sanitize::line(runbook),
                sanitize::line(key)
            );
            super::outbox::warn_after_declaring(ctx, id);
        }
        Done::Recorded(recorded) => {
            for envelope in &recorded.events {
                println!("✓ {} #{} {}", recorded.incident, envelope.seq, sanitize::line(&describe(envelope)));
            }
        }
        Done::Closed { recorded, bundle } => {
            for envelope in &recorded.events {
                println!("✓ {} #{} {}", recorded.incident, envelope.seq, sanitize::line(&describe(envelope)));
            }
            super::export::print_bundle(bundle);
        }
        Done::Exported { bundle, .. } => super::export::print_bundle(bundle),
        Done::Dismissed { key } => println!("✓ dismissed {}", sanitize::line(key)),
        Done::Attached { key, incident } => println!("✓ attached unrouted alert {} to {incident}", sanitize::line(key)),
        Done::Updated { incident, audience, events, targets, passed_by } => {
            for envelope in events {
                println!("✓ {incident} #{} {}", envelope.seq, sanitize::line(&describe(envelope)));
            }
            if !passed_by.is_empty() {
                println!(
                    "  not sent to {}: a pagerduty notifier pages, it does not inform (map {} to a webhook, slack or smtp notifier)",
                    sanitize::line(&passed_by.join(", ")),
                    sanitize::line(audience)
                );
            }
            if *targets == 0 {
                println!(
                    "  {} has no notifier in warroom.yaml (audiences:): send it by hand; it counts as sent",
                    sanitize::line(audience)
                );
            }
        }
        Done::Ingested(landed) => {
            for (label, landed) in landed {
                println!("✓ {}: {landed}", sanitize::line(label));
            }
        }
    }
    Ok(())
}
