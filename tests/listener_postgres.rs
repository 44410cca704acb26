//! `warroom listen` on PostgreSQL, as a sender sees it: idle, it waits without spinning; an
//! alert is answered 200 once it is in the database, 503 while the database is down (the sender
//! retries), and 200 again once the database is back, with nothing acknowledged lost.

mod common;

use std::time::{Duration, Instant};

use common::postgres::Server;
use common::{Workspace, listen};

/// The CPU time a process has used, in clock ticks (utime + stime of /proc/PID/stat).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    let fields: Vec<&str> = stat.rsplit(") ").next().expect("fields").split_whitespace().collect();
    fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
}

fn alert(agent: &str) -> Vec<u8> {
    format!(
        r#"{{"version":"4","status":"firing","alerts":[{{"status":"firing","labels":{{"alertname":"AgentOutboundNoticeSpike","environment":"production","agent":"{agent}"}},"annotations":{{}},"startsAt":"2026-11-24T08:00:00Z"}}]}}"#
    )
    .into_bytes()
}

const JSON: [(&str, &str); 1] = [("Content-Type", "application/json")];

#[test]
fn a_listener_on_postgresql_idles_quietly_and_answers_503_while_the_database_is_down() {
    let mut server = Server::start();
    let ws = Workspace { store: Some(server.create_database()), ..Workspace::new() };
    ws.ok("dba", &["store", "init"]);
    let listener = listen::Server::start(&ws, &[]);
    let (status, body) = listener.post(&JSON, &alert("mailer-1"));
    assert_eq!(status, 200, "{body}");

    // Past the first of the LISTEN connection's waits, which once made it spin.
    std::thread::sleep(Duration::from_millis(1_500));
    let before = cpu_ticks(listener.child.id());
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_ticks(listener.child.id()) - before;
    assert!(used < 40, "an idle listener used {used} clock ticks of CPU in 2 s");

    server.stop();
    let (status, body) = listener.post(&JSON, &alert("mailer-2"));
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("cannot connect to postgres://"), "says why: {body}");
    server.launch();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, body) = listener.post(&JSON, &alert("mailer-2"));
        if status == 200 {
            break;
        }
        assert_eq!(status, 503, "{body}");
        assert!(Instant::now() < deadline, "still refused after the database came back: {body}");
        std::thread::sleep(Duration::from_millis(200));
    }

    let id = ws.ok("auditor", &["status", "--json"]);
    let status: serde_json::Value = serde_json::from_str(&id).expect("json");
    let incident = &status["incidents"][0];
    let agents: Vec<&str> =
        incident["alerts"].as_array().expect("alerts").iter().filter_map(|a| a["labels"]["agent"].as_str()).collect();
    assert_eq!(agents, ["mailer-1", "mailer-2"], "{incident}");
    let verified = ws.ok("auditor", &["verify"]);
    assert!(!verified.contains("damaged"), "{verified}");
}
