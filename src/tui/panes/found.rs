//! The list of a search or of the history: each incident on one line (id, severity, state,
//! when it ended, title), under it where the text was found. Found text is untrusted: shown
//! only sanitised.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::kit::{Ui, centred, fit, fit_spans};
use crate::domain::sanitize;
use crate::domain::search::{Query, snippet};
use crate::tui::model::Model;
use crate::tui::theme::Role;

/// Hits shown under each incident at least; more when the list leaves room, the rest counted.
const HITS_SHOWN: usize = 3;

pub fn render(frame: &mut Frame<'_>, area: Rect, model: &Model, ui: &Ui, cursor: usize) {
    let theme = &ui.theme;
    let popup = centred(area, area.width.min(140), area.height.saturating_sub(2));
    frame.render_widget(Clear, popup);
    let Some(view) = &model.found else { return };
    let listed = &view.found.incidents;
    let title = match &view.query {
        Some(query) => {
            format!(" {} “{}” · Enter opens · Esc back ", count(listed.len()), sanitize::line(query))
        }
        None => format!(" Every incident: {} · Enter opens · / searches · Esc back ", listed.len()),
    };
    let title = fit(&title, usize::from(popup.width.saturating_sub(2))).into_owned();
    let block = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Focus)).title(title);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let query = view.query.as_deref().and_then(Query::new);
    let height = usize::from(inner.height);
    let headings = listed.len() + view.found.unreadable.len();
    // Each incident's share of the rows: its hits, and a line counting the rest.
    let hits_shown = (height.saturating_sub(headings) / listed.len().max(1)).saturating_sub(1).max(HITS_SHOWN);
    let mut lines = Vec::new();
    let (mut cursor_line, mut cursor_end) = (0, 0);
    for (index, incident) in listed.iter().enumerate() {
        if index == cursor {
            cursor_line = lines.len();
        }
        let marker = if index == cursor { "› " } else { "  " };
        let role = if index == cursor { Role::Selection } else { Role::Text };
        let heading = format!("{marker}{}", incident.heading(|at| at.format("%Y-%m-%d").to_string()));
        lines.push(Line::from(Span::styled(fit(&heading, usize::from(inner.width)).into_owned(), theme.style(role))));
        let hits = if incident.hits.len() == hits_shown + 1 { hits_shown + 1 } else { hits_shown };
        for hit in incident.hits.iter().take(hits) {
            let place = format!("    {}: ", sanitize::line(&hit.place));
            let width = usize::from(inner.width).saturating_sub(place.chars().count()).max(20);
            let text = query.as_ref().map_or_else(|| hit.text.clone(), |q| snippet(&hit.text, q, width));
            let spans = vec![
                Span::styled(place, theme.style(Role::Muted)),
                Span::styled(sanitize::line(&text).into_owned(), theme.style(Role::Untrusted)),
            ];
            lines.push(Line::from(fit_spans(spans, usize::from(inner.width))));
        }
        if incident.hits.len() > hits {
            let more = format!("    … {} more", incident.hits.len() - hits);
            lines.push(Line::from(Span::styled(more, theme.style(Role::Muted))));
        }
        if index == cursor {
            cursor_end = lines.len();
        }
    }
    for (id, why) in &view.found.unreadable {
        let text = format!("  ✗ {id} CANNOT BE READ (not searched): {}", sanitize::line(why));
        lines.push(Line::from(Span::styled(text, theme.style(Role::Error))));
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled("  nothing found", theme.style(Role::Muted))));
    }
    // The whole entry under the cursor in view, its first line at least.
    let skip = cursor_end.saturating_sub(height).min(cursor_line);
    let shown: Vec<Line<'_>> = lines.into_iter().skip(skip).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

fn count(n: usize) -> String {
    if n == 1 { "1 incident mentions".to_owned() } else { format!("{n} incidents mention") }
}
