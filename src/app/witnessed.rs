//! Logs compared with every checkpoint that can be found: the witnesses this process writes
//! to, any directory named for `verify`, and the workspace's export bundles. A log cut,
//! emptied, rewritten or deleted since a checkpoint is damage.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::domain::sanitize;
use crate::store::Store;
use crate::store::checkpoint::{self, Checkpoint};
use crate::store::line::hex;
use crate::store::port::LogName;
use crate::store::signature;

/// One checkpoint and where it was found.
pub struct Found {
    pub source: String,
    pub checkpoint: Checkpoint,
}

/// Every checkpoint in `places` (witness directories or bundles) and in the bundles under
/// `<workspace>/exports/`: the latest per log and place.
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
            checkpoint::latest_in(dir).into_iter().map(move |checkpoint| Found { source: source.clone(), checkpoint })
        })
        .collect()
}

/// What the checkpoints say is wrong, per log: `(log, problem)`, in log order. `events` is
/// what verification counted in each log it read (`None`: damaged, and already reported so;
/// absent: no such log in the store).
pub fn compare(store: &dyn Store, found: &[Found], events: &BTreeMap<String, Option<u64>>) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for Found { source, checkpoint } in found {
        let name = log_name(&checkpoint.log);
        let shown = sanitize::line(&checkpoint.log).into_owned();
        if let Some(why) = forged(store, checkpoint) {
            problems.push((shown, format!("a checkpoint in {source} does not verify ({why}); it was not used")));
            continue;
        }
        let count = match events.get(&checkpoint.log) {
            Some(None) => continue,
            Some(Some(n)) => Some(*n),
            None => None,
        };
        let hash = match count {
            Some(n) if n >= checkpoint.seq => store.line_hash(&name, checkpoint.seq).ok().flatten().map(|h| hex(&h)),
            _ => None,
        };
        if let Some(mismatch) = checkpoint::compare(checkpoint, count, hash.as_deref()) {
            problems.push((shown, mismatch.describe(checkpoint, source)));
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

fn log_name(log: &str) -> LogName {
    if log == "inbox" { LogName::Inbox } else { LogName::Incident(log.to_owned()) }
}

/// Why a signed checkpoint cannot be trusted, when the store says who may sign.
fn forged(store: &dyn Store, checkpoint: &Checkpoint) -> Option<String> {
    let allowed = store.allowed_signers()?;
    let (Some(sig), Some(signer)) = (&checkpoint.sig, &checkpoint.signer) else { return None };
    let head = crate::store::line::unhex(checkpoint.head.as_bytes())?;
    let sig = match signature::from_line(sig.as_bytes()) {
        Ok(sig) => sig,
        Err(why) => return Some(why),
    };
    let message = signature::message(&checkpoint.log, checkpoint.seq, &head);
    if let Err(why) = signature::check(&sig, message.as_bytes()) {
        return Some(why);
    }
    allowed.check(signer, sig.public_key(), checkpoint.at).err().map(|why| {
        format!("{} signs for {signer}: {why}", crate::store::allowed_signers::fingerprint(sig.public_key()))
    })
}
