//! Drawing: the layout, then one pane per file. Reads the model, changes nothing.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};

use super::keymap::Keymap;
use super::model::{Mode, Model, Pane};
use super::panes;
use super::theme::{Role, Theme};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// What every pane needs besides the model.
pub struct Ui {
    pub theme: Theme,
    pub keymap: Keymap,
}

pub fn draw(frame: &mut Frame<'_>, model: &Model, ui: &Ui, now: DateTime<Utc>) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        panes::too_small::render(frame, area, ui);
        return;
    }
    let rows = Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1)]).split(area);
    panes::strip::render(frame, rows[0], model, ui, now);
    panes::status_bar::render(frame, rows[2], model, ui);

    let main = rows[1];
    let incidents_height = (model.incidents.len() as u16 + 3).clamp(4, (main.height / 4).max(4));
    let log_height = (main.height * 3 / 10).max(6);
    let parts =
        Layout::vertical([Constraint::Length(incidents_height), Constraint::Min(8), Constraint::Length(log_height)])
            .split(main);
    panes::incidents::render(frame, parts[0], model, ui, now);
    let middle = Layout::horizontal([Constraint::Percentage(56), Constraint::Percentage(44)]).split(parts[1]);
    panes::checklist::render(frame, middle[0], model, ui, now);
    panes::countdown::render(frame, middle[1], model, ui, now);
    match &model.action {
        Some(view) => panes::action::render(frame, parts[2], view, ui),
        None => panes::log::render(frame, parts[2], model, ui),
    }

    match &model.mode {
        Mode::Normal => {}
        Mode::Help { scroll } => panes::help::render(frame, area, ui, *scroll),
        Mode::Effects { scroll } => panes::effects::render(frame, area, model, ui, *scroll),
        Mode::Inbox { cursor } => panes::inbox::render(frame, area, model, ui, *cursor, now),
        Mode::Form(form) => panes::form::render(frame, area, form, ui),
    }
}

/// A pane's frame: its title, and a brighter border when it has the focus.
pub fn pane_block<'a>(title: &'a str, pane: Pane, model: &Model, theme: &Theme) -> Block<'a> {
    let focused = model.focus == pane && matches!(model.mode, Mode::Normal);
    let border = if focused { theme.style(Role::Focus) } else { theme.style(Role::Border) };
    let number = Pane::ORDER.iter().position(|p| *p == pane).map_or(0, |i| i + 1);
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused { BorderType::Thick } else { BorderType::Plain })
        .border_style(border)
        .title(Line::from(vec![
            Span::styled(format!(" {number} "), theme.style(Role::Muted)),
            Span::styled(format!("{title} "), theme.style(Role::Title)),
        ]))
}

/// A rectangle of `width` × `height` centred in `area`.
pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    let horizontal = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Fill(1), Constraint::Length(width), Constraint::Fill(1)])
        .split(area);
    Layout::vertical([Constraint::Fill(1), Constraint::Length(height), Constraint::Fill(1)]).split(horizontal[1])[1]
}

pub fn severity_role(severity: &str) -> Role {
    match severity.to_ascii_uppercase().as_str() {
        "SEV1" | "SEV0" | "P1" | "CRITICAL" => Role::Sev1,
        "SEV2" | "P2" | "MAJOR" => Role::Sev2,
        "SEV3" | "P3" => Role::Sev3,
        _ => Role::Sev4,
    }
}

/// Scroll offset that keeps row `cursor` of `len` visible in `height` rows, centred-ish.
pub fn window(cursor: usize, len: usize, height: usize) -> usize {
    if len <= height || height == 0 {
        return 0;
    }
    cursor.saturating_sub(height / 2).min(len - height)
}

pub fn styled(text: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(text.into(), style)
}
