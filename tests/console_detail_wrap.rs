//! The detail view counts its rows as the screen lays them out: indented and wrapped lines
//! included, so scrolling to the end shows the last line (an archived incident's whole log
//! stopped short of its last entry when indents were not counted).

mod common;

use chrono::Duration;
use crossterm::event::KeyCode;
use warroom::domain::event::{Actor, Envelope, Event};
use warroom::tui::model::Mode;
use warroom::tui::update::{Msg, update};

use common::screen::*;

const INC: &str = "INC-20261124-001";

#[test]
fn scrolled_to_the_end_the_detail_view_shows_the_last_line_of_indented_wrapped_text() {
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = all.last().expect("events").clone();
    let line = format!("    {}", ["tenant-b"; 8].join(" "));
    let note: Vec<String> = (1..=30).map(|n| format!("{line} {n:02}")).collect();
    all.push(Envelope {
        seq: last.seq + 1,
        at: last.at + Duration::minutes(1),
        actor: Actor::named("sam"),
        event: Event::NoteAdded { text: format!("{}\nthe-last-finding", note.join("\n")) },
    });
    for (columns, rows) in [(80, 24), (160, 48)] {
        let mut model = model_with(&[]);
        update(&mut model, changed(&all), &keymap(), t0());
        update(&mut model, Msg::Resized(columns, rows), &keymap(), t0());
        key(&mut model, KeyCode::Char('4'));
        key(&mut model, KeyCode::Enter);
        for _ in 0..200 {
            key(&mut model, KeyCode::Char('j'));
        }
        assert!(matches!(model.mode, Mode::Detail { .. }), "{:?}", model.mode);
        let screen = text_of(&render(&model, columns, rows, t0()));
        assert!(screen.contains("the-last-finding"), "{columns}×{rows}: the last line shows at the bottom:\n{screen}");
        let title = screen.lines().find(|l| l.contains("rows ")).unwrap_or_default().to_owned();
        let (shown, total) = title
            .split("rows ")
            .nth(1)
            .and_then(|r| r.split(" ·").next())
            .and_then(|r| r.split_once(" of "))
            .map(|(range, total)| (range.split('–').nth(1).unwrap_or_default().to_owned(), total.to_owned()))
            .unwrap_or_default();
        assert_eq!(shown, total, "{columns}×{rows}: the title says the last row is shown: {title}");
    }
}

#[test]
fn a_long_confirmation_takes_one_row_at_80x24_and_the_log_keeps_its_rows() {
    let mut model = model_with(&[]);
    update(&mut model, changed(&envelopes(INC, "cross-tenant-pii-leak", 1)), &keymap(), t0());
    let before = text_of(&render(&model, 80, 24, t0()));
    let log_rows = |screen: &str| {
        let lines: Vec<&str> = screen.lines().collect();
        let top = lines.iter().position(|l| l.contains(" 4 Log")).expect("log pane");
        lines[top + 1..].iter().take_while(|l| !l.starts_with('└')).count()
    };
    let text = "#7 alice noted: a fairly long note to show how the confirmation grows to several lines and \
                squeezes the log pane at 80 by 24, the size of the shared tmux pane, the-end-of-it";
    model.flash = Some(warroom::tui::model::Flash {
        kind: warroom::tui::model::FlashKind::Done,
        text: text.into(),
        at: t0(),
        until: t0() + Duration::seconds(8),
    });
    let screen = text_of(&render(&model, 80, 24, t0()));
    let shown = screen.lines().find(|l| l.contains("✓") || l.contains("#7 alice noted")).unwrap_or_default();
    assert!(shown.contains('…') && shown.contains("shows all"), "one row, cut, saying which key shows all:\n{screen}");
    assert!(!screen.contains("the-end-of-it"), "{screen}");
    assert!(log_rows(&screen) >= 3, "the log keeps three rows:\n{screen}");
    assert_eq!(log_rows(&screen) + 1, log_rows(&before), "the message took one row:\n{before}\n{screen}");
}
