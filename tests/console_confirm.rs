//! A confirmation shows everything it asks about: every argument of the action that will run,
//! the target in its environment, and in a drill how it runs there, at 80×24 as at 160×48.
//! Only `y` says yes.

mod common;

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::action::Prepared;
use warroom::domain::actions::DrillRun;
use warroom::tui::forms::action::confirm_run;
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

fn confirming(argv: &[&str], drill: Option<DrillRun>) -> Model {
    let prepared = Prepared {
        step: "kill-switch".into(),
        argv: argv.iter().map(|a| (*a).to_owned()).collect(),
        cwd: None,
        env: vec![("WARROOM_ALERT_AGENT".into(), "support-bot".into())],
        timeout: std::time::Duration::from_secs(60),
        two_person: true,
        at: DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z").expect("t").with_timezone(&Utc),
        drill,
        undo: false,
        undoes: None,
    };
    let mut model = Model::new("alice", "test", chrono_tz::UTC, Vec::new());
    model.mode = Mode::Form(Box::new(confirm_run("INC-20261124-001".into(), prepared, false, false)));
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
        let model = confirming(argv, None);
        for (width, height) in [(80, 24), (160, 48)] {
            let text = screen(&model, width, height);
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let last = format!("{:?}", argv[argv.len() - 1]);
            assert!(flat.contains(&last), "{last} is on screen at {width}×{height}:\n{text}");
            assert!(flat.contains("y: yes"), "and the answer keys: {text}");
            assert!(!flat.contains("Enter: yes"), "Enter does not say yes to a run: {text}");
            assert!(flat.contains(r#"WARROOM_ALERT_AGENT="support-bot""#), "and whom it targets: {text}");
            assert!(!flat.contains("DRILL"), "a real incident's run says nothing of drills: {text}");
        }
    }
}

#[test]
fn a_drill_confirmation_says_how_the_action_runs_there() {
    let argv = ["bin/kill-switch", "--incident", "INC-20261124-001", "--tool", "retrieval"];
    for (drill, says) in [
        (DrillRun::DryRun, "DRILL: dry run, nothing runs"),
        (DrillRun::Run, "DRILL: the REAL action runs"),
        (DrillRun::Instead, "DRILL: the runbook's drill program runs instead"),
    ] {
        let model = confirming(&argv, Some(drill));
        for (width, height) in [(80, 24), (160, 48)] {
            let text = screen(&model, width, height);
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(says), "{says:?} at {width}×{height}:\n{text}");
            assert!(flat.contains("(DRILL)"), "the title says DRILL too: {text}");
        }
    }
}

#[test]
fn a_two_person_step_with_no_action_is_requested_with_r_as_the_tick_refusal_says() {
    use common::screen::{changed, envelopes, key, keymap, model_with, t0};
    use crossterm::event::KeyCode;
    use warroom::domain::event::Event;
    use warroom::tui::update::{Effect, Msg, update};
    const INC: &str = "INC-20261124-001";
    let step = model_with(&[(INC, "cross-tenant-pii-leak", 1)]).cursor_step().expect("a current step").to_owned();
    let mut log = envelopes(INC, "cross-tenant-pii-leak", 1);
    let Event::Declared { runbook, .. } = &mut log[0].event else { panic!("declared first") };
    let definition =
        runbook.phases.iter_mut().flat_map(|p| p.steps.iter_mut()).find(|s| s.id == step).expect("the step");
    (definition.two_person, definition.action) = (true, None);
    let mut model = Model::new("alice", "test", chrono_tz::UTC, Vec::new());
    update(&mut model, changed(&log), &keymap(), t0());
    // Refused before or after the store: the console's own check, or the store's answer.
    if let Some(Effect::Execute { .. }) = key(&mut model, KeyCode::Char('x')).first() {
        update(&mut model, Msg::Done(Err(refusal_of(&step).into())), &keymap(), t0());
    }
    let shown = screen(&model, 80, 24).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(shown.contains("(r on the step in the console"), "names the console's key:\n{shown}");
    key(&mut model, KeyCode::Esc);
    key(&mut model, KeyCode::Char('r'));
    let asked = screen(&model, 80, 24);
    assert!(asked.contains(&format!("Request approval for {step}")), "r asks for the approval:\n{asked}");
    let effects = key(&mut model, KeyCode::Char('y'));
    let requested = effects.iter().any(|e| {
        matches!(e, Effect::Execute { command: warroom::domain::Command::RequestApproval { argv: None, .. }, .. })
    });
    assert!(requested, "a request for the tick, no argv: {effects:?}");
}

fn refusal_of(step: &str) -> String {
    use warroom::domain::refusal_approval::ApprovalRefusal;
    let refusal = ApprovalRefusal::NeedsApproval { step: step.to_owned(), unproven: None };
    format!("refused: {}", warroom::domain::Refusal::from(refusal))
}
