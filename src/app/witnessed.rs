//! Logs compared with every checkpoint that can be found: the witnesses this process writes
//! to, any directory named for `verify`, and the workspace's export bundles. A log cut,
//! emptied, rewritten or deleted since a checkpoint is damage.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::domain::sanitize;
use crate::store::Store;
use crate::store::checkpoint::{self, Checkpoint, Distrust};
use crate::store::line::hex;
use crate::store::port::LogName;

/// One checkpoint and where it was found.
pub struct Found {
    pub source: String,
    pub checkpoint: Checkpoint,
}

/// The places named as witnesses that cannot be read as one (missing, not a directory): a
/// comparison asked for and not made.
pub fn unreadable(places: &[PathBuf]) -> Vec<String> {
    places
        .iter()
        .filter(|dir| !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()))
        .map(|dir| format!("witness {} is not a directory: nothing was compared with it", dir.display()))
        .collect()
}

/// Every checkpoint in `places` (witness directories or bundles) and in the bundles under
/// `<workspace>/exports/`, each distinct one once per place.
pub fn gather(places: &[PathBuf], workspace: &Path) -> Vec<Found> {
    let mut dirs: Vec<PathBuf> = places.to_vec();
    if let Ok(entries) = std::fs::read_dir(workspace.join("exports")) {
        let mut bundles: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).filter(|p| p.is_dir()).collect();
        bundles.sort();
        dirs.extend(bundles);
    }
    dirs.iter()
        .flat_map(|dir| {
            let source = dir.display().to_string();
            checkpoint::all_in(dir).into_iter().map(move |checkpoint| Found { source: source.clone(), checkpoint })
        })
        .collect()
}

/// What the checkpoints say is wrong, per log: `(log, problem)`, in log order. `events` is
/// what verification counted in each log it read (`None`: damaged, and already reported so;
/// absent: no such log in the store). Every checkpoint is compared, not only the latest: a
/// log cut back and written on past its old end still differs at an older checkpoint.
pub fn compare(store: &dyn Store, found: &[Found], events: &BTreeMap<String, Option<u64>>) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let mut by_log: BTreeMap<&str, Vec<&Found>> = BTreeMap::new();
    for one in found {
        let shown = sanitize::line(&one.checkpoint.log).into_owned();
        match checkpoint::check_trust(&one.checkpoint, store.allowed_signers()) {
            Ok(()) => by_log.entry(one.checkpoint.log.as_str()).or_default().push(one),
            Err(Distrust::Unsigned) => problems.push((
                shown,
                format!("an unsigned checkpoint in {} was not used (the workspace requires signatures)", one.source),
            )),
            Err(Distrust::Forged(why)) => {
                problems
                    .push((shown, format!("a checkpoint in {} does not verify ({why}); it was not used", one.source)));
            }
        }
    }
    for (log, checkpoints) in by_log {
        let shown = sanitize::line(log).into_owned();
        let count = match events.get(log) {
            Some(None) => continue,
            Some(Some(n)) => Some(*n),
            None => None,
        };
        let seqs: BTreeSet<u64> =
            checkpoints.iter().map(|f| f.checkpoint.seq).filter(|seq| count.is_some_and(|n| *seq <= n)).collect();
        let hashes = store.line_hashes(&log_name(log), &seqs).unwrap_or_default();
        let mut checkpoints = checkpoints;
        checkpoints.sort_by_key(|f| f.checkpoint.seq);
        // The earliest rewritten line, the furthest cut: what says most about the damage.
        let mut worst: Option<(u64, String)> = None;
        for Found { source, checkpoint } in checkpoints {
            let hash = hashes.get(&checkpoint.seq).map(|h| hex(h));
            if let Some(mismatch) = checkpoint::compare(checkpoint, count, hash.as_deref()) {
                let rank = mismatch.rank();
                let better = match &worst {
                    None => true,
                    Some((r, _)) => rank > *r || (rank == *r && rank > 0),
                };
                if better {
                    worst = Some((rank, mismatch.describe(checkpoint, source)));
                }
            }
        }
        problems.extend(worst.map(|(_, why)| (shown, why)));
    }
    problems.sort();
    problems.dedup();
    problems
}

fn log_name(log: &str) -> LogName {
    if log == "inbox" { LogName::Inbox } else { LogName::Incident(log.to_owned()) }
}
