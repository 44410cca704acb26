//! `?`: every binding with its description, generated from the keymap itself; in two columns
//! when the terminal is wide enough for both, so that more of it shows at once.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Clear, Row, Table};

use super::kit::{Ui, centred, wrap};
use crate::tui::keymap::Binding;
use crate::tui::theme::Role;

/// The width of the keys column.
const KEYS: u16 = 18;

pub fn render(frame: &mut Frame<'_>, area: Rect, ui: &Ui, scroll: usize) {
    let theme = &ui.theme;
    let popup = centred(area, area.width.saturating_sub(4).min(220), area.height.saturating_sub(2));
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Focus))
        .title(" Keys (j/k PgUp/PgDn g/G scroll; any other key closes) ");
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let all = &ui.keymap.bindings;
    let bindings: Vec<&Binding> = all.iter().skip(scroll.min(all.len().saturating_sub(1))).collect();
    let widest = bindings.iter().map(|b| b.desc.chars().count() as u16 + KEYS + 1).max().unwrap_or(0);
    let columns = if inner.width >= 2 * widest + 2 { 2 } else { 1 };
    let per_column = bindings.len().div_ceil(columns);
    let areas = Layout::horizontal(vec![Constraint::Fill(1); columns]).spacing(2).split(inner);
    for (chunk, area) in bindings.chunks(per_column.max(1)).zip(areas.iter()) {
        // A description wraps under itself rather than being cut at the edge.
        let room = usize::from(area.width.saturating_sub(KEYS + 1));
        let rows = chunk.iter().map(|b| {
            let lines = wrap(&b.desc, room);
            let height = u16::try_from(lines.len()).unwrap_or(1);
            Row::new(vec![b.keys.join(" "), lines.join("\n")]).height(height).style(theme.style(Role::Text))
        });
        let table = Table::new(rows, [Constraint::Length(KEYS), Constraint::Fill(1)])
            .header(Row::new(vec!["keys", "does"]).style(theme.style(Role::Muted)));
        frame.render_widget(table, *area);
    }
}
