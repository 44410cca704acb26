//! The selected incident's regulatory clocks, most urgent first: state, time left, due time
//! in the responder's zone and in UTC, citation.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::kit::{Ui, fit, pane_block, styled, window};
use crate::domain::clock::display::{countdown, local_and_utc as when};
use crate::domain::clock::{ClockState, ClockStatus};
use crate::domain::sanitize;
use crate::tui::model::{Model, Pane};
use crate::tui::theme::Role;

/// The colour of a clock: its state's, or overdue's for a duty due immediately.
pub fn status_role(status: &ClockStatus<'_>) -> Role {
    if status.immediately.is_some() && status.urgency().0 == ClockState::Overdue {
        Role::Overdue
    } else {
        state_role(status.state)
    }
}

pub fn state_role(state: ClockState) -> Role {
    match state {
        ClockState::Overdue => Role::Overdue,
        ClockState::DueSoon => Role::DueSoon,
        ClockState::Running => Role::Running,
        ClockState::AwaitingAnchor => Role::Awaiting,
        ClockState::SubmittedOnTime | ClockState::SubmittedLate => Role::Submitted,
        ClockState::NotApplicable => Role::NotApplicable,
    }
}

fn mark(status: &ClockStatus<'_>) -> &'static str {
    if status.awaits_complete() {
        return "◐ ";
    }
    match status.state {
        ClockState::Overdue => "!!",
        ClockState::DueSoon => "! ",
        ClockState::Running => "▶ ",
        ClockState::AwaitingAnchor => "… ",
        ClockState::SubmittedOnTime => "✓ ",
        ClockState::SubmittedLate => "✓!",
        ClockState::NotApplicable => "– ",
    }
}

/// `2d 03:12:09`, `-00:41:10 OVERDUE`, or what the clock waits for.
pub fn remaining_text(status: &ClockStatus<'_>) -> String {
    let unsettled = matches!(status.state, ClockState::DueSoon | ClockState::Running);
    if let (true, Some(decision)) = (unsettled, status.immediately) {
        let outer = status.remaining_seconds.map(|s| format!(", outer limit {}", countdown(s))).unwrap_or_default();
        return format!("IMMEDIATELY ({}{outer})", decision.name());
    }
    match (status.state, status.remaining_seconds) {
        (ClockState::Overdue, Some(s)) => format!("{} OVERDUE", countdown(s)),
        (_, Some(s)) if status.delayed.is_some() => format!("{} (delayed)", countdown(s)),
        (_, Some(s)) => countdown(s),
        (ClockState::AwaitingAnchor, _) => {
            format!("awaits {}", status.awaiting.map(|a| a.to_string()).unwrap_or_default())
        }
        (ClockState::SubmittedOnTime | ClockState::SubmittedLate, _) if status.awaits_complete() => {
            let phase = status.latest_submission.map_or("initial", |s| s.phase.name());
            format!("{phase} filed, complete pending")
        }
        (ClockState::SubmittedLate, _) => "submitted late".to_owned(),
        (ClockState::SubmittedOnTime, _) => "submitted".to_owned(),
        (ClockState::NotApplicable, _) => "not applicable".to_owned(),
        _ => String::new(),
    }
}

/// The width of the longest countdown, `2d 23:00:00`.
const COUNTDOWN_WIDTH: usize = 11;

/// `remaining_text` within `room` columns, shorter and shorter: only `IMMEDIATELY`; the time
/// alone (the mark and the colour say overdue); the time to the minute. Never the time cut.
pub fn remaining_within(status: &ClockStatus<'_>, room: usize) -> String {
    let text = remaining_text(status);
    let fits = |t: &String| t.chars().count() <= room;
    if fits(&text) {
        return text;
    }
    if text.starts_with("IMMEDIATELY (") {
        return "IMMEDIATELY".to_owned();
    }
    let Some(seconds) = status.remaining_seconds else { return text };
    let whole = countdown(seconds);
    if fits(&whole) {
        return whole;
    }
    // `-2d 08:00:01` → `-2d 08:00`
    whole.rsplit_once(':').map_or(whole.clone(), |(minutes, _)| minutes.to_owned())
}

pub fn render(frame: &mut Frame<'_>, area: Rect, model: &Model, ui: &Ui, now: DateTime<Utc>) {
    let theme = &ui.theme;
    let mut block = pane_block("Regulatory clocks", Pane::Clocks, model, theme);
    let Some(entry) = model.current() else {
        frame.render_widget(Paragraph::new("").block(block), area);
        return;
    };
    if let Some(line) = updates_line(&entry.incident, ui, now, usize::from(area.width.saturating_sub(2))) {
        block = block.title_bottom(line);
    }
    let statuses = entry.incident.clock_statuses(now);
    if statuses.is_empty() {
        let text = "No clock on this incident. Add one with :clock add . ID --reason …";
        frame.render_widget(Paragraph::new(text).style(theme.style(Role::Muted)).block(block), area);
        return;
    }
    let height = area.height.saturating_sub(2) as usize;
    let skip = window(model.clock_cursor, statuses.len(), height);
    let shown = statuses.len().saturating_sub(skip).min(height);
    if shown < statuses.len() {
        let range = format!(" {}–{} of {} ", skip + 1, skip + shown, statuses.len());
        block = block.title(Line::from(styled(range, theme.style(Role::Muted))).right_aligned());
    }
    let expanded = expanded(statuses.len(), skip, shown, model.clock_cursor, height);
    let mut lines = Vec::new();
    let longest_id = statuses.iter().map(|s| s.def.id.chars().count()).max().unwrap_or(0);
    for (i, status) in statuses.iter().enumerate().skip(skip).take(shown) {
        let role = status_role(status);
        let selected = i == model.clock_cursor && model.focus == Pane::Clocks;
        let base = if selected { theme.style(Role::Selection) } else { theme.style(Role::Text) };
        let inner = usize::from(area.width.saturating_sub(2)).saturating_sub(4);
        // The clock's name whole while the time left keeps a countdown's width ("2d 23:00:00");
        // what the time left says beyond that gives way first.
        let id_width = longest_id.min(inner.saturating_sub(COUNTDOWN_WIDTH + 1)).max(8);
        let remaining = remaining_within(status, inner.saturating_sub(id_width + 1));
        let first = vec![
            styled(if selected { "›" } else { " " }, theme.style(Role::Current)),
            styled(mark(status), theme.style(role)),
            styled(format!("{:<id_width$} ", short_id(&status.def.id, id_width)), base),
            styled(
                fit(&remaining, usize::from(area.width.saturating_sub(2)).saturating_sub(id_width + 4)).into_owned(),
                theme.style(role),
            ),
        ];
        lines.push(Line::from(first));
        if !expanded.contains(&i) {
            continue;
        }
        let detail = match (status.deadline, status.submitted) {
            (_, Some(s)) => format!("    {} ref {}", when(s.at, model.tz), sanitize::line(&s.reference)),
            (Some(d), None) => {
                let legal = if d.legal_limit_at == d.due_at {
                    String::new()
                } else {
                    format!(" · limit {}", when(d.legal_limit_at, model.tz))
                };
                format!("    {} {}{legal}", if d.fixed { "due" } else { "target" }, when(d.due_at, model.tz))
            }
            (None, None) => format!("    {}", sanitize::line(&status.def.title)),
        };
        let width = usize::from(area.width.saturating_sub(2));
        lines.push(Line::from(styled(fit(&detail, width).into_owned(), theme.style(Role::Muted))));
        let missing = if !status.content_owed() {
            String::new()
        } else {
            format!("missing {} · ", status.missing_content.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(","))
        };
        let law = match &status.def.localized {
            Some(localized) => {
                format!(" · {}", localized.member_state.as_deref().unwrap_or("no member state: strictest"))
            }
            None => String::new(),
        };
        let delay = status
            .delayed
            .map(|p| format!(" · delayed until {} ({})", when(p.ends_at(), model.tz), sanitize::line(&p.basis)))
            .unwrap_or_default();
        let held = if status.def.holds_ai_changes { held_steps(&entry.incident) } else { String::new() };
        // What is still owed reads first: the citation is the part a cut line can spare.
        let text = format!("    {held}{missing}{}{law}{delay}", status.def.citation);
        lines.push(Line::from(styled(fit(&text, width).into_owned(), theme.style(Role::Muted))));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// Which of the clocks shown (`skip`, then `shown` of them) get their two lines of detail
/// (due time; what is owed and the citation) in `height` rows: the one under the cursor first,
/// then the most urgent, while two rows are spare.
fn expanded(len: usize, skip: usize, shown: usize, cursor: usize, height: usize) -> Vec<usize> {
    let mut spare = height.saturating_sub(shown);
    let cursor = cursor.min(len.saturating_sub(1));
    let order = std::iter::once(cursor).chain((skip..skip + shown).filter(|i| *i != cursor));
    let mut chosen = Vec::new();
    for i in order.filter(|i| (skip..skip + shown).contains(i)) {
        if spare < 2 {
            break;
        }
        spare -= 2;
        chosen.push(i);
    }
    chosen
}

/// The open steps that alter the AI system with no authority informed of them (Art. 73(6)).
fn held_steps(incident: &crate::domain::incident::Incident) -> String {
    let held: Vec<&str> = incident
        .checklist()
        .filter(|(_, step, state)| step.alters_ai_system && state.status.is_open())
        .filter(|(_, step, _)| !incident.clock_facts.informed.contains_key(&step.id))
        .map(|(_, step, _)| step.id.as_str())
        .collect();
    if held.is_empty() { String::new() } else { format!("holds {} · ", held.join(",")) }
}

/// A clock id cut to `width` columns, so that its time and flags keep their place on a narrow pane.
/// The id within `width`, cut in the middle: clocks of one regime share their start
/// (`cra-vulnerability-…`) and differ at the end (`…-early-warning`, `…-final`).
fn short_id(id: &str, width: usize) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= width {
        return id.to_owned();
    }
    let head = width.saturating_sub(1) / 2;
    let tail = width.saturating_sub(1) - head;
    chars[..head].iter().chain(['…'].iter()).chain(chars[chars.len() - tail..].iter()).collect()
}

/// When each audience's next update is due, the latest first in colour: amber when soon,
/// red when late (nothing once the incident is no longer active).
/// Within `room` columns: every audience, else the most pressing one and how many more, else
/// nothing.
fn updates_line(
    incident: &crate::domain::incident::Incident,
    ui: &Ui,
    now: DateTime<Utc>,
    room: usize,
) -> Option<Line<'static>> {
    let due = crate::domain::updates::due(incident);
    (0..=1).map(|narrow| updates_spans(&due, ui, now, narrow == 1)).find(|line| line.width() <= room && !due.is_empty())
}

fn updates_spans(
    due: &[crate::domain::updates::UpdateDue],
    ui: &Ui,
    now: DateTime<Utc>,
    narrow: bool,
) -> Line<'static> {
    use crate::domain::duration::at_a_glance;
    use crate::domain::updates::Urgency;
    let mut spans = vec![styled(if narrow { " update" } else { " updates" }, ui.theme.style(Role::Muted))];
    let shown = if narrow { 1 } else { due.len() };
    for next in due.iter().take(shown) {
        let refused = next.last_reached == Some(crate::domain::updates::Reached::GivenUp);
        let (text, role) = match next.urgency(now) {
            _ if refused => ("NOT DELIVERED".to_owned(), Role::Overdue),
            Urgency::Late => (format!("LATE {}", at_a_glance(now - next.due_at)), Role::Overdue),
            Urgency::Soon => (format!("in {}", at_a_glance(next.due_at - now)), Role::DueSoon),
            Urgency::Later => (format!("in {}", at_a_glance(next.due_at - now)), Role::Running),
        };
        spans.push(styled(format!(" {} ", sanitize::line(&next.audience)), ui.theme.style(Role::Muted)));
        spans.push(styled(text, ui.theme.style(role)));
    }
    if due.len() > shown {
        spans.push(styled(format!(" +{}", due.len() - shown), ui.theme.style(Role::Muted)));
    }
    let key = ui.keymap.key_for(crate::tui::keymap::Action::StakeholderUpdate);
    spans.push(styled(if narrow { " ".to_owned() } else { format!(" · {key} ") }, ui.theme.style(Role::Muted)));
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::short_id;

    #[test]
    fn a_cut_id_keeps_what_tells_a_regimes_clocks_apart() {
        let cut = |id| short_id(id, 18);
        assert_eq!(cut("nis2-early-warning"), "nis2-early-warning");
        assert_eq!(cut("cra-vulnerability-early-warning"), "cra-vuln…y-warning");
        assert_ne!(cut("cra-vulnerability-notification"), cut("cra-vulnerability-final"));
        assert_ne!(cut("cra-incident-early-warning"), cut("cra-vulnerability-early-warning"));
        assert_eq!(cut("cra-vulnerability-early-warning").chars().count(), 18);
    }
}
