//! EU periods follow the law of the member state where the report is made (Reg. 1182/71
//! Art. 2(1)): its public holidays, computed by rule and checked against published lists, and
//! its time zone. Without a configured member state, the strictest reading.

mod common;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use proptest::prelude::*;
use warroom::catalog::clocks;
use warroom::catalog::member_states::{Jurisdiction, shipped, state};
use warroom::domain::clock::ClockDef;
use warroom::domain::clock::member_state::{HolidayChanges, localize};
use warroom::domain::clock::period::{Rules, deadline};
use warroom::domain::clock::{Deadline, Period};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

fn t(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").to_utc()
}

fn weekdays(days: impl IntoIterator<Item = NaiveDate>) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> =
        days.into_iter().filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)).collect();
    days.sort();
    days.dedup();
    days
}

#[test]
fn the_rules_give_the_published_holidays_of_twelve_states_over_several_years() {
    let states = shipped().expect("member states");
    let table = include_str!("fixtures/official-holidays.txt");
    let mut checked = std::collections::BTreeMap::<String, usize>::new();
    for line in table.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (head, dates) = line.split_once(": ").expect("CC YYYY: dates");
        let (code, year) = head.split_once(' ').expect("CC YYYY");
        let year: i32 = year.parse().expect("year");
        let published = weekdays(dates.split(' ').map(day));
        let computed = weekdays(states[code].holidays(year));
        assert_eq!(computed, published, "{code} {year}: weekday holidays by rule vs as published");
        *checked.entry(code.to_owned()).or_default() += 1;
    }
    assert!(checked.len() >= 10 && checked.values().filter(|years| **years >= 2).count() >= 10, "{checked:?}");
}

#[test]
fn the_classes_of_error_the_shared_calendar_made_are_gone() {
    let holidays = |code: &str, year| state(code).expect("state").holidays(year);
    let be = holidays("BE", 2026);
    assert!(!be.contains(&day("2026-04-03")) && !be.contains(&day("2026-12-26")), "no Good Friday, no 26 Dec in BE");
    assert!(!holidays("NL", 2026).contains(&day("2026-05-01")), "the Algemene termijnenwet does not list 1 May");
    assert!(be.contains(&day("2026-07-21")), "Belgian National Day");
    assert!(holidays("DE", 2026).contains(&day("2026-10-03")), "German Unity Day");
    assert!(holidays("GR", 2026).contains(&day("2026-04-13")) && holidays("EL", 2026).contains(&day("2026-04-13")));
    assert!(!holidays("DK", 2024).contains(&day("2024-04-26")), "Great Prayer Day abolished from 2024");
    assert!(holidays("DK", 2023).contains(&day("2023-05-05")));
    assert!(holidays("IE", 2025).contains(&day("2025-02-03")) && holidays("IE", 2030).contains(&day("2030-02-01")));
    assert!(holidays("NL", 2025).contains(&day("2025-04-26")), "King's Day on a Sunday moves to the Saturday");
}

/// `clock` from the shipped catalog, localized to `code` (or the strictest reading), with
/// `period` instead of its own when given.
fn localized(clock: &str, code: Option<&str>, period: Option<Period>) -> ClockDef {
    let mut def = clocks::load(None).get(clock).expect("clock").clone();
    if let Some(period) = period {
        def.period = period;
    }
    let member = code.map(|c| state(c).expect("state"));
    localize(&mut def, member.as_ref(), &HolidayChanges::default(), (2024, 2030));
    def
}

fn limit(def: &ClockDef, anchor: &str) -> DateTime<Utc> {
    deadline(&def.period, t(anchor), None, &Rules::of(def)).legal_limit_at
}

#[test]
fn per_state_a_holiday_on_the_last_day_moves_the_limit_in_that_state_and_zone_only() {
    // 15 days from Monday 6 July 2026 end on Tuesday 21 July: Belgian National Day.
    let anchor = "2026-07-06T10:00:00Z";
    assert_eq!(limit(&localized("ai-act-73-general", Some("BE"), None), anchor), t("2026-07-22T21:59:59Z"));
    assert_eq!(limit(&localized("ai-act-73-general", Some("FI"), None), anchor), t("2026-07-21T20:59:59Z"));
    assert_eq!(limit(&localized("ai-act-73-general", Some("IE"), None), anchor), t("2026-07-21T22:59:59Z"));
    assert_eq!(limit(&localized("ai-act-73-general", None, None), anchor), t("2026-07-21T20:59:59Z"), "strictest");
}

#[test]
fn a_two_day_period_whose_first_day_is_a_holiday_holds_two_working_days() {
    // From Thursday 24 December 2026: the 25th is a holiday, the last day (the 26th) a
    // Saturday; Art. 3(4) moves it to Monday 28th, Art. 3(5) to Tuesday 29th.
    let critical = |code| localized("ai-act-73-critical", Some(code), None);
    assert_eq!(limit(&critical("BE"), "2026-12-24T09:00:00Z"), t("2026-12-29T22:59:59Z"));
    assert_eq!(limit(&critical("DE"), "2026-12-24T09:00:00Z"), t("2026-12-29T22:59:59Z"));
    // Easter: from Thursday 2 April 2026, Good Friday is a holiday in DE but not in BE.
    assert_eq!(limit(&critical("DE"), "2026-04-02T09:00:00Z"), t("2026-04-08T21:59:59Z"));
    assert_eq!(limit(&critical("BE"), "2026-04-02T09:00:00Z"), t("2026-04-07T21:59:59Z"));
    assert_eq!(limit(&critical("BE"), "2026-04-01T09:00:00Z"), t("2026-04-03T21:59:59Z"));
    assert_eq!(limit(&critical("DE"), "2026-04-01T09:00:00Z"), t("2026-04-07T21:59:59Z"));
}

#[test]
fn a_month_from_the_thirty_first_ends_on_the_last_day_of_the_shorter_month() {
    let month = |code| localized("ai-act-73-general", Some(code), Some(Period::EuMonths(1)));
    // 31 January 2026 + one month: 28 February, a Saturday: Monday 2 March.
    assert_eq!(limit(&month("FR"), "2026-01-31T12:00:00Z"), t("2026-03-02T22:59:59Z"));
    // 31 March 2027 + one month: 30 April, a Friday (King's Day 27 April is not involved).
    assert_eq!(limit(&month("NL"), "2027-03-31T12:00:00Z"), t("2027-04-30T21:59:59Z"));
}

#[test]
fn dora_limits_on_a_weekend_or_bank_holiday_move_to_noon_of_the_next_working_day_unless_excluded() {
    // `clock` in Ireland, for an entity of `kinds` (`None`: not stated).
    let dora = |clock: &str, kinds: Option<&[String]>| {
        let mut def = localized(clock, Some("IE"), None);
        warroom::domain::clock::member_state::entity_relief(&mut def, kinds);
        def
    };
    let bank = ["credit-institution".to_owned()];
    // DORA initial: classified major on Saturday 4 July 2026 at 09:00 UTC; 4 hours later is a
    // Saturday in Dublin: the limit is noon on Monday 6 July (Dublin summer time, UTC+1).
    let initial = dora("dora-initial", Some(&[]));
    let d = deadline(&initial.period, t("2026-07-04T09:00:00Z"), None, &Rules::of(&initial));
    assert_eq!((d.due_at, d.legal_limit_at), (t("2026-07-04T13:00:00Z"), t("2026-07-06T11:00:00Z")));
    // A credit institution has no such relief for the initial notification.
    let withheld = dora("dora-initial", Some(&bank));
    assert_eq!(limit(&withheld, "2026-07-04T09:00:00Z"), t("2026-07-04T13:00:00Z"));
    assert_eq!(
        withheld.localized.as_ref().and_then(|l| l.relief_withheld.as_deref()),
        Some("the entity is a credit-institution")
    );
    // Kinds not stated: the stricter reading, said why.
    assert_eq!(limit(&dora("dora-initial", None), "2026-07-04T09:00:00Z"), t("2026-07-04T13:00:00Z"));
    // The final report keeps the relief for every entity; a bank holiday counts too: the
    // month from 17 February 2026 ends on 17 March, St Patrick's Day in Ireland.
    let final_report = dora("dora-final", Some(&bank));
    assert_eq!(limit(&final_report, "2026-02-17T10:00:00Z"), t("2026-03-18T12:00:00Z"), "noon in Dublin, winter time");
}

#[test]
fn an_anchor_late_in_the_evening_is_the_next_day_in_an_eastern_state() {
    // 22:30 UTC on Monday 2 March 2026 is Tuesday 00:30 in Helsinki, still Monday in Dublin.
    let general = |code| localized("ai-act-73-general", Some(code), None);
    // Dublin counts from Monday 2nd: its last day, the 17th, is St Patrick's Day. Helsinki
    // counts from Tuesday 3rd: the 18th. The same date, for different reasons, hours apart.
    assert_eq!(limit(&general("IE"), "2026-03-02T22:30:00Z"), t("2026-03-18T23:59:59Z"));
    assert_eq!(limit(&general("FI"), "2026-03-02T22:30:00Z"), t("2026-03-18T21:59:59Z"));
    assert_eq!(limit(&general("FI"), "2026-03-02T21:30:00Z"), t("2026-03-17T21:59:59Z"));
}

/// The local days after `from`'s up to `to`'s that `keep` selects, in `def`'s zone.
fn days_between(def: &ClockDef, from: DateTime<Utc>, to: DateTime<Utc>, keep: impl Fn(&NaiveDate) -> bool) -> i64 {
    let zone = def.zone.0;
    let (first, last) = (from.with_timezone(&zone).date_naive(), to.with_timezone(&zone).date_naive());
    first.iter_days().skip(1).take_while(|d| *d <= last).filter(|d| keep(d)).count() as i64
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    /// Over thirty years, in every state: the limit is never before the conservative due time,
    /// never before the same count without holidays, and each day it adds is a holiday's.
    #[test]
    fn holidays_only_ever_extend_a_limit_and_never_by_more_than_they_explain(
        days_after in 0i64..(30 * 366),
        minutes in 0i64..(24 * 60),
        state_index in 0usize..30,
        (days, months) in (1u32..=20, 0u32..=3),
    ) {
        let codes: Vec<String> = shipped().expect("states").into_keys().filter(|c| c != "EL").collect();
        let code = &codes[state_index % codes.len()];
        let anchor = t("2020-01-01T00:00:00Z") + Duration::days(days_after) + Duration::minutes(minutes);
        let period = if months > 0 { Period::EuMonths(months) } else { Period::EuDays(days) };
        let year = anchor.year();
        let mut with = clocks::load(None).get("ai-act-73-general").expect("clock").clone();
        with.period = period.clone();
        let mut without = with.clone();
        let member = state(code).expect("state");
        localize(&mut with, Some(&member), &HolidayChanges::default(), (year - 1, year + 1));
        localize(&mut without, Some(&member), &HolidayChanges { remove: member.holidays_between(year - 1, year + 1), add: Vec::new() }, (year - 1, year + 1));
        let Deadline { due_at, legal_limit_at, .. } = deadline(&period, anchor, None, &Rules::of(&with));
        let plain = deadline(&period, anchor, None, &Rules::of(&without)).legal_limit_at;
        prop_assert!(due_at <= legal_limit_at, "{code} {anchor}: due {due_at} after the limit {legal_limit_at}");
        prop_assert!(plain <= legal_limit_at, "{code} {anchor}: holidays moved the limit earlier");
        let holiday = |d: &NaiveDate| with.extra_holidays.contains(d);
        let working = |d: &NaiveDate| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holiday(d);
        let working_added = days_between(&with, plain, legal_limit_at, working);
        let explained = days_between(&with, anchor - Duration::days(1), legal_limit_at, holiday);
        prop_assert!(
            working_added <= explained,
            "{code} {anchor} {period:?}: {working_added} working days added, {explained} holidays to explain them"
        );
    }
}

#[test]
fn the_workspace_names_its_member_state_and_edits_its_holidays_and_lint_checks_both() {
    let ws = common::Workspace::new();
    std::fs::write(
        ws.path().join("warroom.yaml"),
        "member_state: BE\nholidays:\n  add: [2026-07-20]\n  remove: [2026-07-21]\n",
    )
    .expect("warroom.yaml");
    let parties = warroom::catalog::workspace_config::load(ws.path()).expect("valid");
    let jurisdiction = Jurisdiction::of(&parties, None).expect("BE");
    let mut def = clocks::load(None).get("ai-act-73-general").expect("clock").clone();
    jurisdiction.apply(&mut def, day("2026-07-01"));
    assert!(def.extra_holidays.contains(&day("2026-07-20")) && !def.extra_holidays.contains(&day("2026-07-21")));

    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let status = ws.status_json(&id);
    let clock = status["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["id"] == "ai-act-73-general")
        .cloned()
        .expect("clock");
    assert_eq!(clock["member_state"], "BE");
    assert_eq!(clock["zone"], "Europe/Brussels");
    let out = ws.ok(
        "alice",
        &["clock", "add", &id, "ai-act-73-critical", "--reason", "critical infrastructure", "--member-state", "fi"],
    );
    assert!(out.contains("ai-act-73-critical"), "{out}");
    let status = ws.status_json(&id);
    let added = status["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["id"] == "ai-act-73-critical")
        .cloned()
        .expect("clock");
    assert_eq!((added["member_state"].as_str(), added["zone"].as_str()), (Some("FI"), Some("Europe/Helsinki")));

    std::fs::write(ws.path().join("warroom.yaml"), "entity: []\nmember_state: XX\n").expect("warroom.yaml");
    let lint = ws.run("alice", &["lint"]);
    assert_eq!(lint.status.code(), Some(1));
    let text = String::from_utf8_lossy(&lint.stdout);
    assert!(
        text.contains("warroom.yaml:2:1: error: member_state: \"XX\" is not an EU/EEA member state code"),
        "{text}"
    );
    std::fs::write(ws.path().join("warroom.yaml"), "holidays: { add: [2026-07-20] }\n").expect("warroom.yaml");
    let lint = String::from_utf8_lossy(&ws.run("alice", &["lint"]).stdout).into_owned();
    assert!(lint.contains("holidays changes a member state's calendar: name it"), "{lint}");
}

#[test]
fn without_a_member_state_status_says_the_strictest_reading_applies() {
    let ws = common::Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let listing = ws.ok("alice", &["clock", "list", &id]);
    assert!(listing.contains("Art. 73(2) · no member state: conservative]"), "{listing}");
    let status = ws.status_json(&id);
    let clock = status["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["id"] == "ai-act-73-general")
        .cloned()
        .expect("clock");
    assert_eq!(clock["member_state"], serde_json::Value::Null);
    assert_eq!(clock["zone"], "Europe/Athens");
    assert!(clock["calendar"].as_str().is_some_and(|c| c.starts_with("no member state configured: no holiday relief")));
}

#[test]
fn an_sec_determination_is_dated_where_the_registrant_is_and_filed_by_edgars_new_york_cut_off() {
    let parties = warroom::catalog::workspace_config::parse("warroom.yaml", "registrant_zone: America/Los_Angeles\n")
        .expect("valid");
    let mut def = clocks::load(None).get("sec-8k").expect("sec-8k").clone();
    let new_york = deadline(&def.period, t("2026-12-01T06:00:00Z"), None, &Rules::of(&def));
    Jurisdiction::of(&parties, None).expect("no member state").apply(&mut def, day("2026-12-01"));
    let registrant = deadline(&def.period, t("2026-12-01T06:00:00Z"), None, &Rules::of(&def));
    // 06:00 UTC on 1 December is Monday 22:00 in Los Angeles but Tuesday 01:00 in New York.
    assert_eq!(registrant.due_at, t("2026-12-04T22:30:00Z"), "Monday + 4 business days, 17:30 New York");
    assert_eq!(new_york.due_at, t("2026-12-07T22:30:00Z"), "read in New York the determination is a day later");
}
