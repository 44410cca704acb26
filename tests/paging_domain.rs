//! Who is paged when, as the domain reads the on-call path: every role nobody holds at its first
//! rung, the next rung once `escalate_after` passes unanswered (sooner in a fast drill), nothing
//! once the role is acknowledged or taken, nothing after the incident is resolved.

use chrono::{DateTime, Duration, TimeZone, Utc};
use warroom::catalog::{self, Origin};
use warroom::domain::command::Command;
use warroom::domain::decide_outbound::decide;
use warroom::domain::event::{Actor, Envelope, Event};
use warroom::domain::incident::Incident;
use warroom::domain::outbound::{NotifierKind, Settle, Target};
use warroom::domain::paging::{self, PageDue, Paging};
use warroom::domain::refusal::Refusal;
use warroom::domain::refusal_outbound::OutboundRefusal;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 2, 0, 0).single().expect("time")
}

fn declared() -> Incident {
    let runbook = catalog::load(&Origin::Embedded, t0().date_naive()).get("cross-tenant-pii-leak").expect("rb").clone();
    let event = Event::Declared {
        incident: "INC-20261124-001".into(),
        title: "agent leaked a record".into(),
        severity: "SEV1".into(),
        runbook: Box::new(runbook),
        aware_at: None,
        drill: false,
        clocks: Vec::new(),
        from_alert: true,
    };
    Incident::declared(&Envelope { seq: 1, at: t0(), actor: Actor::named("listener"), event }).expect("incident")
}

fn apply(incident: &mut Incident, by: &str, at: DateTime<Utc>, event: Event) {
    let seq = incident.last_seq + 1;
    incident.apply(&Envelope { seq, at, actor: Actor::named(by), event });
}

/// Queues every page due at `at`, as the outbox runner does; what was due.
fn page_due(incident: &mut Incident, at: DateTime<Utc>) -> Vec<PageDue> {
    let due = paging::due(incident, at);
    for page in &due {
        let target = (Target { notifier: "hook".into(), to: None }, NotifierKind::Webhook, true);
        let command = Command::Page {
            role: page.role.clone(),
            rung: page.rung,
            rotation: page.rotation.clone(),
            targets: vec![target],
        };
        for event in decide(incident, command, at).expect("queued") {
            apply(incident, "outbox", at, event);
        }
    }
    due
}

fn rungs(due: &[PageDue]) -> Vec<(&str, usize, &str)> {
    due.iter().map(|d| (d.role.as_str(), d.rung, d.rotation.as_str())).collect()
}

#[test]
fn every_role_on_the_path_nobody_holds_is_paged_at_its_first_rung_once() {
    let mut incident = declared();
    let due = page_due(&mut incident, t0());
    assert_eq!(
        rungs(&due),
        [
            ("commander", 0, "ai-platform-incident-commanders"),
            ("privacy", 0, "privacy-oncall"),
            ("agent-sme", 0, "agent-platform-primary"),
            ("security", 0, "security-oncall"),
        ]
    );
    assert!(page_due(&mut incident, t0() + Duration::seconds(30)).is_empty(), "paged once, not every pass");
}

#[test]
fn an_unanswered_page_escalates_when_its_delay_has_passed_and_not_before() {
    let mut incident = declared();
    page_due(&mut incident, t0());
    assert!(page_due(&mut incident, t0() + Duration::seconds(599)).is_empty());
    let due = page_due(&mut incident, t0() + Duration::minutes(10));
    assert_eq!(rungs(&due), [("commander", 1, "head-of-engineering")], "privacy and security wait 15m");
    let later = page_due(&mut incident, t0() + Duration::hours(5));
    assert!(!rungs(&later).iter().any(|(role, ..)| *role == "commander"), "the path ends at its last rung: {later:?}");
    assert!(matches!(paging::paging(&incident, "commander"), Paging::Waiting { rung: 1, escalates_at: None, .. }));
}

#[test]
fn an_acknowledgement_or_taking_the_role_stops_escalation_and_a_second_ack_is_refused() {
    let mut incident = declared();
    page_due(&mut incident, t0());
    for event in
        decide(&incident, Command::Acknowledge { role: Some("commander".into()), via: None, answered_by: None }, t0())
            .expect("ack")
    {
        apply(&mut incident, "bob", t0() + Duration::minutes(1), event);
    }
    apply(
        &mut incident,
        "priya",
        t0() + Duration::minutes(2),
        Event::RoleAssigned { role: "privacy".into(), name: "priya".into(), previous: None },
    );
    let due = page_due(&mut incident, t0() + Duration::hours(1));
    assert!(!rungs(&due).iter().any(|(role, ..)| *role == "commander" || *role == "privacy"), "{due:?}");
    assert!(matches!(paging::paging(&incident, "commander"), Paging::Acknowledged { ref by, .. } if by == "bob"));
    assert!(matches!(paging::paging(&incident, "privacy"), Paging::Acknowledged { ref by, .. } if by == "priya"));
    let again =
        decide(&incident, Command::Acknowledge { role: Some("commander".into()), via: None, answered_by: None }, t0());
    assert!(matches!(again, Err(Refusal::Outbound(OutboundRefusal::AlreadyAcknowledged { .. }))), "{again:?}");
    let quiet =
        decide(&incident, Command::Acknowledge { role: Some("scribe".into()), via: None, answered_by: None }, t0());
    assert!(matches!(quiet, Err(Refusal::Outbound(OutboundRefusal::NotPaged { .. }))), "{quiet:?}");
}

#[test]
fn a_fast_drill_escalates_sooner_and_a_resolved_incident_pages_nobody() {
    let mut incident = declared();
    apply(&mut incident, "alice", t0(), Event::DrillConfigured { speed: 600, focus: None });
    page_due(&mut incident, t0());
    let due = page_due(&mut incident, t0() + Duration::seconds(1));
    assert!(rungs(&due).contains(&("commander", 1, "head-of-engineering")), "10m at 600×: {due:?}");
    let mut incident = declared();
    page_due(&mut incident, t0());
    apply(&mut incident, "alice", t0() + Duration::minutes(1), Event::Resolved {});
    assert!(page_due(&mut incident, t0() + Duration::hours(1)).is_empty());
}

#[test]
fn a_rung_whose_every_message_was_given_up_escalates_at_once() {
    let mut incident = declared();
    page_due(&mut incident, t0());
    let key = incident.outbox.messages[0].outbound.key.clone();
    let refused = warroom::domain::command::DeliveryOutcome::Failed { why: "HTTP 400".into(), retry_at: None };
    for event in decide(&incident, Command::Delivery { key, attempt: 1, outcome: refused }, t0()).expect("given up") {
        apply(&mut incident, "outbox", t0() + Duration::seconds(1), event);
    }
    assert!(matches!(paging::paging(&incident, "commander"), Paging::Waiting { unreached: true, .. }));
    let due = page_due(&mut incident, t0() + Duration::seconds(2));
    assert_eq!(rungs(&due), [("commander", 1, "head-of-engineering")], "nobody was reached: the next rung now");
}

#[test]
fn how_a_page_stands_is_said_with_its_rotation_its_age_and_what_comes_next() {
    let mut incident = declared();
    page_due(&mut incident, t0());
    let said = |incident: &Incident, role: &str, minutes: i64| {
        paging::said(incident, role, t0() + Duration::minutes(minutes)).expect("paged")
    };
    assert_eq!(
        said(&incident, "privacy", 1),
        (false, "page to privacy-oncall (level 1) queued 1m ago, not delivered yet; last on the path".to_owned()),
        "queued is not paged"
    );
    let keys: Vec<String> = incident.outbox.messages.iter().map(|m| m.outbound.key.clone()).collect();
    let failed = warroom::domain::command::DeliveryOutcome::Failed {
        why: "HTTP 503".into(),
        retry_at: Some(t0() + Duration::minutes(5)),
    };
    for event in decide(&incident, Command::Delivery { key: keys[0].clone(), attempt: 1, outcome: failed }, t0())
        .expect("failed")
    {
        apply(&mut incident, "outbox", t0(), event);
    }
    let (urgent, text) = said(&incident, "commander", 2);
    assert!(
        urgent
            && text.starts_with(
                "PAGE NOT DELIVERED to ai-platform-incident-commanders (level 1), queued 2m ago, retrying: HTTP 503"
            ),
        "{text}"
    );
    for key in keys {
        let delivered = warroom::domain::command::DeliveryOutcome::Delivered { receipt: None };
        for event in
            decide(&incident, Command::Delivery { key, attempt: 2, outcome: delivered }, t0()).expect("delivered")
        {
            apply(&mut incident, "outbox", t0(), event);
        }
    }
    assert_eq!(
        said(&incident, "commander", 4),
        (
            false,
            "paged ai-platform-incident-commanders (level 1) 4m ago, unanswered; escalates to head-of-engineering in 6m"
                .to_owned()
        )
    );
    assert_eq!(said(&incident, "commander", 10).1.rsplit("; ").next(), Some("escalating to head-of-engineering now"));
    assert!(said(&incident, "commander", 10).0, "past its escalation: urgent");
    assert_eq!(
        said(&incident, "privacy", 14),
        (false, "paged privacy-oncall (level 1) 14m ago, unanswered; last on the path".to_owned())
    );
    assert_eq!(
        said(&incident, "privacy", 16),
        (
            true,
            "paged privacy-oncall (level 1) 16m ago, unanswered; nobody further on the path: page by hand".to_owned()
        ),
        "the last rung's escalate_after passed: nobody else will be paged"
    );
    for event in
        decide(&incident, Command::Acknowledge { role: Some("privacy".into()), via: None, answered_by: None }, t0())
            .expect("ack")
    {
        apply(&mut incident, "priya", t0() + Duration::minutes(3), event);
    }
    assert_eq!(said(&incident, "privacy", 16), (false, "acknowledged by priya 13m ago".to_owned()));
    assert_eq!(paging::said(&incident, "scribe", t0()), None, "the scribe is on no path");
    apply(&mut incident, "alice", t0() + Duration::minutes(30), Event::Resolved {});
    assert_eq!(
        paging::said(&incident, "commander", t0() + Duration::hours(1)),
        Some((
            false,
            "paged ai-platform-incident-commanders (level 1), never answered; the incident was resolved".to_owned()
        )),
        "a page nobody answered stays on the record"
    );
}

/// The commander gives the privacy role to priya: the paging stops (the commander chose a
/// person), but it is not priya's answer until she acknowledges, and the record says who gave it.
#[test]
fn a_role_given_by_another_stops_the_paging_but_is_not_the_holders_acknowledgement() {
    let mut incident = declared();
    page_due(&mut incident, t0());
    let given = Event::RoleAssigned { role: "privacy".into(), name: "priya".into(), previous: None };
    apply(&mut incident, "alice", t0() + Duration::minutes(2), given);
    let due = page_due(&mut incident, t0() + Duration::hours(1));
    assert!(!rungs(&due).iter().any(|(role, ..)| *role == "privacy"), "no escalation for a role held: {due:?}");
    assert!(matches!(
        paging::paging(&incident, "privacy"),
        Paging::Acknowledged { ref by, assigned_by: Some(ref giver), .. } if by == "priya" && giver == "alice"
    ));
    assert_eq!(
        paging::said(&incident, "privacy", t0() + Duration::minutes(5)),
        Some((false, "paging stopped 3m ago: alice gave the role to priya, who has not acknowledged".to_owned()))
    );
    let page = incident.outbox.messages.iter().find(|m| m.outbound.purpose.role() == Some("privacy"));
    let key = page.map(|m| m.outbound.key.clone()).expect("privacy paged");
    apply(
        &mut incident,
        "outbox",
        t0() + Duration::minutes(1),
        Event::MessageDelivered { key, attempt: 1, receipt: None },
    );
    let hook = Target { notifier: "hook".into(), to: None };
    let settle = Command::Settle {
        role: "privacy".into(),
        action: Settle::Acknowledge,
        targets: vec![(hook, NotifierKind::Webhook)],
    };
    let told = decide(&incident, settle, t0() + Duration::minutes(5)).expect("told");
    let Some(Event::MessageQueued { message }) = told.first() else { panic!("{told:?}") };
    assert!(message.body.starts_with("alice gave the role to priya at"), "not priya's answer: {}", message.body);
    for event in
        decide(&incident, Command::Acknowledge { role: Some("privacy".into()), via: None, answered_by: None }, t0())
            .expect("ack")
    {
        apply(&mut incident, "priya", t0() + Duration::minutes(4), event);
    }
    assert!(matches!(
        paging::paging(&incident, "privacy"),
        Paging::Acknowledged { ref by, assigned_by: None, .. } if by == "priya"
    ));
    let again =
        decide(&incident, Command::Acknowledge { role: Some("privacy".into()), via: None, answered_by: None }, t0());
    assert!(matches!(again, Err(Refusal::Outbound(OutboundRefusal::AlreadyAcknowledged { .. }))), "{again:?}");
}

#[test]
fn answering_a_page_in_person_takes_the_role_nobody_holds_and_an_answer_in_pagerduty_does_not() {
    let mut incident = declared();
    page_due(&mut incident, t0());
    assert_eq!(incident.commander(), None, "an alert opened it: nobody commands yet");
    let ack = |role: &str, via: Option<&str>| Command::Acknowledge {
        role: Some(role.into()),
        via: via.map(str::to_owned),
        answered_by: via.map(|_| "Priya Patel".to_owned()),
    };
    let events = warroom::domain::decide(Some(&incident), ack("commander", None), t0(), "bob").expect("ack");
    for event in events {
        apply(&mut incident, "bob", t0() + Duration::minutes(1), event);
    }
    assert_eq!(incident.commander(), Some("bob"), "who answered the commander's page commands");
    let events =
        warroom::domain::decide(Some(&incident), ack("privacy", Some("pagerduty")), t0(), "listener").expect("ack");
    assert_eq!(events.len(), 1, "a name from PagerDuty is not a responder: {events:?}");
    assert!(!incident.roles.contains_key("privacy"));
}

#[test]
fn answering_in_person_without_a_role_takes_no_role_while_several_wait() {
    let mut incident = declared();
    page_due(&mut incident, t0());
    let ack = Command::Acknowledge { role: None, via: None, answered_by: None };
    let refused = decide(&incident, ack, t0()).expect_err("which role");
    let text = refused.to_string();
    assert!(text.contains("commander, privacy") && text.contains("name the one you answer"), "{text}");
    let by_pager = Command::Acknowledge { role: None, via: Some("pagerduty".into()), answered_by: Some("Sam".into()) };
    assert!(decide(&incident, by_pager, t0()).expect("a pager's answer").len() > 1, "as it always did");
}

#[test]
fn a_drills_page_recorded_not_sent_reads_as_a_drills_not_as_undelivered() {
    let mut incident = declared();
    incident.drill = true;
    let target = (Target { notifier: "pager".into(), to: None }, NotifierKind::Pagerduty, false);
    let page =
        Command::Page { role: "privacy".into(), rung: 0, rotation: "privacy-oncall".into(), targets: vec![target] };
    for event in decide(&incident, page, t0()).expect("queued") {
        apply(&mut incident, "outbox", t0(), event);
    }
    let (urgent, said) = paging::said(&incident, "privacy", t0() + Duration::minutes(3)).expect("paged");
    assert!(said.starts_with("DRILL: paged privacy-oncall (level 1) 3m ago, recorded, not sent"), "{said}");
    assert!(!urgent && !said.contains("NOT DELIVERED"), "{said}");
}
