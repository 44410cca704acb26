//! `?`: every binding with its description, generated from the keymap itself.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Borders, Clear, Row, Table};

use super::kit::{Ui, centred};
use crate::tui::theme::Role;

pub fn render(frame: &mut Frame<'_>, area: Rect, ui: &Ui, scroll: usize) {
    let theme = &ui.theme;
    let popup = centred(area, area.width.saturating_sub(4).min(110), area.height.saturating_sub(2));
    frame.render_widget(Clear, popup);
    let rows = ui
        .keymap
        .bindings
        .iter()
        .skip(scroll)
        .map(|b| Row::new(vec![b.keys.join(" "), b.desc.clone()]).style(theme.style(Role::Text)));
    let table = Table::new(rows, [Constraint::Length(18), Constraint::Fill(1)])
        .header(Row::new(vec!["keys", "does"]).style(theme.style(Role::Muted)))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style(Role::Focus))
                .title(" Keys (any other key closes; j/k scroll) "),
        );
    frame.render_widget(table, popup);
}
