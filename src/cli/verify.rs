//! `warroom verify [INCIDENT|PATH]`: re-checks every line, the chain and the sequence.

use std::path::{Path, PathBuf};

use super::context::{CliError, Context};
use crate::store::line::hex;
use crate::store::verify::verify_file;

pub fn run(ctx: &Context, target: Option<&str>) -> Result<(), CliError> {
    if let Some(dir) = target.map(Path::new).filter(|t| t.join(crate::app::bundle::SUMS).is_file()) {
        return super::export::verify(dir);
    }
    let logs: Vec<(String, PathBuf)> = match target {
        Some(t) if Path::new(t).is_file() => vec![(t.to_owned(), PathBuf::from(t))],
        Some(t) => {
            let id = ctx.incident_id(t)?;
            vec![(id.clone(), ctx.workspace.log_path(&id))]
        }
        None => {
            let mut logs: Vec<(String, PathBuf)> =
                ctx.workspace.all_ids()?.into_iter().map(|id| (id.clone(), ctx.workspace.log_path(&id))).collect();
            if ctx.workspace.inbox_path().exists() {
                logs.push(("inbox".to_owned(), ctx.workspace.inbox_path()));
            }
            logs
        }
    };
    let mut failed = 0;
    for (name, path) in &logs {
        match verify_file(path) {
            Ok(v) => println!(
                "✓ {name}: {} events, {} bytes, chain head {}",
                v.events,
                v.bytes,
                v.head.map_or_else(|| "(empty)".to_owned(), |h| hex(&h))
            ),
            Err(why) => {
                failed += 1;
                println!("✗ {name}: {why}");
            }
        }
    }
    match failed {
        0 if logs.is_empty() => {
            println!("no incidents in {}", ctx.workspace.root().display());
            Ok(())
        }
        0 => Ok(()),
        n => Err(CliError::damaged(format!("{n} of {} logs failed verification", logs.len()))),
    }
}
