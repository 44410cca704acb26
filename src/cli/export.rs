//! `warroom export INC [--out DIR] [--redact]`, the bundle `warroom close` writes, and
//! `warroom verify BUNDLE_DIR`.

use std::path::Path;

use super::context::{CliError, Context};
use crate::domain::sanitize;
use crate::store::bundle;

pub fn export(ctx: &Context, incident: &str, out: Option<&Path>, redact: bool) -> Result<(), CliError> {
    let id = ctx.incident_id(incident)?;
    let out = out.map_or_else(|| bundle::default_dir(&ctx.workspace, &id, ctx.now), Path::to_path_buf);
    let options = bundle::options(&ctx.workspace, &ctx.actor.name, ctx.now, redact);
    let written = bundle::export(&ctx.workspace, &id, &out, &options)?;
    print_bundle(&written);
    Ok(())
}

pub fn print_bundle(dir: &Path) {
    println!("✓ bundle written to {}", dir.display());
    if let Ok(sums) = std::fs::read_to_string(dir.join(bundle::SUMS)) {
        for line in sums.lines() {
            if let Some((_, file)) = line.split_once("  ") {
                println!("    {}", sanitize::line(file));
            }
        }
        println!("    {}", bundle::SUMS);
    }
}

pub fn verify(dir: &Path) -> Result<(), CliError> {
    match bundle::verify_bundle(dir) {
        Ok(check) => {
            println!(
                "✓ bundle {}: {} files match {}, {} events chained to head {}{}",
                sanitize::line(&check.incident),
                check.files,
                bundle::SUMS,
                check.events,
                check.chain_head,
                if check.log_checked { ", the copied log verified" } else { " (redacted: no log copy)" }
            );
            Ok(())
        }
        Err(why) => {
            Err(CliError::new(3, format!("bundle {} does not verify: {}", dir.display(), sanitize::line(&why))))
        }
    }
}
