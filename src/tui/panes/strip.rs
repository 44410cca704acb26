//! The top line: the most urgent clock across every open incident, always in view.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::countdown::{remaining_within, status_role};
use super::kit::{Ui, fit, styled};
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
    let offered = model.incidents.iter().find(|e| e.incident.handover.as_ref().is_some_and(|h| h.to == model.actor));
    if let Some(entry) = offered {
        let key = ui.keymap.key_for(crate::tui::keymap::Action::AcceptCommand);
        // Named when the deadline after it is another incident's, so it is not read as this one's.
        let id = &entry.incident.id;
        let other = urgent.as_ref().is_some_and(|(e, _)| e.incident.id != *id);
        let tail = id.rsplit('-').next().unwrap_or(id);
        let offer = match (area.width >= 120, other) {
            (true, true) => format!("COMMAND OF …{tail} OFFERED TO YOU ({key}) · "),
            (true, false) => format!("COMMAND OFFERED TO YOU ({key}) "),
            (false, true) => format!("…{tail} OFFERED YOU ({key}) · "),
            (false, false) => format!("COMMAND OFFERED ({key}) "),
        };
        spans.push(styled(offer, theme.style(Role::Error)));
    }
    if !model.unrouted.is_empty() {
        let key = ui.keymap.key_for(crate::tui::keymap::Action::Inbox);
        spans.push(styled(format!("{} UNROUTED ({key}) ", model.unrouted.len()), theme.style(Role::Error)));
    }
    let width = usize::from(area.width);
    let used: usize = spans.iter().map(ratatui::text::Span::width).sum();
    match urgent {
        Some((entry, status)) => {
            let role = status_role(&status);
            // Narrow: room for `-2d 08:00:01 OVERDUE`, not for what IMMEDIATELY rests on.
            let room = if area.width >= 120 { usize::MAX } else { 24 };
            let remaining = remaining_within(&status, room);
            // Shorter and shorter until it fits: the time left and the clock always show.
            let versions = (0..4).map(|brevity| {
                let id = &entry.incident.id;
                let short_id =
                    id.rsplit('-').next().filter(|_| brevity > 0).map_or_else(|| id.clone(), |n| format!("…{n}"));
                let mut parts = vec![
                    (if brevity == 0 { "next " } else { "" }.to_owned(), Role::Muted),
                    (format!("{short_id} "), Role::Text),
                ];
                if entry.incident.drill {
                    parts.push(("DRILL ".to_owned(), Role::Drill));
                }
                parts.push((format!("{remaining} {}", status.def.id), role));
                if let Some(deadline) = status.deadline.filter(|_| brevity < 3) {
                    let word = if deadline.fixed { "due" } else { "target" };
                    let at = if brevity < 2 {
                        crate::domain::clock::display::local_and_utc(deadline.due_at, model.tz)
                    } else {
                        deadline.due_at.with_timezone(&model.tz).format("%d %b %H:%M %Z").to_string()
                    };
                    parts.push((format!("  {word} {at}"), Role::Muted));
                }
                parts
            });
            let versions: Vec<_> = versions.collect();
            let fits = |parts: &Vec<(String, Role)>| {
                used + parts.iter().map(|(t, _)| t.chars().count()).sum::<usize>() <= width
            };
            let chosen = versions.iter().find(|v| fits(v)).or(versions.last()).cloned().unwrap_or_default();
            let mut left = width.saturating_sub(used);
            for (text, role) in chosen {
                let shown = fit(&text, left).into_owned();
                left = left.saturating_sub(shown.chars().count());
                spans.push(styled(shown, theme.style(role)));
            }
        }
        None => spans.push(styled("no clock running in an open incident", theme.style(Role::Muted))),
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
