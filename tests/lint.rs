//! `warroom lint`: golden output for good and broken runbooks, and no panic on any input.

use std::collections::BTreeSet;
use std::process::Command;

use proptest::prelude::*;
use warroom::catalog::load::load_texts;

const BIN: &str = env!("CARGO_BIN_EXE_warroom");

fn lint(path: &str) -> (i32, String) {
    let out = Command::new(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("WARROOM_TEST_NOW", "2026-11-24T00:00:00Z")
        .args(["lint", path])
        .output()
        .expect("run lint");
    let text = format!("{}--- stderr\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_shipped_runbooks_are_clean() {
    let (code, text) = lint("runbooks");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("0 errors, 0 warnings"), "{text}");
    let valid: usize =
        text.split(": ").nth(1).and_then(|t| t.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(valid >= 6, "six failure modes ship: {text}");
}

#[test]
fn a_minimal_runbook_is_valid() {
    let (code, text) = lint("tests/fixtures/runbooks/minimal.yaml");
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!("minimal", text);
}

#[test]
fn a_yaml_syntax_error_is_located() {
    let (code, text) = lint("tests/fixtures/runbooks/broken-syntax.yaml");
    assert_eq!(code, 1);
    assert!(text.starts_with("tests/fixtures/runbooks/broken-syntax.yaml:6:30: error: unclosed quote"), "{text}");
    insta::assert_snapshot!("broken_syntax", text);
}

#[test]
fn a_misspelled_field_is_located_with_the_known_fields() {
    let (code, text) = lint("tests/fixtures/runbooks/broken-field.yaml");
    assert_eq!(code, 1);
    assert!(
        text.starts_with("tests/fixtures/runbooks/broken-field.yaml:26:9: error: unknown field `depend_on`"),
        "{text}"
    );
    insta::assert_snapshot!("broken_field", text);
}

#[test]
fn every_dangling_reference_is_reported_at_its_own_place() {
    let (code, text) = lint("tests/fixtures/runbooks/broken-refs.yaml");
    assert_eq!(code, 1);
    let headlines: Vec<&str> = text.lines().filter(|l| l.starts_with("tests/")).collect();
    for expected in [
        ":1:5: error: runbook id \"Broken_Refs\" must be lower-case",
        ":6:16: warning: review overdue",
        ":8:14: error: duration \"3x\" has unknown unit",
        ":10:12: error: unknown severity level \"SEV0\"",
        ":14:13: error: duplicate severity level \"SEV1\"",
        ":19:13: error: unknown role \"comander\" (did you mean \"commander\"?)",
        ":21:47: error: matcher \"agent=~\\\"planner-(\\\"\" has an invalid regular expression",
        ":21:69: error: matcher \"service\" has no operator",
        ":23:19: error: unknown regulatory clock \"gdpr-72\"",
        ":23:28: error: duplicate clock \"gdpr-33\"",
        ":37:15: error: unknown role \"scirbe\" (did you mean \"scribe\"?)",
        ":39:18: error: duration \"5\" has no unit",
        ":40:22: error: dependency cycle: stop → verify → stop",
        ":40:28: error: unknown step \"pin-tarces\"",
        ":41:13: error: duplicate step \"stop\"",
        ":46:19: error: unknown communication template \"initial-notice\"",
        ":47:9: error: phase \"empty\" has no steps",
        ":51:12: error: unknown clock of this runbook \"nis2-final\"",
    ] {
        assert!(headlines.iter().any(|h| h.contains(expected)), "missing {expected:?} in\n{text}");
    }
    insta::assert_snapshot!("broken_refs", text);
}

#[test]
fn a_step_recording_an_unknown_decision_is_located_with_the_known_ones() {
    let dir = tempfile::tempdir().expect("dir");
    let minimal = std::fs::read_to_string("tests/fixtures/runbooks/minimal.yaml").expect("fixture");
    let file = dir.path().join("records.yaml");
    let text =
        minimal.replace("        kind: containment\n", "        kind: containment\n        records: [aware, awre]\n");
    std::fs::write(&file, text).expect("runbook");
    let (code, text) = lint(file.to_str().expect("path"));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("records.yaml:28:26: error: unknown decision \"awre\" (did you mean \"aware\"?)"), "{text}");
}

#[test]
fn duplicate_runbook_ids_across_files_are_an_error() {
    let dir = tempfile::tempdir().expect("dir");
    let minimal = std::fs::read_to_string("tests/fixtures/runbooks/minimal.yaml").expect("fixture");
    std::fs::write(dir.path().join("a.yaml"), &minimal).expect("a");
    std::fs::write(dir.path().join("b.yaml"), &minimal).expect("b");
    let (code, text) = lint(dir.path().to_str().expect("path"));
    assert_eq!(code, 1);
    assert!(text.contains("b.yaml:1:5: error: duplicate runbook id \"minimal\" (also in"), "{text}");
}

#[test]
fn a_missing_path_is_one_line() {
    let (code, text) = lint("no/such/runbooks");
    assert_eq!(code, 1);
    assert_eq!(text, "--- stderr\nwarroom: no/such/runbooks: no such file or directory\n");
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
}

fn clocks() -> BTreeSet<String> {
    warroom::catalog::clocks::shipped_ids()
}

fn mutate(text: &str, ops: &[(u8, usize, char)]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for &(op, at, c) in ops {
        if lines.is_empty() {
            break;
        }
        let i = at % lines.len();
        match op % 5 {
            0 => {
                lines.remove(i);
            }
            1 => {
                let copy = lines[i].clone();
                lines.insert(i, copy);
            }
            2 => {
                let mut chars: Vec<char> = lines[i].chars().collect();
                let j = at % (chars.len() + 1);
                chars.insert(j, c);
                lines[i] = chars.into_iter().collect();
            }
            3 => lines[i] = format!("  {}", lines[i]),
            _ => lines[i] = lines[i].trim_start().to_owned(),
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn lint_never_panics_on_arbitrary_text(text in "\\PC{0,400}") {
        let loaded = load_texts(vec![("fuzz.yaml".into(), Ok(text))], &clocks(), today());
        for d in &loaded.diagnostics {
            prop_assert!(d.line >= 1);
            let _ = loaded.render(d);
        }
    }

    #[test]
    fn lint_never_panics_on_a_mutated_runbook(ops in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<char>()), 1..6)) {
        let original = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/cross-tenant-pii-leak.yaml")).expect("runbook");
        let text = mutate(&original, &ops);
        let loaded = load_texts(vec![("mutant.yaml".into(), Ok(text))], &clocks(), today());
        prop_assert!(loaded.runbooks.len() + loaded.errors() >= 1, "either valid or located errors");
        for d in &loaded.diagnostics {
            let _ = loaded.render(d);
        }
    }
}

#[test]
fn a_clock_catalog_is_checked_with_located_errors() {
    let (code, text) = lint("tests/fixtures/runbooks/broken-clocks.yaml");
    assert_eq!(code, 1, "{text}");
    for expected in [
        "broken-clocks.yaml:2:9: error: clock acme-notice is anchored on unknown clock \"acme-initial\"",
        "broken-clocks.yaml:9:9: error: clock acme-final: the period must be longer than zero",
        "broken-clocks.yaml:9:9: error: clock acme-final: content item \"a\" is listed twice",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(text.contains("1 clock catalog, 3 errors"), "{text}");
    let (code, text) = lint("tests/fixtures/runbooks/broken-clock-zone.yaml");
    assert_eq!(code, 1, "{text}");
    assert!(
        text.starts_with(
            "tests/fixtures/runbooks/broken-clock-zone.yaml:9:11: error: unknown time zone \"Europe/Atlantis\""
        ),
        "{text}"
    );
}

#[test]
fn overlapping_unreachable_and_impossible_triggers_are_located() {
    let dir = tempfile::tempdir().expect("dir");
    let minimal = std::fs::read_to_string("tests/fixtures/runbooks/minimal.yaml").expect("fixture");
    let with_triggers = |id: &str, triggers: &str| {
        minimal
            .replace("id: minimal", &format!("id: {id}"))
            .replace("phases:", &format!("triggers:\n{triggers}phases:"))
    };
    let alpha = with_triggers(
        "alpha",
        "  - matchers: ['alertname=~\"Agent.*\"', 'environment=\"production\"']\n    severity: SEV2\n\
         \x20 - matchers: ['alertname=\"Quiet\"', 'alertname!=\"Quiet\"']\n    severity: SEV2\n",
    );
    let beta = with_triggers(
        "beta",
        "  - matchers: ['alertname=\"AgentLoop\"', 'tier!=\"free\"']\n    severity: SEV1\n\
         \x20 - matchers: ['environment=\"production\"', 'alertname=~\"AgentLoop|AgentSpend\"']\n    severity: SEV2\n",
    );
    std::fs::write(dir.path().join("alpha.yaml"), alpha).expect("alpha");
    std::fs::write(dir.path().join("beta.yaml"), beta).expect("beta");
    let (code, text) = lint(dir.path().to_str().expect("path"));
    assert_eq!(code, 1, "{text}");
    let headlines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
        .map(|l| l.rsplit_once('/').map_or(l, |(_, tail)| tail))
        .collect();
    insta::assert_snapshot!("triggers", headlines.join("\n"));
}

#[test]
fn a_placeholder_that_can_never_have_a_value_is_an_error() {
    let dir = tempfile::tempdir().expect("dir");
    let minimal = std::fs::read_to_string("tests/fixtures/runbooks/minimal.yaml").expect("fixture");
    let text = minimal
        .replace(
            "postmortem: \"# Post-mortem\"",
            "comms:\n  - id: notice\n    title: Notice\n    audience: customers\n    body: \"Ref {{incident.id}} for {{roles.commander}} at {{step.stop.at}}; {{incident.colour}} {{roles.scribe}}\"\npostmortem: \"# {{incident.title}} {{count.apples}}\"",
        );
    std::fs::write(dir.path().join("minimal.yaml"), text).expect("write");
    let (code, text) = lint(dir.path().to_str().expect("path"));
    assert_eq!(code, 1, "{text}");
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 3, "{text}");
    assert!(
        errors[0].contains("minimal.yaml:1:5: error: post-mortem template: unknown placeholder {{count.apples}}"),
        "{text}"
    );
    assert!(
        text.contains("unknown placeholder {{incident.colour}}: incident field \"colour\" is not one of"),
        "{text}"
    );
    assert!(text.contains("unknown placeholder {{roles.scribe}}: role \"scribe\" is not one of: commander"), "{text}");
}
