//! Two consoles in tmux on one PostgreSQL database: each sees the other's ticks within a second;
//! when the database goes away a console says NOT SAVED and keeps what it showed, and when it is
//! back the console writes again and catches up on what the other wrote, missing nothing.

mod common;

use std::time::{Duration, Instant};

use common::Workspace;
use common::postgres::Server;
use common::tmux::Tmux;

const SLOW: Duration = Duration::from_secs(20);

#[test]
fn two_consoles_on_one_database_keep_in_step_through_a_database_restart() {
    let mut server = Server::start();
    let url = server.create_database();
    warroom::store::PgStore::init(&url, None).expect("store init");
    let ws = Workspace { store: Some(url.clone()), ..Workspace::new() };
    let tmux = Tmux::new("pg");
    let args = format!("--demo --store '{url}'");
    tmux.start_with("a", &ws, "alice", (100, 30), &args);
    tmux.wait_for("a", "Assign commander", SLOW);
    tmux.start_with("b", &ws, "bob", (100, 30), &args);
    tmux.wait_for("b", "Assign commander", SLOW);

    tmux.keys("b", &["x"]);
    tmux.wait_for("b", "ticked assign-roles", SLOW);
    let seen = Instant::now();
    tmux.wait_for("a", "ticked assign-roles", Duration::from_secs(1));
    eprintln!("alice saw bob's tick {:?} after bob's screen showed it", seen.elapsed());

    server.stop();
    tmux.keys("a", &["n"]);
    tmux.wait_for("a", "Add a note", SLOW);
    tmux.keys("a", &["-l", "written while the database is down"]);
    tmux.keys("a", &["C-s"]);
    let down = tmux.wait_for("a", "NOT SAVED", SLOW);
    assert!(down.contains("ticked assign-roles"), "the last state stays on screen: {down}");
    tmux.keys("a", &["Escape"]);

    server.launch();
    for console in ["a", "b"] {
        tmux.wait_until(console, "writing again", SLOW, |screen| !screen.contains("NOT SAVED"));
    }
    tmux.keys("b", &["n"]);
    tmux.wait_for("b", "Add a note", SLOW);
    tmux.keys("b", &["-l", "bob writes after the restart"]);
    tmux.keys("b", &["C-s"]);
    tmux.wait_for("b", "noted: bob writes after the restart", SLOW);
    tmux.wait_for("a", "bob writes after the restart", SLOW);

    tmux.keys("a", &["n"]);
    tmux.wait_for("a", "Add a note", SLOW);
    tmux.keys("a", &["-l", "written once it is back"]);
    tmux.keys("a", &["C-s"]);
    tmux.wait_for("a", "noted: written once it is back", SLOW);
    tmux.wait_for("b", "written once it is back", SLOW);
    let notes: Vec<String> = ws.status_json("001")["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(|n| n["text"].as_str().map(str::to_owned))
        .collect();
    assert!(notes.contains(&"written once it is back".to_owned()), "{notes:?}");
    assert!(notes.contains(&"bob writes after the restart".to_owned()), "{notes:?}");
    assert!(!notes.iter().any(|n| n.contains("while the database is down")), "NOT SAVED means not saved: {notes:?}");
    let verdict = ws.ok("auditor", &["verify"]);
    assert!(!verdict.contains("damaged"), "{verdict}");
}
