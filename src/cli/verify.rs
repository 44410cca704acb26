//! `warroom verify [INCIDENT|PATH]`: re-checks every line, the chain and the sequence.

use std::path::Path;

use super::context::{CliError, Context};
use crate::store::line::hex;
use crate::store::port::{LogName, Verified, VerifyFailure};
use crate::store::verify::verify_file;

pub fn run(ctx: &Context, target: Option<&str>) -> Result<(), CliError> {
    if let Some(dir) = target.map(Path::new).filter(|t| t.join(crate::app::bundle::SUMS).is_file()) {
        return super::export::verify(dir);
    }
    let checked: Vec<(String, Result<Verified, VerifyFailure>)> = match target {
        Some(t) if Path::new(t).is_file() => vec![(t.to_owned(), verify_file(Path::new(t)))],
        Some(t) => {
            let log = LogName::Incident(ctx.incident_id(t)?);
            vec![(log.to_string(), ctx.store.verify(&log))]
        }
        None => ctx.store.logs()?.into_iter().map(|log| (log.to_string(), ctx.store.verify(&log))).collect(),
    };
    let mut failed = 0;
    for (name, outcome) in &checked {
        match outcome {
            Ok(v) => println!(
                "✓ {name}: {} events, {} bytes, chain head {}{}",
                v.events,
                v.bytes,
                v.head.map_or_else(|| "(empty)".to_owned(), |h| hex(&h)),
                v.repaired.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
            ),
            Err(why) => {
                failed += 1;
                println!("✗ {name}: {why}");
            }
        }
    }
    match failed {
        0 if checked.is_empty() => {
            println!("no incidents in {}", ctx.store.location());
            Ok(())
        }
        0 => Ok(()),
        n => Err(CliError::damaged(format!("{n} of {} logs failed verification", checked.len()))),
    }
}
