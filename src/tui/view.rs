//! Drawing: the layout, then one pane per file. Reads the model, changes nothing.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use super::model::{Mode, Model};
use super::panes;
pub use super::panes::kit::{MIN_HEIGHT, MIN_WIDTH, Ui};

pub fn draw(frame: &mut Frame<'_>, model: &Model, ui: &Ui, now: DateTime<Utc>) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        panes::too_small::render(frame, area, ui);
        return;
    }
    let rows = Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1)]).split(area);
    panes::strip::render(frame, rows[0], model, ui, now);
    panes::status_bar::render(frame, rows[2], model, ui, now);

    // A message takes its rows from the log first (down to one line of it), so that the
    // checklist and the clocks keep theirs while it is read.
    let main = rows[1];
    let message = panes::message::height(model, area.width);
    let incidents_height = (model.incidents.len() as u16 + 3).clamp(4, (main.height / 4).max(4));
    let log_height = (main.height * 3 / 10).max(6).saturating_sub(message).max(3);
    let parts = Layout::vertical([
        Constraint::Length(incidents_height),
        Constraint::Min(8),
        Constraint::Length(log_height),
        Constraint::Length(message),
    ])
    .split(main);
    panes::incidents::render(frame, parts[0], model, ui, now);
    let middle = Layout::horizontal([Constraint::Percentage(56), Constraint::Percentage(44)]).split(parts[1]);
    panes::checklist::render(frame, middle[0], model, ui, now);
    panes::countdown::render(frame, middle[1], model, ui, now);
    panes::message::render(frame, parts[3], model, ui);
    match &model.action {
        Some(view) => panes::action::render(frame, parts[2], view, ui),
        None => panes::log::render(frame, parts[2], model, ui),
    }

    match &model.mode {
        Mode::Normal => {}
        Mode::Help { scroll } => panes::help::render(frame, area, ui, *scroll),
        Mode::Effects { scroll } => panes::effects::render(frame, area, model, ui, *scroll),
        Mode::Drafts { page, scroll } => panes::drafts::render(frame, area, model, ui, *page, *scroll, now),
        Mode::Inbox { cursor } => {
            // The inbox stays open after a dismiss or an attach: what came of it shows below.
            let above = Rect { height: area.height.saturating_sub(message), ..area };
            panes::inbox::render(frame, above, model, ui, *cursor, now);
        }
        Mode::Browse { cursor } => panes::found::render(frame, area, model, ui, *cursor),
        Mode::Form(form) => panes::form::render(frame, area, form, ui),
        Mode::Detail { target, scroll, .. } => panes::detail::render(frame, area, model, ui, target, *scroll, now),
    }
}
