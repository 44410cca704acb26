use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Wrap};

use super::kit::{MIN_HEIGHT, MIN_WIDTH, Ui};
use crate::tui::theme::Role;

pub fn render(frame: &mut Frame<'_>, area: Rect, ui: &Ui) {
    let text = format!(
        "terminal too small: warroom needs {MIN_WIDTH}×{MIN_HEIGHT}, this one is {}×{}. Enlarge the pane (tmux: resize-pane -Z zooms it).",
        area.width, area.height
    );
    frame.render_widget(Paragraph::new(text).style(ui.theme.style(Role::Error)).wrap(Wrap { trim: true }), area);
}
