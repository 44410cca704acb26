//! The top line: the most urgent clock across every open incident, always in view.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::countdown::{remaining_within, status_role};
use super::kit::{Ui, styled};
use crate::domain::clock::ClockState;
use crate::tui::model::Model;
use crate::tui::theme::Role;

pub fn render(frame: &mut Frame<'_>, area: Rect, model: &Model, ui: &Ui, now: DateTime<Utc>) {
    let theme = &ui.theme;
    let urgent = model
        .incidents
        .iter()
        .flat_map(|e| e.incident.clock_statuses(now).into_iter().take(1).map(move |s| (e, s)))
        .filter(|(_, s)| matches!(s.state, ClockState::Overdue | ClockState::DueSoon | ClockState::Running))
        .min_by_key(|(e, s)| (e.incident.drill, s.urgency()));
    // On a narrow terminal the name gives way, so that the time left always fits.
    let name = if area.width >= 120 { " warroom " } else { " " };
    let mut spans = vec![styled(name, theme.style(Role::Title))];
    // Short, so that the deadline after it still fits 80 columns; the roles line names the incident.
    let offered = model.incidents.iter().any(|e| e.incident.handover.as_ref().is_some_and(|h| h.to == model.actor));
    if offered {
        let key = ui.keymap.key_for(crate::tui::keymap::Action::AcceptCommand);
        spans.push(styled(format!("COMMAND OFFERED TO YOU ({key}) "), theme.style(Role::Error)));
    }
    if !model.unrouted.is_empty() {
        let key = ui.keymap.key_for(crate::tui::keymap::Action::Inbox);
        spans.push(styled(format!("{} UNROUTED ({key}) ", model.unrouted.len()), theme.style(Role::Error)));
    }
    match urgent {
        Some((entry, status)) => {
            let role = status_role(&status);
            spans.push(styled("next ", theme.style(Role::Muted)));
            spans.push(styled(format!("{} ", entry.incident.id), theme.style(Role::Text)));
            if entry.incident.drill {
                spans.push(styled("DRILL ", theme.style(Role::Drill)));
            }
            let room = if area.width >= 120 { usize::MAX } else { 0 };
            spans.push(styled(format!("{} ", remaining_within(&status, room)), theme.style(role)));
            spans.push(styled(status.def.id.clone(), theme.style(role)));
            if let Some(deadline) = status.deadline {
                let word = if deadline.fixed { "due" } else { "target" };
                spans.push(styled(
                    format!("  {word} {}", crate::domain::clock::display::local_and_utc(deadline.due_at, model.tz)),
                    theme.style(Role::Muted),
                ));
            }
        }
        None => spans.push(styled("no regulatory clock running", theme.style(Role::Muted))),
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
