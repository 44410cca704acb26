//! The bottom line: who is acting, where, whether the store is healthy, and the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::kit::{Ui, fit, styled};
use crate::domain::sanitize;
use crate::tui::keymap::Action;
use crate::tui::model::{Mode, Model, Pane};
use crate::tui::theme::Role;

/// `SHA256:` and 8 characters of the fingerprint: enough to tell keys apart at a glance.
const SHOWN_FINGERPRINT: usize = 15;

pub fn render(frame: &mut Frame<'_>, area: Rect, model: &Model, ui: &Ui, now: chrono::DateTime<chrono::Utc>) {
    let theme = &ui.theme;
    let mut spans = vec![styled(format!(" as {} ", sanitize::line(&model.actor)), theme.style(Role::Current))];
    if let Some(print) = &model.signer {
        let short: String = print.chars().take(SHOWN_FINGERPRINT).collect();
        spans.push(styled(format!(" signs {short}… "), theme.style(Role::Muted)));
    }
    match &model.store_fault {
        None => spans.push(styled(" saved ", theme.style(Role::Ok))),
        Some(cause) => {
            spans.push(styled(format!(" NOT SAVED: {}; retrying ", sanitize::line(cause)), theme.style(Role::NotSaved)))
        }
    }
    if let Some(addr) = &model.listening {
        spans.push(styled(format!(" alerts ← {addr} "), theme.style(Role::Muted)));
    }
    let waiting = model.waiting_approvals(now);
    if waiting > 0 {
        let noun = if waiting == 1 { "approval" } else { "approvals" };
        let key = ui.keymap.key_for(Action::Approve);
        spans.push(styled(format!(" {waiting} {noun} waiting ({key}) "), theme.style(Role::Held)));
    }
    let key = |a| ui.keymap.key_for(a);
    let pane_keys = match model.focus {
        Pane::Checklist => format!(
            "{} tick · {} tick+note · {} skip · {} note",
            key(Action::Tick),
            key(Action::TickNote),
            key(Action::Skip),
            key(Action::Note)
        ),
        Pane::Clocks => {
            format!("{} decide · {} notify · {} waive", key(Action::Decide), key(Action::Notify), key(Action::Waive))
        }
        Pane::Log => {
            format!(
                "{} filter · {} times · {} newest",
                key(Action::Search),
                key(Action::ToggleTimes),
                key(Action::Bottom)
            )
        }
        Pane::Incidents => {
            format!(
                "{} declare · {} resolve · {} close",
                key(Action::Declare),
                key(Action::Resolve),
                key(Action::Close)
            )
        }
    };
    // Over a form or a view the panes' keys do not apply (x types an x): that view's keys are
    // on its own frame.
    let hints = if matches!(model.mode, Mode::Normal) {
        format!(
            " {} help · {} quit · {pane_keys} · {} in full · {} panes",
            key(Action::Help),
            key(Action::Quit),
            key(Action::Detail),
            key(Action::FocusNext)
        )
    } else {
        " its keys are on its frame · Esc back".to_owned()
    };
    let room = usize::from(area.width).saturating_sub(spans.iter().map(ratatui::text::Span::width).sum());
    // The workspace keeps at least its last 16 columns (its directory's name), cut at its start.
    let path: Vec<char> = model.workspace.chars().collect();
    let hints = fit(&hints, room.saturating_sub(path.len().min(16) + 2)).into_owned();
    let left = room.saturating_sub(hints.chars().count() + 2);
    let path: String = match path.len() {
        n if n <= left => path.iter().collect(),
        _ if left < 2 => String::new(),
        n => std::iter::once('…').chain(path[n - (left - 1)..].iter().copied()).collect(),
    };
    spans.push(styled(hints, theme.style(Role::StatusBar)));
    spans.push(styled(format!("  {path}"), theme.style(Role::Muted)));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.style(Role::StatusBar)), area);
}
