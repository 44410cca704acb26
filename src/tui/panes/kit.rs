//! What every pane uses: the theme and keymap (`Ui`), a pane's frame, centring, scrolling and
//! the severity colours.

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use crate::tui::keymap::Keymap;
use crate::tui::model::{Mode, Model, Pane};
use crate::tui::theme::{Role, Theme};

pub use crate::tui::model::{MIN_HEIGHT, MIN_WIDTH};

/// What every pane needs besides the model.
pub struct Ui {
    pub theme: Theme,
    pub keymap: Keymap,
}

/// A pane's frame: its title, and a brighter border when it has the focus.
pub fn pane_block<'a>(title: &'a str, pane: Pane, model: &Model, theme: &Theme) -> Block<'a> {
    let focused = model.focus == pane && matches!(model.mode, Mode::Normal);
    let border = if focused { theme.style(Role::Focus) } else { theme.style(Role::Border) };
    let number = Pane::ORDER.iter().position(|p| *p == pane).map_or(0, |i| i + 1);
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused { BorderType::Thick } else { BorderType::Plain })
        .border_style(border)
        .title(Line::from(vec![
            Span::styled(format!(" {number} "), theme.style(Role::Muted)),
            Span::styled(format!("{title} "), theme.style(Role::Title)),
        ]))
}

/// A rectangle of `width` × `height` centred in `area`.
pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    let horizontal = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Fill(1), Constraint::Length(width), Constraint::Fill(1)])
        .split(area);
    Layout::vertical([Constraint::Fill(1), Constraint::Length(height), Constraint::Fill(1)]).split(horizontal[1])[1]
}

pub fn severity_role(severity: &str) -> Role {
    match severity.to_ascii_uppercase().as_str() {
        "SEV1" | "SEV0" | "P1" | "CRITICAL" => Role::Sev1,
        "SEV2" | "P2" | "MAJOR" => Role::Sev2,
        "SEV3" | "P3" => Role::Sev3,
        _ => Role::Sev4,
    }
}

/// Scroll offset that keeps row `cursor` of `len` visible in `height` rows, centred-ish.
pub fn window(cursor: usize, len: usize, height: usize) -> usize {
    if len <= height || height == 0 {
        return 0;
    }
    cursor.saturating_sub(height / 2).min(len - height)
}

pub fn styled(text: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(text.into(), style)
}

/// How many rows `text` takes in a `Paragraph` wrapped (`Wrap { trim: true }`) to `width`
/// columns: counted by the wrapper that lays it out, so a count and the screen never differ.
pub fn wrapped_lines(text: &str, width: u16) -> u16 {
    let rows = Paragraph::new(text).wrap(Wrap { trim: true }).line_count(width.max(1));
    u16::try_from(rows.max(1)).unwrap_or(u16::MAX)
}

/// `text` broken at spaces into lines of at most `width` characters (a longer word is cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed =
            if line.is_empty() { word.chars().count() } else { line.chars().count() + 1 + word.chars().count() };
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.chars().count() > width {
            let cut = line.char_indices().nth(width).map_or(line.len(), |(at, _)| at);
            let rest = line.split_off(cut);
            lines.push(std::mem::replace(&mut line, rest));
        }
    }
    lines.push(line);
    lines
}

/// `text` in at most `width` columns, ending in `…` when cut: a line cut silently can read as
/// something else (`gdpr-33-processor` cut to `gdpr-33`).
pub fn fit(text: &str, width: usize) -> std::borrow::Cow<'_, str> {
    let (mut used, mut cut) = (0, None);
    for (at, c) in text.char_indices() {
        used += Span::raw(&text[at..at + c.len_utf8()]).width();
        if cut.is_none() && used + 1 > width {
            cut = Some(at);
        }
        if used > width {
            let kept = &text[..cut.unwrap_or(0)];
            return if width == 0 { "".into() } else { format!("{kept}…").into() };
        }
    }
    text.into()
}

/// `spans` in at most `width` columns, the last one kept ending in `…` when cut, in its style.
pub fn fit_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    if spans.iter().map(Span::width).sum::<usize>() <= width {
        return spans;
    }
    let mut room = width.saturating_sub(1);
    let mut kept = Vec::new();
    for span in spans {
        let used = span.width();
        if used <= room {
            room -= used;
            kept.push(span);
            continue;
        }
        let mut text = String::new();
        for c in span.content.chars() {
            let column = Span::raw(c.to_string()).width();
            if column > room {
                break;
            }
            room -= column;
            text.push(c);
        }
        if width > 0 {
            text.push('…');
        }
        kept.push(Span::styled(text, span.style));
        break;
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::{fit, fit_spans};
    use ratatui::text::Span;

    #[test]
    fn a_cut_line_ends_in_an_ellipsis_within_the_width() {
        assert_eq!(fit("submission for gdpr-33-processor", 32), "submission for gdpr-33-processor");
        assert_eq!(fit("submission for gdpr-33-processor", 22), "submission for gdpr-3…");
        assert_eq!(fit("日本語テキスト", 7), "日本語…");
        assert_eq!(fit("abc", 3), "abc");
        assert_eq!(fit("abcd", 3), "ab…");
        assert_eq!(fit("abcd", 0), "");
    }

    #[test]
    fn cut_spans_end_in_an_ellipsis_in_the_style_of_the_span_cut() {
        let bold = ratatui::style::Style::default().add_modifier(ratatui::style::Modifier::BOLD);
        let spans = || vec![Span::raw("DRILL "), Span::styled("a long title", bold), Span::raw(" · 2 alerts")];
        let text = |spans: Vec<Span<'static>>| spans.iter().map(|s| s.content.to_string()).collect::<String>();
        assert_eq!(text(fit_spans(spans(), 40)), "DRILL a long title · 2 alerts");
        assert_eq!(text(fit_spans(spans(), 29)), "DRILL a long title · 2 alerts");
        assert_eq!(text(fit_spans(spans(), 28)), "DRILL a long title · 2 aler…");
        let cut = fit_spans(spans(), 12);
        assert_eq!(text(cut.clone()), "DRILL a lon…");
        assert_eq!(cut.last().map(|s| s.style), Some(bold));
        assert_eq!(text(fit_spans(spans(), 6)), "DRILL…");
        assert!(fit_spans(spans(), 0).iter().all(|s| s.content.is_empty()));
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_cuts_only_a_word_too_long() {
        assert_eq!(
            super::wrap("Run the undo of the step's action", 12),
            ["Run the undo", "of the", "step's", "action"]
        );
        assert_eq!(super::wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(super::wrap("", 4), [""]);
    }
}
