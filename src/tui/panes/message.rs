//! The message area above the status bar: why something was refused, in full (wrapped over up
//! to four rows; a longer one says which key shows all of it), or what was just done, on one
//! row (the log holds it whole), so that the log keeps its rows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::kit::{Ui, fit_spans, styled, wrapped_lines};
use crate::domain::sanitize;
use crate::tui::keymap::Action;
use crate::tui::model::{Flash, FlashKind, Model};
use crate::tui::theme::Role;

/// The most rows the message area takes from the panes.
pub const MOST_ROWS: u16 = 4;

/// The message as shown, and what dismisses it.
fn parts(flash: &Flash) -> (String, &'static str) {
    let dismiss = if flash.kind == FlashKind::Done { "" } else { " (Esc dismisses)" };
    (sanitize::line(&flash.text).into_owned(), dismiss)
}

/// The rows the message needs at `width` (0 without a message).
pub fn height(model: &Model, width: u16) -> u16 {
    model.flash.as_ref().map_or(0, |flash| {
        if flash.kind == FlashKind::Done {
            return 1;
        }
        let (text, dismiss) = parts(flash);
        wrapped_lines(&format!("{text}{dismiss}"), width).min(MOST_ROWS)
    })
}

pub fn render(frame: &mut Frame<'_>, area: Rect, model: &Model, ui: &Ui) {
    let Some(flash) = &model.flash else { return };
    let theme = &ui.theme;
    let role = if flash.kind == FlashKind::Done { Role::Ok } else { Role::Error };
    let (text, dismiss) = parts(flash);
    if wrapped_lines(&format!("{text}{dismiss}"), area.width) <= area.height {
        let line = Line::from(vec![styled(text, theme.style(role)), styled(dismiss, theme.style(Role::Muted))]);
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), area);
        return;
    }
    if area.height == 1 {
        let hint = format!(" ({} shows all)", ui.keymap.key_for(Action::Message));
        let hint_width = dismiss.chars().count() + hint.chars().count();
        let text_room = usize::from(area.width).saturating_sub(hint_width);
        let mut fitted = fit_spans(vec![styled(text, theme.style(role))], text_room);
        fitted.push(styled(format!("{dismiss}{hint}"), theme.style(Role::Muted)));
        frame.render_widget(Paragraph::new(Line::from(fitted)), area);
        return;
    }
    let room = area.height.saturating_sub(1);
    let body = Rect { height: room, ..area };
    frame.render_widget(Paragraph::new(styled(text, theme.style(role))).wrap(Wrap { trim: true }), body);
    let hint = format!("… {} shows all{dismiss}", ui.keymap.key_for(Action::Message));
    let last = Rect { y: area.y + room, height: 1, ..area };
    frame.render_widget(Paragraph::new(styled(hint, theme.style(Role::Muted))), last);
}
