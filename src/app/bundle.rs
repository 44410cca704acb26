//! Export bundles on disk: written whole or not at all (a partial directory renamed into place
//! once every file and `SHA256SUMS` are synced), and verified byte for byte.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::domain::incident::Incident;
use crate::report::bundle::{self, BundleFile, Options, Previous};
use crate::report::timeline::Sealed;
use crate::store::allowed_signers::AllowedSigners;
use crate::store::line::{self, hex};
use crate::store::verify::verify_file;
use crate::store::{Store, StoreError, fsync_dir};

pub const SUMS: &str = "SHA256SUMS";

/// The names the workspace lists for redaction (`redact-names.txt`, one per line, `#` comments).
pub fn redaction_names(dir: &Path) -> Vec<String> {
    fs::read_to_string(dir.join("redact-names.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The sealed log of `id`, checked, as lines and raw bytes, and the incident it folds into.
pub fn read_sealed(store: &dyn Store, id: &str) -> Result<(Incident, Vec<Sealed>, Vec<u8>), StoreError> {
    let bytes = store.log_bytes(id)?;
    let damaged = |why: String| StoreError::Damaged { file: format!("the log of {id}"), why };
    let mut sealed = Vec::new();
    for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let record: Sealed =
            serde_json::from_slice(line).map_err(|e| damaged(format!("a line does not read as an event: {e}")))?;
        sealed.push(record);
    }
    let mut incident = sealed
        .first()
        .and_then(|first| Incident::declared(&first.envelope()))
        .ok_or_else(|| damaged("the log does not start with a declaration".into()))?;
    for line in sealed.iter().skip(1) {
        incident.apply(&line.envelope());
    }
    Ok((incident, sealed, bytes))
}

/// Where a bundle goes when none is named: `exports/<id>` in the workspace, or, if that is
/// taken (an earlier export), `exports/<id>-<UTC time>`.
pub fn default_dir(dir: &Path, id: &str, now: chrono::DateTime<chrono::Utc>) -> PathBuf {
    let exports = dir.join("exports");
    let plain = exports.join(id);
    if plain.exists() { exports.join(format!("{id}-{}", now.format("%Y%m%dT%H%M%SZ"))) } else { plain }
}

/// Options for a bundle exported now by `actor` from the workspace directory `dir`.
pub fn options(dir: &Path, actor: &str, now: chrono::DateTime<chrono::Utc>, redact_all: bool) -> Options {
    Options {
        redact_all,
        names: redaction_names(dir),
        exported_at: now,
        exported_by: actor.to_owned(),
        previous: None,
        parties: workspace_parties(dir),
        action_outputs: Vec::new(),
    }
}

/// The output files of `incident`'s action runs as the workspace `dir` holds them.
pub fn action_outputs(dir: &Path, incident: &Incident) -> Vec<crate::report::action_outputs::OnDisk> {
    let recorded = crate::report::action_outputs::recorded(incident);
    let read = |file: &str| {
        let inside = Path::new(file).components().all(|c| matches!(c, std::path::Component::Normal(_)));
        inside.then(|| fs::read(dir.join(file)).ok()).flatten()
    };
    recorded
        .into_iter()
        .map(|(file, _)| crate::report::action_outputs::OnDisk { file: file.to_owned(), bytes: read(file) })
        .collect()
}

/// The workspace's contact points and parties (`warroom.yaml`), or why they cannot be used.
pub fn workspace_parties(dir: &Path) -> Result<crate::domain::parties::WorkspaceParties, String> {
    crate::catalog::workspace_config::load(dir).map_err(|problems| {
        problems.iter().map(crate::catalog::diagnostic::Diagnostic::headline).collect::<Vec<_>>().join("; ")
    })
}

/// The workspace's parties as paging reads them: a notifier that cannot send is marked broken
/// rather than stopping every page (`catalog::workspace_config::load_for_paging`).
pub fn paging_parties(dir: &Path) -> Result<crate::domain::parties::WorkspaceParties, String> {
    crate::catalog::workspace_config::load_for_paging(dir)
}

/// The latest bundle of `id` beside `out` (by export time), as the revision `out` follows.
pub fn previous_revision(out: &Path, id: &str) -> Option<Previous> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut revisions: Vec<(String, String, String)> = fs::read_dir(parent)
        .ok()?
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?.to_owned();
            let manifest: serde_json::Value = read_json(&path.join(bundle::MANIFEST)).ok()?;
            if manifest["incident"].as_str() != Some(id) || path == out {
                return None;
            }
            let sums = fs::read(path.join(SUMS)).ok()?;
            Some((manifest["exported_at"].as_str()?.to_owned(), name, hex(&Sha256::digest(&sums))))
        })
        .collect();
    revisions.sort();
    revisions.pop().map(|(_, bundle, sha256sums)| Previous { bundle, sha256sums })
}

/// Writes the bundle of `id` to `out` (which must not exist, or be empty) and returns it.
pub fn export(store: &dyn Store, dir: &Path, id: &str, out: &Path, options: &Options) -> Result<PathBuf, StoreError> {
    if out.exists() && fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(StoreError::Export(format!(
            "{} already exists and is not empty; choose another --out",
            out.display()
        )));
    }
    let (incident, sealed, log) = read_sealed(store, id)?;
    let options = &Options {
        previous: previous_revision(out, id),
        action_outputs: action_outputs(dir, &incident),
        ..options.clone()
    };
    let mut files = bundle::build(&incident, &sealed, &log, options).map_err(StoreError::Export)?;
    files.extend(super::proof::files(id, &log, store.allowed_signers()).map_err(StoreError::Export)?);
    let chain_head = sealed.last().map_or("", |l| l.hash.as_str());
    let rendered = hex(&Sha256::digest(sums(&files).as_bytes()));
    let stamp = crate::report::pdf::Stamp {
        incident: id,
        dated: options.exported_at,
        chain_head,
        bundle: &rendered,
        drill: incident.drill,
    };
    files.extend(bundle::pdfs(&files, &stamp));
    let sign = |sums: &[u8]| store.sign_detached(&options.exported_by, options.exported_at, sums);
    write(out, &files, &sign)?;
    Ok(out.to_owned())
}

/// Signs `SHA256SUMS` as the exporter (`None`: the workspace does not sign).
type SignSums<'a> = dyn Fn(&[u8]) -> Result<Option<String>, StoreError> + 'a;

fn write(out: &Path, files: &[BundleFile], sign: &SignSums<'_>) -> Result<(), StoreError> {
    let name = out.file_name().map_or_else(|| "bundle".into(), |n| n.to_string_lossy().into_owned());
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    crate::private_fs::create_dir_all(parent).map_err(|e| StoreError::io("create", parent, e))?;
    let partial = parent.join(format!(".{name}.partial"));
    if partial.exists() {
        fs::remove_dir_all(&partial).map_err(|e| StoreError::io("remove", &partial, e))?;
    }
    let filled = fill(&partial, files, sign).and_then(|()| {
        if out.exists() {
            fs::remove_dir(out).map_err(|e| StoreError::io("replace", out, e))?;
        }
        fs::rename(&partial, out).map_err(|e| StoreError::io("rename", out, e))
    });
    if filled.is_err() {
        let _ = fs::remove_dir_all(&partial);
    }
    filled?;
    fsync_dir(parent)
}

/// `SHA256SUMS` of `files`: `<sha256>  <path>` per file, in their order.
fn sums(files: &[BundleFile]) -> String {
    files.iter().map(|file| format!("{}  {}\n", hex(&Sha256::digest(&file.bytes)), file.path)).collect()
}

/// Writes every file of the bundle and its checksums into `partial`, durably.
fn fill(partial: &Path, files: &[BundleFile], sign: &SignSums<'_>) -> Result<(), StoreError> {
    let sums = sums(files);
    for file in files {
        let path = partial.join(&file.path);
        if let Some(dir) = path.parent() {
            crate::private_fs::create_dir_all(dir).map_err(|e| StoreError::io("create", dir, e))?;
        }
        write_synced(&path, &file.bytes)?;
    }
    write_synced(&partial.join(SUMS), sums.as_bytes())?;
    if let Some(signature) = sign(sums.as_bytes())? {
        write_synced(&partial.join(super::proof::SUMS_SIGNATURE), signature.as_bytes())?;
    }
    for dir in ["filings", "worksheets", "comms", "evidence", "signatures", ""] {
        let dir = partial.join(dir);
        if dir.is_dir() {
            fsync_dir(&dir)?;
        }
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut file = crate::private_fs::options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(|e| StoreError::io("create", path, e))?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|e| StoreError::io("write", path, e))
}

/// What a bundle check found: the files it covered and the chain head it vouches for.
pub struct BundleCheck {
    pub incident: String,
    pub files: usize,
    pub events: u64,
    pub chain_head: String,
    pub log_checked: bool,
    /// Without a log copy, the signatures that prove the timeline's chain (`None`: unsigned).
    pub timeline_signatures: Option<usize>,
    /// Who signed `SHA256SUMS` and with which key (`None`: the bundle is not signed).
    pub signed_by: Option<String>,
    /// The signatures were checked against the bundle's own `allowed_signers`, there being no
    /// workspace one to trust instead.
    pub trusted_own_signers: bool,
    /// The revision this one follows, and whether it was found beside it unchanged.
    pub previous: Option<(String, bool)>,
}

/// Re-checks a bundle: every file against `SHA256SUMS`, no file unlisted, the timeline's hash
/// chain whole and ending at the manifest's head, and the copied log (when present) verified
/// and sealing the same events. The first failure, in one line.
pub fn verify_bundle(dir: &Path, trusted: Option<&AllowedSigners>) -> Result<BundleCheck, String> {
    let (sums, listed) = files_match_sums(dir)?;
    let manifest: serde_json::Value = read_json(&dir.join(bundle::MANIFEST))?;
    let previous = check_previous(dir, &manifest)?;
    let bundled = crate::store::signing::read_policy(dir).map_err(|e| e.to_string())?;
    let signers = trusted.or(bundled.as_ref());
    let carries_proof = bundled.is_some() || dir.join("signatures").is_dir() || copied_log_is_signed(dir, &manifest);
    let signed_by =
        super::proof::check_sums(dir, sums.as_bytes(), &manifest, signers, trusted.is_some() || carries_proof)?;
    let head = manifest["chain_head"].as_str().unwrap_or_default().to_owned();
    let incident = manifest["incident"].as_str().unwrap_or_default().to_owned();
    let timeline: serde_json::Value = read_json(&dir.join("timeline.json"))?;
    let events = timeline["events"].as_array().ok_or("timeline.json: no events")?;
    let mut prev = hex(&line::genesis(&incident));
    for event in events {
        let seq = event["seq"].as_u64().unwrap_or(0);
        if event["prev"].as_str() != Some(prev.as_str()) {
            return Err(format!("timeline.json: seq {seq} does not follow the event before it in the hash chain"));
        }
        prev = event["hash"].as_str().unwrap_or_default().to_owned();
    }
    if prev != head || timeline["chain_head"].as_str() != Some(head.as_str()) {
        return Err("timeline.json: its chain does not end at the manifest's chain head".to_owned());
    }
    let mut log_checked = false;
    if let Some(log) = manifest["log"].as_str() {
        let verified = verify_file(&dir.join(log), signers).map_err(|e| format!("{log}: {e}"))?;
        let log_head = verified.head.map(|h| hex(&h)).unwrap_or_default();
        if log_head != head || verified.events != events.len() as u64 {
            return Err(format!("{log}: does not seal the events of timeline.json"));
        }
        let text = fs::read(dir.join(log)).map_err(|e| format!("{log}: {e}"))?;
        for (line, event) in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()).zip(events) {
            let sealed: serde_json::Value = serde_json::from_slice(line).map_err(|e| format!("{log}: {e}"))?;
            if let Some(field) = differing_field(&sealed, event) {
                return Err(format!("timeline.json: seq {}'s {field} differs from the sealed log", event["seq"]));
            }
        }
        log_checked = true;
    }
    let timeline_signatures = match signers {
        Some(signers) if !log_checked && (signed_by.is_some() || carries_proof) => {
            Some(super::proof::timeline_signed(dir, &incident, events, signers)?)
        }
        _ => None,
    };
    pdfs_stamped(dir, &sums, &head)?;
    Ok(BundleCheck {
        incident,
        files: listed.len(),
        events: events.len() as u64,
        chain_head: head,
        log_checked,
        timeline_signatures,
        signed_by,
        trusted_own_signers: trusted.is_none() && bundled.is_some(),
        previous,
    })
}

/// Every PDF names on each page the chain head and the hash of the `SHA256SUMS` lines of every
/// file but the PDFs (the files it renders among them).
fn pdfs_stamped(dir: &Path, sums: &str, head: &str) -> Result<(), String> {
    let is_pdf = |line: &&str| line.ends_with(".pdf");
    let rendered: String = sums.lines().filter(|l| !is_pdf(l)).map(|l| format!("{l}\n")).collect();
    let bundle = hex(&Sha256::digest(rendered.as_bytes()));
    for line in sums.lines().filter(is_pdf) {
        let path = line.split_once("  ").map_or(line, |(_, p)| p);
        let bytes = fs::read(dir.join(path)).map_err(|e| format!("{path}: {e}"))?;
        let pages = memchr::memmem::find_iter(&bytes, b"/Type /Page\n").count().max(1);
        for (what, hash) in [("chain head", head), ("bundle hash", bundle.as_str())] {
            if memchr::memmem::find_iter(&bytes, hash.as_bytes()).count() < pages {
                return Err(format!("{path}: does not carry this bundle's {what} on every page"));
            }
        }
    }
    Ok(())
}

/// The first field a timeline event states differently from its sealed line (the time compared
/// as an instant, the timeline writing it without trailing zeros).
fn differing_field(sealed: &serde_json::Value, event: &serde_json::Value) -> Option<&'static str> {
    let instant = |v: &serde_json::Value| v.as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    if instant(&sealed["at"]).is_none() || instant(&sealed["at"]) != instant(&event["at"]) {
        return Some("time");
    }
    ["seq", "actor", "event", "prev", "hash"].into_iter().find(|field| sealed[field] != event[field])
}

/// Every file of the bundle at `dir` against its `SHA256SUMS`, and no file unlisted: the
/// checksums' text and the files listed.
fn files_match_sums(dir: &Path) -> Result<(String, Vec<String>), String> {
    let sums = fs::read_to_string(dir.join(SUMS)).map_err(|e| format!("{SUMS}: {e}"))?;
    let mut listed = Vec::new();
    for (n, line) in sums.lines().enumerate() {
        let (digest, path) =
            line.split_once("  ").ok_or_else(|| format!("{SUMS} line {}: not `<sha256>  <file>`", n + 1))?;
        if path.contains("..") || path.starts_with('/') {
            return Err(format!("{SUMS} line {}: {path:?} points outside the bundle", n + 1));
        }
        let bytes = fs::read(dir.join(path)).map_err(|e| format!("{path}: {e}"))?;
        if hex(&Sha256::digest(&bytes)) != digest {
            return Err(format!("{path}: changed since export (its SHA-256 does not match {SUMS})"));
        }
        listed.push(path.to_owned());
    }
    for path in files_under(dir, dir) {
        if path != SUMS && path != super::proof::SUMS_SIGNATURE && !listed.contains(&path) {
            return Err(format!("{path}: not listed in {SUMS} (added after export)"));
        }
    }
    Ok((sums, listed))
}

/// The revision the manifest says this bundle follows: its name, and whether it is beside
/// this one (then its `SHA256SUMS` must be the one named, and its files must match it).
fn check_previous(dir: &Path, manifest: &serde_json::Value) -> Result<Option<(String, bool)>, String> {
    let Some(previous) = manifest.get("previous") else { return Ok(None) };
    let name = previous["bundle"].as_str().unwrap_or_default();
    if name.is_empty() || name.contains(['/', '\\']) || name == ".." || name == "." {
        return Err(format!("{}: previous names no bundle beside this one", bundle::MANIFEST));
    }
    let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
    let Some(earlier) = dir.parent().map(|parent| parent.join(name)) else { return Ok(Some((name.to_owned(), false))) };
    let Ok(bytes) = fs::read(earlier.join(SUMS)) else { return Ok(Some((name.to_owned(), false))) };
    if Some(hex(&Sha256::digest(&bytes)).as_str()) != previous["sha256sums"].as_str() {
        return Err(format!(
            "the previous revision {name} has changed since this revision named it (its {SUMS} differs)"
        ));
    }
    files_match_sums(&earlier).map_err(|why| format!("the previous revision {name} has changed: {why}"))?;
    Ok(Some((name.to_owned(), true)))
}

/// The bundle's copy of the log carries signatures: it came from a workspace that signs.
fn copied_log_is_signed(dir: &Path, manifest: &serde_json::Value) -> bool {
    let Some(log) = manifest["log"].as_str() else { return false };
    fs::read(dir.join(log)).is_ok_and(|bytes| memchr::memmem::find(&bytes, b",\"sig\":\"").is_some())
}

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let text = fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    serde_json::from_slice(&text).map_err(|e| format!("{name}: {e}"))
}

fn files_under(root: &Path, dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut found = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(root, &path));
        } else if let Ok(relative) = path.strip_prefix(root) {
            found.push(relative.to_string_lossy().into_owned());
        }
    }
    found
}
