//! A form as a centred popup: its title, the current field (a list or a text editor), the
//! answers so far, and how to go on.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::kit::{Ui, centred, fit, styled, window, wrapped_lines};
use crate::domain::sanitize;
use crate::tui::form::{FieldKind, Form};
use crate::tui::theme::Role;

pub fn render(frame: &mut Frame<'_>, area: Rect, form: &Form, ui: &Ui) {
    let theme = &ui.theme;
    let Some(field) = form.field() else { return };
    let width: u16 = (area.width.saturating_mul(3) / 4).clamp(72, 120).min(area.width);
    let label = sanitize::line(&field.label).into_owned();
    // The whole question shows (a confirmation quotes every argument it runs), as far as the
    // terminal's height allows.
    let label_lines = wrapped_lines(&label, width.saturating_sub(2)).min(area.height.saturating_sub(8).max(1));
    let error = form.error.as_deref().map(|e| sanitize::line(e).into_owned());
    let error_lines = error.as_deref().map_or(1, |e| wrapped_lines(e, width.saturating_sub(2)).clamp(1, 4));
    let in_full = in_full_rows(&field.kind, width.saturating_sub(2));
    let height = label_lines
        + (error_lines - 1)
        + in_full
        + match &field.kind {
            FieldKind::Choice { options, .. } => options.len() as u16 + 5,
            FieldKind::Text { multiline: true, .. } => 12,
            // A one-line answer grows with what is typed, up to five rows.
            FieldKind::Text { area: text, .. } => {
                4 + wrapped_lines(&text.lines().concat(), width.saturating_sub(3)).clamp(2, 5)
            }
            _ => 6,
        };
    let popup = centred(area, width, height.min(area.height.saturating_sub(2)));
    frame.render_widget(Clear, popup);
    // Later pages name what was chosen on earlier ones (the decision, the clock).
    let chosen: Vec<String> = form.fields[..form.index.min(form.fields.len())]
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Choice { .. }))
        .map(|f| sanitize::line(&f.value()).into_owned())
        .collect();
    let chosen = if chosen.is_empty() { String::new() } else { format!(": {}", chosen.join(" · ")) };
    let title = format!(" {}{chosen} ({}/{}) ", sanitize::line(&form.title), form.index + 1, form.fields.len());
    let title = fit(&title, usize::from(width.saturating_sub(2))).into_owned();
    let block = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Focus)).title(title);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let parts = Layout::vertical([
        Constraint::Length(label_lines),
        Constraint::Fill(1),
        Constraint::Length(in_full),
        Constraint::Length(error_lines),
        Constraint::Length(1),
    ])
    .split(inner);
    frame.render_widget(Paragraph::new(label).style(theme.style(Role::Title)).wrap(Wrap { trim: true }), parts[0]);
    let hint = match &field.kind {
        FieldKind::Choice { options, selected } => {
            let rows = parts[1].height as usize;
            let skip = window(*selected, options.len(), rows);
            let room = usize::from(parts[1].width).saturating_sub(OPTION_ID_COLUMNS);
            let lines: Vec<Line<'_>> = options
                .iter()
                .enumerate()
                .skip(skip)
                .take(rows)
                .map(|(i, (id, desc))| {
                    let style = if i == *selected { theme.style(Role::Selection) } else { theme.style(Role::Text) };
                    Line::from(vec![
                        styled(format!(" {id:<20} "), style),
                        styled(fit(&one_line(desc), room).into_owned(), theme.style(Role::Muted)),
                    ])
                })
                .collect();
            frame.render_widget(Paragraph::new(lines), parts[1]);
            if in_full > 0 {
                let desc = options.get(*selected).map(|(_, d)| one_line(d)).unwrap_or_default();
                let shown = Paragraph::new(desc).style(theme.style(Role::Text)).wrap(Wrap { trim: true });
                frame.render_widget(shown, parts[2]);
            }
            "↑↓ choose · Enter select · Esc cancel"
        }
        FieldKind::Text { area: text, multiline, .. } => {
            frame.render_widget(&**text, parts[1]);
            if *multiline {
                "Ctrl-S or Alt-Enter save · Enter new line · Esc cancel"
            } else {
                "Enter confirm · Esc cancel"
            }
        }
        FieldKind::Confirm { explicit: false } => "y / Enter: yes · n / Esc: no",
        FieldKind::Confirm { explicit: true } => "y: yes · n / Esc: no",
    };
    if let Some(error) = error {
        frame.render_widget(Paragraph::new(error).style(theme.style(Role::Error)).wrap(Wrap { trim: true }), parts[3]);
    }
    let hint = if form.index > 0 { format!("{hint} · Shift-Tab back") } else { hint.to_owned() };
    frame.render_widget(Paragraph::new(hint).style(theme.style(Role::Muted)), parts[4]);
}

/// ` id (20 columns) ` before an option's description.
const OPTION_ID_COLUMNS: usize = 22;

/// Rows under a choice list for the selected option's description in full, when some option's
/// is cut in its row: as many as the longest needs (at most 8), so the box keeps its size while
/// the cursor moves.
fn in_full_rows(kind: &FieldKind, width: u16) -> u16 {
    let FieldKind::Choice { options, .. } = kind else { return 0 };
    let room = usize::from(width).saturating_sub(OPTION_ID_COLUMNS);
    let cut = options.iter().map(|(_, d)| one_line(d)).filter(|d| matches!(fit(d, room), std::borrow::Cow::Owned(_)));
    cut.map(|d| wrapped_lines(&d, width)).max().map_or(0, |rows| rows.min(8))
}

/// An option's description on one line: a definition written over several lines in YAML reads
/// as one sentence, not with ␤ marks.
fn one_line(text: &str) -> String {
    sanitize::line(&text.split_whitespace().collect::<Vec<_>>().join(" ")).into_owned()
}
