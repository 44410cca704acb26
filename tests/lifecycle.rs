//! Closing ends operations, not duties: a closed incident's clocks keep running and stay
//! submittable, and only archiving seals it, once every clock is filed in full or waived (or
//! with the commander's reason). Each bundle after the first is a revision naming the one
//! before.

mod common;

use common::Workspace;

fn at(ws: &Workspace, actor: &str, now: &str, args: &[&str]) -> std::process::Output {
    ws.command(actor).env("WARROOM_TEST_NOW", now).args(args).output().expect("run")
}

fn ok(ws: &Workspace, actor: &str, now: &str, args: &[&str]) -> String {
    let out = at(ws, actor, now, args);
    assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn refused(ws: &Workspace, now: &str, args: &[&str]) -> String {
    let out = at(ws, "alice", now, args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should be refused: {}", common::stderr(&out));
    common::stderr(&out)
}

fn status(ws: &Workspace, now: &str, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(ws, "auditor", now, &[&["status"], args, &["--json"]].concat())).expect("json")
}

fn clocks(ws: &Workspace, id: &str, now: &str) -> Vec<serde_json::Value> {
    status(ws, now, &[id])["incidents"][0]["clocks"].as_array().expect("clocks").clone()
}

fn bundles(ws: &Workspace) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> =
        std::fs::read_dir(ws.path().join("exports")).expect("exports").map(|e| e.expect("entry").path()).collect();
    found.sort();
    found
}

/// A cross-tenant leak worked through to its close at 12:00, aware at 10:00.
fn closed(ws: &Workspace) -> String {
    let now = "2026-11-24T12:00:00Z";
    let id = ok(
        ws,
        "alice",
        now,
        &[
            "declare",
            "--runbook",
            "cross-tenant-pii-leak",
            "--aware-at",
            "2026-11-24T10:00:00Z",
            "--label",
            "agent=support-bot",
        ],
    )
    .trim()
    .to_owned();
    for step in ws.status_json(&id)["steps"].as_array().expect("steps").iter().filter_map(|s| s["id"].as_str()) {
        if step == "kill-switch" || step == "re-enable" {
            ok(ws, "alice", now, &["approve", &id, step, "--request"]);
            ok(ws, "bob", now, &["approve", &id, step, "--yes"]);
        }
        ok(ws, "alice", now, &["tick", &id, step, "--force", "--override-hold", "drill"]);
    }
    ok(ws, "alice", now, &["resolve", &id]);
    let closed = ok(ws, "alice", now, &["close", &id]);
    assert!(closed.contains("clocks still running, kept for follow-up: ") && closed.contains("gdpr-33"), "{closed}");
    id
}

#[test]
fn a_closed_incident_keeps_its_clocks_running_and_submittable_until_it_is_archived() {
    let ws = Workspace::new();
    let id = closed(&ws);

    // The clocks go on after the close, in the incident and in the list of open work.
    let remaining = |now: &str| {
        let gdpr = clocks(&ws, &id, now).into_iter().find(|c| c["id"] == "gdpr-33").expect("gdpr-33");
        (gdpr["state"].as_str().expect("state").to_owned(), gdpr["remaining_seconds"].as_i64().expect("remaining"))
    };
    assert_eq!(remaining("2026-11-24T13:00:00Z"), ("running".to_owned(), 69 * 3600));
    assert_eq!(remaining("2026-11-25T13:00:00Z"), ("running".to_owned(), 45 * 3600), "not frozen at the close");
    let open = status(&ws, "2026-11-25T13:00:00Z", &[]);
    let listed = open["incidents"].as_array().expect("incidents").iter().find(|i| i["id"] == id.as_str());
    assert_eq!(listed.expect("still listed as open work")["state"], "closed");

    // Follow-up is recorded; operations are not.
    let later = "2026-11-25T14:00:00Z";
    ok(&ws, "priya", later, &["note", &id, "DPO: controller notified by phone"]);
    let err = refused(&ws, later, &["severity", &id, "SEV2", "--reason", "smaller"]);
    assert!(err.contains("is closed: operations are over"), "{err}");

    // Archiving waits for every duty, a phased filing included.
    let err = refused(&ws, later, &["archive", &id]);
    assert!(err.contains("duties still open: ") && err.contains("gdpr-33 (running)"), "{err}");
    ok(&ws, "priya", later, &["notify", &id, "gdpr-33", "--ref", "DPA-1", "--phase", "initial"]);
    let err = refused(&ws, later, &["archive", &id]);
    assert!(err.contains("gdpr-33 (only filed in phases: the complete report is still owed"), "{err}");
    ok(&ws, "alice", later, &["assign", &id, "privacy", "priya"]);
    for clock in clocks(&ws, &id, later) {
        let clock_id = clock["id"].as_str().expect("id");
        match clock["state"].as_str().expect("state") {
            "awaiting_anchor" => {
                ok(&ws, "priya", later, &["waive", &id, clock_id, "--rationale", "no high risk to the subjects"]);
            }
            "not_applicable" => {}
            _ => {
                // In full means every item its form asks for is on record.
                let missing: Vec<String> = clock["missing_content"]
                    .as_array()
                    .expect("missing")
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect();
                if !missing.is_empty() {
                    let complete = ["notify", &id, clock_id, "--ref", "FULL-1", "--phase", "complete"];
                    let err = refused(&ws, later, &complete);
                    assert!(err.contains(&format!("{} not recorded", missing.join(", "))), "{err}");
                }
                for item in &missing {
                    ok(&ws, "priya", later, &["clock", "provide", &id, clock_id, item, "as filed"]);
                }
                ok(&ws, "priya", later, &["notify", &id, clock_id, "--ref", "FULL-1", "--phase", "complete"]);
            }
        }
    }
    let archived = ok(&ws, "alice", "2026-11-26T09:00:00Z", &["archive", &id]);
    assert!(archived.contains("archived the incident, every duty done"), "{archived}");

    // Sealed now: nothing more, and off the list of open work; its clocks stand still.
    let err = refused(&ws, "2026-11-26T10:00:00Z", &["note", &id, "one more thing"]);
    assert!(err.contains("is archived; its log is sealed"), "{err}");
    let open = status(&ws, "2026-11-26T10:00:00Z", &[]);
    assert!(open["incidents"].as_array().expect("incidents").iter().all(|i| i["id"] != id.as_str()), "{open}");
    assert_eq!(status(&ws, "2026-12-30T00:00:00Z", &[&id])["incidents"][0]["state"], "archived");

    // Close and archive each wrote a bundle; the second names the first and verifies.
    let [first, second] = bundles(&ws).try_into().expect("two bundles");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(second.join("manifest.json")).expect("manifest")).expect("json");
    let first_name = first.file_name().expect("name").to_str().expect("utf-8");
    assert_eq!(manifest["previous"]["bundle"], first_name);
    let checked = ok(&ws, "auditor", "2026-11-26T10:00:00Z", &["verify", second.to_str().expect("path")]);
    assert!(checked.contains(&format!("revises {first_name}, found beside it unchanged")), "{checked}");
    ok(&ws, "auditor", "2026-11-26T10:00:00Z", &["verify", first.to_str().expect("path")]);
    let postmortem = first.join("postmortem.md");
    let original = std::fs::read(&postmortem).expect("post-mortem");
    std::fs::write(&postmortem, [&original[..], b"\nedited later\n"].concat()).expect("edit the first revision");
    let out = at(&ws, "auditor", "2026-11-26T10:00:00Z", &["verify", second.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(3), "a revision never vouches for an edited predecessor");
    assert!(common::stderr(&out).contains(&format!("the previous revision {first_name} has changed: postmortem.md")));
    std::fs::write(&postmortem, original).expect("restore");
    std::fs::write(first.join("SHA256SUMS"), "").expect("tamper with the first revision");
    let out = at(&ws, "auditor", "2026-11-26T10:00:00Z", &["verify", second.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(3));
    assert!(common::stderr(&out).contains(&format!("the previous revision {first_name} has changed")));
}

#[test]
fn an_incident_with_duties_open_is_archived_only_with_the_commanders_reason() {
    let ws = Workspace::new();
    let id = closed(&ws);
    let now = "2026-11-24T13:00:00Z";
    let err = refused(&ws, now, &["archive", &id]);
    assert!(err.contains("or archive with --reason"), "{err}");
    let by_bob = at(&ws, "bob", now, &["archive", &id, "--reason", "bob sets the filings aside"]);
    let err = common::stderr(&by_bob);
    assert_eq!(by_bob.status.code(), Some(1), "{err}");
    assert!(
        err.contains("only the commander (alice) may archive with duties still open (")
            && err.contains("gdpr-33 (running)"),
        "{err}"
    );
    let archived = ok(&ws, "alice", now, &["archive", &id, "--reason", "filings tracked in the DPO's register"]);
    assert!(archived.contains("archived the incident with ") && archived.contains("gdpr-33 (running)"), "{archived}");
    let gdpr = |when: &str| {
        clocks(&ws, &id, when).into_iter().find(|c| c["id"] == "gdpr-33").expect("gdpr-33")["remaining_seconds"]
            .as_i64()
            .expect("remaining")
    };
    assert_eq!(gdpr("2026-12-30T00:00:00Z"), gdpr("2026-11-24T14:00:00Z"), "an archived incident's clocks stand still");
    assert_eq!(gdpr("2026-12-30T00:00:00Z"), 69 * 3600);
    let listed = ok(&ws, "auditor", "2026-12-30T00:00:00Z", &["clock", "list", &id]);
    assert!(listed.lines().next().is_some_and(|l| l.contains("(stopped at the archive")), "{listed}");
    let shown = ok(&ws, "auditor", "2026-12-30T00:00:00Z", &["status", &id]);
    assert!(shown.contains("Regulatory clocks (stopped at the archive"), "not read as live: {shown}");
}
