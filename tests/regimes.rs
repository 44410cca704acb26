//! The regimes beyond the first catalog, each counted as its law says: Brazil's working days,
//! HIPAA's year-end report, chained reports (California's sample to the Attorney General, the
//! DORA final report after the latest updated intermediate one), and the hour clocks.

mod common;

use common::Workspace;

const T: &str = "2026-12-20T12:00:00Z";

fn with_clocks(clocks: &[&str]) -> Workspace {
    let ws = Workspace::new();
    ws.ok_at("alice", "2026-01-01T00:00:00Z", &["declare", "--runbook", "cross-tenant-pii-leak"]);
    for clock in clocks {
        ws.ok_at("alice", "2026-01-01T00:00:00Z", &["clock", "add", "001", clock, "--reason", "applies"]);
    }
    ws
}

fn limit(ws: &Workspace, time: &str, id: &str) -> String {
    let status: serde_json::Value =
        serde_json::from_str(&ws.ok_at("auditor", time, &["status", "001", "--json"])).expect("json");
    let clocks = status["incidents"][0]["clocks"].as_array().expect("clocks").clone();
    let c = clocks.into_iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("{id} runs"));
    c["legal_limit_at"].as_str().or(c["due_at"].as_str()).unwrap_or("none").to_owned()
}

#[test]
fn brazils_three_working_days_skip_good_friday_and_the_weekend() {
    let ws = with_clocks(&["lgpd-anpd", "lgpd-complement"]);
    let t = "2026-04-10T12:00:00Z";
    ws.ok_at("alice", t, &["decide", "001", "aware", "--at", "2026-04-01T12:00:00Z"]);
    ws.ok_at(
        "alice",
        t,
        &[
            "decide",
            "001",
            "aware",
            "--regime",
            "lgpd",
            "--at",
            "2026-04-01T18:00:00Z",
            "--reason",
            "personal data seen at 15:00",
        ],
    );
    assert_eq!(
        limit(&ws, t, "lgpd-anpd"),
        "2026-04-08T02:59:59Z",
        "Wed 1 April 15:00 Brasília: Thu 2, (Good Friday, weekend) Mon 6, Tue 7 to its end"
    );
    ws.ok_at("alice", t, &["notify", "001", "lgpd-anpd", "--ref", "ANPD-1", "--at", "2026-04-06T15:00:00Z"]);
    assert_eq!(
        limit(&ws, t, "lgpd-complement"),
        "2026-05-07T02:59:59Z",
        "20 working days from the communication: 6 May, 21 April and 1 May being holidays"
    );
}

#[test]
fn hipaas_small_breaches_are_reported_60_days_after_the_year_ends() {
    let ws = with_clocks(&["hipaa-secretary-annual"]);
    ws.ok_at("alice", T, &["decide", "001", "discovered", "--at", "2026-05-10T12:00:00Z"]);
    assert_eq!(limit(&ws, T, "hipaa-secretary-annual"), "2027-03-02T04:59:59Z", "1 March 2027, New York");

    let leap = with_clocks(&["hipaa-secretary-annual"]);
    let t = "2027-12-20T12:00:00Z";
    leap.ok_at("alice", t, &["decide", "001", "discovered", "--at", "2027-06-10T12:00:00Z"]);
    assert_eq!(limit(&leap, t, "hipaa-secretary-annual"), "2028-03-01T04:59:59Z", "29 February in a leap year");
}

#[test]
fn californias_sample_to_the_attorney_general_runs_from_the_residents_notice() {
    let ws = with_clocks(&["ca-1798-82", "ca-1798-82-ag"]);
    let t = "2026-03-20T12:00:00Z";
    ws.ok_at("alice", t, &["decide", "001", "discovered", "--at", "2026-03-02T17:00:00Z"]);
    assert_eq!(
        limit(&ws, t, "ca-1798-82"),
        "2026-04-02T06:59:59Z",
        "30 calendar days: 1 April, to its end in Los Angeles"
    );
    assert_eq!(limit(&ws, t, "ca-1798-82-ag"), "none", "awaits the residents' notice");
    let out =
        ws.command("alice").env("WARROOM_TEST_NOW", t).args(["notify", "001", "ca-1798-82", "--ref", "m"]).output();
    let err = common::stderr(&out.expect("run"));
    assert!(err.contains("what-happened"), "one notice, no phases: it must hold the content (1798.82(d)): {err}");
    for item in ["what-happened", "information", "what-we-do", "what-you-can-do"] {
        ws.ok_at("priya", t, &["clock", "provide", "001", "ca-1798-82", item, "stated in the notice"]);
    }
    ws.ok_at("alice", t, &["notify", "001", "ca-1798-82", "--ref", "mail-run-1", "--at", "2026-03-18T20:00:00Z"]);
    let status: serde_json::Value =
        serde_json::from_str(&ws.ok_at("auditor", t, &["status", "001", "--json"])).expect("json");
    let notice =
        status["incidents"][0]["clocks"].as_array().expect("clocks").iter().find(|c| c["id"] == "ca-1798-82").cloned();
    let notice = notice.expect("ca-1798-82");
    assert_eq!((notice["phase"].as_str(), notice["complete_pending"].as_bool()), (Some("complete"), Some(false)));
    assert_eq!(limit(&ws, t, "ca-1798-82-ag"), "2026-04-03T06:59:59Z");
}

#[test]
fn doras_final_report_runs_from_the_latest_intermediate_or_updated_report() {
    let ws = with_clocks(&["dora-initial", "dora-intermediate", "dora-updated-intermediate", "dora-final"]);
    let t = "2026-03-20T12:00:00Z";
    ws.ok_at("alice", t, &["decide", "001", "aware", "--at", "2026-03-02T08:00:00Z"]);
    ws.ok_at("alice", t, &["decide", "001", "classified-major", "--at", "2026-03-02T09:00:00Z"]);
    ws.ok_at("alice", t, &["notify", "001", "dora-initial", "--ref", "I-1", "--at", "2026-03-02T12:00:00Z"]);
    ws.ok_at("alice", t, &["notify", "001", "dora-intermediate", "--ref", "M-1", "--at", "2026-03-04T10:00:00Z"]);
    let after_intermediate = limit(&ws, t, "dora-final");
    assert!(after_intermediate.starts_with("2026-04-0"), "a month after 4 March: {after_intermediate}");
    ws.ok_at("alice", t, &["decide", "001", "activities-recovered", "--at", "2026-03-10T09:00:00Z"]);
    ws.ok_at(
        "alice",
        t,
        &["notify", "001", "dora-updated-intermediate", "--ref", "U-1", "--at", "2026-03-10T15:00:00Z"],
    );
    let after_update = limit(&ws, t, "dora-final");
    assert!(after_update.starts_with("2026-04-1"), "a month after the updated report of 10 March: {after_update}");
}

#[test]
fn the_hour_clocks_of_the_new_regimes() {
    let ws = with_clocks(&["cert-in-6h", "us-bank-36h", "cra-vulnerability-early-warning", "sec-8k-a"]);
    ws.ok_at("alice", T, &["decide", "001", "aware", "--at", "2026-12-19T08:00:00Z"]);
    ws.ok_at("alice", T, &["decide", "001", "aware", "--regime", "cert-in", "--at", "2026-12-18T22:00:00Z"]);
    assert_eq!(limit(&ws, T, "cert-in-6h"), "2026-12-19T04:00:00Z");
    ws.ok_at("alice", T, &["decide", "001", "notification-incident", "--at", "2026-12-18T22:00:00Z"]);
    assert_eq!(limit(&ws, T, "us-bank-36h"), "2026-12-20T10:00:00Z", "36 hours straight through the weekend");
    ws.ok_at("alice", T, &["decide", "001", "exploited-vulnerability", "--at", "2026-12-19T08:00:00Z"]);
    assert_eq!(limit(&ws, T, "cra-vulnerability-early-warning"), "2026-12-20T08:00:00Z");
    ws.ok_at("alice", T, &["decide", "001", "information-available", "--at", "2026-12-18T15:00:00Z"]);
    assert_eq!(
        limit(&ws, T, "sec-8k-a"),
        "2026-12-24T22:30:00Z",
        "Fri 18 Dec: Mon 21, Tue 22, Wed 23, Thu 24 at 17:30 New York (25 December is the holiday)"
    );
}
