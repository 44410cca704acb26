//! The unrouted inbox in the console: it stays open while the commander works through it, and
//! an alert that belongs to an incident already open is attached to it, not declared again.

mod common;

use crossterm::event::KeyCode;
use warroom::tui::model::Mode;
use warroom::tui::update::{Effect, Msg, update};

use common::screen::*;

const REAL: &str = "INC-20261124-001";
const DRILL: &str = "INC-20261124-002";

#[test]
fn plus_attaches_an_alert_to_the_selected_incident_and_the_inbox_stays_open() {
    let mut model = model_with(&[(REAL, "cross-tenant-pii-leak", 1)]);
    let items = vec![unrouted("TenantRowsServed", "k1", "rows of initech"), unrouted("DiskFull", "k2", "db-1")];
    update(&mut model, Msg::Unrouted(items), &keymap(), t0());
    key(&mut model, KeyCode::Char('A'));
    key(&mut model, KeyCode::Char('+'));
    let screen = text_of(&render(&model, 100, 30, t0()));
    assert!(screen.contains("Attach alert TenantRowsServed"), "{screen}");
    assert!(screen.contains(REAL), "the open incident is offered:\n{screen}");
    key(&mut model, KeyCode::Enter);
    let effects = key(&mut model, KeyCode::Char('y'));
    assert_eq!(effects, vec![Effect::AttachAlert { key: "k1".into(), incident: REAL.into() }]);
    assert!(matches!(model.mode, Mode::Inbox { cursor: 0 }), "back in the inbox: {:?}", model.mode);
    update(&mut model, Msg::Unrouted(vec![unrouted("DiskFull", "k2", "db-1")]), &keymap(), t0());
    key(&mut model, KeyCode::Char('u'));
    assert!(matches!(model.mode, Mode::Inbox { .. }), "u in the inbox never switches the responder");
    key(&mut model, KeyCode::Char('X'));
    key(&mut model, KeyCode::Esc);
    assert!(matches!(model.mode, Mode::Inbox { cursor: 0 }), "a cancelled form goes back to the inbox");
    key(&mut model, KeyCode::Esc);
    assert!(matches!(model.mode, Mode::Normal));
}

#[test]
fn the_attach_list_puts_the_selected_incident_first_and_real_incidents_before_drills() {
    let mut model = model_with(&[(REAL, "cross-tenant-pii-leak", 1)]);
    let mut drill = envelopes(DRILL, "cross-tenant-pii-leak", 1);
    if let warroom::domain::event::Event::Declared { drill: flag, .. } = &mut drill[0].event {
        *flag = true;
    }
    update(&mut model, changed(&drill), &keymap(), t0());
    update(&mut model, Msg::Unrouted(vec![unrouted("TenantRowsServed", "k1", "rows")]), &keymap(), t0());
    key(&mut model, KeyCode::Char('A'));
    key(&mut model, KeyCode::Char('+'));
    let screen = text_of(&render(&model, 120, 30, t0()));
    let real = screen.find(REAL).expect("real incident offered");
    let drill = screen.find(DRILL).expect("drill offered");
    assert!(real < drill, "the real incident comes first:\n{screen}");
    assert!(screen.contains("DRILL"), "{screen}");
}

#[test]
fn with_no_incident_open_plus_says_to_declare_instead() {
    let mut model = model_with(&[]);
    update(&mut model, Msg::Unrouted(vec![unrouted("TenantRowsServed", "k1", "rows")]), &keymap(), t0());
    key(&mut model, KeyCode::Char('A'));
    key(&mut model, KeyCode::Char('+'));
    assert!(model.flash.as_ref().is_some_and(|f| f.text.contains("no open incident")), "{:?}", model.flash);
    assert!(matches!(model.mode, Mode::Inbox { .. }));
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("no open incident"), "what came of it shows below the open inbox:\n{screen}");
}

#[test]
fn declaring_from_an_alert_asks_severity_and_title_and_confirms_all_three() {
    let mut model = model_with(&[]);
    update(&mut model, Msg::Unrouted(vec![unrouted("TenantRowsServed", "k1", "rows")]), &keymap(), t0());
    key(&mut model, KeyCode::Char('A'));
    key(&mut model, KeyCode::Char('D'));
    key(&mut model, KeyCode::Enter);
    let screen = text_of(&render(&model, 120, 30, t0()));
    assert!(screen.contains("Critical — ") && screen.contains("Major — "), "the runbook's levels, defined:\n{screen}");
    key(&mut model, KeyCode::Down);
    key(&mut model, KeyCode::Enter);
    assert_eq!(model_field(&model), "rows", "the title is the alert's summary until changed");
    typed(&mut model, " of initech shown to acme");
    key(&mut model, KeyCode::Enter);
    let screen = text_of(&render(&model, 120, 30, t0()));
    let joined = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(joined.contains("Declare SEV2 “rows of initech shown to acme” on cross-tenant-pii-leak"), "{screen}");
    let effects = key(&mut model, KeyCode::Char('y'));
    let title = Some("rows of initech shown to acme".to_owned());
    let runbook = "cross-tenant-pii-leak".to_owned();
    assert_eq!(
        effects,
        vec![Effect::DeclareFromAlert { key: "k1".into(), runbook, severity: Some("SEV2".into()), title }]
    );
}

fn model_field(model: &warroom::tui::model::Model) -> String {
    let Mode::Form(form) = &model.mode else { panic!("no form: {:?}", model.mode) };
    form.field().map(warroom::tui::form::Field::value).unwrap_or_default()
}

#[test]
fn x_marks_several_alerts_and_one_dismissal_or_attachment_takes_them_all() {
    let mut model = model_with(&[(REAL, "cross-tenant-pii-leak", 1)]);
    let items = vec![
        unrouted("DiskFull", "k1", "db-1"),
        unrouted("DiskFull", "k2", "db-2"),
        unrouted("TenantRowsServed", "k3", "rows of initech"),
    ];
    update(&mut model, Msg::Unrouted(items), &keymap(), t0());
    key(&mut model, KeyCode::Char('A'));
    key(&mut model, KeyCode::Char('x'));
    key(&mut model, KeyCode::Char('x'));
    let screen = text_of(&render(&model, 100, 30, t0()));
    assert!(screen.contains("3 waiting, 2 marked"), "{screen}");
    assert_eq!(screen.matches('✓').count(), 2, "{screen}");
    key(&mut model, KeyCode::Char('X'));
    let screen = text_of(&render(&model, 100, 30, t0()));
    assert!(screen.contains("Dismiss 2 marked alerts"), "{screen}");
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Why DiskFull (k1), DiskFull (k2): no incident needed"), "names what it dismisses: {screen}");
    typed(&mut model, "disk alerts go to the infra rota");
    let effects = key(&mut model, KeyCode::Enter);
    let reason = "disk alerts go to the infra rota".to_owned();
    assert_eq!(
        effects,
        vec![
            Effect::DismissAlert { key: "k1".into(), reason: reason.clone() },
            Effect::DismissAlert { key: "k2".into(), reason },
        ]
    );
    assert!(model.inbox_marks.is_empty(), "marks are spent");

    update(&mut model, Msg::Unrouted(vec![unrouted("TenantRowsServed", "k3", "rows")]), &keymap(), t0());
    key(&mut model, KeyCode::Char('x'));
    key(&mut model, KeyCode::Char('x'));
    assert!(model.inbox_marks.is_empty(), "x again unmarks");
    key(&mut model, KeyCode::Char('x'));
    update(&mut model, Msg::Unrouted(Vec::new()), &keymap(), t0());
    assert!(model.inbox_marks.is_empty(), "an alert handled elsewhere is no longer marked");
}
