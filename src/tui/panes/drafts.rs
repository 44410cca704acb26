//! The drafts of the selected incident, before any export: for each clock its filing (what the
//! recipient gets) and its worksheet (what the room still has to record), then each customer
//! communication. Shown as the bundle will write them, before redaction.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::kit::{Ui, centred};
use crate::domain::placeholder::Facts;
use crate::report::{annex, drafts, filing, worksheet};
use crate::tui::model::Model;
use crate::tui::theme::Role;

/// One page of the viewer: what it is, and its Markdown.
pub struct Page {
    pub title: String,
    pub clock: Option<String>,
    pub text: String,
}

/// Every draft of the selected incident, each clock's filing before its worksheet.
pub fn pages(model: &Model, now: DateTime<Utc>) -> Vec<Page> {
    let Some(entry) = model.current() else { return Vec::new() };
    let incident = &entry.incident;
    let facts = Facts::for_people(incident, now, model.parties.as_ref().ok());
    let mut pages = Vec::new();
    for (annexed, status) in annex::annex(&facts).iter().zip(annex::statuses(&facts)) {
        let filed = filing::filing(&facts, status, &model.parties, now, None);
        let sheet = worksheet::markdown(&facts, annexed, &filed.gaps);
        let clock = Some(annexed.id.clone());
        pages.push(Page { title: format!("filing {}", annexed.id), clock: clock.clone(), text: filed.markdown });
        pages.push(Page { title: format!("worksheet {}", annexed.id), clock, text: sheet });
    }
    for template in &incident.runbook.comms {
        if let Some(text) = drafts::comms(&facts, &template.id) {
            pages.push(Page { title: format!("message {}", template.id), clock: None, text });
        }
    }
    pages
}

pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    model: &Model,
    ui: &Ui,
    page: usize,
    scroll: usize,
    now: DateTime<Utc>,
) {
    let theme = &ui.theme;
    let popup = centred(area, area.width.saturating_sub(4).min(110), area.height.saturating_sub(2));
    frame.render_widget(Clear, popup);
    let pages = pages(model, now);
    let block = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Focus));
    let Some(shown) = pages.get(page.min(pages.len().saturating_sub(1))) else {
        let text = "No draft: this incident has no clock and its runbook no message template. Any key closes.";
        frame.render_widget(Paragraph::new(text).style(theme.style(Role::Muted)).block(block), popup);
        return;
    };
    let title = format!(
        " {}/{} {} · unredacted · ←/→ j/k · other keys close ",
        page.min(pages.len() - 1) + 1,
        pages.len(),
        shown.title
    );
    let lines: Vec<Line<'_>> = shown
        .text
        .lines()
        .map(|l| {
            let role = if l.starts_with('#') {
                Role::Title
            } else if l.contains("[missing") {
                Role::DueSoon
            } else {
                Role::Text
            };
            Line::styled(l.to_owned(), theme.style(role))
        })
        .collect();
    let offset = u16::try_from(scroll).unwrap_or(u16::MAX);
    let text = Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((offset, 0)).block(block.title(title));
    frame.render_widget(text, popup);
}
