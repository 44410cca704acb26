//! The workspace's `warroom.yaml`: its contact points and parties (`domain::parties`), its
//! notifiers and rotations, read strictly, each problem located.

use std::io::Read;
use std::path::Path;

use super::diagnostic::{Diagnostic, Level};
use super::files::parse_error;
use crate::domain::parties::WorkspaceParties;

pub const FILE: &str = "warroom.yaml";
const MAX_BYTES: u64 = 1 << 20;

/// The parties of the workspace at `dir`: none when it has no `warroom.yaml`; the file's
/// problems, located, when it cannot be used.
pub fn load(dir: &Path) -> Result<WorkspaceParties, Vec<Diagnostic>> {
    let Some((shown, text)) = read(dir)? else { return Ok(WorkspaceParties::default()) };
    let parties = parse(&shown, &text)?;
    let located = |needle: &str, from: usize, message: String| near(&shown, &text, needle, from, message);
    let problems = super::outbound_config::check_secret_files(dir, &parties, &located);
    if problems.is_empty() { Ok(parties) } else { Err(problems) }
}

/// The parties paging goes by: a file that cannot be read or parsed is an error, but a
/// notifier that cannot send only marks itself broken (`broken`), so one mistake in one
/// notifier does not silence every page; lint and `outbox status` name every problem.
pub fn load_for_paging(dir: &Path) -> Result<WorkspaceParties, String> {
    let headline = |problems: Vec<Diagnostic>| problems.iter().map(Diagnostic::headline).collect::<Vec<_>>().join("; ");
    let Some((shown, text)) = read(dir).map_err(headline)? else { return Ok(WorkspaceParties::default()) };
    let mut parties: WorkspaceParties =
        serde_saphyr::from_str(&text).map_err(|e| headline(vec![parse_error(&shown, &e)]))?;
    parties.broken = super::outbound_config::broken(dir, &parties);
    Ok(parties)
}

/// The text of `warroom.yaml` and the name it is shown by; `None` when there is none.
fn read(dir: &Path) -> Result<Option<(String, String)>, Vec<Diagnostic>> {
    let path = dir.join(FILE);
    let shown = path.display().to_string();
    let Ok(meta) = std::fs::metadata(&path) else { return Ok(None) };
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return Err(vec![Diagnostic::whole_file(Level::Error, &shown, "not a regular file of at most 1 MiB")]);
    }
    let mut text = String::new();
    if let Err(e) = std::fs::File::open(&path).and_then(|f| f.take(MAX_BYTES).read_to_string(&mut text)) {
        return Err(vec![Diagnostic::whole_file(Level::Error, &shown, format!("cannot read: {e}"))]);
    }
    Ok(Some((shown, text)))
}

pub fn parse(file: &str, text: &str) -> Result<WorkspaceParties, Vec<Diagnostic>> {
    if text.trim().is_empty() {
        return Ok(WorkspaceParties::default());
    }
    let parties: WorkspaceParties = serde_saphyr::from_str(text).map_err(|e| vec![parse_error(file, &e)])?;
    let mut problems = Vec::new();
    if !parties.contacts.is_empty() && parties.dpo().is_none() {
        problems.push(
            near(file, text, "contacts:", 0, "contacts has no dpo: GDPR filings must name the DPO's contact point")
                .help("add contacts: { dpo: { name: …, email: …, phone: … } }"),
        );
    }
    let contacts = text.find("contacts:").unwrap_or(0);
    for (role, contact) in &parties.contacts {
        let key = format!("{role}:");
        if contact.name.trim().is_empty() {
            problems.push(near(file, text, &key, contacts, format!("contact {role} has an empty name")));
        }
        if contact.email.is_none() && contact.phone.is_none() {
            problems.push(near(file, text, &key, contacts, format!("contact {role} has neither email nor phone")));
        }
    }
    if let Some(code) = &parties.member_state
        && let Err(why) = super::member_states::state(code)
    {
        problems.push(near(file, text, "member_state:", 0, format!("member_state: {why}")));
    }
    for kind in parties.entity.iter().flatten() {
        if !crate::domain::parties::ENTITY_KINDS.contains(&kind.as_str()) {
            let known = crate::domain::parties::ENTITY_KINDS.join(", ");
            let entity = text.find("entity:").unwrap_or(0);
            problems.push(near(file, text, kind, entity, format!("entity: unknown kind {kind:?} (one of {known})")));
        }
    }
    let edits = &parties.holidays;
    if parties.member_state.is_none() && !(edits.add.is_empty() && edits.remove.is_empty()) {
        problems.push(
            near(file, text, "holidays:", 0, "holidays changes a member state's calendar: name it")
                .help("add member_state: BE (the ISO 3166 code of the state whose law applies)"),
        );
    }
    let located = |needle: &str, from: usize, message: String| near(file, text, needle, from, message);
    problems.extend(super::outbound_config::check(&parties, text, &located));
    if problems.is_empty() { Ok(parties) } else { Err(problems) }
}

/// An error at the first `needle` at or after byte `from`, or at the file's start without one.
pub fn near(file: &str, text: &str, needle: &str, from: usize, message: impl Into<String>) -> Diagnostic {
    let mut diagnostic = Diagnostic::whole_file(Level::Error, file, message);
    let found = text.get(from..).and_then(|rest| rest.find(needle)).map(|at| at + from);
    if let Some(offset) = found {
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        diagnostic.line = u64::try_from(before.matches('\n').count() + 1).unwrap_or(1);
        diagnostic.column = u64::try_from(before[line_start..].chars().count() + 1).unwrap_or(1);
        diagnostic.span = Some((offset, needle.len()));
    }
    diagnostic
}
