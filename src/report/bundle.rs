//! The export bundle's files, built from the incident's sealed log (no I/O here; the store
//! writes them, with `SHA256SUMS`). Drafts for customers and regulators are always redacted;
//! the post-mortem, timeline and annex when asked. A redacted bundle leaves out the copy of
//! the log (it holds the values removed) but keeps every event's hash and the chain head, so
//! its timeline can still be matched against the sealed log.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::annex;
use super::drafts;
use super::filing;
use super::postmortem;
use super::redact::{Redactor, Removal};
use super::timeline::{self, Sealed};
use super::worksheet;
use crate::domain::incident::Incident;
use crate::domain::parties::WorkspaceParties;
use crate::domain::placeholder::{Facts, time};

#[derive(Clone)]
pub struct Options {
    /// Redact the post-mortem, timeline and annex too (drafts always are).
    pub redact_all: bool,
    /// Names the workspace lists for redaction.
    pub names: Vec<String>,
    pub exported_at: DateTime<Utc>,
    pub exported_by: String,
    /// The revision this one follows, when the incident was exported before.
    pub previous: Option<Previous>,
    /// The workspace's contact points and parties (`warroom.yaml`), or why it could not be read.
    pub parties: Result<WorkspaceParties, String>,
    /// The output files of the incident's action runs, as the workspace holds them.
    pub action_outputs: Vec<super::action_outputs::OnDisk>,
}

/// An earlier bundle of the same incident: its directory's name beside this one, and the
/// SHA-256 of its `SHA256SUMS`, which pins every file it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Previous {
    pub bundle: String,
    pub sha256sums: String,
}

pub struct BundleFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    format: &'static str,
    incident: &'a str,
    title: &'a str,
    state: &'static str,
    drill: bool,
    exported_at: String,
    exported_by: &'a str,
    events: u64,
    /// The hash of the last line of the sealed log.
    chain_head: &'a str,
    /// The copy of the sealed log, absent when the bundle is redacted.
    log: Option<String>,
    redacted: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<&'a Previous>,
    /// Each action run's output: copied at the path the post-mortem names, or why not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    action_outputs: Vec<super::action_outputs::Copied>,
}

pub const MANIFEST: &str = "manifest.json";

/// Every file of the bundle but `SHA256SUMS`. `log` is the sealed log's bytes, `sealed` its lines.
pub fn build(incident: &Incident, sealed: &[Sealed], log: &[u8], options: &Options) -> Result<Vec<BundleFile>, String> {
    let facts = Facts::for_people(incident, options.exported_at, options.parties.as_ref().ok());
    let descriptions = timeline::descriptions(sealed);
    let clocks = annex::annex(&facts);
    let stated = options.parties.as_ref().map(WorkspaceParties::stated).unwrap_or_default();
    let mut redactor = Redactor::new(&options.names).keeping(&stated);
    let mut files = Vec::new();
    let mut add = |path: String, text: String, redactor: Option<&mut Redactor>| {
        let text = match redactor {
            Some(r) => {
                text.lines().enumerate().map(|(n, l)| r.redact(l, &path, &format!("line {}", n + 1)) + "\n").collect()
            }
            None => text,
        };
        files.push(BundleFile { path, bytes: text.into_bytes() });
    };
    let all = options.redact_all;

    add(
        "postmortem.md".into(),
        postmortem::markdown(&Facts { for_people: false, ..facts.clone() }, sealed, &descriptions, &clocks),
        all.then_some(&mut redactor),
    );
    add("regulatory-annex.md".into(), annex::markdown(&incident.id, &clocks), all.then_some(&mut redactor));
    for (annexed, status) in clocks.iter().zip(annex::statuses(&facts)) {
        let filed = filing::filing(&facts, status, &options.parties, options.exported_at, None);
        add(format!("filings/{}.md", annexed.id), filed.markdown, Some(&mut redactor));
        let sheet = worksheet::markdown(&facts, annexed, &filed.gaps);
        add(format!("worksheets/{}.md", annexed.id), sheet, all.then_some(&mut redactor));
    }
    for sent in incident.clock_facts.submissions.iter() {
        if let Some(text) = &sent.filed {
            add(format!("filings/sent/{}-{}.md", sent.clock, sent.seq), text.clone(), Some(&mut redactor));
        }
    }
    for template in &incident.runbook.comms {
        if let Some(text) = drafts::comms(&facts, &template.id) {
            add(format!("comms/{}.md", template.id), text, Some(&mut redactor));
        }
    }
    let chain_head = sealed.last().map_or("", |l| l.hash.as_str());
    let head = chain_head;
    let mut annex_json = serde_json::to_value(&clocks).map_err(|e| e.to_string())?;
    if all {
        redactor.redact_json(&mut annex_json, "timeline.json", "regulatory_annex");
    }
    if incident.drill {
        let report = super::drill::report(incident, options.exported_at);
        let figures = format!("\n## Figures\n\n{}", super::review::figures(incident, sealed));
        add("drill-report.md".into(), super::drill::markdown(&report) + &figures, None);
    }
    let head = serde_json::json!({
        "incident": incident.id,
        "exported_at": time(options.exported_at),
        "redacted": all,
        "chain_head": head,
        "regulatory_annex": annex_json,
    });
    let timeline = timeline::json(&head, sealed, &descriptions, all.then_some(&mut redactor))?;
    files.push(BundleFile { path: "timeline.json".into(), bytes: timeline });
    let csv = timeline::csv(sealed, &descriptions, all.then_some(&mut redactor));
    files.push(BundleFile { path: "timeline.csv".into(), bytes: csv.into_bytes() });

    let log_path = (!all).then(|| format!("evidence/{}.jsonl", incident.id));
    if let Some(path) = &log_path {
        files.push(BundleFile { path: path.clone(), bytes: log.to_vec() });
    }
    let (outputs, action_outputs) = super::action_outputs::copy(incident, &options.action_outputs, all);
    files.extend(outputs.into_iter().map(|(path, bytes)| BundleFile { path, bytes }));
    let removals: &[Removal] = &redactor.removals;
    files.push(json_file("redactions.json", &serde_json::json!({ "removed": removals }))?);
    let mut redacted = vec!["filings/", "comms/"];
    if all {
        redacted.extend(["worksheets/", "postmortem.md", "regulatory-annex.md", "timeline.json", "timeline.csv"]);
    }
    let manifest = Manifest {
        format: "warroom bundle v1",
        incident: &incident.id,
        title: &incident.title,
        state: incident.state.name(),
        drill: incident.drill,
        exported_at: time(options.exported_at),
        exported_by: &options.exported_by,
        events: sealed.last().map_or(0, |l| l.seq),
        chain_head,
        log: log_path,
        redacted,
        previous: options.previous.as_ref(),
        action_outputs,
    };
    files.push(json_file(MANIFEST, &manifest)?);
    Ok(files)
}

/// The PDF of the post-mortem and of each filing, rendered from their Markdown in `files`.
pub fn pdfs(files: &[BundleFile], stamp: &super::pdf::Stamp<'_>) -> Vec<BundleFile> {
    files
        .iter()
        .filter(|f| f.path == "postmortem.md" || (f.path.starts_with("filings/") && f.path.ends_with(".md")))
        .map(|f| {
            let markdown = String::from_utf8_lossy(&f.bytes);
            let title = markdown.lines().find_map(|l| l.strip_prefix("# ")).unwrap_or(&f.path).to_owned();
            let path = format!("{}.pdf", f.path.trim_end_matches(".md"));
            BundleFile { path, bytes: super::pdf::document(&title, &markdown, stamp) }
        })
        .collect()
}

fn json_file(path: &str, value: &impl Serialize) -> Result<BundleFile, String> {
    let text = crate::ascii_json::to_ascii_json_pretty(value).map_err(|e| e.to_string())?;
    Ok(BundleFile { path: path.to_owned(), bytes: text.into_bytes() })
}
