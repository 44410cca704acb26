//! The side-effect ledger of the selected incident: what the agent did in the world, where,
//! how many, who owns the reversal, and its state. Irreversible effects stand out: they weigh
//! on whether the AI Act "serious incident" threshold is met. Below them, the containment
//! actions the responders ran, and whether each is still in effect or was undone.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, Wrap};

use super::kit::{Ui, centred, styled, wrap};
use crate::domain::actions::EffectState;
use crate::domain::sanitize;
use crate::tui::model::Model;
use crate::tui::theme::Role;

/// Narrower than this, each effect and run reads as a few wrapped lines instead of a table row.
const WIDE: u16 = 110;

pub fn render(frame: &mut Frame<'_>, area: Rect, model: &Model, ui: &Ui, scroll: usize) {
    let theme = &ui.theme;
    let popup = centred(area, area.width.saturating_sub(4).min(130), area.height.saturating_sub(4));
    frame.render_widget(Clear, popup);
    let Some(entry) = model.current() else { return };
    let ledger = &entry.incident.containment.effects;
    let irreversible = ledger.values().filter(|e| e.state == EffectState::Irreversible).count();
    let title = format!(
        " Side effects of {} ({} recorded, {irreversible} irreversible) · any key closes ",
        entry.incident.id,
        ledger.len()
    );
    let block = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Focus)).title(title);
    let runs = action_rows(&entry.incident, ui);
    if ledger.is_empty() && runs.is_empty() {
        let text = "Nothing recorded. On the command line (:) — effect add . refunds --what \"refunds issued\" \
                    --where \"Stripe\" --count 212 --owner dana";
        frame.render_widget(
            Paragraph::new(text).style(theme.style(Role::Muted)).wrap(Wrap { trim: true }).block(block),
            popup,
        );
        return;
    }
    if popup.width < WIDE {
        let lines = narrow_lines(&entry.incident, ui, usize::from(popup.width.saturating_sub(2)));
        let scroll = scroll.min(lines.len().saturating_sub(1));
        let visible: Vec<Line<'_>> = lines.into_iter().skip(scroll).collect();
        frame.render_widget(Paragraph::new(visible).block(block), popup);
        return;
    }
    let effects = ledger.values().map(|e| {
        let role = match e.state {
            EffectState::Irreversible => Role::Overdue,
            EffectState::Pending => Role::DueSoon,
            EffectState::Compensated => Role::Submitted,
        };
        let state = if e.state == EffectState::Irreversible { "IRREVERSIBLE" } else { e.state.name() };
        Row::new(vec![
            sanitize::line(&e.id).into_owned(),
            sanitize::line(&e.what).into_owned(),
            sanitize::line(&e.place).into_owned(),
            e.count.to_string(),
            sanitize::line(&e.owner).into_owned(),
            state.to_owned(),
            sanitize::line(e.evidence.as_deref().unwrap_or("")).into_owned(),
        ])
        .style(theme.style(role))
    });
    let heading = (!runs.is_empty()).then(|| {
        Row::new(vec!["", "containment actions run (ours)", "", "", "by", "state", "output"])
            .style(theme.style(Role::Title))
    });
    let rows: Vec<Row<'_>> = effects.chain(heading).chain(runs).collect();
    let scroll = scroll.min(rows.len().saturating_sub(1));
    let rows: Vec<Row<'_>> = rows.into_iter().skip(scroll).collect();
    let widths = [
        Constraint::Length(12),
        Constraint::Fill(2),
        Constraint::Fill(1),
        Constraint::Length(8),
        Constraint::Length(10),
        Constraint::Length(13),
        Constraint::Fill(2),
    ];
    let header =
        Row::new(vec!["id", "what", "where", "count", "owner", "state", "evidence"]).style(theme.style(Role::Muted));
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1).block(block), popup);
}

/// One row per action run: what ran, who ran it, and whether its effect is in the world.
fn action_rows<'a>(incident: &'a crate::domain::Incident, ui: &Ui) -> Vec<Row<'a>> {
    let theme = &ui.theme;
    incident
        .containment
        .runs
        .iter()
        .map(|run| {
            let (state, role) = run_state(run);
            Row::new(vec![
                format!("#{}", run.started_seq),
                sanitize::line(&format!("{}: {}", run.step, run.argv.join(" "))).into_owned(),
                String::new(),
                String::new(),
                sanitize::line(&run.by).into_owned(),
                state,
                run.outcome.as_ref().map(|o| o.output_file.clone()).unwrap_or_default(),
            ])
            .style(theme.style(role))
        })
        .collect()
}

/// Every effect, then every action run, as wrapped lines in `width` columns: nothing cut.
fn narrow_lines(incident: &crate::domain::Incident, ui: &Ui, width: usize) -> Vec<Line<'static>> {
    let theme = &ui.theme;
    let mut lines = Vec::new();
    let mut push = |text: String, role: Role, indent: &str| {
        for (i, row) in wrap(&text, width.saturating_sub(indent.len())).into_iter().enumerate() {
            let lead = if i == 0 { "" } else { indent };
            lines.push(Line::from(styled(format!("{lead}{row}"), theme.style(role))));
        }
    };
    for e in incident.containment.effects.values() {
        let (state, role) = match e.state {
            EffectState::Irreversible => ("IRREVERSIBLE", Role::Overdue),
            EffectState::Pending => (e.state.name(), Role::DueSoon),
            EffectState::Compensated => (e.state.name(), Role::Submitted),
        };
        let head = format!("{} · {state} · {} × {}", sanitize::line(&e.id), e.count, sanitize::line(&e.what));
        push(head, role, "  ");
        let mut facts = format!("  where {} · owner {}", sanitize::line(&e.place), sanitize::line(&e.owner));
        if let Some(evidence) = &e.evidence {
            facts.push_str(&format!(" · evidence {}", sanitize::line(evidence)));
        }
        push(facts, Role::Text, "  ");
    }
    if !incident.containment.runs.is_empty() {
        push("Containment actions run (ours)".to_owned(), Role::Title, "");
    }
    for run in &incident.containment.runs {
        let (state, role) = run_state(run);
        let head =
            format!("#{} {} · {state} · by {}", run.started_seq, sanitize::line(&run.step), sanitize::line(&run.by));
        push(head, role, "  ");
        push(format!("  $ {}", sanitize::line(&run.argv.join(" "))), Role::Muted, "    ");
        if let Some(outcome) = &run.outcome {
            push(format!("  output {}", outcome.output_file), Role::Muted, "    ");
        }
    }
    lines
}

/// Where an action run stands: running, simulated, undone, an undo, in effect or failed.
fn run_state(run: &crate::domain::actions::ActionRun) -> (String, Role) {
    let simulated = run.outcome.as_ref().is_some_and(|o| o.simulated);
    match (&run.outcome, run.undone_by, run.undoes) {
        (None, _, _) => ("running".to_owned(), Role::DueSoon),
        _ if simulated => ("simulated".to_owned(), Role::Muted),
        (_, Some(by), _) => (format!("undone #{by}"), Role::Submitted),
        (_, None, Some(of)) => (format!("undid #{of}"), Role::Submitted),
        (Some(o), None, None) if o.succeeded() => ("IN EFFECT".to_owned(), Role::Overdue),
        (Some(_), None, None) => ("failed".to_owned(), Role::Muted),
    }
}
