//! The console's step function without a terminal: a message goes through `update`, its
//! effects through the application on a real workspace, and what came of them back as
//! messages, in order.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;
use warroom::catalog::{self, Origin};
use warroom::clock::Clock;
use warroom::domain::command::Command;
use warroom::domain::event::Actor;
use warroom::store::{Store, Workspace};
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

struct Console {
    _dir: tempfile::TempDir,
    session: Session,
    model: Model,
    feed: Feed,
    actions: mpsc::UnboundedSender<Msg>,
    finished: mpsc::UnboundedReceiver<Msg>,
}

impl Console {
    fn new() -> Self {
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
        let runbook_list = loaded.runbooks.iter().map(|r| (r.id.clone(), r.title.clone())).collect();
        let session = Session {
            workspace: Workspace::open(&dir.path().join("ws")).expect("workspace"),
            actor: Actor::named("alice"),
            tz: chrono_tz::UTC,
            runbooks: loaded.runbooks,
            runbook_list,
            clocks: clocks.clocks,
            ui: Ui { theme: Theme::shipped("default").expect("theme"), keymap: Keymap::shipped().expect("keymap") },
            clock: Clock::frozen(at("2026-11-24T09:00:00Z")),
            parse_command: Box::new(|_, _, _| Err("no command line in this test".to_owned())),
            listen: None,
        };
        let model = Model::new("alice", "test", chrono_tz::UTC, session.runbook_list.clone());
        let (actions, finished) = mpsc::unbounded_channel();
        Self { _dir: dir, session, model, feed: Feed::default(), actions, finished }
    }

    fn send(&mut self, msg: Msg) {
        process(&mut self.session, &mut self.model, &mut self.feed, msg, &self.actions);
    }

    fn key(&mut self, code: KeyCode) {
        self.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    /// The action the open confirmation would run.
    fn confirming(&self) -> Option<warroom::action::Prepared> {
        let Mode::Form(form) = &self.model.mode else { return None };
        let Purpose::RunAction { prepared } = &form.purpose else { return None };
        Some(*prepared.clone())
    }

    fn flash(&self) -> String {
        self.model.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default()
    }

    fn log(&self, id: &str) -> String {
        std::fs::read_to_string(self.session.workspace.log_path(id)).expect("log")
    }

    fn declare(&mut self) -> String {
        self.key(KeyCode::Char('D'));
        self.key(KeyCode::Enter);
        self.key(KeyCode::Enter);
        assert!(self.flash().starts_with("✓ declared INC-20261124-"), "{}", self.flash());
        let selected = self.model.current().expect("the declared incident is selected");
        selected.incident.id.clone()
    }
}

#[test]
fn a_declaration_comes_back_as_its_outcome_then_its_selection() {
    let mut console = Console::new();
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

#[test]
fn the_argv_shown_is_the_argv_run_and_a_changed_one_is_not_run() {
    let mut console = Console::new();
    let id = console.declare();
    console.key(KeyCode::Char('r'));
    let shown = console.confirming().expect("asks to confirm");
    assert_eq!(shown.argv, ["echo", "severity=SEV2"]);

    let bob = Actor::named("bob");
    let change = Command::Severity { to: "SEV1".into(), reason: "customers cannot log in".into() };
    console.session.workspace.execute(&id, &bob, at("2026-11-24T09:00:00Z"), change).expect("severity");
    console.key(KeyCode::Enter);
    let finished = console.finished.blocking_recv().expect("the action's end");
    console.send(finished);
    assert!(console.flash().contains("changed since it was confirmed"), "{}", console.flash());
    assert!(!console.log(&id).contains("action_started"), "nothing ran");

    console.key(KeyCode::Char('r'));
    assert_eq!(console.confirming().expect("asks again").argv, ["echo", "severity=SEV1"]);
    console.key(KeyCode::Enter);
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
