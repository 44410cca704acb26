//! Stakeholder updates in the console: the clocks pane's bottom line says when each audience's
//! next update is due, and `p` opens the update form (the most pressing audience first, its
//! comms template's text filled in, a confirmation) that becomes the update.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::domain::command::Command;
use warroom::tui::form::FieldKind;
use warroom::tui::model::Mode;
use warroom::tui::update::{Effect, Msg, update};

use common::screen::*;

const INC: &str = "INC-20261124-001";

#[test]
fn p_offers_the_most_pressing_audience_first_fills_its_template_and_sends_what_was_confirmed() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    let screen = text_of(&render(&model, 160, 48, t0()));
    assert!(screen.contains("updates internal LATE 40m customers in 50m · p"), "{screen}");

    key(&mut model, KeyCode::Char('p'));
    let Mode::Form(form) = &model.mode else { panic!("the update form: {:?}", model.mode) };
    let Some(FieldKind::Choice { options, .. }) = form.field().map(|f| &f.kind) else { panic!("a choice") };
    let labels: Vec<&str> = options.iter().map(|(_, label)| label.as_str()).collect();
    let ids: Vec<&str> = options.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["internal", "customers"]);
    assert_eq!(labels, ["LATE 40m, none sent yet", "due in 50m, none sent yet"]);

    key(&mut model, KeyCode::Down);
    key(&mut model, KeyCode::Enter);
    let Mode::Form(form) = &model.mode else { panic!("still the form") };
    let text = form.field().map(warroom::tui::form::Field::value).unwrap_or_default();
    assert!(text.starts_with("We are investigating an issue with the AI assistant"), "the template's text: {text}");
    assert!(text.contains("search, which we have disabled as a precaution."), "a paragraph is one line: {text}");
    let Some(FieldKind::Text { area, .. }) = form.field().map(|f| &f.kind) else { panic!("the text") };
    assert_eq!(area.wrap_mode(), ratatui_textarea::WrapMode::WordOrGlyph, "the editor wraps it, not the text");

    typed(&mut model, " Ref INC-1.");
    update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), &keymap(), t0());
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "only y sends it");
    let effects = key(&mut model, KeyCode::Char('y'));
    let [Effect::Execute { incident, command: Command::SendUpdate { audience, text, .. } }] = effects.as_slice() else {
        panic!("one update: {effects:?}")
    };
    assert_eq!((incident.as_str(), audience.as_str()), (INC, "customers"));
    assert!(text.ends_with("within 2 hours. Ref INC-1."), "{text}");
}

/// The cadence as the domain folds it: by severity, restarted by an update, shrunk by a
/// drill's speed, none at a severity the runbook gives none, none once resolved.
#[test]
fn the_cadence_follows_severity_updates_drill_speed_and_the_incident_state() {
    use chrono::Duration;
    use warroom::domain::event::{Envelope, Event};
    use warroom::domain::updates::due;
    let all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let declared = all[0].at;
    let mut incident = warroom::domain::incident::fold(&all).expect("incident");
    let next = |i: &warroom::domain::incident::Incident| {
        due(i).into_iter().map(|d| (d.audience, d.due_at - declared)).collect::<Vec<_>>()
    };
    assert_eq!(next(&incident), [("internal".into(), Duration::minutes(30)), ("customers".into(), Duration::hours(2))]);

    let at_seq = |event: Event, minutes: i64, incident: &mut warroom::domain::incident::Incident| {
        let last = incident.last_seq;
        incident.apply(&Envelope { seq: last + 1, at: declared + Duration::minutes(minutes), event, ..all[1].clone() });
    };
    at_seq(Event::UpdateSent { audience: "internal".into(), text: "all hands".into() }, 45, &mut incident);
    assert_eq!(next(&incident)[0], ("internal".into(), Duration::minutes(75)), "30 minutes after the last");

    at_seq(Event::DrillConfigured { speed: 60, focus: None }, 46, &mut incident);
    assert_eq!(
        next(&incident),
        [("customers".into(), Duration::minutes(2)), ("internal".into(), Duration::minutes(47))],
        "2 h at speed 60 is 2 min; 30 min would be 30 s, and no drill asks for updates faster than every 2 min"
    );

    at_seq(
        Event::SeverityChanged { from: "SEV1".into(), to: "SEV3".into(), reason: "contained".into() },
        50,
        &mut incident,
    );
    assert_eq!(next(&incident).len(), 1, "customers get no cadence at SEV3: {:?}", next(&incident));

    at_seq(Event::Resolved {}, 60, &mut incident);
    assert!(next(&incident).is_empty(), "none once resolved");
}

/// The confirmation says where the update goes: each target of its audience in `warroom.yaml`,
/// a drill's not-drill-safe ones as simulated, a pagerduty one passed by; with none, that it
/// is recorded and sent by hand.
#[test]
fn the_confirmation_names_where_the_update_goes() {
    let yaml = r#"
notifiers:
  status-room: { kind: slack, url_file: secrets/slack }
  legal-mail: { kind: smtp, host: localhost, from: warroom@ourco.example, drill_safe: true }
  pager: { kind: pagerduty }
audiences:
  customers:
    - { notifier: status-room }
    - { notifier: legal-mail, to: legal@ourco.example }
    - { notifier: pager, to: R0UT1NG }
"#;
    let parties: warroom::domain::parties::WorkspaceParties = serde_saphyr::from_str(yaml).expect("parties");
    let confirm = |drill: bool, audience_index: usize| {
        let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
        model.parties = Ok(parties.clone());
        if let Some(entry) = model.incidents.first_mut() {
            entry.incident.drill = drill;
        }
        key(&mut model, KeyCode::Char('p'));
        for _ in 0..audience_index {
            key(&mut model, KeyCode::Down);
        }
        key(&mut model, KeyCode::Enter);
        update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), &keymap(), t0());
        let Mode::Form(form) = &model.mode else { panic!("the confirmation: {:?}", model.mode) };
        form.field().map(|f| f.label.clone()).unwrap_or_default()
    };
    assert_eq!(
        confirm(false, 1),
        "Send it (y)? Recorded, then queued to status-room (slack), legal-mail (smtp) legal@ourco.example. \
         Not to pager: a pagerduty notifier pages, it does not inform"
    );
    assert!(confirm(true, 1).contains("status-room (slack) (simulated: not drill-safe), legal-mail (smtp)"));
    assert!(
        confirm(false, 0).starts_with("Record it (y)? No notifier in warroom.yaml sends updates for internal"),
        "{}",
        confirm(false, 0)
    );
}
