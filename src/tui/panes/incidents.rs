//! Every open incident: id, severity, title, runbook, age, commander, progress, drill marker.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::kit::{Ui, fit, fit_spans, pane_block, severity_role, styled, window};
use crate::domain::duration::at_a_glance;
use crate::domain::incident::IncidentState;
use crate::domain::sanitize;
use crate::tui::model::{Model, Pane};
use crate::tui::theme::Role;

/// The columns besides the title (id, sev, age, commander, done), and the runbook's when wide.
const COLUMNS: usize = 16 + 6 + 6 + 10 + 5;
const RUNBOOK_COLUMN: usize = 24;

pub fn render(frame: &mut Frame<'_>, area: Rect, model: &Model, ui: &Ui, now: DateTime<Utc>) {
    let theme = &ui.theme;
    let closed = model.incidents.iter().filter(|e| e.incident.state == IncidentState::Closed).count();
    let mut title = match closed {
        0 => format!("Incidents ({} open)", model.incidents.len()),
        _ => format!("Incidents ({} open, {closed} in follow-up)", model.incidents.len() - closed),
    };
    if !model.unreadable.is_empty() {
        title = format!("Incidents ({} open, {} UNREADABLE)", model.incidents.len(), model.unreadable.len());
    }
    let mut block = pane_block(&title, Pane::Incidents, model, theme);
    if let Some(entry) = model.current() {
        let room = usize::from(area.width.saturating_sub(2));
        block = block.title_bottom(Line::from(fit_spans(roles_line(&entry.incident, theme, now), room)));
    }
    if model.incidents.is_empty() && model.unreadable.is_empty() {
        let text = format!(
            "No open incident. {} declares one from a runbook.",
            ui.keymap.key_for(crate::tui::keymap::Action::Declare)
        );
        frame.render_widget(Paragraph::new(text).style(theme.style(Role::Muted)).block(block), area);
        return;
    }
    let wide = area.width >= 120;
    let (fixed, columns) = if wide { (COLUMNS + RUNBOOK_COLUMN, 7) } else { (COLUMNS, 6) };
    let title_room = usize::from(area.width.saturating_sub(2)).saturating_sub(fixed + columns - 1);
    let height = area.height.saturating_sub(3) as usize;
    let skip = window(model.selected, model.incidents.len(), height);
    let rows = model.incidents.iter().enumerate().skip(skip).take(height).map(|(i, entry)| {
        let incident = &entry.incident;
        let (done, total) = incident.progress();
        let mut title = vec![Span::raw(sanitize::line(&incident.title).into_owned())];
        if incident.scope_grew() {
            title.insert(0, styled("SCOPE GREW ", theme.style(Role::Error)));
        }
        if incident.drill {
            title.insert(0, styled("DRILL ", theme.style(Role::Drill)));
        }
        if !incident.alerts.is_empty() {
            let deliveries: u64 = incident.alerts.values().map(|t| u64::from(t.deliveries)).sum();
            let count = match incident.alerts.len() {
                1 => " · 1 alert".to_owned(),
                n => format!(" · {n} alerts"),
            };
            let extra = if deliveries > incident.alerts.len() as u64 {
                format!(", {deliveries} deliveries")
            } else {
                String::new()
            };
            title.push(styled(count + &extra, theme.style(Role::Muted)));
        }
        match incident.state {
            IncidentState::Resolved => title.insert(0, styled("resolved ", theme.style(Role::Submitted))),
            // Narrow, the pane's title says "in follow-up": the row keeps room for the title.
            IncidentState::Closed => {
                title.insert(0, styled(if wide { "closed, follow-up " } else { "closed " }, theme.style(Role::Muted)));
            }
            IncidentState::Active | IncidentState::Archived => {}
        }
        let mut cells = vec![
            Cell::from(incident.id.clone()),
            Cell::from(styled(
                format!(" {} ", sanitize::line(&incident.severity)),
                theme.style(severity_role(&incident.severity)),
            )),
            Cell::from(Line::from(fit_spans(title, title_room))),
        ];
        if wide {
            cells.push(Cell::from(incident.runbook.id.clone()));
        }
        cells.push(Cell::from(crate::domain::duration::at_a_glance(now - incident.declared_at)));
        let commander = sanitize::line(incident.commander().unwrap_or("—")).into_owned();
        cells.push(Cell::from(fit(&commander, 10).into_owned()));
        cells.push(Cell::from(format!("{done}/{total}")));
        let style = if i == model.selected { theme.style(Role::Selection) } else { theme.style(Role::Text) };
        Row::new(cells).style(style)
    });
    let unreadable = model.unreadable.iter().map(|(id, why)| {
        let cells = vec![
            Cell::from(id.clone()),
            Cell::from(styled(" ✗ ", theme.style(Role::Error))),
            Cell::from(styled(format!("CANNOT BE READ: {}", sanitize::line(why)), theme.style(Role::Error))),
        ];
        Row::new(cells)
    });
    let rows: Vec<Row<'_>> = rows.chain(unreadable).collect();
    let mut widths = vec![Constraint::Length(16), Constraint::Length(6), Constraint::Fill(1)];
    let mut header = vec!["id", "sev", "title"];
    if wide {
        widths.push(Constraint::Length(RUNBOOK_COLUMN as u16));
        header.push("runbook");
    }
    widths.extend([Constraint::Length(6), Constraint::Length(10), Constraint::Length(5)]);
    header.extend(["age", "commander", "done"]);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.style(Role::Muted)))
        .column_spacing(1)
        .block(block);
    frame.render_widget(table, area);
}

/// Who holds each of the selected incident's roles, in the runbook's order; a required role
/// nobody holds stands out, optional ones nobody holds are counted.
fn roles_line(
    incident: &crate::domain::incident::Incident,
    theme: &crate::tui::theme::Theme,
    now: DateTime<Utc>,
) -> Vec<Span<'static>> {
    use crate::domain::paging::{Paging, paging};
    let mut spans = vec![styled(" roles", theme.style(Role::Muted))];
    let mut open = 0;
    for role in &incident.runbook.roles {
        let holder = match (incident.roles.get(&role.id), paging(incident, &role.id)) {
            (Some(holder), _) => styled(sanitize::line(holder).into_owned(), theme.style(Role::Text)),
            (None, Paging::Waiting { unreached: true, .. }) => styled("PAGE FAILED", theme.style(Role::Error)),
            (None, Paging::Waiting { at, rung, .. }) => {
                let late = crate::domain::paging::said(incident, &role.id, now).is_some_and(|(urgent, _)| urgent);
                let ago = at_a_glance(now - at);
                let reached =
                    incident.outbox.rung_delivered(&role.id, rung) || incident.outbox.rung_simulated(&role.id, rung);
                // An escalation says so, and how long the role has gone unanswered since its
                // first page, not only since the last.
                let escalated = match incident.outbox.first_page(&role.id) {
                    Some(first) if rung > 0 => {
                        format!(
                            "L{} of {}, unanswered {} · ",
                            rung + 1,
                            path_length(incident, &role.id),
                            at_a_glance(now - first)
                        )
                    }
                    _ => String::new(),
                };
                if !reached {
                    let style = theme.style(if late { Role::Error } else { Role::DueSoon });
                    let text = if late { "PAGE NOT DELIVERED".to_owned() } else { format!("page queued {ago}") };
                    styled(format!("{escalated}{text}"), style)
                } else if late {
                    styled(format!("{escalated}UNANSWERED {ago}"), theme.style(Role::Error))
                } else {
                    styled(format!("{escalated}paged {ago} ago"), theme.style(Role::DueSoon))
                }
            }
            (None, Paging::Acknowledged { by, .. }) => {
                styled(format!("ack {}", sanitize::line(&by)), theme.style(Role::Text))
            }
            (None, Paging::Quiet) if role.required => styled("UNASSIGNED", theme.style(Role::DueSoon)),
            (None, Paging::Quiet) => {
                open += 1;
                continue;
            }
        };
        spans.push(styled(format!(" {} ", role.id), theme.style(Role::Muted)));
        spans.push(holder);
        if let Some(handover) = incident.handover.as_ref().filter(|_| role.id == "commander") {
            let to = sanitize::line(&handover.to).into_owned();
            spans.push(styled(format!(" → {to} (not yet accepted)"), theme.style(Role::DueSoon)));
        }
        spans.push(styled(" ·", theme.style(Role::Muted)));
    }
    spans.push(styled(format!(" +{open} optional · w "), theme.style(Role::Muted)));
    spans
}

/// How many rungs `role`'s on-call path has.
fn path_length(incident: &crate::domain::incident::Incident, role: &str) -> usize {
    incident.runbook.on_call.iter().filter(|rung| rung.role == role).count()
}
