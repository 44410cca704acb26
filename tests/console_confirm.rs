//! A confirmation shows everything it asks about: every argument of the action that will run,
//! at 80×24 as at 160×48.

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::action::Prepared;
use warroom::tui::forms::confirm_action;
use warroom::tui::keymap::Keymap;
use warroom::tui::model::{Mode, Model};
use warroom::tui::theme::Theme;
use warroom::tui::view::{Ui, draw};

fn screen(model: &Model, width: u16, height: u16) -> String {
    let ui = Ui { theme: Theme::shipped("default").expect("theme"), keymap: Keymap::shipped().expect("keymap") };
    let now = DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z").expect("t").with_timezone(&Utc);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|frame| draw(frame, model, &ui, now)).expect("draw");
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| (0..width).map(|x| buffer[(x, y)].symbol().to_owned()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

fn confirming(argv: &[&str]) -> Model {
    let prepared = Prepared {
        step: "kill-switch".into(),
        argv: argv.iter().map(|a| (*a).to_owned()).collect(),
        cwd: None,
        env: Vec::new(),
        timeout: std::time::Duration::from_secs(60),
        two_person: true,
        at: DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z").expect("t").with_timezone(&Utc),
    };
    let mut model = Model::new("alice", "test", chrono_tz::UTC, Vec::new());
    model.mode = Mode::Form(Box::new(confirm_action("INC-20261124-001".into(), prepared)));
    model
}

#[test]
fn the_run_confirmation_quotes_every_argument() {
    let shipped =
        ["bin/kill-switch", "--incident", "INC-20261130-001", "--tool", "retrieval", "--reason", "Tenant leak"];
    let long = [
        "bin/kill-switch",
        "--incident",
        "INC-20261124-001",
        "--reason",
        "Tenant leak seen in the support agent's answers to Globex",
        "--scope",
        "all-tenants-of-the-eu-region",
        "--last-arg",
    ];
    for argv in [&shipped[..], &long[..]] {
        let model = confirming(argv);
        for (width, height) in [(80, 24), (160, 48)] {
            let text = screen(&model, width, height);
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let last = format!("{:?}", argv[argv.len() - 1]);
            assert!(flat.contains(&last), "{last} is on screen at {width}×{height}:\n{text}");
            assert!(flat.contains("y / Enter: yes"), "and the answer keys: {text}");
        }
    }
}
