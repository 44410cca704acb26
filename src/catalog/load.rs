//! Loading runbooks from a file, a directory or the embedded set, with every finding located.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_saphyr::Location;

use super::check::{Context, check};
use super::diagnostic::{Diagnostic, Level};
use super::raw::{Located, RawRunbook};
use super::{clocks, embedded, triggers};
use crate::domain::runbook::Runbook;

/// Where runbooks come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Embedded,
    Path(PathBuf),
}

impl Origin {
    pub fn describe(&self) -> String {
        match self {
            Self::Embedded => "the shipped runbooks".to_owned(),
            Self::Path(p) => p.display().to_string(),
        }
    }
}

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

/// The YAML files an origin holds, read (or the reason they could not be).
pub fn files_of(origin: &Origin) -> Vec<(String, Result<String, String>)> {
    match origin {
        Origin::Embedded => {
            embedded::RUNBOOKS.iter().map(|(name, text)| (format!("runbooks/{name}"), Ok((*text).to_owned()))).collect()
        }
        Origin::Path(path) => read_path(path),
    }
}

fn read_path(path: &Path) -> Vec<(String, Result<String, String>)> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("cannot read: {e}"));
    if !path.is_dir() {
        return vec![(path.display().to_string(), read(path))];
    }
    let mut files: Vec<PathBuf> = match std::fs::read_dir(path) {
        Ok(entries) => entries
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect(),
        Err(e) => return vec![(path.display().to_string(), Err(format!("cannot list: {e}")))],
    };
    files.sort();
    files.into_iter().map(|p| (p.display().to_string(), read(&p))).collect()
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

pub(crate) fn parse_error(file: &str, error: &serde_saphyr::Error) -> Diagnostic {
    let mut options = serde_saphyr::RenderOptions::default();
    options.snippets = serde_saphyr::SnippetMode::Off;
    let rendered = error.render_with_options(options);
    let first = rendered.lines().find(|l| !l.trim().is_empty()).unwrap_or("invalid YAML").trim();
    let message = match first.rfind(" at line ") {
        Some(cut) if first[cut..].contains(", column ") => &first[..cut],
        _ => first,
    }
    .to_owned();
    match error.location() {
        Some(location) => Diagnostic::at(Level::Error, file, &location, message),
        None => Diagnostic::whole_file(Level::Error, file, message),
    }
}
