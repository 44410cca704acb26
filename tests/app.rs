//! The application's use cases called directly, as every front end calls them, on both store
//! adapters (the file workspace and the in-memory store) with the same assertions.

mod common;

use chrono::{DateTime, Utc};
use common::stores::Adapter;
use warroom::app::declare::Declaration;
use warroom::app::{self, App, AppError, Call, Catalog, Done};
use warroom::catalog::{self, Origin};
use warroom::clock::Clock;
use warroom::domain::Command;
use warroom::domain::event::Actor;
use warroom::store::port::{Change, LogName};
use warroom::store::{MemoryStore, Store};

const RUNBOOK: &str = include_str!("fixtures/runbooks/echo-severity.yaml");

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

struct Fixture {
    adapter: Adapter,
    dir: tempfile::TempDir,
    store: std::sync::Arc<dyn Store>,
    runbooks: Vec<warroom::domain::runbook::Runbook>,
    clocks: Vec<warroom::domain::clock::ClockDef>,
}

impl Fixture {
    fn new(adapter: Adapter) -> Self {
        let dir = tempfile::tempdir().expect("dir");
        let runbook_dir = dir.path().join("runbooks");
        std::fs::create_dir_all(&runbook_dir).expect("runbooks");
        std::fs::write(runbook_dir.join("echo.yaml"), RUNBOOK).expect("runbook");
        let clocks = catalog::clocks::load(None);
        let loaded = catalog::load::load_with_clocks(
            &Origin::Path(runbook_dir),
            at("2026-11-24T09:00:00Z").date_naive(),
            &clocks.ids(),
        );
        assert_eq!(loaded.errors(), 0, "{:?}", loaded.diagnostics);
        let store: std::sync::Arc<dyn Store> = match adapter {
            Adapter::Memory => std::sync::Arc::new(MemoryStore::new()),
            other => common::stores::open(other, &dir.path().join("ws")),
        };
        Self { adapter, dir, store, runbooks: loaded.runbooks, clocks: clocks.clocks }
    }

    fn app<'a>(&'a self, actor: &'a Actor, now: &str) -> App<'a> {
        let catalog = Catalog::of(&self.runbooks, &self.clocks);
        App::new(self.store.as_ref(), self.dir.path(), Clock::frozen(at(now)), actor, catalog)
    }

    /// The same store as another writer sees it: a second process's workspace over the same
    /// directory, or (in memory, where there is no other process) the store itself.
    fn other_writer(&self) -> Option<std::sync::Arc<dyn Store>> {
        (!matches!(self.adapter, Adapter::Memory))
            .then(|| common::stores::open(self.adapter, &self.dir.path().join("ws")))
    }

    fn log(&self, id: &str) -> String {
        String::from_utf8(self.store.log_bytes(id).expect("log")).expect("ascii")
    }

    fn step_state(&self, id: &str, step: &str) -> String {
        let incident = self.store.incident(id).expect("incident");
        let (_, state) = incident.step(step).expect("step");
        format!("{:?}", state.status)
    }
}

on_both_stores!(
    the_confirmed_action_is_the_one_that_runs,
    a_runbook_naming_a_clock_missing_from_the_catalog_is_refused_not_declared_without_it,
    close_always_writes_the_bundle,
    ticks_respect_dependencies_unless_forced,
    a_two_person_step_needs_a_second_responder,
    alerts_open_incidents_and_unrouted_ones_wait_in_the_inbox,
    an_alert_for_a_runbook_missing_a_clock_waits_in_the_inbox_and_declaring_says_why,
    a_follower_is_woken_by_every_writer_and_sees_each_event_once,
    every_log_verifies_through_the_port,
);

fn declare(app: &App) -> String {
    let declaration = Declaration { runbook: "echo-severity".into(), ..Declaration::default() };
    match app::perform(app, Call::Declare(declaration)).expect("declare") {
        Done::Declared { id, .. } => id,
        other => panic!("{other:?}"),
    }
}

fn the_confirmed_action_is_the_one_that_runs(adapter: Adapter) {
    let fixture = Fixture::new(adapter);
    let alice = Actor::named("alice");
    let id = declare(&fixture.app(&alice, "2026-11-24T09:00:00Z"));
    let shown =
        app::action::prepare(&fixture.app(&alice, "2026-11-24T09:01:00Z"), &id, "announce", false, &Default::default())
            .expect("prepare");
    assert_eq!(shown.prepared.argv, ["echo", "severity=SEV2"]);

    let change = Command::Severity { to: "SEV1".into(), reason: "customers cannot log in".into() };
    app::record::record(&fixture.app(&Actor::named("bob"), "2026-11-24T09:01:30Z"), &id, change).expect("severity");
    let refused = app::action::run(
        &fixture.app(&alice, "2026-11-24T09:02:00Z"),
        &id,
        &shown.prepared,
        &Default::default(),
        |_| {},
    );
    let Err(AppError::Refused(why)) = refused else { panic!("{refused:?}") };
    assert!(why.contains("changed since it was confirmed") && why.contains("severity=SEV1"), "{why}");
    assert!(!fixture.log(&id).contains("action_started"), "nothing ran");

    let again =
        app::action::prepare(&fixture.app(&alice, "2026-11-24T09:03:00Z"), &id, "announce", false, &Default::default())
            .expect("again");
    let mut output = String::new();
    let ran = app::action::run(
        &fixture.app(&alice, "2026-11-24T09:03:10Z"),
        &id,
        &again.prepared,
        &Default::default(),
        |chunk: &str| {
            output.push_str(chunk);
        },
    )
    .expect("run");
    assert!(ran.outcome.succeeded() && ran.ticked, "{ran:?}");
    assert_eq!(output, "severity=SEV1\n");
}

fn a_runbook_naming_a_clock_missing_from_the_catalog_is_refused_not_declared_without_it(adapter: Adapter) {
    let mut fixture = Fixture::new(adapter);
    fixture.runbooks[0].clocks = vec!["gdpr-33".into(), "no-such-duty".into()];
    let alice = Actor::named("alice");
    let app = fixture.app(&alice, "2026-11-24T09:00:00Z");
    let declaration = Declaration { runbook: "echo-severity".into(), ..Declaration::default() };
    let refused = app::perform(&app, Call::Declare(declaration)).expect_err("refused");
    assert!(refused.to_string().contains("no clock \"no-such-duty\""), "{refused}");
    assert_eq!(fixture.store.all_ids().expect("ids").len(), 0, "nothing declared");
}

fn close_always_writes_the_bundle(adapter: Adapter) {
    let fixture = Fixture::new(adapter);
    let alice = Actor::named("alice");
    let id = declare(&fixture.app(&alice, "2026-11-24T09:00:00Z"));
    app::record::record(&fixture.app(&alice, "2026-11-24T10:00:00Z"), &id, Command::Resolve).expect("resolve");
    let close = Call::Close { incident: id.clone(), force: true, reason: Some("done".into()), redact: false };
    let Done::Closed { recorded, bundle } =
        app::perform(&fixture.app(&alice, "2026-11-24T11:00:00Z"), close).expect("close")
    else {
        panic!("not closed")
    };
    assert_eq!(recorded.incident, id);
    assert!(bundle.join("SHA256SUMS").is_file() && bundle.join("postmortem.md").is_file(), "{}", bundle.display());
    warroom::app::bundle::verify_bundle(&bundle, None).expect("the bundle verifies");
}

fn ticks_respect_dependencies_unless_forced(adapter: Adapter) {
    let fixture = Fixture::new(adapter);
    let alice = Actor::named("alice");
    let id = declare(&fixture.app(&alice, "2026-11-24T09:00:00Z"));
    let app = fixture.app(&alice, "2026-11-24T09:05:00Z");
    let tick = |force| Command::Tick { step: "contain".into(), note: None, force, override_hold: None };
    let refused = app::record::record(&app, &id, tick(false)).expect_err("refused");
    assert!(refused.to_string().contains("depends on confirm"), "{refused}");
    assert_eq!(fixture.step_state(&id, "contain"), "Pending");
    app::record::record(&app, &id, tick(true)).expect("forced");
    assert!(fixture.step_state(&id, "contain").starts_with("Done"), "{}", fixture.step_state(&id, "contain"));
    assert!(fixture.log(&id).contains(r#""forced":true"#), "the force is on the record");
}

fn a_two_person_step_needs_a_second_responder(adapter: Adapter) {
    let fixture = Fixture::new(adapter);
    let (alice, bob) = (Actor::named("alice"), Actor::named("bob"));
    let id = declare(&fixture.app(&alice, "2026-11-24T09:00:00Z"));
    let record = |actor, now, command| app::record::record(&fixture.app(actor, now), &id, command);
    let tick = || Command::Tick { step: "guarded".into(), note: None, force: false, override_hold: None };
    let refused = record(&alice, "2026-11-24T09:01:00Z", tick()).expect_err("refused");
    assert!(refused.to_string().contains("two-person rule"), "{refused}");
    record(&alice, "2026-11-24T09:02:00Z", Command::RequestApproval { step: "guarded".into(), argv: None })
        .expect("request");
    let own = record(&alice, "2026-11-24T09:03:00Z", Command::Approve { step: "guarded".into(), argv: None })
        .expect_err("own");
    assert!(own.to_string().contains("a second, different responder must approve"), "{own}");
    // The console alice asked from, its responder switched to bob: still one keyboard.
    let switched = Actor { name: "bob".into(), ..alice.clone() };
    let one_keyboard =
        record(&switched, "2026-11-24T09:03:30Z", Command::Approve { step: "guarded".into(), argv: None })
            .expect_err("one keyboard");
    assert!(one_keyboard.to_string().contains("from this same warroom process"), "{one_keyboard}");
    record(&bob, "2026-11-24T09:04:00Z", Command::Approve { step: "guarded".into(), argv: None }).expect("approved");
    record(&alice, "2026-11-24T09:05:00Z", tick()).expect("ticks once approved");
}

fn alerts_open_incidents_and_unrouted_ones_wait_in_the_inbox(adapter: Adapter) {
    let fixture = Fixture::new(adapter);
    let intake = Actor::named("alertmanager");
    let body = br#"{"version":"4","status":"firing","alerts":[
        {"status":"firing","labels":{"alertname":"EchoAlert","agent":"a1"},"annotations":{"summary":"echo"},"startsAt":"2026-11-24T08:55:00Z"},
        {"status":"firing","labels":{"alertname":"Unknown","agent":"a2"},"annotations":{},"startsAt":"2026-11-24T08:56:00Z"}]}"#;
    let alerts = warroom::ingest::parse(body).expect("alerts");
    let done = app::perform(&fixture.app(&intake, "2026-11-24T09:00:00Z"), Call::Ingest(alerts)).expect("ingest");
    let Done::Ingested(landed) = done else { panic!("{done:?}") };
    let places: Vec<String> = landed.iter().map(|(_, landed)| landed.to_string()).collect();
    assert!(places[0].starts_with("opened INC-20261124-"), "{places:?}");
    assert!(places[1].contains("unrouted inbox"), "{places:?}");
    let inbox = fixture.store.inbox().expect("inbox");
    let key = inbox.open_items().next().expect("waiting").alert.key.clone();
    let alice = Actor::named("alice");
    let dismiss = Call::DismissAlert { key, reason: "a synthetic rule".into() };
    app::perform(&fixture.app(&alice, "2026-11-24T09:10:00Z"), dismiss).expect("dismiss");
    assert_eq!(fixture.store.inbox().expect("inbox").open_items().count(), 0);
    let opened = fixture.store.open_ids().expect("open");
    assert_eq!(opened.len(), 1);
    let incident = fixture.store.incident(&opened[0]).expect("incident");
    assert_eq!(incident.aware_at(), Some(at("2026-11-24T08:55:00Z")), "aware at the alert's start");
}

fn an_alert_for_a_runbook_missing_a_clock_waits_in_the_inbox_and_declaring_says_why(adapter: Adapter) {
    let mut fixture = Fixture::new(adapter);
    fixture.runbooks[0].clocks = vec!["gdpr-33".into(), "no-such-duty".into()];
    let intake = Actor::named("alertmanager");
    let body = br#"{"version":"4","status":"firing","alerts":[
        {"status":"firing","labels":{"alertname":"EchoAlert"},"annotations":{},"startsAt":"2026-11-24T08:55:00Z"}]}"#;
    let alerts = warroom::ingest::parse(body).expect("alerts");
    let done = app::perform(&fixture.app(&intake, "2026-11-24T09:00:00Z"), Call::Ingest(alerts)).expect("ingest");
    let Done::Ingested(landed) = done else { panic!("{done:?}") };
    assert!(landed[0].1.to_string().contains("unrouted inbox"), "kept, not lost: {landed:?}");
    assert!(fixture.store.all_ids().expect("ids").is_empty(), "no incident without its legal duty");
    let key = fixture.store.inbox().expect("inbox").open_items().next().expect("waiting").alert.key.clone();
    let alice = Actor::named("alice");
    let declare = Call::DeclareFromAlert { key, runbook: "echo-severity".into(), severity: None, title: None };
    let refused = app::perform(&fixture.app(&alice, "2026-11-24T09:05:00Z"), declare).expect_err("refused");
    assert!(refused.to_string().contains("no-such-duty") && refused.to_string().contains("catalog"), "{refused}");
}

fn a_follower_is_woken_by_every_writer_and_sees_each_event_once(adapter: Adapter) {
    let fixture = Fixture::new(adapter);
    let alice = Actor::named("alice");
    let closed_before = declare(&fixture.app(&alice, "2026-11-24T08:00:00Z"));
    let close = Command::Close { force: true, reason: Some("false alarm".into()) };
    fixture.store.execute(&closed_before, &alice, at("2026-11-24T08:09:00Z"), Command::Resolve).expect("resolve");
    fixture.store.execute(&closed_before, &alice, at("2026-11-24T08:10:00Z"), close.clone()).expect("close");
    let archive = Command::Archive { reason: Some("false alarm".into()) };
    fixture.store.execute(&closed_before, &alice, at("2026-11-24T08:11:00Z"), archive.clone()).expect("archive");
    let id = declare(&fixture.app(&alice, "2026-11-24T09:00:00Z"));

    let (woken, wake_ups) = std::sync::mpsc::channel();
    let mut follower = fixture.store.follow(Box::new(move || woken.send(()).unwrap_or(()))).expect("follow");
    let first = follower.changes().expect("first look");
    let [Change::Open { incident, appended }] = first.as_slice() else { panic!("{first:?}") };
    assert_eq!((incident.id.as_str(), appended.first().map(|e| e.seq)), (id.as_str(), Some(1)), "all of it, once");
    assert!(follower.changes().expect("second look").is_empty(), "nothing new, nothing said");

    let other = fixture.other_writer();
    let writer: &dyn Store = other.as_deref().unwrap_or(fixture.store.as_ref());
    let bob = Actor::named("bob");
    let note = Command::Note { text: "vendor confirms the rotation".into() };
    let written = writer.execute(&id, &bob, at("2026-11-24T09:05:00Z"), note).expect("note");
    wake_ups.recv_timeout(std::time::Duration::from_secs(10)).expect("woken by the other writer");
    let news = follower.changes().expect("news");
    let [Change::Open { appended, .. }] = news.as_slice() else { panic!("{news:?}") };
    assert_eq!(appended.iter().map(|e| e.seq).collect::<Vec<_>>(), written.iter().map(|e| e.seq).collect::<Vec<_>>());

    common::stores::resolve_and_close_in_stead(writer, &id, "contained");
    wake_ups.recv_timeout(std::time::Duration::from_secs(10)).expect("woken by the close");
    let news = follower.changes().expect("news");
    assert!(news.iter().all(|c| matches!(c, Change::Open { .. })), "closed is still followed: {news:?}");
    writer.execute(&id, &bob, at("2026-11-24T09:08:00Z"), common::stores::in_alices_stead(archive)).expect("archive");
    wake_ups.recv_timeout(std::time::Duration::from_secs(10)).expect("woken by the archive");
    let news: Vec<Change> =
        follower.changes().expect("news").into_iter().filter(|c| !matches!(c, Change::Open { .. })).collect();
    assert!(matches!(news.as_slice(), [Change::Gone(gone)] if *gone == id), "{news:?}");
    assert!(follower.changes().expect("after").is_empty(), "gone once");
}

fn every_log_verifies_through_the_port(adapter: Adapter) {
    let fixture = Fixture::new(adapter);
    let alice = Actor::named("alice");
    let id = declare(&fixture.app(&alice, "2026-11-24T09:00:00Z"));
    let body = br#"{"version":"4","status":"firing","alerts":[
        {"status":"firing","labels":{"alertname":"NobodyRoutesThis"},"annotations":{},"startsAt":"2026-11-24T08:56:00Z"}]}"#;
    let alerts = warroom::ingest::parse(body).expect("alert");
    app::perform(&fixture.app(&alice, "2026-11-24T09:01:00Z"), Call::Ingest(alerts)).expect("ingest");
    let logs = fixture.store.logs().expect("logs");
    assert_eq!(logs, [LogName::Incident(id.clone()), LogName::Inbox]);
    let events = fixture.store.incident(&id).expect("incident").last_seq;
    let verified = fixture.store.verify(&logs[0]).expect("verifies");
    assert_eq!((verified.events, verified.bytes), (events, fixture.store.log_bytes(&id).expect("bytes").len() as u64));
    assert!(fixture.store.verify(&LogName::Inbox).expect("inbox verifies").events >= 1);
}
