//! Where catalog files come from (the embedded runbooks, a file, a directory), read as text, and
//! the located error for YAML that does not parse.

use std::path::{Path, PathBuf};

use super::diagnostic::{Diagnostic, Level};
use super::embedded;

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

pub fn parse_error(file: &str, error: &serde_saphyr::Error) -> Diagnostic {
    let mut options = serde_saphyr::RenderOptions::default();
    options.snippets = serde_saphyr::SnippetMode::Off;
    let rendered = error.render_with_options(options);
    let first = rendered.lines().find(|l| !l.trim().is_empty()).unwrap_or("invalid YAML").trim();
    let message = match first.rfind(" at line ") {
        Some(cut) if first[cut..].contains(", column ") => &first[..cut],
        _ => first,
    }
    .to_owned();
    // The parser's advice to its own caller is not the user's to follow.
    let message = message.split(", set DuplicateKeyPolicy").next().unwrap_or_default().to_owned();
    match error.location() {
        Some(location) => Diagnostic::at(Level::Error, file, &location, message),
        None => Diagnostic::whole_file(Level::Error, file, message),
    }
}
