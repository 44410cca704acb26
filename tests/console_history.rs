//! History and search in the console: `/` searches every incident (closed and archived ones
//! too), `L` lists them all; one this console follows opens in the main view with its log
//! filtered, any other is read from the workspace and shown read-only.

mod common;

use crossterm::event::KeyCode;
use warroom::app::search::{Found, Listed};
use warroom::domain::event::{Envelope, Event};
use warroom::domain::incident::{Incident, IncidentState};
use warroom::domain::search::Hit;
use warroom::tui::feed::log_line;
use warroom::tui::model::{Detail, IncidentEntry, Mode, RecordView};
use warroom::tui::update::{Effect, Msg, update};

use common::screen::*;

const OPEN: &str = "INC-20261124-001";
const ARCHIVED: &str = "INC-20261101-004";

fn listed(id: &str, state: IncidentState, title: &str, hits: Vec<Hit>) -> Listed {
    Listed {
        id: id.to_owned(),
        title: title.to_owned(),
        severity: "SEV1".to_owned(),
        state,
        drill: false,
        declared_at: t0(),
        ended_at: (state == IncidentState::Archived).then(t0),
        hits,
    }
}

fn hit(place: &str, text: &str) -> Hit {
    Hit { place: place.to_owned(), text: text.to_owned() }
}

fn found() -> Found {
    Found {
        incidents: vec![
            listed(
                OPEN,
                IncidentState::Active,
                "Support agent showed Globex \u{1b}[2J",
                vec![hit("note #5 by sam", "TODO: tenant-isolation test in the release gate")],
            ),
            listed(
                ARCHIVED,
                IncidentState::Archived,
                "Refund agent paid twice",
                vec![
                    hit("note #9 by priya", "the release gate\nmissed the idempotency key \u{1b}]52;c;x\u{7}"),
                    hit("step fix-filter", "release gate extended"),
                    hit("alert RefundStorm label", "release=gate-7"),
                    hit("alert RefundStorm summary", "release gate bypassed"),
                ],
            ),
        ],
        unreadable: vec![("INC-20261020-002".to_owned(), "line 7 does not chain".to_owned())],
    }
}

#[test]
fn a_search_lists_every_incident_that_mentions_it_and_opens_the_followed_one_with_its_log_filtered() {
    let mut model = model_with(&[(OPEN, "cross-tenant-pii-leak", 2)]);
    key(&mut model, KeyCode::Char('/'));
    typed(&mut model, "release gate");
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::Find { query: Some("release gate".into()) }]);
    update(&mut model, Msg::Found { query: Some("release gate".into()), found: found() }, &keymap(), t0());

    let screen = text_of(&render(&model, 80, 24, t0()));
    insta::assert_snapshot!("search_80x24", screen);
    assert!(screen.contains("2 incidents mention “release gate”"), "{screen}");
    assert!(screen.contains("archived 2026-11-24"), "{screen}");
    assert!(
        screen.contains("summary: release gate bypassed") && !screen.contains("more"),
        "room left: every hit:\n{screen}"
    );
    assert!(screen.contains("INC-20261020-002 CANNOT BE READ"), "a damaged log is named, not skipped:\n{screen}");
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{7}'), "found text is sanitised:\n{screen}");

    key(&mut model, KeyCode::Enter);
    assert!(matches!(model.mode, Mode::Normal), "{:?}", model.mode);
    assert_eq!(model.current().map(|e| e.incident.id.as_str()), Some(OPEN));
    assert_eq!(model.log.filter.as_deref(), Some("release gate"), "the log shows where it was found");

    update(&mut model, Msg::Found { query: Some("release gate".into()), found: found() }, &keymap(), t0());
    key(&mut model, KeyCode::Char('j'));
    assert_eq!(key(&mut model, KeyCode::Enter), vec![Effect::OpenRecord { id: ARCHIVED.into() }]);
}

#[test]
fn the_history_shows_an_archived_incident_in_full_with_its_bundles_and_log_and_esc_goes_back() {
    let mut model = model_with(&[(OPEN, "cross-tenant-pii-leak", 2)]);
    assert_eq!(key(&mut model, KeyCode::Char('L')), vec![Effect::Find { query: None }]);
    let mut all = found();
    for incident in &mut all.incidents {
        incident.hits.clear();
    }
    update(&mut model, Msg::Found { query: None, found: all }, &keymap(), t0());
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(screen.contains("Every incident: 2"), "{screen}");
    key(&mut model, KeyCode::Char('j'));

    let mut envelopes = envelopes(ARCHIVED, "cross-tenant-pii-leak", 30);
    let ended = [
        Event::Resolved {},
        Event::Closed {
            forced: true,
            reason: Some("contained".into()),
            open_steps: Vec::new(),
            open_clocks: Vec::new(),
            never_undone: Vec::new(),
        },
        Event::Archived { reason: Some("filings tracked by the DPO".into()), open_duties: Vec::new() },
    ];
    for event in ended {
        let last = envelopes.last().expect("events").clone();
        envelopes.push(Envelope { seq: last.seq + 1, at: last.at + chrono::Duration::minutes(1), event, ..last });
    }
    let mut incident = Incident::declared(&envelopes[0]).expect("declared");
    for e in &envelopes[1..] {
        incident.apply(e);
    }
    let entry = IncidentEntry { incident, timeline: envelopes.iter().map(log_line).collect() };
    let bundles = vec![format!("/srv/warroom/exports/{ARCHIVED}")];
    update(&mut model, Msg::Record(Box::new(RecordView { entry, bundles })), &keymap(), t0());
    assert!(matches!(model.mode, Mode::Detail { target: Detail::Record, .. }), "{:?}", model.mode);

    let (title, lines) = warroom::tui::detail::content(&model, &Detail::Record, t0());
    assert_eq!(title, format!("{ARCHIVED} read-only"));
    let text: Vec<String> = lines.iter().map(|l| l.iter().map(|(_, t)| t.as_str()).collect()).collect();
    let text = text.join("\n");
    for expected in [
        "Bundles",
        "/srv/warroom/exports/INC-20261101-004",
        "Log (9 entries)",
        "archived the incident",
        "tenant-isolation test",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    assert!(text.contains("confirm-signal") && text.contains("done by alice"), "{text}");
    assert!(
        text.contains("archived      Tue 24 Nov 01:28 UTC by alice") && text.contains("2 done, 0 skipped, 17 open")
    );
    insta::assert_snapshot!("record_80x24", text_of(&render(&model, 80, 24, t0())));

    key(&mut model, KeyCode::Esc);
    assert!(matches!(model.mode, Mode::Browse { cursor: 1 }), "back to the list, on the same incident");
    key(&mut model, KeyCode::Esc);
    assert!(matches!(model.mode, Mode::Normal), "{:?}", model.mode);
}

#[test]
fn a_search_filter_never_hides_the_log_of_another_incident() {
    let mut model = model_with(&[(OPEN, "cross-tenant-pii-leak", 2), ("INC-20261124-002", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('/'));
    typed(&mut model, "release gate");
    key(&mut model, KeyCode::Enter);
    key(&mut model, KeyCode::Esc);
    assert_eq!(model.log.filter.as_deref(), Some("release gate"));
    key(&mut model, KeyCode::Char('1'));
    key(&mut model, KeyCode::Char('j'));
    assert_eq!(model.current().map(|e| e.incident.id.as_str()), Some("INC-20261124-002"));
    assert_eq!(model.log.filter, None, "the next incident's log shows whole");
    let screen = text_of(&render(&model, 80, 24, t0()));
    assert!(!screen.contains("filter “"), "{screen}");

    key(&mut model, KeyCode::Char('/'));
    typed(&mut model, "gate");
    key(&mut model, KeyCode::Enter);
    update(&mut model, Msg::Select(OPEN.into()), &keymap(), t0());
    assert_eq!(model.log.filter, None, "a newly declared incident opens unfiltered");
}
