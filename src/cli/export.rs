//! The bundle `warroom export` and `warroom close` wrote, and `warroom verify BUNDLE_DIR`.

use std::path::Path;

use super::context::CliError;
use crate::app::bundle;
use crate::domain::sanitize;

pub fn print_bundle(dir: &Path) {
    println!("✓ bundle written to {}", dir.display());
    if let Ok(sums) = std::fs::read_to_string(dir.join(bundle::SUMS)) {
        for line in sums.lines() {
            if let Some((_, file)) = line.split_once("  ") {
                println!("    {}", sanitize::line(file));
            }
        }
        println!("    {}", bundle::SUMS);
        if dir.join(crate::app::proof::SUMS_SIGNATURE).is_file() {
            println!("    {}", crate::app::proof::SUMS_SIGNATURE);
        }
    }
}

pub fn verify(dir: &Path, store: &dyn crate::store::Store) -> Result<(), CliError> {
    match bundle::verify_bundle(dir, store.allowed_signers()) {
        Ok(check) => {
            println!(
                "✓ bundle {}: {} files match {}, {} events chained to head {}{}; {}{}",
                sanitize::line(&check.incident),
                check.files,
                bundle::SUMS,
                check.events,
                check.chain_head,
                match (check.log_checked, check.timeline_signatures) {
                    (true, _) => ", the copied log verified".to_owned(),
                    (false, Some(n)) => format!(
                        " (redacted: no log copy; {n} signature(s) prove the chain of hashes to its head; who wrote each event and what it says need the log)"
                    ),
                    (false, None) => " (redacted: no log copy)".to_owned(),
                },
                match (&check.signed_by, check.trusted_own_signers) {
                    (None, _) => "NOT SIGNED: its files prove nothing against someone who can rewrite them".to_owned(),
                    (Some(by), false) => format!("signed by {by}"),
                    (Some(by), true) => format!(
                        "signed by {by}, checked against the bundle's own allowed_signers (compare it with yours)"
                    ),
                },
                match &check.previous {
                    None => String::new(),
                    Some((name, true)) => {
                        format!("; revises {}, found beside it unchanged (every file)", sanitize::line(name))
                    }
                    Some((name, false)) => {
                        format!("; revises {}, not found beside it (not compared)", sanitize::line(name))
                    }
                }
            );
            Ok(())
        }
        Err(why) => {
            Err(CliError::damaged(format!("bundle {} does not verify: {}", dir.display(), sanitize::line(&why))))
        }
    }
}
