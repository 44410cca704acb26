//! The console at the smallest size README promises (80×24) and at 160×48, in a real tmux with
//! another responder writing from a second process: nothing that matters is cut off, a refused
//! wizard returns to the answer to correct, and nobody's cursor moves under them.

mod common;

use std::time::Duration;

use common::Workspace;
use common::tmux::Tmux;

const SLOW: Duration = Duration::from_secs(20);
const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// A console as alice at `size` on a new workspace, its demo incident seeded (alice commands).
fn console(name: &str, size: (u16, u16)) -> (Workspace, Tmux) {
    let ws = Workspace::new();
    let tmux = Tmux::new(&format!("{name}-{}x{}", size.0, size.1));
    tmux.start("a", &ws, "alice", size);
    tmux.wait_for("a", "Assign commander", SLOW);
    (ws, tmux)
}

/// The screen's text with its rows joined: a wrapped message reads as one.
fn flowing(screen: &str) -> String {
    screen.lines().map(|l| l.trim_matches(|c: char| c == '│' || c == ' ')).collect::<Vec<_>>().join(" ")
}

/// The text inside the box whose top border holds `title`, its rows joined: what the panes
/// behind a popup show beside it is left out.
fn popup_text(screen: &str, title: &str) -> String {
    let rows: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let Some((top, title_at)) =
        screen.lines().enumerate().find_map(|(i, l)| Some((i, l[..l.find(title)?].chars().count())))
    else {
        return String::new();
    };
    let left = rows[top][..title_at].iter().rposition(|&c| c == '┌').unwrap_or(0);
    let right = rows[top][title_at..].iter().position(|&c| c == '┐').map_or(rows[top].len(), |r| title_at + r);
    rows[top + 1..]
        .iter()
        .take_while(|row| row.get(left) != Some(&'└'))
        .map(|row| row.get(left + 1..right.min(row.len())).unwrap_or_default().iter().collect::<String>())
        .map(|inside| inside.trim().to_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_refused_decision_shows_in_full_and_returns_to_the_reason_with_the_time_kept() {
    for size in SIZES {
        let (ws, tmux) = console("decide", size);
        tmux.keys("a", &["d"]);
        tmux.wait_for("a", "Record a decision (1/4)", SLOW);
        tmux.keys("a", &["Enter"]);
        tmux.wait_for("a", "Record a decision: aware (2/4)", SLOW);
        tmux.keys("a", &["BSpace"; 25]);
        tmux.keys("a", &["-l", "--", "-1m"]);
        tmux.keys("a", &["Enter"]);
        tmux.wait_for("a", "Record a decision: aware (3/4)", SLOW);
        tmux.keys("a", &["Enter"]);
        tmux.wait_for("a", "Record a decision: aware (4/4)", SLOW);
        tmux.keys("a", &["Enter"]);
        let screen = tmux.wait_for("a", "correct this one", SLOW);
        let text = popup_text(&screen, "Record a decision: aware (4/4)");
        assert!(
            text.contains("moves its deadlines later: say why with --reason")
                && text.contains("Reason (needed to move"),
            "{size:?}: the whole refusal, on the reason's question:\n{screen}"
        );
        tmux.keys("a", &["-l", "first trace was a test tenant"]);
        tmux.keys("a", &["Enter"]);
        tmux.wait_for("a", "recorded decision aware", SLOW);
        let id = ws.status_json("001")["id"].as_str().expect("id").to_owned();
        let log = std::fs::read_to_string(ws.log(&id)).expect("log");
        assert!(log.contains("first trace was a test tenant"), "{size:?}: the reason is recorded");
    }
}

#[test]
fn a_command_line_refusal_shows_every_word_and_the_ai_act_clock_says_immediately() {
    for size in SIZES {
        let (ws, tmux) = console("immediately", size);
        ws.ok("bob", &["decide", "001", "causal-link"]);
        let screen = tmux.wait_for("a", "IMMEDIATELY", SLOW);
        assert!(
            screen.lines().any(|l| l.contains("ai-act") && l.contains("IMMEDIATELY")),
            "{size:?}: the AI Act clock is the urgent one:\n{screen}"
        );
        tmux.keys("a", &[":"]);
        tmux.keys("a", &["-l", "assign ."]);
        tmux.keys("a", &["Enter"]);
        let screen = tmux.wait_for("a", "(Esc dismisses)", SLOW);
        let text = flowing(&screen);
        assert!(
            text.contains("the following required arguments were not provided: <ROLE> <NAME> (usage: "),
            "{size:?}: the whole usage error:\n{screen}"
        );
    }
}

#[test]
fn a_notes_second_line_shows_in_the_log_entry_opened_in_full() {
    for size in SIZES {
        let (ws, tmux) = console("note", size);
        ws.ok("bob", &["note", "001", "DPO paged at 02:14\nsecond line: she joins the bridge at 02:30"]);
        tmux.wait_for("a", "DPO paged at 02:14", SLOW);
        tmux.keys("a", &["4"]);
        tmux.keys("a", &["G"]);
        tmux.keys("a", &["Enter"]);
        let screen = tmux.wait_for("a", "second line: she joins the bridge at 02:30", SLOW);
        assert!(screen.contains("bob"), "{size:?}: who wrote it:\n{screen}");
    }
}

#[test]
fn another_processs_tick_leaves_the_cursor_where_it_was() {
    for size in SIZES {
        let (ws, tmux) = console("cursor", size);
        ws.ok("bob", &["tick", "001", "assign-roles"]);
        tmux.wait_for("a", "ticked assign-roles", SLOW);
        let screen = tmux.screen("a");
        let cursor = screen.lines().find(|l| l.contains('›')).unwrap_or_default();
        assert!(cursor.contains("[x]") && cursor.contains("Assign commander"), "{size:?}: cursor stayed:\n{screen}");
        tmux.keys("a", &["x"]);
        tmux.wait_for("a", "already done", SLOW);
        assert_eq!(ws.status_json("001")["progress"]["done"], 3, "{size:?}: alice's x ticked nothing new");
    }
}

#[test]
fn the_roles_view_and_a_handover_read_in_full_on_both_consoles() {
    for size in SIZES {
        let (ws, tmux) = console("roles", size);
        tmux.start("b", &ws, "bob", size);
        tmux.wait_for("b", "Assign commander", SLOW);
        ws.ok("alice", &["assign", "001", "commander", "bob"]);
        tmux.wait_for("b", "accept", SLOW);
        tmux.keys("a", &["w"]);
        let screen = tmux.wait_for("a", "not yet accepted", SLOW);
        assert!(screen.contains("scribe") && screen.contains("sam"), "{size:?}: every holder:\n{screen}");
        tmux.keys("b", &["H"]);
        tmux.wait_for("b", "Accept command", SLOW);
        tmux.keys("b", &["y"]);
        tmux.wait_for("b", "accepted command", SLOW);
        assert_eq!(ws.status_json("001")["roles"]["commander"], "bob");
    }
}

#[test]
fn an_unrouted_alert_is_attached_from_the_inbox_and_read_in_full_in_the_alerts_view() {
    let fixture = format!(
        "{}/tests/fixtures/alertmanager/alertmanager-webhook-v4-from-prometheus.json",
        env!("CARGO_MANIFEST_DIR")
    );
    for size in SIZES {
        let (ws, tmux) = console("alerts", size);
        ws.ok("alertmanager", &["alert", "ingest", &fixture]);
        tmux.wait_for("a", "1 UNROUTED (A)", SLOW);
        tmux.keys("a", &["A"]);
        tmux.wait_for("a", "AgentErrorBudgetBurn", SLOW);
        tmux.keys("a", &["+"]);
        tmux.wait_for("a", "Attach alert AgentErrorBudgetBurn", SLOW);
        tmux.keys("a", &["Enter"]);
        tmux.keys("a", &["y"]);
        tmux.wait_until("a", "the inbox emptied", SLOW, |screen| !screen.contains("UNROUTED (A)"));
        tmux.keys("a", &["Escape"]);
        tmux.wait_until("a", "the main view", SLOW, |screen| screen.contains("Checklist"));
        tmux.keys("a", &["i"]);
        // tmux may show the view half drawn: wait for all of it rather than judge the first sight.
        tmux.wait_until("a", "the alert's labels, annotations and links in full", SLOW, |screen| {
            let text = flowing(screen);
            text.contains("synthetic always-firing rule")
                && text.contains("triage-bot")
                && text.contains("http://vm:19090/graph")
        });
    }
}

#[test]
fn search_finds_a_note_across_incidents_and_the_history_lists_them() {
    for size in SIZES {
        let (ws, tmux) = console("search", size);
        ws.ok("bob", &["note", "001", "vendor ticket SUP-441 opened with the retrieval vendor"]);
        tmux.wait_for("a", "SUP-441", SLOW);
        tmux.keys("a", &["/"]);
        tmux.keys("a", &["-l", "sup-441"]);
        tmux.keys("a", &["Enter"]);
        let screen = tmux.wait_for("a", "1 incident mentions", SLOW);
        assert!(screen.contains("SUP-441"), "{size:?}: where it was found:\n{screen}");
        tmux.keys("a", &["Escape"]);
        tmux.wait_until("a", "the main view", SLOW, |screen| !screen.contains("incident mentions"));
        tmux.keys("a", &["L"]);
        let screen = tmux.wait_for("a", "Every incident: 1", SLOW);
        assert!(screen.contains("DRILL") && screen.contains("active"), "{size:?}:\n{screen}");
    }
}
