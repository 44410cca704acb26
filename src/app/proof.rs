//! The proof an export bundle carries: the checkpoint of the log as exported, and when the
//! workspace requires signatures, `allowed_signers` as used, the revoked keys, and for every
//! signed line the message and signature stock OpenSSH checks
//! (`signatures/<seq>.msg`, `signatures/<seq>-<principal>.sig`, `signatures/index.tsv`).

use chrono::{DateTime, Utc};

use crate::report::bundle::BundleFile;
use crate::store::allowed_signers::AllowedSigners;
use crate::store::checkpoint::{self, Checkpoint};
use crate::store::line;
use crate::store::signature;

/// The last line: its seq, hash and time, and who signed it with what.
struct Head {
    seq: u64,
    hash: line::Digest32,
    at: DateTime<Utc>,
    signed: Option<(String, String)>,
}

pub fn files(id: &str, log: &[u8], signers: Option<&AllowedSigners>) -> Result<Vec<BundleFile>, String> {
    let mut files = Vec::new();
    let mut index = String::from("seq\tcovers_from\tprincipal\tkey\tverify_time\n");
    let mut head: Option<Head> = None;
    let mut run_start = 1;
    let mut run_actor = String::new();
    let mut carried = signature::Carried::default();
    for (n, raw) in log.split(|b| *b == b'\n').filter(|l| !l.is_empty()).enumerate() {
        let seq = n as u64 + 1;
        let parts = line::split(raw).map_err(|e| format!("seq {seq}: {e}"))?;
        let (actor, at) = who_and_when(raw).ok_or_else(|| format!("seq {seq}: no actor"))?;
        if actor != run_actor {
            run_start = seq;
            run_actor.clone_from(&actor);
        }
        let signed = match (parts.sig, signers) {
            (Some(sig), Some(_)) => {
                let mut parsed = signature::from_line(sig).map_err(|e| format!("seq {seq}: {e}"))?;
                let message = signature::message(id, seq, &parts.claimed);
                carried.complete(&mut parsed, message.as_bytes());
                let sig_text = signature::to_line(&parsed)?;
                let name = file_safe(&actor);
                files.push(BundleFile { path: format!("signatures/{seq}.msg"), bytes: message.into_bytes() });
                files.push(BundleFile {
                    path: format!("signatures/{seq}-{name}.sig"),
                    bytes: signature::armored(&parsed)?.into_bytes(),
                });
                index.push_str(&format!(
                    "{seq}\t{run_start}\t{}\t{}\t{}\n",
                    crate::domain::sanitize::line(&actor).replace('\t', " "),
                    parsed.describe(),
                    at.format("%Y%m%d%H%M%SZ")
                ));
                run_start = seq + 1;
                Some((actor.clone(), sig_text))
            }
            _ => None,
        };
        head = Some(Head { seq, hash: parts.claimed, at, signed });
    }
    if let Some(signers) = signers {
        files.push(BundleFile { path: "allowed_signers".into(), bytes: signers.text.clone().into_bytes() });
        files.push(BundleFile { path: "revoked_keys".into(), bytes: signers.revoked_keys().into_bytes() });
        files.push(BundleFile { path: "signatures/index.tsv".into(), bytes: index.into_bytes() });
    }
    if let Some(Head { seq, hash, at, signed }) = head {
        let mut point = Checkpoint::new(id, seq, &hash, at);
        if let Some((signer, sig)) = signed {
            point.signer = Some(signer);
            point.sig = Some(sig);
        }
        let mut text = serde_json::to_string_pretty(&point).map_err(|e| e.to_string())?;
        text.push('\n');
        files.push(BundleFile { path: checkpoint::BUNDLE_FILE.into(), bytes: text.into_bytes() });
    }
    Ok(files)
}

fn who_and_when(raw: &[u8]) -> Option<(String, DateTime<Utc>)> {
    #[derive(serde::Deserialize)]
    struct Line {
        at: DateTime<Utc>,
        actor: Who,
    }
    #[derive(serde::Deserialize)]
    struct Who {
        name: String,
    }
    serde_json::from_slice::<Line>(raw).ok().map(|l| (l.actor.name, l.at))
}

/// A principal as a file name: letters, digits and `._@-` kept, anything else `%XX`.
fn file_safe(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'_' | b'@' | b'-' => char::from(b).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The exporter's signature over `SHA256SUMS`, which lists every other file's hash.
pub const SUMS_SIGNATURE: &str = "SHA256SUMS.sig";

/// Checks `SHA256SUMS.sig` with `signers`: who signed it (principal and key), or `None` when
/// the bundle is unsigned and nothing requires it to be. `required`: the verifying workspace
/// requires signatures, so an unsigned bundle is refused.
pub fn check_sums(
    dir: &std::path::Path,
    sums: &[u8],
    manifest: &serde_json::Value,
    signers: Option<&AllowedSigners>,
    required: bool,
) -> Result<Option<String>, String> {
    let path = dir.join(SUMS_SIGNATURE);
    let armored = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(_) if required => {
            return Err(format!("{SUMS_SIGNATURE} is missing: the bundle is not signed, so its files prove nothing"));
        }
        Err(_) => return Ok(None),
    };
    let signers = signers.ok_or_else(|| format!("{SUMS_SIGNATURE}: no allowed_signers to check it with"))?;
    let sig = signature::from_armored(&armored).map_err(|e| format!("{SUMS_SIGNATURE}: {e}"))?;
    signature::check(&sig, sums).map_err(|why| format!("{SUMS_SIGNATURE}: {why} (SHA256SUMS changed)"))?;
    let exporter = manifest["exported_by"].as_str().unwrap_or_default();
    let at = manifest["exported_at"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
    let at = at.map(|t| t.with_timezone(&Utc)).ok_or("manifest.json: no export time")?;
    signers.check_sig(exporter, &sig, at).map_err(|why| {
        format!(
            "{SUMS_SIGNATURE}: key {} may not sign for the exporter {}: {why}",
            sig.describe(),
            crate::domain::sanitize::line(exporter)
        )
    })?;
    Ok(Some(format!("{} ({})", crate::domain::sanitize::line(exporter), sig.describe())))
}

/// Without a copy of the log, a signed bundle's timeline is proven by the signatures it
/// carries: each run of one actor's events ends in a signature of theirs over its last event's
/// seq and hash (`signatures/<seq>-<principal>.sig`), by a key `signers` allows at its time.
/// Who wrote each event and what it says are sealed in the hashes, which only the log can
/// show; this proves the chain of hashes, and that nothing was added after the last signature.
pub fn timeline_signed(
    dir: &std::path::Path,
    incident: &str,
    events: &[serde_json::Value],
    signers: &AllowedSigners,
) -> Result<usize, String> {
    let mut carried = signature::Carried::default();
    let mut open: Option<(String, u64)> = None;
    let mut checked = 0;
    for event in events {
        let seq = event["seq"].as_u64().unwrap_or_default();
        let actor = event["actor"]["name"].as_str().unwrap_or_default().to_owned();
        let unsigned = |(name, first): &(String, u64)| {
            format!(
                "timeline.json: seq {first} to {} (recorded as {}) carry no signature",
                seq - 1,
                crate::domain::sanitize::line(name)
            )
        };
        match &open {
            Some(run) if run.0 != actor => return Err(unsigned(run)),
            Some(_) => {}
            None => open = Some((actor.clone(), seq)),
        }
        let path = dir.join(format!("signatures/{seq}-{}.sig", file_safe(&actor)));
        let Ok(armored) = std::fs::read_to_string(&path) else { continue };
        let hash = event["hash"].as_str().and_then(|h| line::unhex(h.as_bytes())).ok_or("timeline.json: a bad hash")?;
        let at = event["at"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
        let at = at.ok_or_else(|| format!("timeline.json: seq {seq} has no time"))?.with_timezone(&Utc);
        let message = signature::message(incident, seq, &hash);
        let mut sig = signature::from_armored(&armored).map_err(|e| format!("signatures/{seq}: {e}"))?;
        carried.complete(&mut sig, message.as_bytes());
        signature::check(&sig, message.as_bytes())
            .map_err(|why| format!("timeline.json: seq {seq}'s signature does not match its hash: {why}"))?;
        signers.check_sig(&actor, &sig, at).map_err(|why| {
            format!(
                "timeline.json: seq {seq} is signed by key {} which may not sign for {}: {why}",
                sig.describe(),
                crate::domain::sanitize::line(&actor)
            )
        })?;
        checked += 1;
        open = None;
    }
    match open {
        Some((name, first)) => Err(format!(
            "timeline.json: seq {first} to the end (recorded as {}) carry no signature",
            crate::domain::sanitize::line(&name)
        )),
        None => Ok(checked),
    }
}
