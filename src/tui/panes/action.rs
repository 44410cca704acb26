//! The running (or last) action's output, in place of the log pane: the argv it ran, the
//! output as it streams in (sanitised: it is a program's output), and how it ended.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::kit::{Ui, styled};
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
    let argv = view.argv.iter().map(|a| format!("{:?}", sanitize::line(a))).collect::<Vec<_>>().join(" ");
    let mut lines = vec![Line::from(styled(format!("$ {argv}"), theme.style(Role::Muted)))];
    let output: Vec<&str> = view.output.lines().collect();
    let room = inner_height.saturating_sub(1 + usize::from(view.finished.is_some()));
    for line in &output[output.len().saturating_sub(room)..] {
        lines.push(Line::from(styled(sanitize::line(line).into_owned(), theme.style(Role::Untrusted))));
    }
    if let Some((_, outcome)) = &view.finished {
        lines.push(Line::from(styled(sanitize::line(outcome).into_owned(), theme.style(role))));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
