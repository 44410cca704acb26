//! The top line at 80 columns: however much else it says (command offered, unrouted alerts),
//! the most urgent clock, its time left and its whole due time stay in view.

mod common;

use chrono::Duration;
use warroom::domain::event::{Actor, Envelope, Event};
use warroom::tui::model::Model;
use warroom::tui::update::update;

use common::screen::*;

const INC: &str = "INC-20261124-001";

#[test]
fn the_urgent_clock_and_its_due_time_fit_80_columns_beside_a_command_offered() {
    let mut all = envelopes(INC, "cross-tenant-pii-leak", 1);
    let last = all.last().expect("events").clone();
    let offer = Event::RoleAssigned { role: "commander".into(), name: "bob".into(), previous: Some("alice".into()) };
    all.push(Envelope {
        seq: last.seq + 1,
        at: last.at + Duration::minutes(1),
        actor: Actor::named("alice"),
        event: offer,
    });
    let mut model = Model::new("bob", "/srv/warroom", chrono_tz::Tz::UTC, Vec::new());
    update(&mut model, changed(&all), &keymap(), t0());
    let top = |model: &Model| text_of(&render(model, 80, 24, t0())).lines().next().unwrap_or_default().to_owned();
    let offered = top(&model);
    assert!(offered.contains("COMMAND OFFERED (H)"), "{offered}");
    assert!(offered.contains("IMMEDIATELY ai-act-73-general") && offered.trim_end().ends_with("UTC"), "{offered}");
    model.unrouted = vec![unrouted("HighErrorRate", "k1", "errors")];
    let crowded = top(&model);
    assert!(crowded.contains("1 UNROUTED (A)") && crowded.contains("IMMEDIATELY ai-act-73-general"), "{crowded}");
    let wide = text_of(&render(&model, 160, 48, t0())).lines().next().unwrap_or_default().to_owned();
    assert!(wide.contains("IMMEDIATELY (causal-link, outer limit") && wide.contains("due Wed 09 Dec"), "{wide}");

    model.unrouted.clear();
    update(&mut model, changed(&envelopes("INC-20261124-002", "cross-tenant-pii-leak", 30)), &keymap(), t0());
    let other = top(&model);
    assert!(other.contains("…001 OFFERED YOU (H) · …002"), "the offer names its incident: {other}");
}

#[test]
fn help_scrolls_by_page_to_its_end_and_stops_there() {
    use crossterm::event::KeyCode;
    use warroom::tui::model::Mode;
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    key(&mut model, KeyCode::Char('?'));
    key(&mut model, KeyCode::Char('G'));
    let last = keymap().bindings.len() - 1;
    assert!(matches!(model.mode, Mode::Help { scroll } if scroll == last), "G goes to the end: {:?}", model.mode);
    key(&mut model, KeyCode::Char('j'));
    assert!(matches!(model.mode, Mode::Help { scroll } if scroll == last), "and stops there: {:?}", model.mode);
    key(&mut model, KeyCode::Char('g'));
    key(&mut model, KeyCode::PageDown);
    assert!(matches!(model.mode, Mode::Help { scroll: 10 }), "{:?}", model.mode);
}

#[test]
fn a_long_workspace_path_keeps_its_end_and_says_it_was_cut() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    model.workspace = "/srv/incidents/warroom-workspaces/ai-platform/production-eu-west".into();
    let screen = text_of(&render(&model, 80, 24, t0()));
    let bottom = screen.lines().last().expect("status line");
    assert!(bottom.trim_end().ends_with("eu-west") && bottom.contains("  …"), "its end, cut at its start: {bottom}");
}
