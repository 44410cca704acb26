//! The console without a terminal: `update` against the view model, and frames drawn on a
//! `TestBackend` (insta snapshots, plus the styles snapshots cannot show).

mod common;

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use warroom::domain::clock::Decision;
use warroom::domain::command::Command;
use warroom::domain::event::{Actor, Envelope, Event};
use warroom::domain::incident::Incident;
use warroom::tui::feed::log_line;
use warroom::tui::forms::Purpose;
use warroom::tui::model::{Mode, Pane};
use warroom::tui::update::{Effect, Msg, update};

use common::screen::*;

#[test]
fn the_cursor_starts_on_the_current_step_and_x_ticks_it() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    assert_eq!(model.cursor_step(), Some("assign-roles"));
    let effects = key(&mut model, KeyCode::Char('x'));
    assert_eq!(
        effects,
        [Effect::Execute {
            incident: "INC-20261124-001".into(),
            command: Command::Tick { step: "assign-roles".into(), note: None, force: false, override_hold: None }
        }]
    );
}

#[test]
fn skip_asks_for_a_reason_and_refuses_an_empty_one() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Down);
    assert!(key(&mut model, KeyCode::Char('s')).is_empty());
    let Mode::Form(form) = &model.mode else { panic!("a form opens") };
    assert!(matches!(form.purpose, Purpose::Skip { .. }), "{:?}", form.purpose);
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "an empty reason is refused");
    let Mode::Form(form) = &model.mode else { panic!("the form stays") };
    assert!(form.error.is_some());
    typed(&mut model, "done by the platform team");
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(
        effects,
        [Effect::Execute {
            incident: "INC-20261124-001".into(),
            command: Command::Skip { step: "kill-switch".into(), reason: "done by the platform team".into() }
        }]
    );
    assert!(matches!(model.mode, Mode::Normal));
}

#[test]
fn escape_cancels_a_form_without_effect() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('n'));
    typed(&mut model, "half a thought");
    assert!(key(&mut model, KeyCode::Esc).is_empty());
    assert!(matches!(model.mode, Mode::Normal));
}

#[test]
fn a_note_is_multi_line_and_saved_with_ctrl_s() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('n'));
    typed(&mut model, "first");
    key(&mut model, KeyCode::Enter);
    typed(&mut model, "second");
    let effects =
        update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), &keymap(), t0());
    assert_eq!(
        effects,
        [Effect::Execute {
            incident: "INC-20261124-001".into(),
            command: Command::Note { text: "first\nsecond".into() }
        }]
    );
}

#[test]
fn severity_is_chosen_from_the_runbook_levels_with_a_reason() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('S'));
    key(&mut model, KeyCode::Down);
    key(&mut model, KeyCode::Enter);
    typed(&mut model, "12 subjects");
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(
        effects,
        [Effect::Execute {
            incident: "INC-20261124-001".into(),
            command: Command::Severity { to: "SEV2".into(), reason: "12 subjects".into() }
        }]
    );
}

#[test]
fn close_with_required_steps_open_asks_for_a_reason_then_confirmation() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    assert!(key(&mut model, KeyCode::Char('C')).is_empty());
    assert!(matches!(model.mode, Mode::Normal), "an active incident is not closed");
    assert!(model.flash.as_ref().is_some_and(|f| f.text.contains("resolve it first")));
    let mut resolved = envelopes("INC-20261124-001", "cross-tenant-pii-leak", 1);
    resolved.push(Envelope { seq: 7, at: t0(), actor: Actor::named("alice"), event: Event::Resolved {} });
    update(&mut model, changed(&resolved), &keymap(), t0());
    key(&mut model, KeyCode::Char('C'));
    typed(&mut model, "drill over");
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "then the confirmation");
    let effects = key(&mut model, KeyCode::Char('y'));
    assert_eq!(
        effects,
        [Effect::Execute {
            incident: "INC-20261124-001".into(),
            command: Command::Close { force: true, reason: Some("drill over".into()) }
        }]
    );
    key(&mut model, KeyCode::Char('R'));
    assert!(key(&mut model, KeyCode::Char('n')).is_empty(), "no at the confirmation means no");
    assert!(matches!(model.mode, Mode::Normal));
}

#[test]
fn a_decision_with_a_time_in_the_past() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('d'));
    for _ in 0..4 {
        key(&mut model, KeyCode::Down);
    }
    key(&mut model, KeyCode::Enter);
    typed(&mut model, "-30m");
    key(&mut model, KeyCode::Enter);
    key(&mut model, KeyCode::Enter);
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(
        effects,
        [Effect::Execute {
            incident: "INC-20261124-001".into(),
            command: Command::Decide {
                decision: Decision::HighRisk,
                regime: None,
                at: Some(t0() - Duration::minutes(30)),
                evidence: None,
                reason: None,
                confirm: false,
            }
        }]
    );
}

#[test]
fn panes_cycle_and_incidents_are_selected_with_their_current_step() {
    let mut model =
        model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1), ("INC-20261124-002", "runaway-agent-cost", 1)]);
    assert_eq!(model.focus, Pane::Checklist);
    key(&mut model, KeyCode::Tab);
    assert_eq!(model.focus, Pane::Log);
    key(&mut model, KeyCode::Tab);
    assert_eq!(model.focus, Pane::Incidents);
    key(&mut model, KeyCode::Down);
    assert_eq!(model.current().map(|e| e.incident.id.as_str()), Some("INC-20261124-002"));
    let current = model.current().and_then(|e| e.incident.current_step()).map(|s| s.id.clone());
    assert_eq!(model.cursor_step().map(str::to_owned), current);
    key(&mut model, KeyCode::Char('1'));
    assert_eq!(model.focus, Pane::Incidents);
}

#[test]
fn the_log_follows_new_lines_unless_scrolled_up() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('4'));
    key(&mut model, KeyCode::Up);
    key(&mut model, KeyCode::Up);
    assert_eq!(model.log.from_bottom, 2);
    let mut more = envelopes("INC-20261124-001", "cross-tenant-pii-leak", 1);
    let extra =
        Envelope { seq: 7, at: t0(), actor: Actor::named("bob"), event: Event::NoteAdded { text: "from bob".into() } };
    more.push(extra);
    let Msg::Changed { incident, .. } = changed(&more) else { unreachable!() };
    update(&mut model, Msg::Changed { incident, appended: vec![log_line(&more[6])] }, &keymap(), t0());
    assert_eq!(model.log.from_bottom, 3, "the view stays on the same lines");
    key(&mut model, KeyCode::Char('G'));
    assert!(model.log.follows());
}

#[test]
fn the_log_filter_narrows_the_lines() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('/'));
    typed(&mut model, "TODO");
    key(&mut model, KeyCode::Enter);
    assert_eq!(model.focus, Pane::Log);
    let lines = model.visible_log();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].actor, "sam");
}

#[test]
fn nothing_selected_says_how_to_declare() {
    let mut model = model_with(&[]);
    assert!(key(&mut model, KeyCode::Char('x')).is_empty());
    assert!(model.flash.as_ref().is_some_and(|f| f.text.contains("declare")));
    key(&mut model, KeyCode::Char('D'));
    for _ in 0..3 {
        key(&mut model, KeyCode::Enter);
    }
    let effects = key(&mut model, KeyCode::Enter);
    let (severity, title) = (Some("SEV1".into()), Some("Cross-tenant PII leak by an AI agent".into()));
    assert_eq!(effects, [Effect::Declare { runbook: "cross-tenant-pii-leak".into(), severity, title }]);
}

#[test]
fn the_command_line_and_switching_responder_are_effects() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char(':'));
    typed(&mut model, "note . hello");
    assert_eq!(
        key(&mut model, KeyCode::Enter),
        [Effect::CommandLine { line: "note . hello".into(), selected: Some("INC-20261124-001".into()) }]
    );
    key(&mut model, KeyCode::Char('u'));
    typed(&mut model, "bob");
    assert_eq!(key(&mut model, KeyCode::Enter), [Effect::SwitchResponder { to: "bob".into() }]);
}

#[test]
fn snapshot_80x24() {
    let model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    insta::assert_snapshot!("console_80x24", text_of(&render(&model, 80, 24, t0())));
}

#[test]
fn snapshot_160x48_with_two_incidents() {
    let mut model =
        model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1), ("INC-20261124-002", "tool-exploit", 80)]);
    model.focus = Pane::Clocks;
    insta::assert_snapshot!("console_160x48", text_of(&render(&model, 160, 48, t0())));
}

#[test]
fn untrusted_text_is_drawn_through_the_sanitiser() {
    let model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    let text = text_of(&render(&model, 160, 48, t0()));
    assert!(text.contains("␛[2J") && !text.contains('\u{1b}'), "{text}");
}

#[test]
fn overdue_is_red_and_severity_has_its_colour() {
    let model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 80)]);
    let terminal = render(&model, 160, 48, t0());
    let buffer = terminal.backend().buffer();
    let find = |needle: &str| -> (u16, u16) {
        for y in 0..buffer.area.height {
            let row: String = (0..buffer.area.width).map(|x| buffer[(x, y)].symbol().to_owned()).collect();
            if let Some(col) = row.find(needle) {
                let x = row[..col].chars().count() as u16;
                return (x, y);
            }
        }
        panic!("{needle:?} not drawn");
    };
    let (x, y) = find("OVERDUE");
    assert_eq!(buffer[(x, y)].fg, Color::Red, "overdue is red");
    let (x, y) = find(" SEV1 ");
    assert_eq!(buffer[(x + 1, y)].bg, Color::Red, "SEV1 on red");
}

#[test]
fn below_80x24_the_console_says_the_terminal_is_too_small() {
    let model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    let text = text_of(&render(&model, 70, 20, t0()));
    assert!(text.contains("terminal too small") && text.contains("70×20"), "{text}");
}

#[test]
fn the_help_is_generated_from_the_keymap() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('?'));
    let mut text = String::new();
    for _ in 0..keymap().bindings.len() {
        text.push_str(&text_of(&render(&model, 160, 48, t0())));
        key(&mut model, KeyCode::Char('j'));
    }
    for binding in &keymap().bindings {
        assert!(text.contains(&binding.desc), "help lacks {:?}", binding.desc);
    }
    // At 80 columns each description wraps under itself: every word shows, in order.
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('?'));
    let mut words = String::new();
    for _ in 0..keymap().bindings.len() {
        let screen = text_of(&render(&model, 80, 24, t0()));
        // Inside the pop-up only (two columns of the panes behind show on each side).
        let inside: Vec<String> = screen.lines().map(|l| l.chars().skip(3).take(74).collect()).collect();
        words.push_str(&inside.join(" ").split_whitespace().collect::<Vec<_>>().join(" "));
        key(&mut model, KeyCode::Char('j'));
    }
    for binding in &keymap().bindings {
        let desc = binding.desc.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains(&desc), "at 80 columns the help cuts {desc:?}");
    }
}

#[test]
fn the_log_pane_draws_only_the_newest_lines_that_fit() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    let envs = envelopes("INC-20261124-001", "cross-tenant-pii-leak", 1);
    let mut incident = Incident::declared(&envs[0]).expect("declared");
    for e in &envs[1..] {
        incident.apply(e);
    }
    let lines: Vec<_> = (0..5000)
        .map(|n| {
            log_line(&Envelope {
                seq: 7 + n,
                at: t0(),
                actor: Actor::named("bob"),
                event: Event::NoteAdded { text: format!("line {n}") },
            })
        })
        .collect();
    update(&mut model, Msg::Changed { incident: Box::new(incident), appended: lines }, &keymap(), t0());
    let text = text_of(&render(&model, 80, 24, t0()));
    assert!(text.contains("line 4999") && !text.contains("line 4990 "), "{text}");
}

#[test]
fn the_unrouted_inbox_declares_from_an_alert_or_dismisses_it_with_a_reason() {
    let mut model = model_with(&[]);
    let items = vec![unrouted("ToolCallDenied", "k1", "refund tool denied"), unrouted("DiskFull", "k2", "db-1")];
    update(&mut model, Msg::Unrouted(items), &keymap(), t0());
    key(&mut model, KeyCode::Char('X'));
    assert!(model.flash.as_ref().is_some_and(|f| f.text.contains("open the inbox first")));
    key(&mut model, KeyCode::Char('A'));
    assert!(matches!(model.mode, Mode::Inbox { cursor: 0 }));
    key(&mut model, KeyCode::Char('D'));
    for _ in 0..3 {
        key(&mut model, KeyCode::Enter);
    }
    let effects = key(&mut model, KeyCode::Char('y'));
    let (severity, title) = (Some("SEV1".into()), Some("refund tool denied".into()));
    let runbook = "cross-tenant-pii-leak".into();
    assert_eq!(effects, vec![Effect::DeclareFromAlert { key: "k1".into(), runbook, severity, title }]);
    assert!(matches!(model.mode, Mode::Normal), "declaring leads to the new incident: {:?}", model.mode);

    key(&mut model, KeyCode::Char('A'));
    key(&mut model, KeyCode::Char('j'));
    key(&mut model, KeyCode::Char('X'));
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "a dismissal needs a reason");
    typed(&mut model, "disk alerts go to the infra rota");
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::DismissAlert { key: "k2".into(), reason: "disk alerts go to the infra rota".into() }]
    );
    assert!(matches!(model.mode, Mode::Inbox { cursor: 1 }), "{:?}", model.mode);
    update(&mut model, Msg::Unrouted(Vec::new()), &keymap(), t0());
    key(&mut model, KeyCode::Esc);
    assert!(matches!(model.mode, Mode::Normal));
}

#[test]
fn the_inbox_shows_alert_text_only_sanitised() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 2)]);
    let items = vec![unrouted("ToolCallDenied", "0f3c9a", "refund tool \u{1b}]0;owned\u{7}denied 40 calls")];
    update(&mut model, Msg::Unrouted(items), &keymap(), t0());
    key(&mut model, KeyCode::Char('A'));
    insta::assert_snapshot!("inbox_100x30", text_of(&render(&model, 100, 30, t0())));
}
