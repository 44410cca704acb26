//! Loading runbooks from a file, a directory or the embedded set, with every finding located.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde_saphyr::Location;

use super::check::{Context, check};
use super::diagnostic::{Diagnostic, Level};
pub use super::files::Origin;
use super::files::{files_of, parse_error};
use super::raw::{Located, RawRunbook};
use super::{clocks, triggers};
use crate::domain::runbook::Runbook;

pub struct Loaded {
    pub runbooks: Vec<Runbook>,
    pub diagnostics: Vec<Diagnostic>,
    /// File name → text, to render snippets.
    pub sources: BTreeMap<String, String>,
}

impl Loaded {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.level == Level::Warning).count()
    }

    pub fn get(&self, id: &str) -> Option<&Runbook> {
        self.runbooks.iter().find(|r| r.id == id)
    }

    pub fn render(&self, diagnostic: &Diagnostic) -> String {
        match self.sources.get(&diagnostic.file) {
            Some(source) => diagnostic.render(source),
            None => diagnostic.headline() + "\n",
        }
    }
}

/// Runbooks checked against the shipped clock catalog.
pub fn load(origin: &Origin, today: NaiveDate) -> Loaded {
    load_with_clocks(origin, today, &clocks::shipped_ids())
}

pub fn load_with_clocks(origin: &Origin, today: NaiveDate, known_clocks: &BTreeSet<String>) -> Loaded {
    load_texts(files_of(origin), known_clocks, today)
}

pub fn load_texts(
    files: Vec<(String, Result<String, String>)>,
    known_clocks: &BTreeSet<String>,
    today: NaiveDate,
) -> Loaded {
    let mut loaded = Loaded { runbooks: Vec::new(), diagnostics: Vec::new(), sources: BTreeMap::new() };
    let mut ids: BTreeMap<String, (String, Located)> = BTreeMap::new();
    let mut trigger_sites: BTreeMap<String, (String, Vec<Location>)> = BTreeMap::new();
    for (file, text) in files {
        let text = match text {
            Ok(text) => text,
            Err(why) => {
                loaded.diagnostics.push(Diagnostic::whole_file(Level::Error, &file, why));
                continue;
            }
        };
        match serde_saphyr::from_str::<RawRunbook>(&text) {
            Err(e) => loaded.diagnostics.push(parse_error(&file, &e)),
            Ok(raw) => {
                if let Some((first_file, first)) = ids.get(&raw.id.value) {
                    let message = format!(
                        "duplicate runbook id {:?} (also in {first_file}:{})",
                        raw.id.value,
                        first.referenced.line()
                    );
                    loaded.diagnostics.push(Diagnostic::at(Level::Error, &file, &raw.id.referenced, message));
                    loaded.sources.insert(file, text);
                    continue;
                }
                let context = Context { file: &file, known_clocks, today };
                let (runbook, findings) = check(&raw, &context);
                loaded.diagnostics.extend(findings);
                let sites =
                    raw.triggers.iter().map(|t| t.matchers.first().map_or(t.severity.referenced, |m| m.referenced));
                trigger_sites.insert(raw.id.value.clone(), (file.clone(), sites.collect()));
                loaded.runbooks.extend(runbook);
                ids.insert(raw.id.value.clone(), (file.clone(), raw.id));
            }
        }
        loaded.sources.insert(file, text);
    }
    for finding in triggers::analyse(&triggers::rules(&loaded.runbooks)) {
        let (runbook, index) = finding.place();
        let Some((file, location)) =
            trigger_sites.get(runbook).and_then(|(file, sites)| Some((file, sites.get(index)?)))
        else {
            continue;
        };
        let level = if finding.is_error() { Level::Error } else { Level::Warning };
        loaded.diagnostics.push(Diagnostic::at(level, file, location, finding.message()));
    }
    loaded.diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    loaded
}
