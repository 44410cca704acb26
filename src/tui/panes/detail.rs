//! `Enter`: one thing in full over the main view, wrapped to the width and scrollable.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::kit::Ui;
use crate::tui::detail::{DetailLine, content};
use crate::tui::model::{Detail, Model};
use crate::tui::theme::Role;

/// Where the view sits in `area`: all of it but a one-cell margin, at most 120 columns wide.
fn popup(area: Rect) -> Rect {
    super::kit::centred(area, area.width.saturating_sub(2).min(120), area.height.saturating_sub(2))
}

/// Rows the lines take wrapped to `width`, as the view lays them out (indents kept).
fn rows(lines: &[DetailLine], width: u16) -> usize {
    let plain: Vec<Line<'_>> = lines
        .iter()
        .map(|line| Line::from(line.iter().map(|(_, piece)| Span::raw(piece.as_str())).collect::<Vec<_>>()))
        .collect();
    Paragraph::new(plain).wrap(Wrap { trim: false }).line_count(width.max(1))
}

/// The furthest the view scrolls on a `screen` of (columns, rows): its last row at the bottom.
pub fn last_scroll(model: &Model, target: &Detail, now: DateTime<Utc>) -> usize {
    let (columns, height) = model.screen;
    let inner = popup(Rect::new(0, 0, columns, height));
    let (_, lines) = content(model, target, now);
    rows(&lines, inner.width.saturating_sub(2)).saturating_sub(usize::from(inner.height.saturating_sub(2)))
}

pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    model: &Model,
    ui: &Ui,
    target: &Detail,
    scroll: usize,
    now: DateTime<Utc>,
) {
    let theme = &ui.theme;
    let popup = popup(area);
    frame.render_widget(Clear, popup);
    let (title, lines) = content(model, target, now);
    let total = rows(&lines, popup.width.saturating_sub(2));
    let height = usize::from(popup.height.saturating_sub(2));
    let scroll = scroll.min(total.saturating_sub(height));
    let position = if total > height {
        format!(" · rows {}–{} of {total}", scroll + 1, (scroll + height).min(total))
    } else {
        String::new()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Focus))
        .title(Span::styled(format!(" {title}{position} · j/k scroll · Esc back "), theme.style(Role::Title)));
    let lines: Vec<Line<'_>> = lines
        .into_iter()
        .map(|line| {
            Line::from(line.into_iter().map(|(role, text)| Span::styled(text, theme.style(role))).collect::<Vec<_>>())
        })
        .collect();
    let paragraph = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0));
    frame.render_widget(paragraph, popup);
}
