//! The side-effect ledger of the selected incident: what the agent did in the world, where,
//! how many, who owns the reversal, and its state. Irreversible effects stand out: they weigh
//! on whether the AI Act "serious incident" threshold is met.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table};

use super::kit::{Ui, centred};
use crate::domain::actions::EffectState;
use crate::domain::sanitize;
use crate::tui::model::Model;
use crate::tui::theme::Role;

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
    if ledger.is_empty() {
        let text = "Nothing recorded. On the command line (:) — effect add . refunds --what \"refunds issued\" \
                    --where \"Stripe\" --count 212 --owner dana";
        frame.render_widget(Paragraph::new(text).style(theme.style(Role::Muted)).block(block), popup);
        return;
    }
    let rows = ledger.values().skip(scroll).map(|e| {
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
