//! What a check found in one runbook file: located errors and warnings, with helpers for the
//! findings every part of a runbook shares (unknown references, duplicates, ids, spans).

use std::collections::BTreeMap;

use serde_saphyr::Location;

use super::diagnostic::{Diagnostic, Level};
use super::raw::Located;
use crate::domain::duration::Span;
use crate::domain::suggest::did_you_mean;

pub(super) struct Findings<'a> {
    file: &'a str,
    pub(super) list: Vec<Diagnostic>,
}

impl<'a> Findings<'a> {
    pub(super) const fn new(file: &'a str) -> Self {
        Self { file, list: Vec::new() }
    }

    pub(super) fn error(&mut self, at: &Location, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Level::Error, at, message)
    }

    pub(super) fn warn(&mut self, at: &Location, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Level::Warning, at, message)
    }

    fn push(&mut self, level: Level, at: &Location, message: impl Into<String>) -> &mut Diagnostic {
        self.list.push(Diagnostic::at(level, self.file, at, message));
        let last = self.list.len() - 1;
        &mut self.list[last]
    }

    pub(super) fn unknown(&mut self, what: &str, value: &Located, known: &[&str]) {
        let mut known = known.to_vec();
        known.sort_unstable();
        known.dedup();
        let known = known.as_slice();
        let hint = did_you_mean(&value.value, known.iter().copied());
        let help =
            if known.is_empty() { format!("no {what}s are defined") } else { format!("known: {}", known.join(", ")) };
        let diagnostic = self.error(&value.referenced, format!("unknown {what} {:?}{hint}", value.value));
        diagnostic.help = Some(help);
    }

    pub(super) fn duplicates<'v>(&mut self, what: &str, values: impl IntoIterator<Item = &'v Located>) {
        let mut seen: BTreeMap<&str, &Located> = BTreeMap::new();
        for value in values {
            if let Some(first) = seen.get(value.value.as_str()) {
                let message =
                    format!("duplicate {what} {:?} (first defined at line {})", value.value, first.referenced.line());
                self.error(&value.referenced, message);
            } else {
                seen.insert(&value.value, value);
            }
        }
    }

    pub(super) fn slug(&mut self, what: &str, value: &Located) {
        let ok = !value.value.is_empty()
            && value.value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !value.value.starts_with('-');
        if !ok {
            self.error(
                &value.referenced,
                format!("{what} {:?} must be lower-case letters, digits and dashes", value.value),
            )
            .help = Some("ids are typed at 2am: keep them short and plain, like kill-switch".to_owned());
        }
    }

    pub(super) fn span(&mut self, value: &Located) -> Option<Span> {
        match Span::parse(&value.value) {
            Ok(span) => Some(span),
            Err(why) => {
                self.error(&value.referenced, why);
                None
            }
        }
    }
}
