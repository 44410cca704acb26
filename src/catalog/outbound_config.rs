//! `warroom.yaml`'s `notifiers:`, `rotations:` and `audiences:`: what each kind of notifier needs, targets
//! that name a notifier, and secret files only their owner can read. Each problem located.

use std::path::Path;

use super::diagnostic::Diagnostic;
use crate::domain::outbound::{Notifier, NotifierKind, Target};
use crate::domain::parties::WorkspaceParties;

/// What the notifiers and rotations say wrongly, with `near` locating each problem in `text`.
pub fn check(
    parties: &WorkspaceParties,
    text: &str,
    near: &dyn Fn(&str, usize, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let notifiers_at = text.find("notifiers:").unwrap_or(0);
    for (name, notifier) in &parties.notifiers {
        if let Some(why) = incomplete(notifier) {
            problems.push(near(&format!("{name}:"), notifiers_at, format!("notifier {name}: {why}")));
        }
    }
    for (section, what) in [("rotations:", "rotation"), ("audiences:", "audience")] {
        let at = text.find(section).unwrap_or(0);
        let groups = if what == "rotation" { &parties.rotations } else { &parties.audiences };
        for (group, targets) in groups {
            problems.extend(
                check_targets(parties, what, group, targets).into_iter().map(|(word, why)| near(&word, at, why)),
            );
        }
    }
    problems
}

/// What is wrong with the targets of one rotation or audience: (a word to locate it by, why).
fn check_targets(parties: &WorkspaceParties, what: &str, group: &str, targets: &[Target]) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for target in targets.iter().filter(|t| !parties.notifiers.contains_key(&t.notifier)) {
        let known: Vec<&str> = parties.notifiers.keys().map(String::as_str).collect();
        let message = format!(
            "{what} {group}: no notifier {:?} (notifiers: {})",
            target.notifier,
            if known.is_empty() { "none".to_owned() } else { known.join(", ") }
        );
        problems.push((target.notifier.clone(), message));
    }
    for target in targets {
        let kind = parties.notifiers.get(&target.notifier).map(|n| n.kind);
        if what == "audience" && kind == Some(NotifierKind::Pagerduty) {
            let why = format!(
                "audience {group}: {} is a pagerduty notifier, which pages rather than informs",
                target.notifier
            );
            problems.push((target.notifier.clone(), why));
            continue;
        }
        let needs = match (kind, &target.to) {
            (Some(NotifierKind::Pagerduty), None) => "its integration's routing key",
            (Some(NotifierKind::Smtp), None) => "a mailbox",
            _ => continue,
        };
        problems.push((
            target.notifier.clone(),
            format!("{what} {group}: the {} target needs to: ({needs})", target.notifier),
        ));
    }
    if targets.is_empty() {
        problems.push((format!("{group}:"), format!("{what} {group} reaches nobody")));
    }
    problems
}

/// Why a notifier of its kind cannot send, if it cannot.
fn incomplete(notifier: &Notifier) -> Option<String> {
    let url = notifier.url.as_deref();
    if let Some(url) = url.filter(|u| !(u.starts_with("http://") || u.starts_with("https://"))) {
        return Some(format!("url {url:?} is not http:// or https://"));
    }
    if url.is_some() && notifier.url_file.is_some() {
        return Some("give url or url_file, not both".to_owned());
    }
    let has_url = url.is_some() || notifier.url_file.is_some();
    if notifier.timeout_seconds == Some(0) {
        return Some("timeout_seconds must be at least 1".to_owned());
    }
    if notifier.ca_file.is_some() && notifier.kind != NotifierKind::Smtp {
        return Some("ca_file is for smtp notifiers".to_owned());
    }
    if notifier.webhook_secret_file.is_some() && notifier.kind != NotifierKind::Pagerduty {
        return Some("webhook_secret_file is for pagerduty notifiers (its v3 webhook's secret)".to_owned());
    }
    match notifier.kind {
        NotifierKind::Webhook | NotifierKind::Slack if !has_url => Some(format!(
            "a {} notifier needs url (or url_file, when the URL is itself a secret)",
            notifier.kind.name()
        )),
        NotifierKind::Smtp if notifier.host.is_none() || notifier.from.is_none() => {
            Some("an smtp notifier needs host and from".to_owned())
        }
        NotifierKind::Smtp if notifier.username.is_some() != notifier.password_file.is_some() => {
            Some("smtp auth needs both username and password_file".to_owned())
        }
        NotifierKind::Smtp if notifier.username.is_some() && notifier.tls == crate::domain::outbound::Tls::None => {
            Some("smtp auth over tls: none would send the password in clear: use starttls or tls".to_owned())
        }
        _ => None,
    }
}

/// Each notifier that cannot send as configured, with why: incomplete for its kind, or a
/// file it reads missing. (A secret others may read is lint's error, not a reason to stop
/// paging through it.)
pub fn broken(dir: &Path, parties: &WorkspaceParties) -> std::collections::BTreeMap<String, String> {
    parties
        .notifiers
        .iter()
        .filter_map(|(name, notifier)| {
            let files = [
                &notifier.secret_file,
                &notifier.url_file,
                &notifier.password_file,
                &notifier.ca_file,
                &notifier.webhook_secret_file,
            ];
            // Looked at, not opened: a FIFO put there would block whoever opens it.
            let missing = files.into_iter().flatten().find_map(|file| {
                let path = dir.join(file);
                match std::fs::metadata(&path) {
                    Err(e) => Some(format!("cannot read {}: {e}", path.display())),
                    Ok(meta) if !meta.is_file() => Some(format!("{} is not a file", path.display())),
                    Ok(_) => None,
                }
            });
            incomplete(notifier).or(missing).map(|why| (name.clone(), why))
        })
        .collect()
}

/// Secret files (relative to the workspace) that are missing or that others may read.
pub fn check_secret_files(
    dir: &Path,
    parties: &WorkspaceParties,
    near: &dyn Fn(&str, usize, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (name, notifier) in &parties.notifiers {
        let files = [&notifier.secret_file, &notifier.url_file, &notifier.password_file, &notifier.webhook_secret_file];
        if let Some(file) = &notifier.ca_file
            && let Err(e) = std::fs::read(dir.join(file))
        {
            problems.push(near(file, 0, format!("notifier {name}: cannot read {}: {e}", dir.join(file).display())));
        }
        for file in files.into_iter().flatten() {
            let path = dir.join(file);
            let why = match std::fs::metadata(&path) {
                Err(e) => Some(format!("cannot read {}: {e}", path.display())),
                Ok(meta) if !meta.is_file() => Some(format!("{} is not a file", path.display())),
                Ok(meta) if meta.len() <= 64 * 1024 && blank(&path) => {
                    Some(format!("{} is empty: an empty key would sign for anyone", path.display()))
                }
                Ok(meta) => crate::private_fs::open_to_others(&meta)
                    .then(|| format!("{} can be read by others: chmod 600 it (it holds a secret)", path.display())),
            };
            if let Some(why) = why {
                problems.push(near(file, 0, format!("notifier {name}: {why}")));
            }
        }
    }
    problems
}

/// A file holding nothing but white space.
fn blank(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|bytes| bytes.iter().all(u8::is_ascii_whitespace))
}

/// A warning for each rotation `pages` names that the workspace does not map, when the
/// workspace pages at all (it has notifiers or rotations).
pub fn unmapped(parties: &WorkspaceParties, pages: &[(String, String)]) -> Vec<(String, String)> {
    if parties.notifiers.is_empty() && parties.rotations.is_empty() {
        return Vec::new();
    }
    pages
        .iter()
        .map(|(runbook, page)| (runbook, crate::domain::outbound::rotation_of(page)))
        .filter(|(_, rotation)| !parties.rotations.contains_key(*rotation))
        .map(|(runbook, rotation)| (runbook.clone(), rotation.to_owned()))
        .collect()
}
