//! The application's use cases called directly, as every front end calls them: the confirmed
//! action is the one that runs, a runbook's missing clock is refused, close writes the bundle.

use chrono::{DateTime, Utc};
use warroom::app::declare::Declaration;
use warroom::app::{self, App, AppError, Call, Catalog, Done};
use warroom::catalog::{self, Origin};
use warroom::clock::Clock;
use warroom::domain::Command;
use warroom::domain::event::Actor;
use warroom::store::Workspace;

const RUNBOOK: &str = r##"
id: echo-severity
title: An action that depends on the incident
version: 1
owner: sre
summary: One step whose argv carries the severity.
last_reviewed: 2026-11-01
review_every: 90d
drill_every: 90d
severity:
  default: SEV2
  guidance: When unsure, pick the higher.
  levels:
    - { id: SEV1, name: Critical, definition: Customers cannot use the product. }
    - { id: SEV2, name: Major, definition: A feature is degraded. }
roles:
  - { id: commander, title: Incident commander, duties: Decides., required: true }
on_call:
  - { role: commander, page: primary, escalate_after: 10m }
phases:
  - id: contain
    title: Contain
    steps:
      - id: announce
        title: Announce the severity
        detail: Echoes it.
        role: commander
        kind: containment
        action:
          program: echo
          args: ["severity={{incident.severity}}"]
          tick_on_success: true
postmortem: "# Post-mortem"
"##;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

struct Fixture {
    dir: tempfile::TempDir,
    store: Workspace,
    runbooks: Vec<warroom::domain::runbook::Runbook>,
    clocks: Vec<warroom::domain::clock::ClockDef>,
}

impl Fixture {
    fn new() -> Self {
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
        let store = Workspace::open(&dir.path().join("ws")).expect("workspace");
        Self { dir, store, runbooks: loaded.runbooks, clocks: clocks.clocks }
    }

    fn app<'a>(&'a self, actor: &'a Actor, now: &str) -> App<'a> {
        App {
            store: &self.store,
            clock: Clock::frozen(at(now)),
            actor,
            catalog: Catalog {
                runbooks: &self.runbooks,
                clocks: &self.clocks,
                origin: "the test's runbooks",
                runbooks_broken: false,
                clocks_broken: false,
            },
        }
    }

    fn log(&self, id: &str) -> String {
        std::fs::read_to_string(self.dir.path().join("ws/incidents").join(format!("{id}.jsonl"))).expect("log")
    }
}

fn declare(app: &App) -> String {
    let declaration = Declaration { runbook: "echo-severity".into(), ..Declaration::default() };
    match app::perform(app, Call::Declare(declaration)).expect("declare") {
        Done::Declared { id } => id,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_confirmed_action_is_the_one_that_runs() {
    let fixture = Fixture::new();
    let alice = Actor::named("alice");
    let id = declare(&fixture.app(&alice, "2026-11-24T09:00:00Z"));
    let shown = app::action::prepare(&fixture.app(&alice, "2026-11-24T09:01:00Z"), &id, "announce").expect("prepare");
    assert_eq!(shown.prepared.argv, ["echo", "severity=SEV2"]);

    let change = Command::Severity { to: "SEV1".into(), reason: "customers cannot log in".into() };
    app::record::record(&fixture.app(&Actor::named("bob"), "2026-11-24T09:01:30Z"), &id, change).expect("severity");
    let refused = app::action::run(&fixture.app(&alice, "2026-11-24T09:02:00Z"), &id, &shown.prepared, |_| {});
    let Err(AppError::Refused(why)) = refused else { panic!("{refused:?}") };
    assert!(why.contains("changed since it was confirmed") && why.contains("severity=SEV1"), "{why}");
    assert!(!fixture.log(&id).contains("action_started"), "nothing ran");

    let again = app::action::prepare(&fixture.app(&alice, "2026-11-24T09:03:00Z"), &id, "announce").expect("again");
    let mut output = String::new();
    let ran = app::action::run(&fixture.app(&alice, "2026-11-24T09:03:10Z"), &id, &again.prepared, |chunk| {
        output.push_str(chunk);
    })
    .expect("run");
    assert!(ran.outcome.succeeded() && ran.ticked, "{ran:?}");
    assert_eq!(output, "severity=SEV1\n");
}

#[test]
fn a_runbook_naming_a_clock_missing_from_the_catalog_is_refused_not_declared_without_it() {
    let mut fixture = Fixture::new();
    fixture.runbooks[0].clocks = vec!["gdpr-33".into(), "no-such-duty".into()];
    let alice = Actor::named("alice");
    let app = fixture.app(&alice, "2026-11-24T09:00:00Z");
    let declaration = Declaration { runbook: "echo-severity".into(), ..Declaration::default() };
    let refused = app::perform(&app, Call::Declare(declaration)).expect_err("refused");
    assert!(refused.to_string().contains("no clock \"no-such-duty\""), "{refused}");
    assert_eq!(fixture.store.all_ids().expect("ids").len(), 0, "nothing declared");
}

#[test]
fn close_always_writes_the_bundle() {
    let fixture = Fixture::new();
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
    warroom::store::bundle::verify_bundle(&bundle).expect("the bundle verifies");
}
