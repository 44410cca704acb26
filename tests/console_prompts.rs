//! Prompts that do not lose work: a refused wizard keeps its answers, Shift-Tab goes back,
//! `:` recalls earlier lines, clock pickers start on the clock under the cursor, modals use
//! the width there is.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::tui::form::FieldKind;
use warroom::tui::model::Mode;
use warroom::tui::update::{Effect, Msg, update};

use common::screen::*;

const INC: &str = "INC-20261124-001";

fn answer_of(model: &warroom::tui::model::Model) -> String {
    let Mode::Form(form) = &model.mode else { panic!("no form: {:?}", model.mode) };
    form.field().map(warroom::tui::form::Field::value).unwrap_or_default()
}

#[test]
fn a_refused_wizard_reopens_with_every_answer_and_shift_tab_goes_back_to_fix_one() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('2'));
    key(&mut model, KeyCode::Char('N'));
    key(&mut model, KeyCode::Enter);
    typed(&mut model, "BfDI-REF-1");
    key(&mut model, KeyCode::Enter);
    key(&mut model, KeyCode::Enter);
    typed(&mut model, "portal");
    key(&mut model, KeyCode::Enter);
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(effects.len(), 1, "submitted: {effects:?}");
    update(&mut model, Msg::Done(Err("refused: the reference is not what the portal gave".into())), &keymap(), t0());
    let Mode::Form(form) = &model.mode else { panic!("the wizard is back: {:?}", model.mode) };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("Shift-Tab")), "{:?}", form.error);
    for _ in 0..3 {
        update(&mut model, Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)), &keymap(), t0());
    }
    assert_eq!(answer_of(&model), "BfDI-REF-1", "the reference typed before the refusal");
    update(&mut model, Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)), &keymap(), t0());
    let Mode::Form(form) = &model.mode else { panic!() };
    assert!(matches!(form.field().map(|f| &f.kind), Some(FieldKind::Choice { .. })), "back at the clock");
}

#[test]
fn up_recalls_earlier_command_lines() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    for line in ["note . first", "note . second"] {
        key(&mut model, KeyCode::Char(':'));
        typed(&mut model, line);
        let effects = key(&mut model, KeyCode::Enter);
        assert!(matches!(effects.as_slice(), [Effect::CommandLine { .. }]), "{effects:?}");
        update(&mut model, Msg::Done(Ok("✓".into())), &keymap(), t0());
    }
    key(&mut model, KeyCode::Char(':'));
    key(&mut model, KeyCode::Up);
    assert_eq!(answer_of(&model), "note . second");
    key(&mut model, KeyCode::Up);
    assert_eq!(answer_of(&model), "note . first");
    key(&mut model, KeyCode::Up);
    assert_eq!(answer_of(&model), "note . first", "the oldest stays");
    key(&mut model, KeyCode::Down);
    assert_eq!(answer_of(&model), "note . second");
    key(&mut model, KeyCode::Down);
    assert_eq!(answer_of(&model), "", "past the newest: an empty line");
}

#[test]
fn waive_and_notify_start_on_the_clock_under_the_cursor_in_the_panes_order() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('2'));
    key(&mut model, KeyCode::Down);
    key(&mut model, KeyCode::Down);
    let pane = text_of(&render(&model, 160, 48, t0()));
    let pointed = pane
        .lines()
        .filter_map(|l| l.rsplit('┃').nth(1))
        .find(|clocks| clocks.contains('›'))
        .expect("a clock under the cursor")
        .to_owned();
    for action in ['W', 'N'] {
        key(&mut model, KeyCode::Char(action));
        let chosen = answer_of(&model);
        assert!(pointed.contains(&format!(" {chosen} ")), "{action} starts on {chosen}, the cursor is on: {pointed}");
        key(&mut model, KeyCode::Esc);
    }
}

#[test]
fn a_modal_uses_the_width_there_is_at_160_columns() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('S'));
    let screen = text_of(&render(&model, 160, 48, t0()));
    let widest = screen
        .lines()
        .filter(|l| l.contains("Change the severity") || l.contains('─'))
        .map(|l| l.trim().chars().count())
        .max();
    assert!(widest.is_some_and(|w| w > 100), "{screen}");
    let narrow = text_of(&render(&model, 80, 24, t0()));
    assert!(narrow.lines().all(|l| l.chars().count() <= 80), "{narrow}");
}

#[test]
fn waiving_a_clock_asks_for_an_explicit_yes() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('2'));
    key(&mut model, KeyCode::Char('W'));
    key(&mut model, KeyCode::Enter);
    typed(&mut model, "only tenant data was exposed");
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "the rationale alone waives nothing");
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("Waive it?"), "{screen}");
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "Enter is not a yes here");
    let effects = key(&mut model, KeyCode::Char('y'));
    assert!(matches!(effects.as_slice(), [Effect::Execute { .. }]), "{effects:?}");
}

#[test]
fn the_incidents_pane_names_who_holds_each_role_and_which_required_one_nobody_does() {
    let model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    let screen = text_of(&render(&model, 80, 24, t0()));
    let roles = screen.lines().find(|l| l.contains(" roles ")).expect("a roles line");
    assert!(roles.contains("commander alice") && roles.contains("scribe sam"), "{roles}");
    assert!(roles.contains("UNASSIGNED"), "the privacy lead is required and unassigned: {roles}");
}

#[test]
fn w_shows_each_role_since_when_a_handover_waiting_and_the_on_call_path() {
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = all.last().expect("events").clone();
    all.push(warroom::domain::event::Envelope {
        seq: last.seq + 1,
        at: last.at + chrono::Duration::minutes(1),
        event: warroom::domain::event::Event::RoleAssigned {
            role: "commander".into(),
            name: "bob".into(),
            previous: Some("alice".into()),
        },
        ..last.clone()
    });
    all.push(warroom::domain::event::Envelope {
        seq: last.seq + 2,
        at: last.at + chrono::Duration::minutes(2),
        event: warroom::domain::event::Event::RoleAssigned {
            role: "comms".into(),
            name: "alice".into(),
            previous: None,
        },
        ..last
    });
    let mut model = model_with(&[]);
    update(&mut model, changed(&all), &keymap(), t0());
    key(&mut model, KeyCode::Char('w'));
    let screen = text_of(&render(&model, 80, 24, t0()));
    insta::assert_snapshot!("roles_80x24", screen);
    assert!(screen.contains("alice since Tue 24 Nov 00:50 UTC (1h10 ago)"), "{screen}");
    assert!(screen.contains("to bob at") && screen.contains("not yet accepted"), "{screen}");
    let (_, lines) = warroom::tui::detail::content(&model, &warroom::tui::model::Detail::Roles, t0());
    let text: Vec<String> = lines.iter().map(|l| l.iter().map(|(_, t)| t.as_str()).collect()).collect();
    let privacy = text.iter().skip_while(|l| !l.starts_with("privacy")).nth(1).cloned().unwrap_or_default();
    assert!(privacy.contains("UNASSIGNED"), "the required privacy lead is unassigned: {text:?}");
    assert!(text.iter().any(|l| l.contains("sam since Tue 24 Nov 00:57 UTC")), "{text:?}");
    assert!(text.iter().any(|l| l == "⚠ alice holds commander and comms: is that too much for one person?"));
    let changes = text.iter().skip_while(|l| *l != "Pages and changes of hands").skip(1).cloned().collect::<Vec<_>>();
    assert!(changes.iter().any(|l| l.contains("alice handed command to bob")), "{changes:?}");
    let on_call =
        "on call       ai-platform-incident-commanders (primary rotation) (next after 10m) → head-of-engineering";
    let path = text.iter().find(|l| l.starts_with(on_call)).expect("the commander's on-call path");
    assert!(path.ends_with("head-of-engineering (phone tree)"), "the last rung escalates to no one: {path}");
}

#[test]
fn command_handed_to_me_is_announced_and_h_accepts_it() {
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = all.last().expect("events").clone();
    // bob takes command, then hands it to alice.
    for (offset, name, previous) in [(1, "bob", "alice"), (2, "alice", "bob")] {
        all.push(warroom::domain::event::Envelope {
            seq: last.seq + offset,
            at: last.at + chrono::Duration::minutes(offset as i64),
            actor: warroom::domain::event::Actor::named("bob"),
            event: warroom::domain::event::Event::RoleAssigned {
                role: "commander".into(),
                name: name.into(),
                previous: Some(previous.into()),
            },
        });
    }
    let mut model = model_with(&[]);
    update(&mut model, changed(&all), &keymap(), t0());
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("COMMAND OFFERED (H)"), "{screen}");
    assert!(screen.contains("commander bob → alice (not yet accepted)"), "{screen}");
    key(&mut model, KeyCode::Char('H'));
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("Take command of INC-20261124-001 from bob?"), "{screen}");
    let effects = key(&mut model, KeyCode::Char('y'));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Execute { command: warroom::domain::command::Command::AcceptCommand, .. }]
        ),
        "{effects:?}"
    );
}

#[test]
fn a_refused_tick_keeps_the_note_typed_with_it() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('3'));
    key(&mut model, KeyCode::Char('T'));
    typed(&mut model, "kill switch flipped at 02:14, screenshot in ticket 88");
    let effects = key(&mut model, KeyCode::Enter);
    assert!(matches!(effects.as_slice(), [Effect::Execute { .. }]), "{effects:?}");
    let refusal = "refused: kill-switch is a two-person step: a second responder approves it first".to_owned();
    update(&mut model, Msg::Done(Err(refusal.into())), &keymap(), t0());
    assert_eq!(answer_of(&model), "kill switch flipped at 02:14, screenshot in ticket 88", "nothing typed is lost");
}

#[test]
fn a_refusal_about_one_answer_returns_to_that_question_and_enter_resubmits() {
    use warroom::domain::command::Command;
    use warroom::domain::refusal::Refusal;
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('2'));
    key(&mut model, KeyCode::Char('N'));
    key(&mut model, KeyCode::Enter);
    typed(&mut model, "BfDI-REF-1");
    for _ in 0..4 {
        key(&mut model, KeyCode::Enter);
    }
    let late = Refusal::LateWithoutReason { clock: "gdpr-33".into(), limit: "2026-11-26T02:10:00Z".into() };
    let refused = warroom::app::AppError::from(late);
    update(&mut model, Msg::Done(Err((&refused).into())), &keymap(), t0());
    let Mode::Form(form) = &model.mode else { panic!("the wizard is back: {:?}", model.mode) };
    assert_eq!(form.field().map(|f| f.name), Some("late-reason"), "back at the question the refusal is about");
    assert!(form.error.as_deref().is_some_and(|e| e.contains("correct this one")), "{:?}", form.error);
    typed(&mut model, "portal down 02:00-06:00");
    let effects = key(&mut model, KeyCode::Enter);
    let [Effect::Execute { command: Command::Notify { reference, late_reason, .. }, .. }] = effects.as_slice() else {
        panic!("resubmitted: {effects:?}")
    };
    assert_eq!((reference.as_str(), late_reason.as_deref()), ("BfDI-REF-1", Some("portal down 02:00-06:00")));
}

#[test]
fn a_refusal_about_nothing_the_form_asked_keeps_the_last_question() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('3'));
    key(&mut model, KeyCode::Char('T'));
    typed(&mut model, "done");
    key(&mut model, KeyCode::Enter);
    let severity = warroom::domain::refusal::Refusal::SameSeverity("SEV1".into());
    update(&mut model, Msg::Done(Err((&warroom::app::AppError::from(severity)).into())), &keymap(), t0());
    let Mode::Form(form) = &model.mode else { panic!("the form is back: {:?}", model.mode) };
    assert_eq!(form.field().map(|f| f.name), Some("done"));
    assert!(form.error.as_deref().is_some_and(|e| e.contains("Shift-Tab goes back")), "{:?}", form.error);
}

#[test]
fn a_waived_clock_is_not_offered_to_file_or_waive_again() {
    use warroom::domain::event::{Actor, Envelope, Event};
    let mut envelopes = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = envelopes.last().expect("events").clone();
    let waived = Event::ClockWaived { clock: "uk-gdpr-33".into(), rationale: "no UK data subjects".into() };
    envelopes.push(Envelope { seq: last.seq + 1, at: last.at, actor: Actor::named("alice"), event: waived });
    let mut model = model_with(&[]);
    update(&mut model, changed(&envelopes), &keymap(), t0());
    key(&mut model, KeyCode::Char('2'));
    for action in ['W', 'N'] {
        key(&mut model, KeyCode::Char(action));
        let Mode::Form(form) = &model.mode else { panic!("{action}: {:?}", model.mode) };
        let Some(FieldKind::Choice { options, .. }) = form.field().map(|f| &f.kind) else { panic!("a clock choice") };
        let ids: Vec<&str> = options.iter().map(|(id, _)| id.as_str()).collect();
        assert!(ids.contains(&"gdpr-33") && !ids.contains(&"uk-gdpr-33"), "{action}: {ids:?}");
        key(&mut model, KeyCode::Esc);
    }
}

#[test]
fn forcing_a_tick_past_open_steps_names_them_and_asks_why_before_anything_is_recorded() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    for _ in 0..10 {
        if model.cursor_step() == Some("purge-caches") {
            break;
        }
        key(&mut model, KeyCode::Char('j'));
    }
    assert_eq!(model.cursor_step(), Some("purge-caches"));
    let effects = key(&mut model, KeyCode::Char('F'));
    assert!(effects.is_empty(), "nothing recorded on the key alone: {effects:?}");
    let Mode::Form(form) = &model.mode else { panic!("asks first: {:?}", model.mode) };
    assert_eq!(form.title, "Force-tick purge-caches (containment)");
    let label = &form.field().expect("a question").label;
    assert!(label.contains("OPEN (kill-switch)") && label.contains("FORCED"), "{label}");
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "a forced tick says why");
    typed(&mut model, "cache served foreign answers; switch is on its way");
    let effects = key(&mut model, KeyCode::Enter);
    let [Effect::Execute { command: warroom::domain::command::Command::Tick { step, force: true, note, .. }, .. }] =
        effects.as_slice()
    else {
        panic!("a forced tick with the reason: {effects:?}")
    };
    assert_eq!(
        (step.as_str(), note.as_deref()),
        ("purge-caches", Some("cache served foreign answers; switch is on its way"))
    );
}

#[test]
fn the_close_confirmation_names_every_duty_still_owed() {
    use warroom::domain::event::{Actor, Envelope, Event};
    let mut envelopes = envelopes(INC, "cross-tenant-pii-leak", 1);
    let seq = envelopes.len() as u64 + 1;
    envelopes.push(Envelope { seq, at: t0(), actor: Actor::named("alice"), event: Event::Resolved {} });
    let mut model = model_with(&[]);
    update(&mut model, changed(&envelopes), &keymap(), t0());
    key(&mut model, KeyCode::Char('C'));
    let Mode::Form(form) = &model.mode else { panic!("asks to confirm: {:?}", model.mode) };
    let question: String = form.fields.iter().map(|f| f.label.as_str()).collect::<Vec<_>>().join(" ");
    assert!(question.contains("Still owed, kept in follow-up until archived: "), "{question}");
    assert!(question.contains("gdpr-33 (running)"), "the running notification: {question}");
    assert!(question.contains("(not started: record its anchor or waive it)"), "a duty whose clock waits: {question}");
}

#[test]
fn a_submission_offers_only_the_phases_the_chosen_clocks_law_takes() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('N'));
    let phases_for = |model: &mut warroom::tui::model::Model, clock: &str| {
        for _ in 0..12 {
            let Mode::Form(form) = &model.mode else { panic!("the wizard: {:?}", model.mode) };
            if form.answer("clock") == clock {
                break;
            }
            key(model, KeyCode::Down);
        }
        key(model, KeyCode::Enter);
        typed(model, "REF-1");
        key(model, KeyCode::Enter);
        let Mode::Form(form) = &model.mode else { panic!("the wizard: {:?}", model.mode) };
        let Some(FieldKind::Choice { options, .. }) = form.field().map(|f| &f.kind) else {
            panic!("at the phase: {:?}", form.field())
        };
        let offered: Vec<String> = options.iter().map(|(id, _)| id.clone()).collect();
        offered
    };
    assert_eq!(phases_for(&mut model, "gdpr-34"), ["complete"], "a communication to people is one message");
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('N'));
    assert_eq!(phases_for(&mut model, "gdpr-33"), ["initial", "intermediate", "complete"], "Art. 33(4) phases");
}

#[test]
fn the_message_view_keeps_what_faded() {
    use warroom::tui::model::{Detail, FlashKind};
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    model.say(FlashKind::Done, "✓ bob ticked kill-switch", t0());
    model.say(FlashKind::Refused, "refused: purge-caches depends on kill-switch", t0() + chrono::Duration::seconds(5));
    model.say(FlashKind::Done, "✓ alice noted: cache disabled", t0() + chrono::Duration::seconds(10));
    update(&mut model, Msg::Tick, &keymap(), t0() + chrono::Duration::minutes(5));
    assert!(model.flash.is_none(), "the success faded from the status bar");
    let (_, lines) = warroom::tui::detail::content(&model, &Detail::Message, t0());
    let text: Vec<String> = lines.iter().map(|l| l.iter().map(|(_, t)| t.as_str()).collect()).collect();
    let earlier: Vec<&String> = text.iter().skip_while(|l| *l != "Earlier messages").skip(1).collect();
    assert_eq!(earlier.len(), 3, "{text:?}");
    assert!(earlier[0].contains("done") && earlier[0].ends_with("✓ alice noted: cache disabled"), "{earlier:?}");
    assert!(earlier[1].contains("02:00:05 UTC refused"), "{earlier:?}");
}

#[test]
fn ctrl_u_clears_an_answer_back_to_the_start_of_its_line() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('n'));
    typed(&mut model, "a wrong start");
    update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)), &keymap(), t0());
    assert_eq!(answer_of(&model), "", "cleared, not undone");
    typed(&mut model, "right");
    assert_eq!(answer_of(&model), "right");
}
