//! The incident's timeline, newest at the bottom: time, seq, actor, what happened. Only the
//! visible window is laid out, so the cost follows the pane's height, not the log's length.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::kit::{Ui, fit, pane_block, styled};
use crate::domain::sanitize;
use crate::tui::model::{Model, Pane};
use crate::tui::theme::Role;

pub fn render(frame: &mut Frame<'_>, area: Rect, model: &Model, ui: &Ui) {
    let theme = &ui.theme;
    let block_height = area.height.saturating_sub(2) as usize;
    let (visible, total, at) = model.log_window(block_height);
    let position =
        if model.log.follows() { "following".to_owned() } else { format!("{} newer below", model.log.from_bottom) };
    let filter = model.log.filter.as_ref().map(|f| format!(" · filter “{}”", sanitize::line(f))).unwrap_or_default();
    let zone = if model.local_times { model.tz.name() } else { "UTC" };
    let title = format!("Log — {total} line{} · {position}{filter} · {zone}", if total == 1 { "" } else { "s" });
    let block = pane_block(&title, Pane::Log, model, theme);
    let pointed = model.focus == Pane::Log && matches!(model.mode, crate::tui::model::Mode::Normal);
    let text_width = usize::from(area.width.saturating_sub(2));
    let lines: Vec<Line<'_>> = visible
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let cursor = pointed && i == at;
            let at = if model.local_times {
                line.at.with_timezone(&model.tz).format("%m-%d %H:%M:%S").to_string()
            } else {
                line.at.format("%m-%d %H:%M:%SZ").to_string()
            };
            let text_role = if cursor { Role::Selection } else { Role::Text };
            let mut spans = vec![
                styled(if cursor { "›" } else { " " }, theme.style(Role::Current)),
                styled(format!("{at} "), theme.style(Role::Muted)),
                styled(format!("#{:<4} ", line.seq), theme.style(Role::Muted)),
                styled(format!("{:<10} ", fit(&sanitize::line(&line.actor), 10)), theme.style(Role::Title)),
            ];
            let room = text_width.saturating_sub(spans.iter().map(ratatui::text::Span::width).sum());
            spans.push(styled(fit(&sanitize::line(&line.text), room).into_owned(), theme.style(text_role)));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
