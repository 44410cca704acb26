//! Properties of the fold and of the log: replay is deterministic and round-trips through the
//! line format, and any interleaving of two writers yields one valid chain.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use warroom::catalog::{self, Origin};
use warroom::domain::clock::{ClockDef, Decision, SubmissionPhase};
use warroom::domain::event::{Actor, Envelope};
use warroom::domain::incident::fold;
use warroom::domain::runbook::Runbook;
use warroom::domain::{Command, Incident, decide};
use warroom::store::scan::{Position, scan};
use warroom::store::verify::verify_file;
use warroom::store::{Store, Workspace, line};

fn clocks_of(runbook: &Runbook) -> Vec<ClockDef> {
    let catalog = warroom::catalog::clocks::load(None);
    runbook.clocks.iter().filter_map(|c| catalog.get(c).cloned()).collect()
}

fn runbook() -> Runbook {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let loaded = catalog::load(&Origin::Embedded, today);
    loaded.get("cross-tenant-pii-leak").expect("shipped runbook").clone()
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T02:00:00Z").expect("t0").with_timezone(&Utc)
}

fn command_strategy(steps: Vec<String>) -> impl Strategy<Value = Command> {
    let step = prop_oneof![4 => proptest::sample::select(steps), 1 => "[a-z-]{1,12}"];
    let text = prop_oneof![Just(String::new()), ".{1,40}"];
    prop_oneof![
        (step.clone(), proptest::option::of(text.clone()), any::<bool>())
            .prop_map(|(step, note, force)| Command::Tick { step, note, force, override_hold: None }),
        (step.clone(), text.clone()).prop_map(|(step, reason)| Command::Skip { step, reason }),
        (step, text.clone()).prop_map(|(step, reason)| Command::Reopen { step, reason }),
        text.clone().prop_map(|text| Command::Note { text }),
        (proptest::sample::select(vec!["SEV1", "SEV2", "SEV3", "sev4", "SEV9"]), text.clone())
            .prop_map(|(to, reason)| Command::Severity { to: to.to_owned(), reason }),
        (proptest::sample::select(vec!["scribe", "privacy", "commander", "nobody"]), text.clone())
            .prop_map(|(role, name)| Command::Assign { role: role.to_owned(), name }),
        Just(Command::Resolve),
        (any::<bool>(), proptest::option::of(text.clone()))
            .prop_map(|(force, reason)| Command::Close { force, reason }),
        (
            proptest::sample::select(Decision::ALL.to_vec()),
            proptest::option::of(proptest::sample::select(vec!["gdpr", "ai-act", "dora"])),
            0i64..400_000,
            proptest::option::of(text.clone())
        )
            .prop_map(|(decision, regime, ago, reason)| Command::Decide {
                decision,
                regime: regime.map(str::to_owned),
                at: Some(t0() - Duration::seconds(ago)),
                evidence: None,
                reason,
                confirm: false,
            }),
        (
            proptest::sample::select(vec!["gdpr-33", "gdpr-34", "ai-act-73-general", "nis2-final"]),
            text.clone(),
            0i64..400_000
        )
            .prop_map(|(clock, reference, ago)| Command::Notify {
                clock: clock.to_owned(),
                reference,
                at: Some(t0() - Duration::seconds(ago)),
                phase: SubmissionPhase::Initial,
                channel: None,
                late_reason: Some("found late".to_owned()),
                filed: None,
            }),
        (proptest::sample::select(vec!["gdpr-34", "uk-gdpr-33"]), text)
            .prop_map(|(clock, rationale)| Command::Waive { clock: clock.to_owned(), rationale }),
    ]
}

/// Runs commands through `decide`, keeping accepted events with their envelopes.
fn record(runbook: &Runbook, commands: Vec<(Command, usize)>) -> (Incident, Vec<Envelope>) {
    let actors = ["alice", "bob", "carol"];
    let declare = Command::Declare {
        id: "INC-20261124-001".into(),
        runbook: Box::new(runbook.clone()),
        clocks: clocks_of(runbook),
        severity: None,
        title: None,
        aware_at: None,
        drill: false,
        from_alert: None,
    };
    let mut envelopes = Vec::new();
    let mut state: Option<Incident> = None;
    let mut now = t0();
    for (command, who) in std::iter::once((declare, 0)).chain(commands) {
        now += Duration::seconds(7);
        let Ok(events) = decide(state.as_ref(), command, now, actors[who % 3]) else { continue };
        for event in events {
            let envelope =
                Envelope { seq: envelopes.len() as u64 + 1, at: now, actor: Actor::named(actors[who % 3]), event };
            match state.as_mut() {
                Some(s) => s.apply(&envelope),
                None => state = Incident::declared(&envelope),
            }
            envelopes.push(envelope);
        }
    }
    (state.expect("declared"), envelopes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn replay_gives_the_live_state_and_survives_the_line_format(
        commands in proptest::collection::vec((command_strategy(runbook().step_ids().map(str::to_owned).collect()), 0usize..3), 0..60)
    ) {
        let runbook = runbook();
        let (live, envelopes) = record(&runbook, commands);
        let replayed = fold(&envelopes).expect("fold");
        prop_assert_eq!(&replayed, &live);
        prop_assert_eq!(fold(&envelopes).expect("again"), replayed);

        let mut bytes = Vec::new();
        let mut prev = line::genesis("INC-20261124-001");
        for e in &envelopes {
            prev = line::encode(&mut bytes, e.seq, &prev, e.at, &e.actor, &e.event).expect("encode");
        }
        prop_assert!(bytes.iter().all(|b| (0x20..0x7f).contains(b) || *b == b'\n'));
        let mut read_back = Vec::new();
        let (end, torn) = scan(&bytes[..], Position::START, line::genesis("INC-20261124-001"), |e| read_back.push(e)).expect("scan");
        prop_assert!(torn.is_none());
        prop_assert_eq!(end.seq, envelopes.len() as u64);
        prop_assert_eq!(end.hash, Some(prev));
        let at_micros = |e: &Envelope| (e.seq, e.at.timestamp_micros(), e.event.clone(), e.actor.clone());
        prop_assert_eq!(read_back.iter().map(at_micros).collect::<Vec<_>>(), envelopes.iter().map(at_micros).collect::<Vec<_>>());
        prop_assert_eq!(fold(&read_back).expect("fold back"), live);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn any_interleaving_of_two_writers_is_one_valid_chain(a in 1u64..25, b in 1u64..25) {
        let dir = tempfile::tempdir().expect("dir");
        let runbook = runbook();
        let first = Workspace::open(dir.path()).expect("open");
        let clocks = clocks_of(&runbook);
        let declare = |id: String| Command::Declare {
            id, runbook: Box::new(runbook.clone()), clocks: clocks.clone(), severity: None, title: None, aware_at: None, drill: false, from_alert: None,
        };
        let id = Arc::new(first.declare(&Actor::named("alice"), t0(), &declare).expect("declare"));
        let writers: Vec<_> = [("alice", a), ("bob", b)].into_iter().map(|(who, count)| {
            let root = dir.path().to_owned();
            let id = Arc::clone(&id);
            std::thread::spawn(move || {
                let ws = Workspace::open(&root).expect("open");
                for n in 0..count {
                    let note = Command::Note { text: format!("{who} {n}") };
                    ws.execute(&id, &Actor::named(who), t0(), note).expect("append");
                }
            })
        }).collect();
        for w in writers {
            w.join().expect("writer");
        }
        let verified = verify_file(&first.log_path(&id), None).expect("one valid chain");
        prop_assert_eq!(verified.events, 1 + a + b);
        let incident = first.incident(&id).expect("incident");
        for who in ["alice", "bob"] {
            let mine: Vec<&str> = incident.notes.iter().filter(|n| n.by == who).map(|n| n.text.as_str()).collect();
            let want: Vec<String> = (0..if who == "alice" { a } else { b }).map(|n| format!("{who} {n}")).collect();
            prop_assert_eq!(mine, want.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
}
