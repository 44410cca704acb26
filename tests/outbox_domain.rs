//! The outbox as the domain decides it: a page queues one message per target of the rotation,
//! each with its own idempotency key; a delivery settles a message once; a drill sends only to
//! drill-safe notifiers.

use chrono::{TimeZone, Utc};
use warroom::catalog::{self, Origin};
use warroom::domain::command::{Command, DeliveryOutcome};
use warroom::domain::decide_outbound::decide;
use warroom::domain::event::{Actor, Envelope, Event};
use warroom::domain::incident::Incident;
use warroom::domain::outbound::{NotifierKind, Target};
use warroom::domain::refusal::Refusal;
use warroom::domain::refusal_outbound::OutboundRefusal;

fn declared(drill: bool) -> Incident {
    declared_by(drill, "listener", Utc.with_ymd_and_hms(2026, 11, 24, 2, 0, 0).single().expect("time"))
}

fn declared_by(drill: bool, who: &str, at: chrono::DateTime<Utc>) -> Incident {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let runbook = catalog::load(&Origin::Embedded, date).get("cross-tenant-pii-leak").expect("runbook").clone();
    let declared = Event::Declared {
        incident: "INC-20261124-001".into(),
        title: "agent leaked a record".into(),
        severity: "SEV1".into(),
        runbook: Box::new(runbook),
        aware_at: None,
        drill,
        clocks: Vec::new(),
        from_alert: true,
    };
    Incident::declared(&Envelope { seq: 1, at, actor: Actor::named(who), event: declared }).expect("incident")
}

/// Decides `command` on the incident and folds what it decided in.
fn run(incident: &mut Incident, command: Command) -> Result<(), Refusal> {
    let now = incident.last_at;
    for event in decide(incident, command, now)? {
        let seq = incident.last_seq + 1;
        incident.apply(&Envelope { seq, at: incident.last_at, actor: Actor::named("outbox"), event });
    }
    Ok(())
}

fn page(targets: &[(&str, bool)]) -> Command {
    let targets = targets
        .iter()
        .map(|(notifier, safe)| (Target { notifier: (*notifier).into(), to: None }, NotifierKind::Webhook, *safe))
        .collect();
    Command::Page { role: "privacy".into(), rung: 0, rotation: "privacy-oncall".into(), targets }
}

#[test]
fn a_page_queues_one_message_per_target_with_its_own_key_and_settles_once() {
    let mut incident = declared(false);
    let now = incident.last_at;
    run(&mut incident, page(&[("ops-hook", false), ("mail", true)])).expect("queued");
    let reference = incident.reference();
    let keys: Vec<&str> = incident.outbox.messages.iter().map(|m| m.outbound.key.as_str()).collect();
    assert_eq!(keys, [format!("{reference}/m1"), format!("{reference}/m2")]);
    assert!(incident.outbox.messages[0].outbound.subject.contains("[SEV1] INC-20261124-001"));
    assert_eq!(incident.outbox.due(now).count(), 2);

    let failed = DeliveryOutcome::Failed { why: "503".into(), retry_at: Some(now + chrono::Duration::seconds(2)) };
    let delivery = |outcome| Command::Delivery { key: format!("{reference}/m1"), attempt: 1, outcome };
    run(&mut incident, delivery(failed)).expect("recorded");
    assert_eq!(incident.outbox.due(now).count(), 1, "m1 waits for its retry");
    let delivered = DeliveryOutcome::Delivered { receipt: Some("202".into()) };
    run(&mut incident, delivery(delivered.clone())).expect("delivered");
    let again = run(&mut incident, delivery(delivered));
    assert!(matches!(again, Err(Refusal::Outbound(OutboundRefusal::Settled { .. }))), "{again:?}");
    let repeat = run(&mut incident, page(&[("ops-hook", false)]));
    assert!(
        matches!(repeat, Err(Refusal::Outbound(OutboundRefusal::AlreadyPaged { rung: 0, .. }))),
        "a second process paging the same rung is refused: {repeat:?}"
    );
    let Command::Page { targets, rotation, .. } = page(&[("ops-hook", false)]) else { unreachable!() };
    run(&mut incident, Command::Page { role: "privacy".into(), rung: 1, rotation, targets }).expect("escalated");
    assert_eq!(incident.outbox.messages.last().map(|m| m.outbound.key.clone()), Some(format!("{reference}/m3")));
}

#[test]
fn message_keys_tell_apart_incidents_of_one_id_in_two_workspaces_and_an_incident_keeps_its_first_prefix() {
    let two_am = Utc.with_ymd_and_hms(2026, 11, 24, 2, 0, 0).single().expect("time");
    let here = declared_by(false, "listener", two_am);
    let elsewhere = declared_by(false, "listener", two_am + chrono::Duration::microseconds(1));
    let by_another = declared_by(false, "alice", two_am);
    assert!(here.reference().starts_with("INC-20261124-001."), "{}", here.reference());
    assert_eq!(here.reference().len(), "INC-20261124-001.".len() + 12, "{}", here.reference());
    assert_eq!(here.reference(), declared_by(false, "listener", two_am).reference(), "stable across replays");
    assert_ne!(here.reference(), elsewhere.reference());
    assert_ne!(here.reference(), by_another.reference());

    let mut older = declared(false);
    let queued = |key: &str| Event::MessageQueued {
        message: Box::new(warroom::domain::outbound::Outbound {
            key: key.into(),
            notifier: "ops-hook".into(),
            kind: NotifierKind::Webhook,
            to: None,
            purpose: warroom::domain::outbound::Purpose::Update { audience: "internal".into() },
            subject: "s".into(),
            body: "b".into(),
            simulated: false,
        }),
    };
    older.apply(&Envelope { seq: 2, at: two_am, actor: Actor::named("alice"), event: queued("INC-20261124-001/m1") });
    run(&mut older, page(&[("ops-hook", false)])).expect("queued");
    let last = older.outbox.messages.last().map(|m| m.outbound.key.clone());
    assert_eq!(last.as_deref(), Some("INC-20261124-001/m2"), "paged before references had tags: the bare id stays");
}

#[test]
fn a_drill_sends_only_to_drill_safe_notifiers_and_says_drill() {
    let mut incident = declared(true);
    let now = incident.last_at;
    run(&mut incident, page(&[("pager", false), ("drill-hook", true)])).expect("queued");
    let simulated: Vec<bool> = incident.outbox.messages.iter().map(|m| m.outbound.simulated).collect();
    assert_eq!(simulated, [true, false]);
    assert_eq!(incident.outbox.due(now).count(), 1, "only the drill-safe one is sent");
    assert!(incident.outbox.messages.iter().all(|m| m.outbound.subject.starts_with("DRILL")));
}

#[test]
fn a_rotation_without_targets_is_refused_rather_than_paging_nobody() {
    let incident = declared(false);
    let refused = decide(&incident, page(&[]), incident.last_at);
    assert!(matches!(refused, Err(Refusal::Outbound(OutboundRefusal::NoTargets { .. }))), "{refused:?}");
}
