//! The running (or last) action's output, in place of the log pane: the argv it ran, the
//! output as it streams in (sanitised: it is a program's output), and how it ended.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::kit::{Ui, fit, styled, wrap};
use crate::domain::actions::DrillRun;
use crate::domain::sanitize;
use crate::tui::model::ActionView;
use crate::tui::theme::Role;

pub fn render(frame: &mut Frame<'_>, area: Rect, view: &ActionView, ui: &Ui) {
    let theme = &ui.theme;
    let (status, role) = match &view.finished {
        None => ("running…".to_owned(), Role::Running),
        Some((true, _)) if view.drill == Some(DrillRun::DryRun) => ("simulated · Esc closes".to_owned(), Role::Ok),
        Some((true, _)) => ("succeeded · Esc closes".to_owned(), Role::Ok),
        Some((false, _)) => ("FAILED · Esc closes".to_owned(), Role::Error),
    };
    let mut title = vec![
        styled(format!(" Action {} {} ", view.incident, sanitize::line(&view.step)), theme.style(Role::Title)),
        styled(format!("{status} "), theme.style(role)),
    ];
    if let Some(drill) = view.drill {
        title.insert(0, styled(format!(" {} ", drill.describe()), theme.style(Role::Held)));
    }
    let block = Block::default().borders(Borders::ALL).border_style(theme.style(role)).title(Line::from(title));
    let inner_height = area.height.saturating_sub(2) as usize;
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let argv = view.argv.iter().map(|a| format!("{:?}", sanitize::line(a))).collect::<Vec<_>>().join(" ");
    // The command in at most two rows; the output wrapped, its last rows kept.
    let mut command = wrap(&format!("$ {argv}"), width);
    if command.len() > 2 {
        command[1] = fit(&format!("{}{}", command[1], command[2..].concat()), width).into_owned();
        command.truncate(2);
    }
    let mut lines: Vec<Line<'_>> =
        command.into_iter().map(|row| Line::from(styled(row, theme.style(Role::Muted)))).collect();
    let outcome = view.finished.as_ref().map(|(_, outcome)| wrap(&sanitize::line(outcome), width)).unwrap_or_default();
    let room = inner_height.saturating_sub(lines.len() + outcome.len());
    let output: Vec<String> = view.output.lines().flat_map(|line| rows_of(&sanitize::line(line), width)).collect();
    for row in &output[output.len().saturating_sub(room)..] {
        lines.push(Line::from(styled(row.clone(), theme.style(Role::Untrusted))));
    }
    for row in outcome {
        lines.push(Line::from(styled(row, theme.style(role))));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// A program's output line in rows of `width` characters, its spacing kept (columns line up).
fn rows_of(line: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = line.trim_end().chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    chars.chunks(width).map(|row| row.iter().collect()).collect()
}
