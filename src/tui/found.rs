//! The incidents a search (`/`) found, or every incident (the history, `L`): move, open one,
//! search again, or leave. An incident this console follows opens in the main view, its log
//! filtered to the search; any other (closed or archived) is read from the workspace and shown
//! read-only.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

use super::keymap::{Action, Keymap};
use super::message::Effect;
use super::model::{FoundView, Mode, Model, Pane};

const PAGE: usize = 10;

/// Lists what was found, the cursor on the first (the newest).
pub fn show(model: &mut Model, query: Option<String>, found: crate::app::search::Found) {
    model.found = Some(FoundView { query, found });
    model.mode = Mode::Browse { cursor: 0 };
}

pub fn on_key(model: &mut Model, key: &KeyEvent, keymap: &Keymap, now: DateTime<Utc>) -> Vec<Effect> {
    let Mode::Browse { cursor } = model.mode else { return Vec::new() };
    let last = model.found.as_ref().map_or(0, |f| f.found.incidents.len()).saturating_sub(1);
    if key.code == KeyCode::Esc {
        model.mode = Mode::Normal;
        return Vec::new();
    }
    let moved = match keymap.action(key) {
        Some(Action::Up) => cursor.saturating_sub(1),
        Some(Action::Down) => (cursor + 1).min(last),
        Some(Action::PageUp) => cursor.saturating_sub(PAGE),
        Some(Action::PageDown) => (cursor + PAGE).min(last),
        Some(Action::Top) => 0,
        Some(Action::Bottom) => last,
        Some(Action::Detail) => return open(model, cursor),
        Some(Action::History) => return vec![Effect::Find { query: None }],
        Some(Action::Search) => {
            if let Some(form) = super::forms::open(model, Action::Search, now) {
                model.open_form_over(form);
            }
            return Vec::new();
        }
        _ => {
            model.mode = Mode::Normal;
            return Vec::new();
        }
    };
    model.mode = Mode::Browse { cursor: moved };
    Vec::new()
}

/// The incident under the cursor: selected in the main view when this console follows it,
/// else read from the workspace.
fn open(model: &mut Model, cursor: usize) -> Vec<Effect> {
    let Some(view) = &model.found else { return Vec::new() };
    let Some(listed) = view.found.incidents.get(cursor) else { return Vec::new() };
    let (id, query) = (listed.id.clone(), view.query.clone());
    if model.incidents.iter().any(|e| e.incident.id == id) {
        model.reselect(Some(&id));
        model.point_at_current_step();
        model.log.filter = query;
        model.log.from_bottom = 0;
        model.focus = Pane::Log;
        model.mode = Mode::Normal;
        return Vec::new();
    }
    vec![Effect::OpenRecord { id }]
}
