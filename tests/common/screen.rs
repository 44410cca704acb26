//! The console's view model and frames for tests without a terminal: an incident worked on
//! for 70 minutes before a fixed time, fed to `update`, drawn on a `TestBackend`.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::catalog::{self, Origin, clocks};
use warroom::domain::clock::Decision;
use warroom::domain::event::{Actor, Envelope, Event};
use warroom::domain::incident::Incident;
use warroom::tui::feed::log_line;
use warroom::tui::keymap::Keymap;
use warroom::tui::model::Model;
use warroom::tui::theme::Theme;
use warroom::tui::update::{Effect, Msg, update};
use warroom::tui::view::{Ui, draw};

pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T02:00:00Z").expect("t0").with_timezone(&Utc)
}

/// An incident declared 70 minutes before `t0()` and worked on, as envelopes.
pub fn envelopes(id: &str, runbook_id: &str, aware_hours_ago: i64) -> Vec<Envelope> {
    let runbook = catalog::load(&Origin::Embedded, t0().date_naive()).get(runbook_id).expect("runbook").clone();
    let catalog = clocks::load(None);
    let clock_defs = runbook.clocks.iter().filter_map(|c| catalog.get(c).cloned()).collect();
    let start = t0() - Duration::minutes(70);
    let events = vec![
        Event::Declared {
            incident: id.to_owned(),
            title: "Support agent showed tenant Globex three Acme records \u{1b}[2J".to_owned(),
            severity: "SEV1".to_owned(),
            runbook: Box::new(runbook),
            aware_at: Some(t0() - Duration::hours(aware_hours_ago)),
            drill: false,
            clocks: clock_defs,
            from_alert: false,
        },
        Event::RoleAssigned { role: "scribe".into(), name: "sam".into(), previous: None },
        Event::StepTicked {
            step: "confirm-signal".into(),
            note: Some("trace 7f3a".into()),
            forced: false,
            hold_override: None,
        },
        Event::StepTicked { step: "record-awareness".into(), note: None, forced: false, hold_override: None },
        Event::NoteAdded { text: "TODO: tenant-isolation test in the release gate".into() },
        Event::DecisionRecorded {
            decision: Decision::CausalLink,
            at: t0() - Duration::minutes(5),
            evidence: None,
            corrects: None,
            auto: false,
            reason: None,
            confirms: false,
            moved: Vec::new(),
            regime: None,
        },
    ];
    events
        .into_iter()
        .enumerate()
        .map(|(i, event)| Envelope {
            seq: i as u64 + 1,
            at: start + Duration::minutes(i as i64 * 7),
            actor: Actor::named(if i == 4 { "sam" } else { "alice" }),
            event,
        })
        .collect()
}

pub fn changed(envelopes: &[Envelope]) -> Msg {
    let mut incident = Incident::declared(&envelopes[0]).expect("declared");
    for e in &envelopes[1..] {
        incident.apply(e);
    }
    Msg::Changed { incident: Box::new(incident), appended: envelopes.iter().map(log_line).collect() }
}

pub fn keymap() -> Keymap {
    Keymap::shipped().expect("keymap")
}

pub fn model_with(incidents: &[(&str, &str, i64)]) -> Model {
    let runbooks = vec![("cross-tenant-pii-leak".to_owned(), "Cross-tenant PII leak".to_owned())];
    let mut model = Model::new("alice", "/srv/warroom", Tz::UTC, runbooks);
    let shipped = catalog::load(&Origin::Embedded, t0().date_naive());
    model.declarable = warroom::tui::forms::declarable(&shipped.runbooks);
    for (id, runbook, aware) in incidents {
        update(&mut model, changed(&envelopes(id, runbook, *aware)), &keymap(), t0());
    }
    model
}

pub fn key(model: &mut Model, code: KeyCode) -> Vec<Effect> {
    update(model, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), &keymap(), t0())
}

pub fn typed(model: &mut Model, text: &str) {
    for c in text.chars() {
        key(model, KeyCode::Char(c));
    }
}

pub fn ui(theme: &str) -> Ui {
    Ui { theme: Theme::shipped(theme).expect("theme"), keymap: keymap() }
}

pub fn render(model: &Model, width: u16, height: u16, now: DateTime<Utc>) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|frame| draw(frame, model, &ui("default"), now)).expect("draw");
    terminal
}

pub fn text_of(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// An alert waiting in the unrouted inbox, seen twice, last three minutes before `t0`.
pub fn unrouted(name: &str, key: &str, summary: &str) -> warroom::domain::inbox::InboxItem {
    use warroom::domain::alert::{Alert, Source, Status};
    use warroom::domain::inbox::{InboxItem, InboxState};
    let labels = [("alertname".to_owned(), name.to_owned()), ("agent".to_owned(), "ledger-3".to_owned())].into();
    let annotations = [("summary".to_owned(), summary.to_owned())].into();
    let alert = Alert {
        source: Source::Generic,
        status: Status::Firing,
        key: key.to_owned(),
        labels,
        annotations,
        starts_at: Some(t0() - Duration::minutes(20)),
        ends_at: None,
        group: None,
        generator_url: None,
    };
    InboxItem {
        alert,
        first_seen: t0() - Duration::minutes(20),
        last_seen: t0() - Duration::minutes(3),
        deliveries: 2,
        state: InboxState::Open,
    }
}
