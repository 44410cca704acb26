//! The unrouted inbox: alerts no runbook's triggers match, waiting for a responder to declare
//! an incident from one or dismiss it. Alert text is untrusted: shown only sanitised.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, Wrap};

use super::kit::{Ui, centred, window};
use crate::domain::inbox::InboxItem;
use crate::domain::sanitize;
use crate::tui::keymap::Action;
use crate::tui::model::Model;
use crate::tui::theme::Role;

pub fn render(frame: &mut Frame<'_>, area: Rect, model: &Model, ui: &Ui, cursor: usize, now: DateTime<Utc>) {
    let theme = &ui.theme;
    let popup = centred(area, area.width.saturating_sub(4).min(120), area.height.saturating_sub(2));
    frame.render_widget(Clear, popup);
    let key = |a| ui.keymap.key_for(a);
    let marked = match model.inbox_marks.len() {
        0 => String::new(),
        n => format!(", {n} marked"),
    };
    let keys = format!(
        "{} mark · {} declare · {} attach · {} dismiss · Esc back",
        key(Action::Tick),
        key(Action::Declare),
        key(Action::AttachAlert),
        key(Action::DismissAlert)
    );
    let waiting = model.unrouted.len();
    let mut title = format!(" Unrouted alerts ({waiting} waiting{marked}) · {keys} ");
    if title.chars().count() + 2 > usize::from(popup.width) {
        title = format!(" Unrouted ({waiting}{marked}) · {keys} ");
    }
    let block = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Focus)).title(title);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    if model.unrouted.is_empty() {
        let text = "No unrouted alert. Alerts that no runbook's triggers match wait here.";
        frame.render_widget(Paragraph::new(text).style(theme.style(Role::Muted)), inner);
        return;
    }
    let shown = model.unrouted.get(cursor).map(|item| Paragraph::new(details(item)).wrap(Wrap { trim: false }));
    let needed = shown.as_ref().map_or(0, |p| p.line_count(inner.width.max(1)) + 1);
    let list = (model.unrouted.len() + 1).min(4);
    let room = usize::from(inner.height).saturating_sub(list).max(2);
    let below = u16::try_from(needed.min(room)).unwrap_or(u16::MAX);
    let parts = Layout::vertical([Constraint::Fill(1), Constraint::Length(below)]).split(inner);
    let height = parts[0].height.saturating_sub(1) as usize;
    let skip = window(cursor, model.unrouted.len(), height);
    let rows = model.unrouted.iter().enumerate().skip(skip).take(height).map(|(i, item)| {
        let style = if i == cursor { theme.style(Role::Selection) } else { theme.style(Role::Untrusted) };
        let mark = if model.inbox_marks.contains(&item.alert.key) { "✓" } else { " " };
        Row::new(vec![
            mark.to_owned(),
            sanitize::line(item.alert.name()).into_owned(),
            sanitize::line(item.alert.summary().unwrap_or("")).into_owned(),
            item.deliveries.to_string(),
            ago(now, item.last_seen),
        ])
        .style(style)
    });
    let widths = [
        Constraint::Length(1),
        Constraint::Length(28),
        Constraint::Fill(1),
        Constraint::Length(10),
        Constraint::Length(9),
    ];
    let table = Table::new(rows, widths)
        .header(Row::new(vec!["", "alert", "summary", "deliveries", "last"]).style(theme.style(Role::Muted)))
        .column_spacing(1);
    frame.render_widget(table, parts[0]);
    if let Some(paragraph) = shown {
        let cut = if needed > room { " labels (cut: warroom alert inbox shows all) " } else { " labels " };
        frame.render_widget(
            paragraph
                .style(theme.style(Role::Untrusted))
                .block(Block::default().borders(Borders::TOP).border_style(theme.style(Role::Border)).title(cut)),
            parts[1],
        );
    }
}

fn details(item: &InboxItem) -> Vec<Line<'static>> {
    let pairs = |map: &std::collections::BTreeMap<String, String>| {
        map.iter().map(|(k, v)| format!("{}={}", sanitize::line(k), sanitize::line(v))).collect::<Vec<_>>().join("  ")
    };
    vec![
        Line::from(format!(
            "key {}  ·  {:?} via {:?}",
            sanitize::line(&item.alert.key),
            item.alert.status,
            item.alert.source
        )),
        Line::from(pairs(&item.alert.labels)),
        Line::from(pairs(&item.alert.annotations)),
    ]
}

fn ago(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let minutes = (now - at).num_minutes().max(0);
    match minutes {
        0..60 => format!("{minutes}m ago"),
        60..1440 => format!("{}h ago", minutes / 60),
        _ => format!("{}d ago", minutes / 1440),
    }
}
