//! Nothing from outside panics or hangs a process: any numbers in a clock catalog (linted, or
//! counted when they pass), any period length, any JSON body at the listener, any Alertmanager
//! group landed.

mod common;

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use serde_json::{Value, json};
use warroom::app::{self, App, Call, Catalog};
use warroom::catalog::{self, Origin, clocks};
use warroom::clock::Clock;
use warroom::domain::clock::{Period, evaluate};
use warroom::domain::event::Actor;
use warroom::store::MemoryStore;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

/// The text with its n-th run of digits replaced by `values[n % len]`.
fn numbers_replaced(text: &str, values: &[u64]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut n = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push_str(&values[n % values.len()].to_string());
            n += 1;
        } else {
            out.push(c);
        }
    }
    out
}

fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        proptest::sample::select(vec![
            "version",
            "alerts",
            "status",
            "labels",
            "annotations",
            "startsAt",
            "endsAt",
            "fingerprint",
            "name",
            "event_action",
            "payload",
            "dedup_key",
            "summary",
            "severity",
            "source",
            "groupKey",
            "alertname",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC{0,24}".prop_map(Value::String),
        Just(json!("4")),
        Just(json!("firing")),
        Just(json!("0001-01-01T00:00:00Z")),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Names the shipped runbooks route (so that incidents are declared) and random ones (the inbox).
fn alert_name() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "CrossTenantDataAccess",
            "AgentStillActiveWhileDisabled",
            "AgentLoopRunaway",
            "LlmSpendSpike",
            "AgentKillSwitchFired",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_numbers_in_the_clock_catalog_are_linted_or_counted_without_panic(
        values in proptest::collection::vec(any::<u64>(), 1..24),
        anchor_secs in 0i64..4_102_444_800,
    ) {
        let shipped = clocks::shipped_file().into_iter().next().and_then(|(_, text)| text.ok()).expect("shipped");
        let text = numbers_replaced(&shipped, &values);
        let catalog = clocks::load_texts(vec![("fuzz.yaml".into(), Ok(text))]);
        let anchor = DateTime::from_timestamp(anchor_secs, 0).unwrap_or_default();
        let facts = common::every_decision_at(anchor);
        for def in &catalog.clocks {
            let status = evaluate(def, &facts, anchor);
            if let Some(deadline) = status.deadline {
                prop_assert!(deadline.due_at >= anchor, "{}", def.id);
            }
        }
    }

    #[test]
    fn any_json_body_parses_or_is_refused_without_panic(value in json_value()) {
        let _ = warroom::ingest::parse(value.to_string().as_bytes());
    }

    #[test]
    fn any_alertmanager_group_lands_or_is_refused_without_panic(
        alerts in proptest::collection::vec(
            (alert_name(), "\\PC{0,12}", -62_135_596_800i64..253_402_300_799, any::<bool>()),
            1..12,
        ),
    ) {
        let body = json!({
            "version": "4",
            "status": "firing",
            "alerts": alerts.iter().map(|(name, agent, started, resolved)| json!({
                "status": if *resolved { "resolved" } else { "firing" },
                "labels": { "alertname": name, "agent": agent, "service": "agents", "severity": "critical" },
                "annotations": { "summary": agent },
                "startsAt": DateTime::from_timestamp(*started, 0).unwrap_or_default().to_rfc3339(),
            })).collect::<Vec<_>>(),
        });
        let Ok(parsed) = warroom::ingest::parse(body.to_string().as_bytes()) else { return Ok(()) };
        let store = MemoryStore::new();
        let dir = tempfile::tempdir().expect("dir");
        let now = at("2026-11-24T09:00:00Z");
        let runbooks = catalog::load::load(&Origin::Embedded, now.date_naive());
        let clocks = clocks::load(None);
        let actor = Actor::named("alertmanager");
        let catalog = Catalog::of(&runbooks.runbooks, &clocks.clocks);
        let app = App::new(&store, dir.path(), Clock::frozen(now), &actor, catalog);
        let _ = app::perform(&app, Call::Ingest(parsed));
    }

    #[test]
    fn any_period_length_gives_a_deadline_without_overflow_or_endless_counting(
        anchor_secs in 1_577_836_800i64..2_082_758_400,
        pick in 0usize..1000,
        count in any::<u32>(),
        cap_hours in any::<u32>(),
    ) {
        let anchor = DateTime::from_timestamp(anchor_secs, 0).unwrap_or_default();
        let catalog = clocks::load(None);
        let mut def = catalog.clocks[pick % catalog.clocks.len()].clone();
        def.period = match def.period {
            Period::Hours(_) => Period::Hours(count),
            Period::EuDays(_) => Period::EuDays(count),
            Period::EuMonths(_) => Period::EuMonths(count),
            Period::CalendarDays(_) => Period::CalendarDays(count),
            Period::UsBusinessDays(_) => Period::UsBusinessDays(count),
            Period::WorkingDays(_) => Period::WorkingDays(count),
            Period::DaysAfterYearEnd(_) => Period::DaysAfterYearEnd(count),
            other @ Period::UndueDelay(_) => other,
        };
        if let Some(cap) = &mut def.cap {
            cap.hours = cap_hours;
        }
        let mut facts = common::every_decision_at(anchor);
        facts.submissions.extend(catalog.clocks.iter().filter(|c| c.id != def.id).map(|c| common::submission(&c.id, anchor)));
        let status = evaluate(&def, &facts, anchor);
        let deadline = status.deadline.expect("anchored");
        prop_assert!(deadline.due_at >= anchor && deadline.due_at <= deadline.legal_limit_at, "{}", def.id);
    }
}
