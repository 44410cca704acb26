//! A step done by recording a decision (the moment of awareness, `records: [aware]`): its tick
//! waits for the decision, and recording the decision ticks it, so the checklist never says
//! awareness was recorded while every clock still awaits it.

mod common;

use chrono::Duration;
use crossterm::event::KeyCode;
use warroom::domain::event::Event;
use warroom::tui::model::Mode;
use warroom::tui::update::update;

use common::Workspace;
use common::screen::*;

fn step<'a>(status: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    status["steps"].as_array().expect("steps").iter().find(|s| s["id"] == id).expect("step")
}

#[test]
fn ticking_the_awareness_step_asks_for_the_decision_and_recording_it_ticks_the_step() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["tick", &id, "confirm-signal", "--note", "trace 7f3a"]);
    let err = ws.refused("alice", &["tick", &id, "record-awareness", "--note", "aware at 13:52Z"], 1);
    assert!(err.contains("done by recording the decision aware") && err.contains("decide INC aware"), "{err}");
    assert_eq!(step(&ws.status_json(&id), "record-awareness")["state"], "pending", "nothing recorded: {err}");

    ws.ok("alice", &["decide", &id, "aware", "--at", "-10m", "--evidence", "trace 7f3a"]);
    let status = ws.status_json(&id);
    let ticked = step(&status, "record-awareness");
    assert_eq!(ticked["state"], "done", "{ticked}");
    assert_eq!(ticked["by"], "alice");
    assert_eq!(ticked["comment"], "recorded: the decision aware");
    let clocks = ws.ok("alice", &["clock", "list", &id]);
    assert!(clocks.contains("gdpr-33") && !clocks.contains("awaits decision aware"), "{clocks}");
    ws.ok("auditor", &["verify", &id]);
}

#[test]
fn a_decision_recorded_before_the_steps_it_depends_on_leaves_the_tick_to_a_responder() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["decide", &id, "aware", "--evidence", "alert at 13:41Z"]);
    assert_eq!(step(&ws.status_json(&id), "record-awareness")["state"], "pending", "confirm-signal is still open");
    ws.ok("alice", &["tick", &id, "confirm-signal"]);
    ws.ok("alice", &["tick", &id, "record-awareness"]);
    assert_eq!(step(&ws.status_json(&id), "record-awareness")["state"], "done", "the decision is recorded: it ticks");
}

#[test]
fn x_on_the_awareness_step_opens_the_decision_form_on_aware() {
    let mut all = envelopes("INC-20261124-001", "cross-tenant-pii-leak", 1);
    if let Event::Declared { aware_at, .. } = &mut all[0].event {
        *aware_at = None;
    }
    all.truncate(3);
    let mut model = model_with(&[]);
    update(&mut model, changed(&all), &keymap(), t0() + Duration::minutes(1));
    key(&mut model, KeyCode::Char('3'));
    assert_eq!(model.cursor_step(), Some("record-awareness"), "the current step");
    key(&mut model, KeyCode::Char('x'));
    let Mode::Form(form) = &model.mode else { panic!("a form: {:?}", model.mode) };
    assert_eq!(form.answer("decision"), "aware", "{}", form.title);
    assert!(form.title.contains("record-awareness"), "{}", form.title);
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("recording the decision aware"), "{screen}");
}
