//! The console's follow-up work: reading the drafts before any export (`P` opens the filing of
//! the clock under the cursor, ←/→ move to its worksheet and the other drafts, j/k scroll, any
//! other key closes), recording a fact backdated to when it happened (`b`), the decision form,
//! and a cursor that only its own responder moves.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::domain::command::Command;
use warroom::domain::event::{Actor, Envelope, Event};
use warroom::domain::incident::Incident;
use warroom::domain::parties::{Contact, WorkspaceParties};
use warroom::tui::feed::log_line;
use warroom::tui::form::FieldKind;
use warroom::tui::model::{Mode, Pane};
use warroom::tui::update::{Effect, Msg, update};

use common::screen::*;

fn with_parties() -> warroom::tui::model::Model {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    let mut parties = WorkspaceParties::default();
    let dpo = Contact { name: "Priya Raman".into(), email: Some("dpo@ourco.example".into()), phone: None };
    parties.contacts.insert("dpo".into(), dpo);
    parties.parties.company = Some("OurCo Ltd".into());
    model.parties = Ok(parties);
    model
}

#[test]
fn p_opens_the_filing_of_the_clock_under_the_cursor_then_its_worksheet() {
    let mut model = with_parties();
    model.focus = Pane::Clocks;
    let statuses = model.current().expect("incident").incident.clock_statuses(t0());
    let gdpr = statuses.iter().position(|s| s.def.id == "gdpr-33").expect("gdpr-33 runs");
    model.clock_cursor = gdpr;
    key(&mut model, KeyCode::Char('P'));
    assert!(matches!(model.mode, Mode::Drafts { .. }));
    let screen = text_of(&render(&model, 100, 40, t0()));
    assert!(screen.contains("filing gdpr-33 ·"), "{screen}");
    assert!(screen.contains("## Missing before filing"), "what is missing comes first: {screen}");
    assert!(screen.contains("- From: OurCo Ltd"), "{screen}");

    key(&mut model, KeyCode::Right);
    let screen = text_of(&render(&model, 100, 40, t0()));
    assert!(screen.contains("worksheet gdpr-33") && screen.contains("## To record before filing"), "{screen}");

    for _ in 0..12 {
        key(&mut model, KeyCode::Char('j'));
    }
    let scrolled = text_of(&render(&model, 100, 40, t0()));
    assert!(!scrolled.contains("## To record before filing"), "j scrolls: {scrolled}");

    key(&mut model, KeyCode::Char('q'));
    assert!(matches!(model.mode, Mode::Normal), "any other key closes, and q does not quit from the viewer");
    assert!(!model.quit);
}

#[test]
fn the_viewer_reaches_every_draft_and_the_messages_and_fits_80x24() {
    let mut model = with_parties();
    key(&mut model, KeyCode::Char('P'));
    let mut titles = Vec::new();
    for _ in 0..40 {
        let screen = text_of(&render(&model, 80, 24, t0()));
        let title = screen.lines().nth(1).unwrap_or_default().to_owned();
        if titles.contains(&title) {
            break;
        }
        titles.push(title);
        key(&mut model, KeyCode::Right);
    }
    let all = titles.join("\n");
    for page in ["filing gdpr-33-processor", "worksheet ai-act-73-general", "message controller-notice"] {
        assert!(all.contains(page), "{page} among the pages: {all}");
    }
    insta::assert_snapshot!("drafts_80x24", {
        let mut model = with_parties();
        key(&mut model, KeyCode::Char('P'));
        text_of(&render(&model, 80, 24, t0()))
    });
}

#[test]
fn b_records_a_fact_at_the_time_it_happened_and_refuses_a_future_one_keeping_what_was_typed() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('b'));
    let Mode::Form(form) = &model.mode else { panic!("b opens a form") };
    assert_eq!(form.title, "Record a backdated fact");
    typed(&mut model, "+2h");
    key(&mut model, KeyCode::Enter);
    let Mode::Form(form) = &model.mode else { panic!("still the form") };
    assert_eq!(form.index, 0, "a time that is not a past time is refused where it was typed");
    assert!(form.error.as_deref().is_some_and(|e| e.contains("in the future")), "{:?}", form.error);

    for _ in 0..3 {
        key(&mut model, KeyCode::Backspace);
    }
    typed(&mut model, "2026-11-24 00:31");
    key(&mut model, KeyCode::Enter);
    typed(&mut model, "first bad retrieval in trace 7f3a");
    let effects =
        update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), &keymap(), t0());
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-24T00:31:00Z").expect("time").to_utc();
    assert_eq!(
        effects,
        [Effect::Execute {
            incident: "INC-20261124-001".into(),
            command: Command::Fact { text: "first bad retrieval in trace 7f3a".into(), at }
        }]
    );
}

#[test]
fn the_decision_form_shows_the_recorded_time_and_enter_confirms_it() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('d'));
    key(&mut model, KeyCode::Enter);
    let Mode::Form(form) = &model.mode else { panic!("the decision form") };
    assert_eq!(form.answer("when"), "2026-11-24T01:00:00Z", "aware's recorded time, to confirm or correct");
    key(&mut model, KeyCode::Enter);
    key(&mut model, KeyCode::Enter);
    let effects = key(&mut model, KeyCode::Enter);
    let at = Some(t0() - chrono::Duration::hours(1));
    let decision = warroom::domain::clock::Decision::Aware;
    let command = Command::Decide { decision, regime: None, at, evidence: None, reason: None, confirm: true };
    assert_eq!(effects, [Effect::Execute { incident: "INC-20261124-001".into(), command }]);
}

#[test]
fn the_decision_form_offers_the_incidents_decisions_and_awareness_per_regime() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('d'));
    let Mode::Form(form) = &model.mode else { panic!("the decision form") };
    let FieldKind::Choice { options, .. } = &form.fields[0].kind else { panic!("a choice") };
    let offered: Vec<&str> = options.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        offered,
        [
            "aware",
            "aware for gdpr",
            "aware for uk-gdpr",
            "aware for ai-act",
            "high-risk",
            "causal-link",
            "breach-started",
            "breach-ended"
        ],
        "what a GDPR and AI Act incident's clocks turn on; no SEC, HIPAA, PDPA or death decision while no clock turns on it"
    );
    let ai_act = &options[3].1;
    assert!(ai_act.contains("ai-act-73-general"), "the hint names the clocks it anchors: {ai_act}");

    for _ in 0..3 {
        key(&mut model, KeyCode::Down);
    }
    key(&mut model, KeyCode::Enter);
    let Mode::Form(form) = &model.mode else { panic!("the decision form") };
    assert_eq!(form.answer("when"), "2026-11-24T01:00:00Z", "no awareness of its own yet: the shared one, in force");
    for _ in 0.."2026-11-24T01:00:00Z".len() {
        key(&mut model, KeyCode::Backspace);
    }
    for c in "2026-11-24 00:30".chars() {
        key(&mut model, KeyCode::Char(c));
    }
    key(&mut model, KeyCode::Enter);
    key(&mut model, KeyCode::Enter);
    let effects = key(&mut model, KeyCode::Enter);
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-24T00:30:00Z").ok().map(|t| t.to_utc());
    let command = Command::Decide {
        decision: warroom::domain::clock::Decision::Aware,
        regime: Some("ai-act".into()),
        at,
        evidence: None,
        reason: None,
        confirm: false,
    };
    assert_eq!(effects, [Effect::Execute { incident: "INC-20261124-001".into(), command }]);
}

#[test]
fn the_ai_act_clock_says_which_altering_steps_it_holds_until_the_authority_is_informed() {
    let model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    let screen = text_of(&render(&model, 200, 60, t0()));
    assert!(screen.contains("holds fix-filter"), "{screen}");
}

#[test]
fn the_cursor_stays_put_when_another_responder_ticks_the_step_under_it() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    let under = model.step_cursor;
    let step = model.current().expect("incident").incident.runbook.steps().nth(under).expect("step").1.id.clone();
    let mut log = envelopes("INC-20261124-001", "cross-tenant-pii-leak", 1);
    let tick = |seq: u64, actor: &str, step: &str| Envelope {
        seq,
        at: t0(),
        actor: Actor::named(actor),
        event: Event::StepTicked { step: step.to_owned(), note: None, forced: false, hold_override: None },
    };
    log.push(tick(log.len() as u64 + 1, "bob", &step));
    let mut incident = Incident::declared(&log[0]).expect("declared");
    for e in &log[1..] {
        incident.apply(e);
    }
    let appended = vec![log_line(log.last().expect("tick"))];
    update(&mut model, Msg::Changed { incident: Box::new(incident), appended }, &keymap(), t0());
    assert_eq!(model.step_cursor, under, "bob's tick leaves alice's cursor on the step she was reading");

    let next = model.current().expect("incident").incident.current_step().expect("open step").id.clone();
    log.push(tick(log.len() as u64 + 1, "alice", &next));
    let mut incident = Incident::declared(&log[0]).expect("declared");
    for e in &log[1..] {
        incident.apply(e);
    }
    model.step_cursor = model.current().expect("incident").incident.runbook.step_index(&next).expect("index");
    let appended = vec![log_line(log.last().expect("tick"))];
    update(&mut model, Msg::Changed { incident: Box::new(incident), appended }, &keymap(), t0());
    assert_ne!(
        model.current().expect("incident").incident.runbook.steps().nth(model.step_cursor).expect("step").1.id,
        next,
        "her own tick moves her on"
    );
}
