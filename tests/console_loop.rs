//! The console's step function without a terminal: a message goes through `update`, its
//! effects through the application on a store (the file workspace and the in-memory one),
//! and what came of them back as messages, in order.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use common::stores::Adapter;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;
use warroom::catalog::{self, Origin};
use warroom::clock::Clock;
use warroom::domain::command::Command;
use warroom::domain::event::Actor;
use warroom::store::{MemoryStore, Store};
use warroom::tui::Session;
use warroom::tui::effects::process;
use warroom::tui::feed::Feed;
use warroom::tui::forms::Purpose;
use warroom::tui::keymap::Keymap;
use warroom::tui::model::{Mode, Model};
use warroom::tui::theme::Theme;
use warroom::tui::update::Msg;
use warroom::tui::view::Ui;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

on_both_stores!(
    a_declaration_comes_back_as_its_outcome_then_its_selection,
    the_argv_shown_is_the_argv_run_and_a_changed_one_is_not_run,
    another_responders_write_reaches_the_console_through_the_feed,
    a_refused_note_reopens_its_form_with_the_text_kept,
    one_who_handed_over_command_resolves_only_in_the_new_commanders_stead,
    the_history_reads_an_archived_incident_from_the_store,
    a_command_line_is_kept_for_the_next_console,
);

struct Console {
    _dir: tempfile::TempDir,
    session: Session,
    model: Model,
    feed: Feed<'static>,
    actions: mpsc::UnboundedSender<Msg>,
    finished: mpsc::UnboundedReceiver<Msg>,
}

impl Console {
    fn new(adapter: Adapter) -> Self {
        let dir = tempfile::tempdir().expect("dir");
        let runbook_dir = dir.path().join("runbooks");
        std::fs::create_dir_all(&runbook_dir).expect("runbooks");
        std::fs::copy("tests/fixtures/runbooks/echo-severity.yaml", runbook_dir.join("echo.yaml")).expect("runbook");
        let clocks = catalog::clocks::load(None);
        let loaded = catalog::load::load_with_clocks(
            &Origin::Path(runbook_dir),
            at("2026-11-24T09:00:00Z").date_naive(),
            &clocks.ids(),
        );
        let listed: Vec<(String, String)> = loaded.runbooks.iter().map(|r| (r.id.clone(), r.title.clone())).collect();
        let runbook_list: warroom::tui::RunbookLister = Box::new(move || listed.clone());
        let store: Arc<dyn Store> = match adapter {
            Adapter::Memory => Arc::new(MemoryStore::new()),
            other => common::stores::open(other, &dir.path().join("ws")),
        };
        // The console follows the store for as long as the test runs.
        let followed: &'static Arc<dyn Store> = Box::leak(Box::new(store.clone()));
        let feed = Feed::new(followed.follow(Box::new(|| {})).expect("follow"));
        let session = Session {
            store,
            dir: dir.path().join("ws"),
            actor: Actor::named("alice"),
            tz: chrono_tz::UTC,
            runbooks: loaded.runbooks,
            runbook_list,
            clocks: clocks.clocks,
            unusable_clocks: Default::default(),
            startup_notices: Vec::new(),
            ui: Ui { theme: Theme::shipped("default").expect("theme"), keymap: Keymap::shipped().expect("keymap") },
            clock: Clock::frozen(at("2026-11-24T09:00:00Z")),
            parse_command: Box::new(|_, _, _| Err(warroom::app::AppError::refused("no command line in this test"))),
            listen: None,
            service: None,
        };
        let model = Model::new("alice", "test", chrono_tz::UTC, (session.runbook_list)());
        let (actions, finished) = mpsc::unbounded_channel();
        Self { _dir: dir, session, model, feed, actions, finished }
    }

    fn send(&mut self, msg: Msg) {
        process(&mut self.session, &mut self.model, &mut self.feed, msg, &self.actions);
    }

    /// A console started anew on the same store: a fresh model and a fresh follower.
    fn restart(&mut self) {
        let followed: &'static Arc<dyn Store> = Box::leak(Box::new(self.session.store.clone()));
        self.feed = Feed::new(followed.follow(Box::new(|| {})).expect("follow"));
        self.model = Model::new("alice", "test", chrono_tz::UTC, (self.session.runbook_list)());
    }

    /// What the store's follower brings in, as the console's loop delivers it when woken.
    fn news(&mut self) {
        for msg in self.feed.refresh() {
            self.send(msg);
        }
    }

    fn key(&mut self, code: KeyCode) {
        self.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    /// The action the open confirmation would run.
    fn confirming(&self) -> Option<warroom::action::Prepared> {
        let Mode::Form(form) = &self.model.mode else { return None };
        let Purpose::RunAction { prepared, .. } = &form.purpose else { return None };
        Some(*prepared.clone())
    }

    fn flash(&self) -> String {
        self.model.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default()
    }

    fn log(&self, id: &str) -> String {
        String::from_utf8(self.session.store.log_bytes(id).expect("log")).expect("text")
    }

    fn declare(&mut self) -> String {
        self.key(KeyCode::Char('D'));
        for _ in 0..4 {
            self.key(KeyCode::Enter);
        }
        assert!(self.flash().starts_with("✓ declared INC-20261124-"), "{}", self.flash());
        let selected = self.model.current().expect("the declared incident is selected");
        selected.incident.id.clone()
    }
}

fn a_declaration_comes_back_as_its_outcome_then_its_selection(adapter: Adapter) {
    let mut console = Console::new(adapter);
    assert_eq!(console.declare(), "INC-20261124-001");
    let id = console.declare();
    assert_eq!(console.model.incidents.len(), 2, "the feed brought the new incident in");
    assert_eq!(id, "INC-20261124-002", "the outcome selects the incident the news brought in");
    for text in ["first", "second"] {
        console.key(KeyCode::Char('n'));
        for c in text.chars() {
            console.key(KeyCode::Char(c));
        }
        console.send(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    }
    let log = console.log(&id);
    let (first, second) = (log.find("\"first\"").expect("first"), log.find("\"second\"").expect("second"));
    assert!(first < second, "notes land in the order they were made");
    assert!(console.flash().contains("second"), "{}", console.flash());
}

fn the_argv_shown_is_the_argv_run_and_a_changed_one_is_not_run(adapter: Adapter) {
    let mut console = Console::new(adapter);
    let id = console.declare();
    console.key(KeyCode::Char('r'));
    let shown = console.confirming().expect("asks to confirm");
    assert_eq!(shown.argv, ["echo", "severity=SEV2"]);

    let bob = Actor::named("bob");
    let change = Command::Severity { to: "SEV1".into(), reason: "customers cannot log in".into() };
    console.session.store.execute(&id, &bob, at("2026-11-24T09:00:00Z"), change).expect("severity");
    console.key(KeyCode::Enter);
    assert!(console.confirming().is_some(), "Enter does not say yes to a run");
    console.key(KeyCode::Char('y'));
    let finished = console.finished.blocking_recv().expect("the action's end");
    console.send(finished);
    assert!(console.flash().contains("changed since it was confirmed"), "{}", console.flash());
    assert!(!console.log(&id).contains("action_started"), "nothing ran");

    console.key(KeyCode::Char('r'));
    assert_eq!(console.confirming().expect("asks again").argv, ["echo", "severity=SEV1"]);
    console.key(KeyCode::Char('y'));
    loop {
        let msg = console.finished.blocking_recv().expect("output, then the end");
        let done = matches!(msg, Msg::ActionFinished(..));
        console.send(msg);
        if done {
            break;
        }
    }
    let action = console.model.action.as_ref().expect("the action pane");
    assert_eq!(action.argv, ["echo", "severity=SEV1"]);
    assert_eq!(action.output, "severity=SEV1\n");
    assert!(console.flash().starts_with("✓ announce succeeded"), "{}", console.flash());
    assert!(console.log(&id).contains(r#""argv":["echo","severity=SEV1"]"#), "the recorded argv is the shown one");
}

fn another_responders_write_reaches_the_console_through_the_feed(adapter: Adapter) {
    let mut console = Console::new(adapter);
    let id = console.declare();
    let bob = Actor::named("bob");
    let other: Arc<dyn Store> = match adapter {
        Adapter::Memory => console.session.store.clone(),
        other => common::stores::open(other, &console.session.dir),
    };
    let note = Command::Note { text: "bob: vendor confirms the key was rotated".into() };
    other.execute(&id, &bob, at("2026-11-24T09:05:00Z"), note).expect("note");
    console.news();
    let shown = console.model.current().expect("the incident");
    assert_eq!(
        shown.timeline.last().map(|l| (l.actor.as_str(), l.text.contains("key was rotated"))),
        Some(("bob", true))
    );

    common::stores::resolve_and_close_in_stead(other.as_ref(), &id, "drill over");
    console.news();
    let shown = console.model.incidents.iter().find(|i| i.incident.id == id).expect("a closed incident stays");
    assert_eq!(shown.incident.state, warroom::domain::incident::IncidentState::Closed);
    let archive = Command::Archive { reason: Some("drill over".into()) };
    other.execute(&id, &bob, at("2026-11-24T09:08:00Z"), common::stores::in_alices_stead(archive)).expect("archive");
    console.news();
    assert!(console.model.incidents.iter().all(|i| i.incident.id != id), "an archived incident leaves the console");
}

#[test]
fn a_damaged_log_shows_as_unreadable_beside_the_healthy_incidents() {
    let mut console = Console::new(Adapter::File);
    let healthy = console.declare();
    let damaged = console.declare();
    let note = Command::Note { text: "note one".into() };
    console.session.store.execute(&damaged, &Actor::named("bob"), at("2026-11-24T09:01:00Z"), note).expect("note");
    console.news();
    let log = console.session.dir.join("incidents").join(format!("{damaged}.jsonl"));
    let mut bytes = std::fs::read(&log).expect("log");
    let at_note = bytes.windows(8).position(|w| w == b"note one").expect("the note");
    bytes[at_note + 5] = b'X';
    std::fs::write(&log, &bytes).expect("tamper");
    console.restart();
    console.news();
    let why = console.model.unreadable.get(&damaged).expect("the damaged incident is listed as unreadable");
    assert!(why.contains("damaged at seq"), "{why}");
    assert!(console.model.incidents.iter().any(|e| e.incident.id == healthy), "the healthy one stays");
}

fn a_refused_note_reopens_its_form_with_the_text_kept(adapter: Adapter) {
    let mut console = Console::new(adapter);
    let id = console.declare();
    console.key(KeyCode::Char('n'));
    for c in "vendor confirmed the key rotation".chars() {
        console.key(KeyCode::Char(c));
    }
    let bob = Actor::named("bob");
    common::stores::resolve_and_close_in_stead(console.session.store.as_ref(), &id, "bob closed it meanwhile");
    let archive = Command::Archive { reason: Some("bob archived it meanwhile".into()) };
    console
        .session
        .store
        .execute(&id, &bob, at("2026-11-24T09:08:00Z"), common::stores::in_alices_stead(archive))
        .expect("archive");
    console.send(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    let Mode::Form(form) = &console.model.mode else { panic!("the note form is open again: {:?}", console.flash()) };
    let typed = form.fields.iter().find_map(|f| match &f.kind {
        warroom::tui::form::FieldKind::Text { area, .. } => Some(area.lines().join("\n")),
        _ => None,
    });
    assert_eq!(typed.as_deref(), Some("vendor confirmed the key rotation"));
    assert!(form.error.as_deref().is_some_and(|e| e.contains("archived") && e.contains("kept")), "{:?}", form.error);
    console.key(KeyCode::Esc);
    assert!(matches!(console.model.mode, Mode::Normal), "Esc drops it");
}

fn one_who_handed_over_command_resolves_only_in_the_new_commanders_stead(adapter: Adapter) {
    let mut console = Console::new(adapter);
    let id = console.declare();
    let (alice, bob) = (Actor::named("alice"), Actor::named("bob"));
    let hand_over = Command::Assign { role: "commander".into(), name: "bob".into() };
    console.session.store.execute(&id, &alice, at("2026-11-24T09:01:00Z"), hand_over).expect("offer");
    console.session.store.execute(&id, &bob, at("2026-11-24T09:02:00Z"), Command::AcceptCommand).expect("accept");
    console.news();

    console.key(KeyCode::Char('R'));
    let Mode::Form(form) = &console.model.mode else { panic!("asked to act in bob's stead: {}", console.flash()) };
    assert!(matches!(form.purpose, Purpose::InStead { .. }), "asked at once, not after a yes: {:?}", form.purpose);
    let asked: Vec<&str> = form.fields.iter().map(|f| f.label.as_str()).collect();
    assert!(asked.iter().any(|q| q.contains("Only the commander (bob) may resolve")), "{asked:?}");
    assert!(asked.iter().any(|q| q.contains("required steps still open")), "what resolving leaves open: {asked:?}");
    assert!(!console.flash().contains("refused"), "nothing was refused yet: {}", console.flash());
    assert!(!console.log(&id).contains("\"resolved\""), "nothing recorded before the answer");

    for c in "bob unreachable since 09:02, paged twice".chars() {
        console.key(KeyCode::Char(c));
    }
    console.key(KeyCode::Enter);
    console.key(KeyCode::Char('y'));
    assert!(console.flash().starts_with("✓"), "{}", console.flash());
    let log = console.log(&id);
    let last: Vec<&str> = log.lines().rev().take(2).collect();
    assert!(last[1].contains(r#""kind":"acted_in_stead","data":{"commander":"bob","what":"resolve","reason":"bob unreachable since 09:02, paged twice"}"#), "{log}");
    assert!(last[0].contains(r#""kind":"resolved""#) && last[0].contains(r#""name":"alice""#), "{log}");
    let shown = console.model.current().expect("the incident");
    let said = shown.timeline.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n");
    assert!(
        said.contains(
            "acted in the commander's stead (bob holds command) for the next entry: resolve; why: bob unreachable"
        ),
        "{said}"
    );
    let now = at("2026-11-24T09:10:00Z");
    let (_, detail) = warroom::tui::detail::content(&console.model, &warroom::tui::model::Detail::Incident, now);
    let detail: Vec<String> = detail.iter().map(|l| l.iter().map(|(_, t)| t.as_str()).collect()).collect();
    let resolved = detail.iter().find(|l| l.starts_with("resolved")).cloned().unwrap_or_default();
    assert!(resolved.ends_with("by alice in the commander's stead"), "{detail:?}");
}

fn the_history_reads_an_archived_incident_from_the_store(adapter: Adapter) {
    let mut console = Console::new(adapter);
    let id = console.declare();
    let alice = Actor::named("alice");
    let store = console.session.store.clone();
    store.execute(&id, &alice, at("2026-11-24T09:01:00Z"), Command::Resolve).expect("resolve");
    let close = Command::Close { force: true, reason: Some("contained".into()) };
    store.execute(&id, &alice, at("2026-11-24T09:02:00Z"), close).expect("close");
    let archive = Command::Archive { reason: Some("filings tracked by the DPO".into()) };
    store.execute(&id, &alice, at("2026-11-24T09:03:00Z"), archive).expect("archive");
    console.news();
    assert!(console.model.incidents.iter().all(|e| e.incident.id != id), "an archived incident leaves the panes");

    console.key(KeyCode::Char('L'));
    let listed = console.model.found.as_ref().map(|f| f.found.incidents.iter().map(|l| l.id.clone()).collect());
    assert_eq!(listed, Some(vec![id.clone()]), "{}", console.flash());
    console.key(KeyCode::Enter);
    let record = console.model.record.as_ref().expect("read from the store");
    assert_eq!(record.entry.incident.state, warroom::domain::incident::IncidentState::Archived);
    assert_eq!(record.entry.timeline.len(), console.log(&id).lines().count(), "every line of its log");
    assert!(matches!(console.model.mode, Mode::Detail { target: warroom::tui::model::Detail::Record, .. }));
}

fn a_command_line_is_kept_for_the_next_console(adapter: Adapter) {
    let mut console = Console::new(adapter);
    std::fs::create_dir_all(&console.session.dir).expect("the workspace directory");
    console.declare();
    console.key(KeyCode::Char(':'));
    for c in "note . \"paged the DPO\"".chars() {
        console.key(KeyCode::Char(c));
    }
    console.key(KeyCode::Enter);
    assert_eq!(warroom::tui::recall::load(&console.session.dir), ["note . \"paged the DPO\""]);
}
