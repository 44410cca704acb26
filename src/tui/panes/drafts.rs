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
    pub text: String,
}

/// How many pages the selected incident's drafts fill: a filing and a worksheet per clock,
/// then a page per customer message.
pub fn page_count(model: &Model) -> usize {
    model.current().map_or(0, |e| 2 * e.incident.clocks.len() + e.incident.runbook.comms.len())
}

/// The page of `clock`'s filing.
pub fn filing_page(model: &Model, clock: &str) -> Option<usize> {
    model.current()?.incident.clocks.iter().position(|c| c.id == clock).map(|i| 2 * i)
}

/// Page `index` alone, rendered now: only the page shown is ever built.
pub fn page(model: &Model, now: DateTime<Utc>, index: usize) -> Option<Page> {
    let incident = &model.current()?.incident;
    let facts = Facts::for_people(incident, now, model.parties.as_ref().ok());
    let clocks = 2 * incident.clocks.len();
    if index >= clocks {
        let template = incident.runbook.comms.get(index - clocks)?;
        let text = drafts::comms(&facts, &template.id)?;
        return Some(Page { title: format!("message {}", template.id), text });
    }
    let id = &incident.clocks.get(index / 2)?.id;
    let status = facts.clocks.iter().find(|s| s.def.id == *id)?;
    let filed = filing::filing(&facts, status, &model.parties, now, None);
    if index.is_multiple_of(2) {
        return Some(Page { title: format!("filing {id}"), text: filed.markdown });
    }
    let annexed = annex::annex(&facts).into_iter().find(|a| a.id == *id)?;
    Some(Page { title: format!("worksheet {id}"), text: worksheet::markdown(&facts, &annexed, &filed.gaps) })
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
    let count = page_count(model);
    let block = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Focus));
    let index = page.min(count.saturating_sub(1));
    let Some(shown) = self::page(model, now, index) else {
        let text = "No draft: this incident has no clock and its runbook no message template. Any key closes.";
        frame.render_widget(Paragraph::new(text).style(theme.style(Role::Muted)).block(block), popup);
        return;
    };
    let title = format!(" {}/{} {} · unredacted · ←/→ j/k · other keys close ", index + 1, count, shown.title);
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
