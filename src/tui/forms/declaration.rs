//! What a declaration asks once the runbook is chosen: its severity (the runbook's levels, its
//! default selected) and its title (the runbook's, or the alert's summary), both changeable;
//! the confirmation then names all three, so nobody declares on the wrong runbook or level.

use std::collections::BTreeMap;

use super::Purpose;
use crate::domain::runbook::Runbook;
use crate::domain::sanitize;
use crate::tui::form::{Declarable, Field, FieldKind, Form};

const RUNBOOK: &str = "runbook";
const LEVEL: &str = "level";
const TITLE: &str = "title";

/// Each runbook's title and levels, by id.
pub fn declarable(runbooks: &[Runbook]) -> BTreeMap<String, Declarable> {
    runbooks
        .iter()
        .map(|r| {
            let levels = r.severity.levels.iter().map(|l| (l.id.clone(), format!("{} — {}", l.name, l.definition)));
            let declarable =
                Declarable { title: r.title.clone(), levels: levels.collect(), default: r.severity.default.clone() };
            (r.id.clone(), declarable)
        })
        .collect()
}

/// The questions of a declaration: runbook, severity, title, then the confirmation.
pub fn fields(runbooks: Vec<(String, String)>, runbook_label: &str) -> Vec<Field> {
    vec![
        Field::choice(RUNBOOK, runbook_label, runbooks),
        Field::choice(LEVEL, "Severity (the runbook's default is selected)", Vec::new()),
        Field::text(TITLE, "Title (prefilled; change it to say what happened)", false),
        Field::confirm("Declare it now?"),
    ]
}

/// The field just reached, filled from the runbook chosen before it.
pub fn entered(form: &mut Form) {
    let (declarable, summary) = match &form.purpose {
        Purpose::Declare { declarable } => (declarable.clone(), None),
        Purpose::DeclareFromAlert { summary, declarable, .. } => (declarable.clone(), Some(summary.clone())),
        _ => return,
    };
    let runbook = form.answer(RUNBOOK);
    let chosen = declarable.get(&runbook).cloned().unwrap_or_default();
    let Some(name) = form.field().map(|f| f.name) else { return };
    match name {
        LEVEL => {
            let Some(field) = form.fields.iter_mut().find(|f| f.name == LEVEL) else { return };
            if let FieldKind::Choice { options, selected } = &mut field.kind {
                let mut levels = chosen.levels.clone();
                if levels.is_empty() {
                    levels.push((String::new(), "the runbook's default".to_owned()));
                }
                if options.iter().map(|o| &o.0).ne(levels.iter().map(|l| &l.0)) {
                    *selected = levels.iter().position(|l| l.0 == chosen.default).unwrap_or(0);
                    *options = levels;
                }
            }
        }
        TITLE => {
            // Prefilled unless the responder wrote their own (a prefill of another runbook is not).
            let typed = form.answer(TITLE);
            let prefilled = declarable.values().any(|d| d.title == typed) || summary.as_ref() == Some(&typed);
            if (typed.trim().is_empty() || prefilled)
                && let Some(field) = form.fields.iter_mut().find(|f| f.name == TITLE)
            {
                field.fill(&summary.unwrap_or(chosen.title));
            }
        }
        "confirm" => {
            let level = form.answer(LEVEL);
            let level = if level.is_empty() { "its default severity".to_owned() } else { level };
            let from = match &form.purpose {
                Purpose::DeclareFromAlert { .. } => "awareness at the alert's start",
                _ => "its clocks start when you record awareness",
            };
            let question = format!(
                "Declare {} “{}” on {} ({from})?",
                sanitize::line(&level),
                sanitize::line(form.answer(TITLE).trim()),
                sanitize::line(&runbook)
            );
            if let Some(confirm) = form.fields.iter_mut().find(|f| f.name == "confirm") {
                confirm.label = question;
            }
        }
        _ => {}
    }
}

/// The runbook, and the severity and title when given.
pub fn chosen(form: &Form) -> (String, Option<String>, Option<String>) {
    (form.answer(RUNBOOK), form.optional(LEVEL), form.optional(TITLE).map(|t| t.trim().to_owned()))
}
