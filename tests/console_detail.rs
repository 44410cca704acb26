//! The console at 80×24 without a terminal: things opened in full, messages never cut, the
//! cursor unmistakable, ticks that ask what was done.

mod common;

use chrono::Duration;
use crossterm::event::KeyCode;
use warroom::domain::command::Command;
use warroom::domain::event::{Actor, Envelope, Event};
use warroom::tui::feed::log_line;
use warroom::tui::forms::Purpose;
use warroom::tui::model::{Detail, Mode};
use warroom::tui::update::{Effect, Msg, update};

use common::screen::*;

const INC: &str = "INC-20261124-001";

/// The incident of `model_with` with one more note of two lines, by sam.
fn with_two_line_note() -> warroom::tui::model::Model {
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = all.last().expect("events").clone();
    all.push(Envelope {
        seq: last.seq + 1,
        at: last.at + Duration::minutes(1),
        actor: Actor::named("sam"),
        event: Event::NoteAdded { text: "Globex saw three rows\nsecond line: the export job ran twice".into() },
    });
    let mut model = model_with(&[]);
    update(&mut model, changed(&all), &keymap(), t0());
    model
}

#[test]
fn enter_on_the_log_opens_the_newest_entry_with_every_line_of_its_note() {
    let mut model = with_two_line_note();
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(!screen.contains("the export job ran twice"), "the log pane shows one line per entry:\n{screen}");
    key(&mut model, KeyCode::Char('4'));
    key(&mut model, KeyCode::Enter);
    assert!(matches!(&model.mode, Mode::Detail { target: Detail::Log(7), .. }), "{:?}", model.mode);
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("Log entry #7"), "{screen}");
    assert!(screen.contains("Tue 24 Nov 01:26:00 UTC"), "recorded to the second, as the log row shows it:\n{screen}");
    assert!(screen.contains("Globex saw three rows"), "{screen}");
    assert!(screen.contains("second line: the export job ran twice"), "{screen}");
    key(&mut model, KeyCode::Esc);
    assert!(matches!(model.mode, Mode::Normal));
}

#[test]
fn moving_up_the_log_moves_what_enter_opens() {
    let mut model = with_two_line_note();
    key(&mut model, KeyCode::Char('4'));
    key(&mut model, KeyCode::Up);
    assert_eq!(model.log_cursor(), Some(6));
    let screen = text_of(&render(&model, 80, 24, t0()));
    let pointed: Vec<&str> = screen.lines().filter(|l| l.contains('›') && l.contains("#6")).collect();
    assert_eq!(pointed.len(), 1, "the entry Enter opens is marked:\n{screen}");
}

#[test]
fn enter_on_a_step_shows_its_role_holder_detail_and_history() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Up);
    key(&mut model, KeyCode::Up);
    assert_eq!(model.cursor_step(), Some("confirm-signal"));
    key(&mut model, KeyCode::Enter);
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("Step confirm-signal"), "{screen}");
    assert!(screen.contains("trace 7f3a"), "the tick's note:\n{screen}");
    assert!(screen.contains("History") && screen.contains("ticked confirm-signal"), "{screen}");
}

#[test]
fn enter_on_a_clock_shows_citation_duty_and_what_is_missing() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('2'));
    key(&mut model, KeyCode::Enter);
    let Mode::Detail { target: Detail::Clock(id), .. } = &model.mode else { panic!("{:?}", model.mode) };
    assert_eq!(id, "ai-act-73-general", "the first clock in the pane's order (IMMEDIATELY after a causal link)");
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("Art. 73"), "{screen}");
    assert!(screen.contains("IMMEDIATELY"), "{screen}");
    assert!(screen.contains("Duty"), "{screen}");
}

#[test]
fn the_detail_view_scrolls_to_its_last_row_and_no_further() {
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = all.last().expect("events").clone();
    let note: Vec<String> = (1..=40).map(|n| format!("finding {n}")).collect();
    all.push(Envelope {
        seq: last.seq + 1,
        at: last.at + Duration::minutes(1),
        actor: Actor::named("sam"),
        event: Event::NoteAdded { text: format!("{}\nthe-last-finding", note.join("\n")) },
    });
    let mut model = model_with(&[]);
    update(&mut model, changed(&all), &keymap(), t0());
    update(&mut model, Msg::Resized(80, 24), &keymap(), t0());
    key(&mut model, KeyCode::Char('4'));
    key(&mut model, KeyCode::Enter);
    for _ in 0..500 {
        key(&mut model, KeyCode::Char('j'));
    }
    let Mode::Detail { scroll, .. } = model.mode else { panic!("{:?}", model.mode) };
    assert!(scroll > 0 && scroll < 100, "scrolled to the end, not 500 rows into nothing: {scroll}");
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("the-last-finding"), "the last row shows at the bottom:\n{screen}");
    key(&mut model, KeyCode::Char('k'));
    let Mode::Detail { scroll: after, .. } = model.mode else { panic!() };
    assert_eq!(after, scroll - 1, "one k moves one row back at once");
}

#[test]
fn a_long_refusal_shows_in_full_at_80x24_and_stays_until_dismissed() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    let why = "refused: step fix-filter depends on open steps kill-switch, purge-caches, revoke-sessions; \
               tick them first or force with F (recorded as forced) — the-very-last-words";
    update(&mut model, Msg::Done(Err(why.into())), &keymap(), t0());
    let screen = text_of(&render(&model, 80, 24, t0()));
    let joined = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(joined.contains("fix-filter depends on open steps"), "{screen}");
    assert!(joined.contains("the-very-last-words"), "the end of the message shows:\n{screen}");
    update(&mut model, Msg::Tick, &keymap(), t0() + Duration::minutes(5));
    assert!(text_of(&render(&model, 80, 24, t0())).contains("the-very-last-words"), "a refusal does not time out");
    key(&mut model, KeyCode::Esc);
    assert!(!text_of(&render(&model, 80, 24, t0())).contains("the-very-last-words"), "Esc dismisses it");
}

#[test]
fn a_refusal_longer_than_the_message_area_opens_in_full_with_m() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    let why = format!("{} the-end-of-it", "a very long reason ".repeat(30));
    update(&mut model, Msg::Done(Err(why.into())), &keymap(), t0());
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("m shows all") && !screen.contains("the-end-of-it"), "{screen}");
    key(&mut model, KeyCode::Char('m'));
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("the-end-of-it"), "{screen}");
}

#[test]
fn the_checklist_cursor_is_marked_apart_from_the_current_step() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Down);
    let screen = text_of(&render(&model, 80, 24, t0()));
    let marked: Vec<&str> = screen.lines().filter(|l| l.contains('›') && l.contains('[')).collect();
    assert_eq!(marked.len(), 1, "{screen}");
    assert!(marked[0].contains("[ ]"), "the cursor is on the step after the current one: {}", marked[0]);
    assert!(screen.lines().any(|l| l.contains("[▶]") && !l.contains('›')), "{screen}");
}

#[test]
fn the_immediately_flag_shows_in_the_clocks_pane_at_80x24() {
    let model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    let screen = text_of(&render(&model, 80, 24, t0()));
    let clocks: Vec<&str> = screen.lines().filter(|l| l.contains("ai-act")).collect();
    assert!(clocks.iter().any(|l| l.contains("IMMEDIATELY")), "{screen}");
}

#[test]
fn ticking_a_forensic_step_asks_what_was_preserved_and_escape_does_not_tick() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    for _ in 0..4 {
        key(&mut model, KeyCode::Down);
    }
    assert_eq!(model.cursor_step(), Some("pin-traces"));
    assert!(key(&mut model, KeyCode::Char('x')).is_empty(), "nothing ticks yet");
    let Mode::Form(form) = &model.mode else { panic!("{:?}", model.mode) };
    assert!(matches!(&form.purpose, Purpose::Tick { step, force: false } if step == "pin-traces"));
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("What was preserved"), "{screen}");
    for _ in 0..4 {
        key(&mut model, KeyCode::Char('x'));
    }
    key(&mut model, KeyCode::Esc);
    assert!(matches!(model.mode, Mode::Normal), "five quick x presses ticked nothing");
    key(&mut model, KeyCode::Char('x'));
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "what was preserved is required");
    for (answer, next) in [
        ("traces 7f3a..7f9c", "Where is it kept?"),
        ("s3://evidence/inc-001/traces", "Its hash or receipt?"),
        ("sha256:9f2c41", "Note?"),
    ] {
        typed(&mut model, answer);
        assert!(key(&mut model, KeyCode::Enter).is_empty(), "nothing is recorded before the last answer");
        let screen = text_of(&render(&model, 80, 24, t0()));
        assert!(screen.contains(next), "{screen}");
    }
    let effects = key(&mut model, KeyCode::Enter);
    let execute = |command| Effect::Execute { incident: INC.into(), command };
    assert_eq!(
        effects,
        [
            execute(Command::Preserve {
                step: "pin-traces".into(),
                identifier: "traces 7f3a..7f9c".into(),
                location: "s3://evidence/inc-001/traces".into(),
                digest: "sha256:9f2c41".into(),
            }),
            execute(Command::Tick { step: "pin-traces".into(), note: None, force: false, override_hold: None }),
        ],
        "the preservation record first, then the tick"
    );
}

#[test]
fn t_ticks_any_step_with_a_note_and_insists_on_one() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('T'));
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "an empty note is refused");
    typed(&mut model, "roles set on the bridge");
    let effects = key(&mut model, KeyCode::Enter);
    let [Effect::Execute { command: Command::Tick { step, note, .. }, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!((step.as_str(), note.as_deref()), ("assign-roles", Some("roles set on the bridge")));
}

#[test]
fn another_responders_tick_does_not_move_the_cursor() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    let before = model.cursor_step().map(str::to_owned);
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = all.last().expect("events").clone();
    let tick = Envelope {
        seq: last.seq + 1,
        at: last.at + Duration::minutes(1),
        actor: Actor::named("bob"),
        event: Event::StepTicked { step: "assign-roles".into(), note: None, forced: false, hold_override: None },
    };
    all.push(tick.clone());
    let Msg::Changed { incident, .. } = changed(&all) else { unreachable!() };
    update(&mut model, Msg::Changed { incident, appended: vec![log_line(&tick)] }, &keymap(), t0());
    assert_eq!(model.cursor_step().map(str::to_owned), before, "bob's tick leaves alice's cursor where it was");
}

#[test]
fn another_responders_decision_reorders_the_clocks_but_the_cursor_stays_on_its_clock() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('2'));
    for _ in 0..3 {
        key(&mut model, KeyCode::Down);
    }
    let clock_at = |model: &warroom::tui::model::Model| {
        let incident = &model.current().expect("incident").incident;
        incident.clock_statuses(t0()).get(model.clock_cursor).map(|s| s.def.id.clone())
    };
    let before = clock_at(&model).expect("a clock under the cursor");
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = all.last().expect("events").clone();
    let high_risk = Envelope {
        seq: last.seq + 1,
        at: last.at + Duration::minutes(1),
        actor: Actor::named("bob"),
        event: Event::DecisionRecorded {
            decision: warroom::domain::clock::Decision::HighRisk,
            at: t0() - Duration::hours(70),
            evidence: None,
            corrects: None,
            auto: false,
            reason: None,
            confirms: false,
            moved: Vec::new(),
            regime: None,
        },
    };
    all.push(high_risk.clone());
    let order = |all: &[Envelope]| {
        let Msg::Changed { incident, .. } = changed(all) else { unreachable!() };
        incident.clock_statuses(t0()).iter().map(|s| s.def.id.clone()).collect::<Vec<_>>()
    };
    assert_ne!(order(&all[..all.len() - 1]), order(&all), "the decision reorders the pane");
    let Msg::Changed { incident, .. } = changed(&all) else { unreachable!() };
    update(&mut model, Msg::Changed { incident, appended: vec![log_line(&high_risk)] }, &keymap(), t0());
    assert_eq!(clock_at(&model), Some(before), "bob's decision leaves alice's cursor on her clock");
}

#[test]
fn an_initial_filing_leaves_the_clock_half_done_with_its_missing_content_and_a_waived_one_owes_none() {
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = all.last().expect("events").clone();
    let events = [
        Event::SubmissionRecorded {
            clock: "gdpr-33".into(),
            reference: "CNIL-2026-88812".into(),
            at: t0() - Duration::minutes(2),
            phase: warroom::domain::clock::SubmissionPhase::Initial,
            channel: None,
            late_reason: None,
            filed: None,
        },
        Event::ClockWaived { clock: "uk-gdpr-33".into(), rationale: "no UK data subjects".into() },
    ];
    for (i, event) in events.into_iter().enumerate() {
        let seq = last.seq + 1 + i as u64;
        all.push(Envelope { seq, at: last.at, actor: Actor::named("priya"), event });
    }
    let mut model = model_with(&[]);
    update(&mut model, changed(&all), &keymap(), t0());
    let screen = text_of(&render(&model, 160, 48, t0()));
    let rows: Vec<&str> = screen.lines().map(|l| l.rsplit('│').nth(1).unwrap_or(l)).collect();
    let after = |id: &str| rows.iter().position(|r| r.contains(&format!(" {id} "))).map(|i| rows[i..i + 3].join("\n"));
    let gdpr = after("gdpr-33").expect("gdpr-33 in the pane");
    assert!(gdpr.contains("◐") && gdpr.contains("complete pending") && gdpr.contains("missing "), "{screen}");
    let uk = after("uk-gdpr-33").expect("uk-gdpr-33 in the pane");
    assert!(!uk.contains("missing"), "a waived clock owes no content: {screen}");
}

#[test]
fn x_on_a_done_step_that_asks_what_was_done_is_refused_before_asking() {
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = all.last().expect("events").clone();
    let tick = Event::StepTicked { step: "pin-traces".into(), note: None, forced: true, hold_override: None };
    all.push(Envelope { seq: last.seq + 1, at: last.at, actor: Actor::named("bob"), event: tick });
    let mut model = model_with(&[]);
    update(&mut model, changed(&all), &keymap(), t0());
    let incident = &model.current().expect("incident").incident;
    model.step_cursor = incident.runbook.step_index("pin-traces").expect("a forensic step");
    let effects = key(&mut model, KeyCode::Char('x'));
    assert!(effects.is_empty() && matches!(model.mode, Mode::Normal), "no form opens: {:?}", model.mode);
    let said = model.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(said.contains("already done"), "{said}");
}

#[test]
fn i_shows_every_alert_in_full_and_a_widened_scope_is_flagged_on_the_incident() {
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = all.last().expect("events").clone();
    let alert = |key: &str, tenant: &str| warroom::domain::alert::Alert {
        source: warroom::domain::alert::Source::Alertmanager,
        status: warroom::domain::alert::Status::Firing,
        key: key.into(),
        labels: [("alertname", "CrossTenantDataAccess"), ("tenant", tenant)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        annotations: [("runbook_url", "https://wiki/pii"), ("summary", "rows of acme\nsecond line of it")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        starts_at: Some(last.at),
        ends_at: None,
        group: None,
        generator_url: Some("http://prom/graph?g0.expr=leak".into()),
    };
    for (offset, key, tenant, widens) in
        [(1, "a1", "globex", vec![]), (2, "a2", "initech", vec![("tenant", "initech")])]
    {
        all.push(Envelope {
            seq: last.seq + offset,
            at: last.at + Duration::minutes(offset as i64),
            actor: Actor::named("alertmanager"),
            event: Event::AlertReceived {
                alert: Box::new(alert(key, tenant)),
                widens: widens.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
                attached: false,
            },
        });
    }
    let mut model = model_with(&[]);
    update(&mut model, changed(&all), &keymap(), t0());
    let main = text_of(&render(&model, 80, 24, t0()));
    assert!(main.contains("SCOPE GREW"), "the incident row says its scope grew:\n{main}");
    key(&mut model, KeyCode::Char('i'));
    assert!(matches!(model.mode, Mode::Detail { target: Detail::Alerts, .. }), "{:?}", model.mode);
    update(&mut model, Msg::Resized(160, 48), &keymap(), t0());
    let screen = text_of(&render(&model, 160, 48, t0()));
    for expected in [
        "Alerts on INC-20261124-001 (2)",
        "SCOPE GROWTH tenant=initech",
        "http://prom/graph?g0.expr=leak",
        "runbook link",
        "https://wiki/pii",
        "second line of it",
        "tenant",
        "globex",
    ] {
        assert!(screen.contains(expected), "{expected:?} missing:\n{screen}");
    }
}

#[test]
fn a_regulatory_step_asks_what_was_decided_unless_its_tick_is_a_filing() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('3'));
    for (step, asked) in [
        ("assess-notifiability", "What was decided, on what evidence, and why now?"),
        ("notify-authority", "What was submitted, to whom, with which reference, and why now?"),
    ] {
        let index = model.current().and_then(|e| e.incident.runbook.step_index(step)).expect("step");
        model.step_cursor = index;
        // Forced: the steps before it are open, so it also asks why now.
        key(&mut model, KeyCode::Char('F'));
        let Mode::Form(form) = &model.mode else { panic!("{step} asks first: {:?}", model.mode) };
        assert!(form.fields[0].label.ends_with(asked), "{step}: {}", form.fields[0].label);
        key(&mut model, KeyCode::Esc);
    }
}

#[test]
fn accepting_command_of_another_incident_starts_its_checklist_cursor_on_its_current_step() {
    const SECOND: &str = "INC-20261124-002";
    let mut second = envelopes(SECOND, "cross-tenant-pii-leak", 1);
    let last = second.last().expect("events").clone();
    for (offset, name, previous) in [(1, "bob", None), (2, "alice", Some("bob".to_owned()))] {
        let event = Event::RoleAssigned { role: "commander".into(), name: name.into(), previous };
        second.push(Envelope { seq: last.seq + offset, at: last.at, actor: Actor::named("bob"), event });
    }
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    update(&mut model, changed(&second), &keymap(), t0());
    assert_eq!(model.current().map(|e| e.incident.id.as_str()), Some(INC));
    for _ in 0..6 {
        key(&mut model, KeyCode::Down);
    }
    let deep = model.step_cursor;
    key(&mut model, KeyCode::Char('H'));
    let entry = model.current().expect("an incident");
    assert_eq!(entry.incident.id, SECOND, "H goes to the incident whose command is offered");
    let current = entry.incident.current_step().map(|s| s.id.clone()).expect("a current step");
    assert_eq!(model.cursor_step(), Some(current.as_str()), "not row {deep} of the other checklist");
}

#[test]
fn my_tick_of_a_step_below_the_current_one_moves_the_cursor_on_from_it_not_back_up() {
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let mut model = model_with(&[]);
    update(&mut model, changed(&all), &keymap(), t0());
    let current = model.step_cursor;
    for _ in 0..4 {
        key(&mut model, KeyCode::Down);
    }
    let ticked = model.step_cursor;
    assert!(ticked > current, "below the current step");
    let step = model.cursor_step().expect("a step").to_owned();
    let last = all.last().expect("events").clone();
    let tick = Event::StepTicked { step, note: None, forced: false, hold_override: None };
    all.push(Envelope { seq: last.seq + 1, at: last.at, actor: Actor::named("alice"), event: tick });
    update(&mut model, changed(&all), &keymap(), t0());
    assert_eq!(model.step_cursor, ticked + 1, "on to the next open step after the one ticked, not back to ▶");
}

#[test]
fn enter_on_an_action_that_ended_shows_what_ran_and_the_end_of_its_output() {
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = all.last().expect("events").clone();
    let started = Event::ActionStarted {
        step: "kill-switch".into(),
        argv: vec!["bin/kill-switch".into(), "--tool".into(), "retrieval".into()],
        cwd: None,
        approval: None,
        forced: false,
        hold_override: None,
        drill: None,
        undoes: None,
    };
    let outcome = warroom::domain::actions::ActionOutcome {
        exit_code: Some(0),
        timed_out: false,
        started_at: last.at,
        ended_at: last.at,
        output_tail: "flag flags/kill-switch.suppress set\nthe step's tool is off for every tenant \u{1b}[2J".into(),
        output_bytes: 77,
        output_file: "actions/INC/8-kill-switch.log".into(),
        output_sha256: "9f2c".into(),
        abandoned: false,
        simulated: false,
        not_started: false,
    };
    let finished =
        Event::ActionFinished { step: "kill-switch".into(), started_seq: last.seq + 1, outcome: Box::new(outcome) };
    for (offset, event) in [(1, started), (2, finished)] {
        all.push(Envelope { seq: last.seq + offset, at: last.at, actor: Actor::named("alice"), event });
    }
    let mut model = model_with(&[]);
    update(&mut model, changed(&all), &keymap(), t0());
    key(&mut model, KeyCode::Char('4'));
    key(&mut model, KeyCode::Enter);
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("bin/kill-switch --tool retrieval"), "{screen}");
    assert!(screen.contains("flag flags/kill-switch.suppress set"), "the output's end, whole:\n{screen}");
    assert!(screen.contains("the step's tool is off for every tenant") && !screen.contains('\u{1b}'), "{screen}");
}

#[test]
fn when_the_selected_incident_is_archived_the_next_one_opens_on_its_current_step_and_whole_log() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1), ("INC-20261124-002", "cross-tenant-pii-leak", 2)]);
    assert_eq!(model.current().map(|e| e.incident.id.as_str()), Some(INC));
    for _ in 0..6 {
        key(&mut model, KeyCode::Down);
    }
    key(&mut model, KeyCode::Char('4'));
    key(&mut model, KeyCode::Up);
    update(&mut model, Msg::Gone(INC.into()), &keymap(), t0());
    let entry = model.current().expect("the other incident");
    assert_eq!(entry.incident.id, "INC-20261124-002");
    let current = entry.incident.current_step().map(|s| s.id.clone()).expect("a current step");
    assert_eq!(model.cursor_step(), Some(current.as_str()), "not the archived one's row");
    assert!(model.log.follows(), "its whole log, newest last");
}
