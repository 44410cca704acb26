//! Paging in the console: the roles view and the roles line say who was paged, how long ago,
//! what comes next and who answered; `K` answers one of the pages still waiting.

mod common;

use chrono::Duration;
use crossterm::event::KeyCode;
use warroom::domain::command::Command;
use warroom::domain::event::{Envelope, Event};
use warroom::domain::incident::Incident;
use warroom::domain::outbound::{NotifierKind, Target};
use warroom::tui::model::Mode;
use warroom::tui::update::{Effect, update};

use common::screen::*;

const INC: &str = "INC-20261124-001";

/// The incident of `envelopes` with `role` paged at its first rung `minutes_ago`, the page
/// delivered when `delivered`.
fn paged(all: Vec<Envelope>, role: &str, rotation: &str, minutes_ago: i64, delivered: bool) -> Vec<Envelope> {
    paged_at(all, (role, 0, rotation), minutes_ago, delivered)
}

/// As `paged`, at the rung given.
fn paged_at(
    mut all: Vec<Envelope>,
    (role, rung, rotation): (&str, usize, &str),
    minutes_ago: i64,
    delivered: bool,
) -> Vec<Envelope> {
    let mut incident = Incident::declared(&all[0]).expect("declared");
    all[1..].iter().for_each(|e| incident.apply(e));
    let at = t0() - Duration::minutes(minutes_ago);
    let target = (Target { notifier: "hook".into(), to: Some("dpo".into()) }, NotifierKind::Webhook, true);
    let page = Command::Page { role: role.into(), rung, rotation: rotation.into(), targets: vec![target] };
    let last = all.last().expect("events").clone();
    for (n, event) in
        warroom::domain::decide_outbound::decide(&incident, page, at).expect("paged").into_iter().enumerate()
    {
        let key = match &event {
            Event::MessageQueued { message } => message.key.clone(),
            other => panic!("a page is queued: {other:?}"),
        };
        all.push(Envelope { seq: last.seq + 1 + 2 * n as u64, at, event, ..last.clone() });
        if delivered {
            let event = Event::MessageDelivered { key, attempt: 1, receipt: None };
            all.push(Envelope { seq: last.seq + 2 + 2 * n as u64, at, event, ..last.clone() });
        }
    }
    all
}

fn roles_text(model: &warroom::tui::model::Model) -> Vec<String> {
    let (_, lines) = warroom::tui::detail::content(model, &warroom::tui::model::Detail::Roles, t0());
    lines.iter().map(|l| l.iter().map(|(_, t)| t.as_str()).collect()).collect()
}

#[test]
fn the_roles_view_says_which_page_is_unanswered_past_its_delay_and_k_answers_it() {
    let all = paged(envelopes(INC, "cross-tenant-pii-leak", 1), "privacy", "privacy-oncall", 20, true);
    let all = paged(all, "agent-sme", "agent-platform-primary", 2, true);
    let all = paged(all, "security", "security-oncall", 1, false);
    let mut model = model_with(&[]);
    update(&mut model, changed(&all), &keymap(), t0());

    let screen = text_of(&render(&model, 160, 48, t0()));
    assert!(screen.contains("privacy UNANSWERED 20m") && screen.contains("agent-sme paged 2m ago"), "{screen}");
    assert!(screen.contains("security page queued 1m"), "queued is not paged: {screen}");
    key(&mut model, KeyCode::Char('w'));
    let text = roles_text(&model);
    let paging = |role: &str| {
        text.iter().skip_while(|l| !l.starts_with(role)).find(|l| l.starts_with("paging")).cloned().unwrap_or_default()
    };
    assert_eq!(
        paging("privacy"),
        "paging        paged privacy-oncall (level 1) 20m ago, unanswered; nobody further on the path: page by hand"
    );
    assert_eq!(
        paging("agent-sme"),
        "paging        paged agent-platform-primary (level 1) 2m ago, unanswered; last on the path"
    );
    assert!(
        text.iter().any(|l| l.contains("paged privacy via rotation privacy-oncall")),
        "the page is in the history: {text:?}"
    );
    assert_eq!(
        paging("security"),
        "paging        page to security-oncall (level 1) queued 1m ago, not delivered yet; last on the path"
    );
    key(&mut model, KeyCode::Esc);

    key(&mut model, KeyCode::Char('K'));
    let Mode::Form(form) = &model.mode else { panic!("the acknowledge form: {:?}", model.mode) };
    let Some(warroom::tui::form::FieldKind::Choice { options, .. }) = form.field().map(|f| &f.kind) else {
        panic!("a choice of pages")
    };
    let roles: Vec<&str> = options.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(roles, ["privacy", "agent-sme", "security"], "only the pages waiting, in the runbook's order");
    key(&mut model, KeyCode::Down);
    let effects = key(&mut model, KeyCode::Enter);
    let [Effect::Execute { incident, command }] = effects.as_slice() else { panic!("one command: {effects:?}") };
    assert_eq!(incident, INC);
    assert_eq!(*command, Command::Acknowledge { role: Some("agent-sme".into()), via: None, answered_by: None });
}

#[test]
fn k_with_no_page_waiting_says_so_and_opens_nothing() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('K'));
    assert!(matches!(model.mode, Mode::Normal), "{:?}", model.mode);
    let flash = model.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert_eq!(flash, format!("no page on {INC} is waiting for an answer (w shows each role's paging)"));
}

#[test]
fn the_roles_line_says_a_role_was_escalated_and_how_long_it_has_gone_unanswered() {
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    if let Event::Declared { from_alert, .. } = &mut all[0].event {
        *from_alert = true;
    }
    let all = paged_at(all, ("commander", 0, "ai-platform-incident-commanders"), 14, true);
    let all = paged_at(all, ("commander", 1, "head-of-engineering"), 4, true);
    let mut model = model_with(&[]);
    update(&mut model, changed(&all), &keymap(), t0());
    let screen = text_of(&render(&model, 160, 48, t0()));
    assert!(screen.contains("commander L2 of 2, unanswered 14m · paged 4m ago"), "{screen}");
}

#[test]
fn a_role_the_workspace_cannot_page_says_so_instead_of_showing_a_path_as_if_called() {
    let mut model = model_with(&[(INC, "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('w'));
    let text = roles_text(&model);
    assert!(
        text.iter().any(|l| l.contains("NOT PAGED: warroom.yaml has no notifiers, so nobody is called")),
        "no notifiers: {text:#?}"
    );
    let yaml = "notifiers:\n  hook: { kind: webhook, url: \"http://127.0.0.1:9/h\" }\n\
                rotations:\n  agent-platform-primary: [{ notifier: hook }]\n";
    model.parties = Ok(serde_saphyr::from_str(yaml).expect("parties"));
    let text = roles_text(&model);
    let line = |role: &str| {
        let mut section = text.iter().skip_while(|l| !l.starts_with(role)).take_while(|l| !l.is_empty());
        section.find(|l| l.starts_with("paging")).cloned().unwrap_or_default()
    };
    assert!(line("privacy").contains("maps no targets to rotation privacy-oncall: page by hand"), "{text:#?}");
    assert_eq!(line("agent-sme"), "", "a mapped rotation is paged by the outbox: {text:#?}");
}

#[test]
fn resolving_while_an_alert_still_fires_says_so_in_the_question() {
    use warroom::domain::alert::{Alert, Source, Status};
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = all.last().expect("events").clone();
    let alert = Alert {
        source: Source::Generic,
        status: Status::Firing,
        key: "k1".into(),
        labels: [("alertname".to_owned(), "CrossTenantDataAccess".to_owned())].into(),
        annotations: Default::default(),
        starts_at: Some(t0() - Duration::minutes(30)),
        ends_at: None,
        group: None,
        generator_url: None,
    };
    let event = Event::AlertReceived { alert: Box::new(alert), widens: Default::default(), attached: false };
    all.push(Envelope { seq: last.seq + 1, event, ..last });
    let mut model = model_with(&[]);
    update(&mut model, changed(&all), &keymap(), t0());
    key(&mut model, KeyCode::Char('R'));
    let Mode::Form(form) = &model.mode else { panic!("the resolve question: {:?}", model.mode) };
    let question = form.field().map(|f| f.label.clone()).unwrap_or_default();
    assert!(question.contains("1 alert still firing: CrossTenantDataAccess."), "{question}");
}
