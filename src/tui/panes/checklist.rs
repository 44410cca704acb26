//! The runbook's phases and steps with their state; the current step (first open one whose
//! dependencies are met) marked; the step under the cursor in detail below.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use ratatui::text::Span;

use super::kit::{Ui, fit_spans, pane_block, styled, window};
use crate::domain::clock::StepHold;
use crate::domain::decide::step_hold;
use crate::domain::incident::StepStatus;
use crate::domain::sanitize;
use crate::tui::model::{Model, Pane};
use crate::tui::theme::Role;

pub fn render(frame: &mut Frame<'_>, area: Rect, model: &Model, ui: &Ui, now: DateTime<Utc>) {
    let theme = &ui.theme;
    let Some(entry) = model.current() else {
        frame.render_widget(Paragraph::new("").block(pane_block("Checklist", Pane::Checklist, model, theme)), area);
        return;
    };
    let incident = &entry.incident;
    let title = format!("Checklist — {}", incident.runbook.id);
    let block = pane_block(&title, Pane::Checklist, model, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let detail_height = if inner.height >= 14 { 6 } else { 3 };
    let parts = Layout::vertical([Constraint::Fill(1), Constraint::Length(detail_height)]).split(inner);

    let current = incident.current_step().map(|s| s.id.as_str());
    let mut rows: Vec<Line<'_>> = Vec::new();
    let mut cursor_row = 0;
    let mut phase = "";
    for (index, (phase_title, step, state)) in incident.checklist().enumerate() {
        if phase_title != phase {
            phase = phase_title;
            rows.push(Line::from(styled(sanitize::line(phase_title).into_owned(), theme.style(Role::Title))));
        }
        let (mark, role) = match state.status {
            StepStatus::Done => ("[x]", Role::Done),
            StepStatus::Skipped => ("[-]", Role::Skipped),
            StepStatus::Pending if Some(step.id.as_str()) == current => ("[▶]", Role::Current),
            StepStatus::Pending => ("[ ]", Role::Pending),
        };
        let held = state.status.is_open() && matches!(step_hold(incident, step, now), StepHold::Held { .. });
        let is_cursor = index == model.step_cursor;
        if is_cursor {
            cursor_row = rows.len();
        }
        let base = if is_cursor && model.focus == Pane::Checklist {
            theme.style(Role::Selection)
        } else {
            theme.style(if state.status.is_open() { Role::Text } else { Role::Muted })
        };
        // Flags come before the title, so that a narrow screen cuts the title, not them.
        let pointer = if is_cursor { "›" } else { " " };
        let mut spans =
            vec![styled(pointer, theme.style(Role::Current)), styled(format!("{mark} "), theme.style(role))];
        if held {
            spans.push(styled("HELD 73(6) ", theme.style(Role::Held)));
        }
        if incident.containment.waiting_request(&step.id, now).is_some() {
            spans.push(styled("APPROVAL WAITING ", theme.style(Role::Held)));
        }
        if incident.in_effect(&step.id).is_some() {
            spans.push(styled("IN EFFECT ", theme.style(Role::DueSoon)));
        }
        let title_at = spans.len();
        spans.push(styled(sanitize::line(&step.title).into_owned(), base));
        if !step.required {
            spans.push(styled(" (optional)", theme.style(Role::Muted)));
        }
        let mut who = None;
        if let (Some(by), Some(at)) = (&state.by, state.at) {
            who = Some(styled(format!("  {} {}", sanitize::line(by), at.format("%H:%MZ")), theme.style(Role::Muted)));
        }
        rows.push(Line::from(row_within(spans, title_at, who, usize::from(parts[0].width))));
    }
    let height = parts[0].height as usize;
    let skip = window(cursor_row, rows.len(), height);
    let visible: Vec<Line<'_>> = rows.into_iter().skip(skip).take(height).collect();
    frame.render_widget(Paragraph::new(visible), parts[0]);

    let Some((step, state)) = model.cursor_step().and_then(|id| incident.step(id)) else { return };
    let mut facts = vec![
        styled(format!("{} ", step.id), theme.style(Role::Title)),
        styled(format!("{} · {}", step.role, step.kind.name()), theme.style(Role::Muted)),
    ];
    if let Some(timebox) = step.timebox {
        facts.push(styled(format!(" · timebox {timebox}"), theme.style(Role::Muted)));
    }
    if !step.depends_on.is_empty() {
        facts.push(styled(format!(" · after {}", step.depends_on.join(", ")), theme.style(Role::Muted)));
    }
    let mut lines = vec![Line::from(facts)];
    if let Some(waiting) = incident.containment.waiting_request(&step.id, now) {
        let what = waiting
            .argv
            .as_ref()
            .map_or_else(|| "to tick it".to_owned(), |argv| format!("to run {}", crate::domain::actions::quoted(argv)));
        let text = format!(
            "{} asks approval {what}; expires {} ({} approves)",
            waiting.requested_by,
            waiting.expires_at.format("%H:%MZ"),
            ui.keymap.key_for(crate::tui::keymap::Action::Approve)
        );
        lines.push(Line::from(styled(sanitize::line(&text).into_owned(), theme.style(Role::Held))));
    }
    if let Some(run) = incident.in_effect(&step.id) {
        let text = format!(
            "in effect: run #{} by {} {} ({} undoes it)",
            run.started_seq,
            run.by,
            run.started_at.format("%H:%MZ"),
            ui.keymap.key_for(crate::tui::keymap::Action::Undo)
        );
        lines.push(Line::from(styled(sanitize::line(&text).into_owned(), theme.style(Role::DueSoon))));
    }
    if let Some(comment) = &state.comment {
        lines.push(Line::from(styled(format!("“{}”", sanitize::line(comment)), theme.style(Role::Untrusted))));
    }
    lines.push(Line::from(styled(sanitize::line(step.detail.trim()).into_owned(), theme.style(Role::Text))));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), parts[1]);
}

/// A step's row in `width` columns (its title the span at `title_at`): who ticked it and when,
/// while the title keeps at least `TITLE_ROOM` columns; what is cut ends in `…`.
fn row_within(
    spans: Vec<Span<'static>>,
    title_at: usize,
    who: Option<Span<'static>>,
    width: usize,
) -> Vec<Span<'static>> {
    const TITLE_ROOM: usize = 32;
    let Some(who) = who else { return fit_spans(spans, width) };
    let flags: usize = spans.iter().take(title_at).map(Span::width).sum();
    let whole: usize = spans.iter().map(Span::width).sum();
    if whole + who.width() > width && flags + TITLE_ROOM + who.width() > width {
        return fit_spans(spans, width);
    }
    let mut kept = fit_spans(spans, width.saturating_sub(who.width()));
    kept.push(who);
    kept
}
