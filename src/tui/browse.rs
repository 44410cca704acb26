//! Opening things in full: `Enter` on whatever the focused pane points at, `m` on the last
//! message; scrolling the detail view and going back to where it was opened from.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

use super::keymap::{Action, Keymap};
use super::message::Effect;
use super::model::{Detail, Mode, Model, Pane};

const PAGE: usize = 10;

/// Opens `target` over the current view (which `Esc` returns to).
pub fn open(model: &mut Model, target: Detail) {
    let back = match std::mem::replace(&mut model.mode, Mode::Normal) {
        Mode::Normal => None,
        other => Some(Box::new(other)),
    };
    model.mode = Mode::Detail { target, scroll: 0, back };
}

/// What `Enter` opens in the main view: the thing under the focused pane's cursor.
pub fn open_selected(model: &mut Model, now: DateTime<Utc>) {
    let Some(entry) = model.current() else {
        open(model, Detail::Message);
        return;
    };
    let target = match model.focus {
        Pane::Incidents => Some(Detail::Incident),
        Pane::Checklist => model.cursor_step().map(|id| Detail::Step(id.to_owned())),
        Pane::Clocks => {
            let statuses = entry.incident.clock_statuses(now);
            statuses.get(model.clock_cursor).map(|s| Detail::Clock(s.def.id.clone()))
        }
        Pane::Log => model.log_cursor().map(Detail::Log),
    };
    open(model, target.unwrap_or(Detail::Incident));
}

/// In a detail view: scroll (never past its last row), or leave for the view it came from.
pub fn on_detail_key(model: &mut Model, key: &KeyEvent, keymap: &Keymap, now: DateTime<Utc>) -> Vec<Effect> {
    let Mode::Detail { target, .. } = &model.mode else { return Vec::new() };
    let last = super::panes::detail::last_scroll(model, target, now);
    let action = keymap.action(key);
    let Mode::Detail { scroll, back, .. } = &mut model.mode else { return Vec::new() };
    match action {
        Some(Action::Down) => *scroll = (*scroll + 1).min(last),
        Some(Action::Up) => *scroll = scroll.saturating_sub(1),
        Some(Action::PageDown) => *scroll = (*scroll + PAGE).min(last),
        Some(Action::PageUp) => *scroll = scroll.saturating_sub(PAGE),
        Some(Action::Top) => *scroll = 0,
        Some(Action::Bottom) => *scroll = last,
        _ if key.code == KeyCode::Esc || action.is_some() => {
            model.mode = back.take().map_or(Mode::Normal, |b| *b);
        }
        _ => {}
    }
    Vec::new()
}
