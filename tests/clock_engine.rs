//! The deadline engine against the legal texts (REGULATORY.md): a table of cases, the clock
//! states, and properties over random anchors.

mod common;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use warroom::catalog::clocks;
use warroom::domain::clock::{
    ClockDef, ClockFacts, ClockState, Decision, DecisionRecord, Submission, SubmissionPhase, Waiver, evaluate,
};

fn t(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}")).with_timezone(&Utc)
}

fn def(id: &str) -> ClockDef {
    clocks::load(None).get(id).unwrap_or_else(|| panic!("no clock {id}")).clone()
}

fn decided(facts: &mut ClockFacts, decision: Decision, at: &str) {
    let record = DecisionRecord {
        decision,
        at: t(at),
        recorded_at: t(at),
        by: "alice".into(),
        evidence: None,
        seq: facts.decision_log.len() as u64 + 2,
        corrects: None,
        auto: false,
        reason: None,
        regime: None,
    };
    facts.record(record);
}

fn submitted(facts: &mut ClockFacts, clock: &str, at: &str) {
    facts.submissions.push(Submission {
        clock: clock.into(),
        at: t(at),
        recorded_at: t(at),
        by: "priya".into(),
        reference: format!("REF-{}", facts.submissions.len() + 1),
        phase: SubmissionPhase::Initial,
        channel: None,
        late_reason: None,
        seq: 100 + facts.submissions.len() as u64,
        filed: None,
    });
}

/// (case, clock, decisions, submissions, expected due, expected legal limit)
type Case = (
    &'static str,
    &'static str,
    &'static [(Decision, &'static str)],
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
);

use Decision::{AssessedNotifiable, Aware, ClassifiedMajor, DeathSuspected, Discovered, IncidentDetermined, Material};

const CASES: &[Case] = &[
    // Hours: elapsed time in UTC, no roll, no daylight-saving effect.
    ("gdpr 72 h", "gdpr-33", &[(Aware, "2026-11-24T10:00:00Z")], &[], "2026-11-27T10:00:00Z", "2026-11-27T10:00:00Z"),
    (
        "gdpr 72 h across the October DST change",
        "gdpr-33",
        &[(Aware, "2026-10-24T08:00:00Z")],
        &[],
        "2026-10-27T08:00:00Z",
        "2026-10-27T08:00:00Z",
    ),
    (
        "gdpr 72 h across the March DST change",
        "gdpr-33",
        &[(Aware, "2026-03-28T12:00:00Z")],
        &[],
        "2026-03-31T12:00:00Z",
        "2026-03-31T12:00:00Z",
    ),
    (
        "uk gdpr 72 h over a weekend",
        "uk-gdpr-33",
        &[(Aware, "2026-11-27T17:00:00Z")],
        &[],
        "2026-11-30T17:00:00Z",
        "2026-11-30T17:00:00Z",
    ),
    (
        "nydfs 72 h across the US DST change",
        "nydfs-500-17",
        &[(IncidentDetermined, "2026-03-07T15:00:00Z")],
        &[],
        "2026-03-10T15:00:00Z",
        "2026-03-10T15:00:00Z",
    ),
    (
        "nis2 24 h over New Year",
        "nis2-early-warning",
        &[(Aware, "2026-12-31T23:30:00Z")],
        &[],
        "2027-01-01T23:30:00Z",
        "2027-01-01T23:30:00Z",
    ),
    (
        "nis2 72 h from a Saturday",
        "nis2-notification",
        &[(Aware, "2026-11-28T09:00:00Z")],
        &[],
        "2026-12-01T09:00:00Z",
        "2026-12-01T09:00:00Z",
    ),
    (
        "gdpr 72 h over 29 February 2028",
        "gdpr-33",
        &[(Aware, "2028-02-27T12:00:00Z")],
        &[],
        "2028-03-01T12:00:00Z",
        "2028-03-01T12:00:00Z",
    ),
    (
        "gdpr 72 h over February 2027 (no leap day)",
        "gdpr-33",
        &[(Aware, "2027-02-27T12:00:00Z")],
        &[],
        "2027-03-02T12:00:00Z",
        "2027-03-02T12:00:00Z",
    ),
    // DORA initial: min(classified + 4 h, aware + 24 h); classified after 24 h: classified + 4 h.
    (
        "dora classified early",
        "dora-initial",
        &[(Aware, "2026-11-24T08:00:00Z"), (ClassifiedMajor, "2026-11-24T10:00:00Z")],
        &[],
        "2026-11-24T14:00:00Z",
        "2026-11-24T14:00:00Z",
    ),
    (
        "dora classified at 22 h: the 24 h cap",
        "dora-initial",
        &[(Aware, "2026-11-24T08:00:00Z"), (ClassifiedMajor, "2026-11-25T06:00:00Z")],
        &[],
        "2026-11-25T08:00:00Z",
        "2026-11-25T08:00:00Z",
    ),
    (
        "dora classified after 24 h",
        "dora-initial",
        &[(Aware, "2026-11-24T08:00:00Z"), (ClassifiedMajor, "2026-11-25T14:00:00Z")],
        &[],
        "2026-11-25T18:00:00Z",
        "2026-11-25T18:00:00Z",
    ),
    (
        "dora classified at exactly 24 h",
        "dora-initial",
        &[(Aware, "2026-11-24T08:00:00Z"), (ClassifiedMajor, "2026-11-25T08:00:00Z")],
        &[],
        "2026-11-25T08:00:00Z",
        "2026-11-25T08:00:00Z",
    ),
    (
        "dora classified, awareness not recorded",
        "dora-initial",
        &[(ClassifiedMajor, "2026-11-24T10:00:00Z")],
        &[],
        "2026-11-24T14:00:00Z",
        "2026-11-24T14:00:00Z",
    ),
    (
        "dora intermediate from the initial's submission",
        "dora-intermediate",
        &[(Aware, "2026-11-24T08:00:00Z")],
        &[("dora-initial", "2026-11-24T12:30:00Z")],
        "2026-11-27T12:30:00Z",
        "2026-11-27T12:30:00Z",
    ),
    (
        "dora final from the latest intermediate",
        "dora-final",
        &[],
        &[("dora-intermediate", "2026-11-27T09:00:00Z"), ("dora-intermediate", "2026-12-03T09:00:00Z")],
        "2027-01-03T09:00:00Z",
        // 3 January 2027 is a Sunday: noon of Monday the 4th (RTS 2025/301 Art. 5(4)).
        "2027-01-04T11:00:00Z",
    ),
    // EU months (1182/71 3(2)(c)): same date, clamped; legal limit at the end of that day, rolled.
    (
        "nis2 final from 31 January: clamped to 28 February, a Saturday",
        "nis2-final",
        &[],
        &[("nis2-notification", "2026-01-31T10:00:00Z")],
        "2026-02-28T10:00:00Z",
        "2026-03-02T22:59:59Z",
    ),
    (
        "nis2 final across the DST change keeps local time",
        "nis2-final",
        &[],
        &[("nis2-notification", "2026-03-15T09:00:00Z")],
        "2026-04-15T08:00:00Z",
        "2026-04-15T21:59:59Z",
    ),
    (
        "nis2 final over Christmas",
        "nis2-final",
        &[],
        &[("nis2-notification", "2026-11-25T10:00:00Z")],
        "2026-12-25T10:00:00Z",
        "2026-12-28T22:59:59Z",
    ),
    // EU days (1182/71 Art. 3): anchor day excluded, end of last day, weekend/holiday roll, two working days.
    (
        "ai act 15 days ending on a Saturday",
        "ai-act-73-general",
        &[(Aware, "2026-11-20T10:00:00Z")],
        &[],
        "2026-12-05T10:00:00Z",
        "2026-12-07T22:59:59Z",
    ),
    (
        "ai act 15 days ending on Christmas",
        "ai-act-73-general",
        &[(Aware, "2026-12-10T10:00:00Z")],
        &[],
        "2026-12-25T10:00:00Z",
        "2026-12-28T22:59:59Z",
    ),
    (
        "ai act 15 days over Easter 2026",
        "ai-act-73-general",
        &[(Aware, "2026-03-20T10:00:00Z")],
        &[],
        "2026-04-04T10:00:00Z",
        "2026-04-07T21:59:59Z",
    ),
    (
        "ai act 2 days from a Thursday",
        "ai-act-73-critical",
        &[(Aware, "2026-11-26T10:00:00Z")],
        &[],
        "2026-11-28T10:00:00Z",
        "2026-11-30T22:59:59Z",
    ),
    (
        "ai act 2 days from Good Friday 2027: two working days",
        "ai-act-73-critical",
        &[(Aware, "2027-03-26T10:00:00Z")],
        &[],
        "2027-03-28T10:00:00Z",
        "2027-03-31T21:59:59Z",
    ),
    (
        "ai act 10 days, aware after midnight Brussels time",
        "ai-act-73-death",
        &[(Aware, "2026-11-24T23:30:00Z")],
        &[],
        "2026-12-04T23:30:00Z",
        "2026-12-07T22:59:59Z",
    ),
    (
        "ai act 10 days ending on a working day",
        "ai-act-73-death",
        &[(Aware, "2026-11-23T09:00:00Z")],
        &[],
        "2026-12-03T09:00:00Z",
        "2026-12-03T22:59:59Z",
    ),
    (
        "ai act 15 days in a leap February",
        "ai-act-73-general",
        &[(Aware, "2028-02-20T10:00:00Z")],
        &[],
        "2028-03-06T10:00:00Z",
        "2028-03-06T22:59:59Z",
    ),
    // Calendar days in the catalog's zone.
    (
        "hipaa 60 days",
        "hipaa-individuals",
        &[(Discovered, "2026-11-24T15:00:00Z")],
        &[],
        "2027-01-23T15:00:00Z",
        "2027-01-24T04:59:59Z",
    ),
    (
        "hipaa 60 days across the US DST change",
        "hipaa-individuals",
        &[(Discovered, "2026-10-01T12:00:00Z")],
        &[],
        "2026-11-30T12:00:00Z",
        "2026-12-01T04:59:59Z",
    ),
    (
        "pdpa 3 days counted in Singapore",
        "pdpa-26d",
        &[(AssessedNotifiable, "2026-11-24T20:00:00Z")],
        &[],
        "2026-11-27T20:00:00Z",
        "2026-11-28T15:59:59Z",
    ),
    (
        "pdpa 3 days, no weekend roll",
        "pdpa-26d",
        &[(AssessedNotifiable, "2026-11-26T02:00:00Z")],
        &[],
        "2026-11-29T02:00:00Z",
        "2026-11-29T15:59:59Z",
    ),
    // SEC: four business days after the determination, 17:30 New York time.
    (
        "sec across Thanksgiving",
        "sec-8k",
        &[(Material, "2026-11-23T15:00:00Z")],
        &[],
        "2026-11-30T22:30:00Z",
        "2026-11-30T22:30:00Z",
    ),
    (
        "sec determined on a Sunday",
        "sec-8k",
        &[(Material, "2026-11-22T15:00:00Z")],
        &[],
        "2026-11-27T22:30:00Z",
        "2026-11-27T22:30:00Z",
    ),
    (
        "sec across Christmas",
        "sec-8k",
        &[(Material, "2026-12-22T15:00:00Z")],
        &[],
        "2026-12-29T22:30:00Z",
        "2026-12-29T22:30:00Z",
    ),
    (
        "sec with 4 July on a Saturday, observed Friday",
        "sec-8k",
        &[(Material, "2026-07-01T15:00:00Z")],
        &[],
        "2026-07-08T21:30:00Z",
        "2026-07-08T21:30:00Z",
    ),
    (
        "sec determined late Friday New York time (Saturday in UTC)",
        "sec-8k",
        &[(Material, "2026-11-07T04:00:00Z")],
        &[],
        "2026-11-13T22:30:00Z",
        "2026-11-13T22:30:00Z",
    ),
    (
        "sec over New Year",
        "sec-8k",
        &[(Material, "2026-12-29T15:00:00Z")],
        &[],
        "2027-01-05T22:30:00Z",
        "2027-01-05T22:30:00Z",
    ),
    (
        "sec determined on a holiday (Labor Day)",
        "sec-8k",
        &[(Material, "2026-09-07T15:00:00Z")],
        &[],
        "2026-09-11T21:30:00Z",
        "2026-09-11T21:30:00Z",
    ),
    // Without undue delay: an internal target, no legal limit.
    (
        "gdpr processor target",
        "gdpr-33-processor",
        &[(Aware, "2026-11-24T10:00:00Z")],
        &[],
        "2026-11-25T10:00:00Z",
        "2026-11-25T10:00:00Z",
    ),
    (
        "gdpr 34 from the high-risk decision",
        "gdpr-34",
        &[(Aware, "2026-11-24T10:00:00Z"), (Decision::HighRisk, "2026-11-25T10:00:00Z")],
        &[],
        "2026-11-28T10:00:00Z",
        "2026-11-28T10:00:00Z",
    ),
    (
        "nis2 final chained on the notification, not on awareness",
        "nis2-final",
        &[(Aware, "2026-11-02T10:00:00Z")],
        &[("nis2-notification", "2026-11-04T10:00:00Z")],
        "2026-12-04T10:00:00Z",
        "2026-12-04T22:59:59Z",
    ),
];

#[test]
fn deadlines_follow_the_counting_rules() {
    let now = t("2026-01-01T00:00:00Z");
    let mut failures = Vec::new();
    for (name, clock, decisions, submissions, due, legal) in CASES {
        let def = def(clock);
        let mut facts = ClockFacts::default();
        for (decision, at) in *decisions {
            decided(&mut facts, *decision, at);
        }
        for (other, at) in *submissions {
            submitted(&mut facts, other, at);
        }
        let status = evaluate(&def, &facts, now);
        let Some(deadline) = status.deadline else {
            failures.push(format!("{name}: no deadline ({:?})", status.awaiting));
            continue;
        };
        if deadline.due_at != t(due) || deadline.legal_limit_at != t(legal) {
            failures.push(format!(
                "{name}: due {} legal {} — wanted {due} and {legal}",
                deadline.due_at.to_rfc3339(),
                deadline.legal_limit_at.to_rfc3339()
            ));
        }
    }
    assert!(CASES.len() >= 40, "{} cases", CASES.len());
    assert!(failures.is_empty(), "{} of {} cases wrong:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

#[test]
fn a_clock_awaits_its_anchor_and_says_which() {
    let mut facts = ClockFacts::default();
    decided(&mut facts, Aware, "2026-11-24T10:00:00Z");
    let now = t("2026-11-24T11:00:00Z");
    let gdpr34 = def("gdpr-34");
    let status = evaluate(&gdpr34, &facts, now);
    assert_eq!(status.state, ClockState::AwaitingAnchor);
    assert_eq!(status.awaiting.map(|a| a.to_string()).as_deref(), Some("decision high-risk"));
    let dora = def("dora-intermediate");
    assert_eq!(
        evaluate(&dora, &facts, now).awaiting.map(|a| a.to_string()).as_deref(),
        Some("submission of dora-initial")
    );
}

#[test]
fn running_due_soon_overdue_then_settled() {
    let gdpr = def("gdpr-33");
    let mut facts = ClockFacts::default();
    decided(&mut facts, Aware, "2026-11-24T10:00:00Z");
    let at = |now: &str| evaluate(&gdpr, &facts, t(now)).state;
    assert_eq!(at("2026-11-25T10:00:00Z"), ClockState::Running);
    assert_eq!(at("2026-11-26T16:00:00Z"), ClockState::Running, "exactly 25 % left is not yet due soon");
    assert_eq!(at("2026-11-26T16:00:01Z"), ClockState::DueSoon);
    assert_eq!(at("2026-11-27T10:00:00Z"), ClockState::DueSoon);
    assert_eq!(at("2026-11-27T10:00:01Z"), ClockState::Overdue);
    assert_eq!(evaluate(&gdpr, &facts, t("2026-11-27T11:00:00Z")).remaining_seconds, Some(-3600));

    let mut on_time = facts.clone();
    submitted(&mut on_time, "gdpr-33", "2026-11-27T09:00:00Z");
    assert_eq!(evaluate(&gdpr, &on_time, t("2026-12-01T00:00:00Z")).state, ClockState::SubmittedOnTime);
    let mut late = facts.clone();
    submitted(&mut late, "gdpr-33", "2026-11-27T12:00:00Z");
    assert_eq!(evaluate(&gdpr, &late, t("2026-12-01T00:00:00Z")).state, ClockState::SubmittedLate);
    let mut waived = facts;
    waived.waivers.insert(
        "gdpr-33".into(),
        Waiver {
            rationale: "encrypted at rest, key not exposed (34(3)(a))".into(),
            by: "priya".into(),
            at: t("2026-11-24T12:00:00Z"),
        },
    );
    assert_eq!(evaluate(&gdpr, &waived, t("2026-12-01T00:00:00Z")).state, ClockState::NotApplicable);
}

#[test]
fn a_submission_before_the_legal_limit_but_after_the_conservative_due_is_on_time() {
    let ai = def("ai-act-73-general");
    let mut facts = ClockFacts::default();
    decided(&mut facts, Aware, "2026-11-20T10:00:00Z");
    submitted(&mut facts, "ai-act-73-general", "2026-12-07T12:00:00Z");
    let status = evaluate(&ai, &facts, t("2026-12-10T00:00:00Z"));
    assert_eq!(status.state, ClockState::SubmittedOnTime);
}

#[test]
fn undue_delay_targets_are_never_late() {
    let processor = def("gdpr-33-processor");
    let mut facts = ClockFacts::default();
    decided(&mut facts, Aware, "2026-11-24T10:00:00Z");
    let running = evaluate(&processor, &facts, t("2026-11-24T12:00:00Z"));
    assert!(!running.deadline.expect("deadline").fixed);
    submitted(&mut facts, "gdpr-33-processor", "2026-11-26T10:00:00Z");
    assert_eq!(evaluate(&processor, &facts, t("2026-11-27T00:00:00Z")).state, ClockState::SubmittedOnTime);
}

#[test]
fn a_corrected_or_backdated_decision_moves_the_deadline() {
    let gdpr = def("gdpr-33");
    let mut facts = ClockFacts::default();
    decided(&mut facts, Aware, "2026-11-24T10:00:00Z");
    decided(&mut facts, Aware, "2026-11-23T22:00:00Z");
    let status = evaluate(&gdpr, &facts, t("2026-11-24T12:00:00Z"));
    assert_eq!(status.deadline.expect("deadline").due_at, t("2026-11-26T22:00:00Z"));
    assert_eq!(facts.decision_log.len(), 2, "both records are kept");
}

#[test]
fn causal_link_or_suspected_death_makes_it_immediately() {
    let death = def("ai-act-73-death");
    let mut facts = ClockFacts::default();
    decided(&mut facts, Aware, "2026-11-24T10:00:00Z");
    assert_eq!(evaluate(&death, &facts, t("2026-11-24T11:00:00Z")).immediately, None);
    decided(&mut facts, DeathSuspected, "2026-11-24T12:00:00Z");
    let status = evaluate(&death, &facts, t("2026-11-24T13:00:00Z"));
    assert_eq!(status.immediately, Some(DeathSuspected));
    assert_eq!(
        status.deadline.expect("deadline").due_at,
        t("2026-12-04T10:00:00Z"),
        "the outer limit still runs from awareness"
    );
    let gdpr = def("gdpr-33");
    let breach = evaluate(&gdpr, &facts, t("2026-11-24T13:00:00Z"));
    assert!(breach.remaining_seconds < status.remaining_seconds, "the 72-hour clock has less time on paper");
    assert!(status.urgency() < breach.urgency(), "but a duty due immediately comes first");
}

fn anchor_strategy() -> impl Strategy<Value = DateTime<Utc>> {
    (1_577_836_800i64..2_082_758_400).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn due_never_precedes_the_anchor_nor_passes_the_legal_limit(
        anchor in anchor_strategy(),
        pick in 0usize..1000,
        later in 0i64..200_000,
    ) {
        let catalog = clocks::load(None);
        let def = &catalog.clocks[pick % catalog.clocks.len()];
        let mut facts = common::every_decision_at(anchor);
        if let Some(cap) = &def.cap {
            let mut record = facts.decisions[&cap.decision].clone();
            record.at = anchor - Duration::seconds(later);
            facts.decisions.insert(cap.decision, record);
        }
        for clock in &catalog.clocks {
            submitted(&mut facts, &clock.id, &anchor.to_rfc3339());
        }
        facts.submissions.retain(|s| s.clock != def.id);
        let status = evaluate(def, &facts, anchor);
        let deadline = status.deadline.expect("anchored");
        prop_assert!(deadline.due_at >= status.anchor_at.expect("anchor"), "{}: due before anchor", def.id);
        prop_assert!(deadline.due_at <= deadline.legal_limit_at, "{}: due after the legal limit", def.id);
    }
}
