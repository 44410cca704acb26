//! A regulatory clock as the catalog defines it: which decision or submission starts it, how
//! its period is counted, and what the notification must contain. Data, not code.

use chrono::NaiveDate;

use super::calendar::Calendar;
use super::zone::{LocalTime, Zone};
use serde::{Deserialize, Serialize};

use crate::domain::duration::Span;

/// Decisions a responder records; each may start clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Aware,
    HighRisk,
    CausalLink,
    ClassifiedMajor,
    Material,
    DeathSuspected,
    Discovered,
    IncidentDetermined,
    AssessedNotifiable,
    /// When the breach or incident itself began (the first bad event), for the filings.
    BreachStarted,
    /// When it stopped (no more data crossing, no more harmful actions), for the filings.
    BreachEnded,
    /// Aware of an actively exploited vulnerability in the product (CRA Art. 14(2)).
    ExploitedVulnerability,
    /// A corrective or mitigating measure for it is available (CRA Art. 14(2)(c)).
    FixAvailable,
    /// Determined that a notification incident occurred (US bank regulators, 12 CFR 53.3).
    NotificationIncident,
    /// A bank service provider determined its covered services were disrupted 4 h or more.
    ServicesDisrupted,
    /// The incident was handled, after it was still ongoing at the final report (NIS2 23(4)(e)).
    IncidentHandled,
    /// Regular activities recovered (DORA: the updated intermediate report).
    ActivitiesRecovered,
    /// Information the 8-K left out was determined or became available (Item 1.05 Instr. 2).
    InformationAvailable,
    /// Reasonable grounds to suspect an eligible data breach (Australia, Privacy Act s 26WH).
    BreachSuspected,
    /// Reasonable grounds to believe there was an eligible data breach (s 26WK).
    EligibleBreach,
}

impl Decision {
    pub const ALL: [Self; 20] = [
        Self::Aware,
        Self::HighRisk,
        Self::CausalLink,
        Self::ClassifiedMajor,
        Self::Material,
        Self::DeathSuspected,
        Self::Discovered,
        Self::IncidentDetermined,
        Self::AssessedNotifiable,
        Self::BreachStarted,
        Self::BreachEnded,
        Self::ExploitedVulnerability,
        Self::FixAvailable,
        Self::NotificationIncident,
        Self::ServicesDisrupted,
        Self::IncidentHandled,
        Self::ActivitiesRecovered,
        Self::InformationAvailable,
        Self::BreachSuspected,
        Self::EligibleBreach,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Self::Aware => "aware",
            Self::HighRisk => "high-risk",
            Self::CausalLink => "causal-link",
            Self::ClassifiedMajor => "classified-major",
            Self::Material => "material",
            Self::DeathSuspected => "death-suspected",
            Self::Discovered => "discovered",
            Self::IncidentDetermined => "incident-determined",
            Self::AssessedNotifiable => "assessed-notifiable",
            Self::BreachStarted => "breach-started",
            Self::BreachEnded => "breach-ended",
            Self::ExploitedVulnerability => "exploited-vulnerability",
            Self::FixAvailable => "fix-available",
            Self::NotificationIncident => "notification-incident",
            Self::ServicesDisrupted => "services-disrupted",
            Self::IncidentHandled => "incident-handled",
            Self::ActivitiesRecovered => "activities-recovered",
            Self::InformationAvailable => "information-available",
            Self::BreachSuspected => "breach-suspected",
            Self::EligibleBreach => "eligible-breach",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name().eq_ignore_ascii_case(text.trim()))
    }

    /// What was reached, as a filing states it ("when the breach was discovered").
    pub const fn reached(self) -> &'static str {
        match self {
            Self::Aware => "when we became aware",
            Self::HighRisk => "when the high risk to data subjects was established",
            Self::CausalLink => "when the causal link was established",
            Self::ClassifiedMajor => "when it was classified as major",
            Self::Material => "when it was determined to be material",
            Self::DeathSuspected => "when a causal link with a death was suspected",
            Self::Discovered => "when the breach was discovered",
            Self::IncidentDetermined => "when it was determined that a cybersecurity incident occurred",
            Self::AssessedNotifiable => "when it was assessed as notifiable",
            Self::BreachStarted => "when the breach began",
            Self::BreachEnded => "when the breach ended",
            Self::ExploitedVulnerability => "when we became aware of the actively exploited vulnerability",
            Self::FixAvailable => "when the corrective or mitigating measure became available",
            Self::NotificationIncident => "when it was determined that a notification incident occurred",
            Self::ServicesDisrupted => "when the disruption of covered services was determined",
            Self::IncidentHandled => "when the incident was handled",
            Self::ActivitiesRecovered => "when regular activities were recovered",
            Self::InformationAvailable => "when the information became available",
            Self::BreachSuspected => "when we had reasonable grounds to suspect an eligible data breach",
            Self::EligibleBreach => "when we had reasonable grounds to believe there was an eligible data breach",
        }
    }
}

/// What starts a clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Anchor {
    /// A recorded decision (the time it was reached, not when it was recorded).
    Decision(Decision),
    /// The first submission for another clock (NIS2 final after the 72 h notification).
    Submitted(String),
    /// The latest submission for another clock (DORA final after the latest intermediate).
    LatestSubmitted(String),
    /// The latest submission for any of several clocks (DORA final after the latest
    /// intermediate or updated intermediate report).
    LatestSubmittedOf(Vec<String>),
}

/// How the period is counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Period {
    /// Elapsed hours, in UTC: no weekend, holiday or daylight-saving effect.
    Hours(u32),
    /// Days under Reg. 1182/71: conservative due anchor + N×24 h; legal limit per Art. 3.
    EuDays(u32),
    /// Months under Reg. 1182/71: same date N months on (clamped), legal limit per Art. 3.
    EuMonths(u32),
    /// Calendar days: the anchor day does not count; ends at the end of the last day.
    CalendarDays(u32),
    /// US business days (5 U.S.C. 6103 holidays); due at `cutoff` local time on the last one.
    UsBusinessDays(u32),
    /// Working days of the clock's calendar (weekends and its holidays excluded): the anchor
    /// day does not count; due at `cutoff` (end of day by default) on the last one.
    WorkingDays(u32),
    /// Days after the end of the calendar year the anchor falls in (HIPAA's annual report of
    /// small breaches: 60 days after 31 December); ends at the end of the last day.
    DaysAfterYearEnd(u32),
    /// "Without undue delay": no fixed limit; the countdown runs to an internal target.
    UndueDelay(Span),
}

/// The longest periods counted: ten years in each unit. Longer is a catalog error, never a
/// deadline (legal reporting periods are hours to months).
pub const MAX_HOURS: u32 = 24 * 3_653;
pub const MAX_DAYS: u32 = 3_653;
pub const MAX_MONTHS: u32 = 120;
pub const MAX_BUSINESS_DAYS: u32 = 2_610;

impl Period {
    /// The count and the largest it may be, for the counted periods.
    pub const fn count_and_bound(&self) -> Option<(u32, u32)> {
        match *self {
            Self::Hours(n) => Some((n, MAX_HOURS)),
            Self::EuDays(n) | Self::CalendarDays(n) => Some((n, MAX_DAYS)),
            Self::EuMonths(n) => Some((n, MAX_MONTHS)),
            Self::UsBusinessDays(n) | Self::WorkingDays(n) => Some((n, MAX_BUSINESS_DAYS)),
            Self::DaysAfterYearEnd(n) => Some((n, MAX_DAYS)),
            Self::UndueDelay(_) => None,
        }
    }
}

/// An outer limit from another decision: due is the earlier of the two, unless the anchor
/// itself came after the cap (then the anchor's own period applies). DORA's initial report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    pub decision: Decision,
    pub hours: u32,
}

/// A fact a recipient's form asks that the incident or the workspace already knows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Asked {
    /// The DPO or other contact point (`contacts.dpo`).
    ContactPoint,
    /// When it began and ended, or that it is ongoing (decisions `breach-started`, `breach-ended`).
    BreachWindow,
    /// How it was discovered: the evidence of the `aware` decision.
    Discovery,
    /// Cross-border processing and the lead supervisory authority.
    CrossBorder,
    /// The controller of each affected tenant's data (a processor's notice).
    Controllers,
    /// Whether the data subjects were told, from the named clock (their communication).
    SubjectsInformed(String),
    /// The law allows reporting in phases: say which this is and what follows.
    Phases,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentItem {
    pub id: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockDef {
    pub id: String,
    pub title: String,
    /// The law it belongs to (`gdpr`, `nis2`, `dora`, `ai-act`, …): a regime's own awareness
    /// (`decide aware --regime`) anchors only its clocks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regime: Option<String>,
    pub citation: String,
    /// The duty, verbatim from the legal text.
    pub duty: String,
    pub recipient: String,
    pub anchor: Anchor,
    pub period: Period,
    #[serde(default)]
    pub cap: Option<Cap>,
    /// Decisions that make the duty "immediately" while the countdown runs to the outer limit.
    #[serde(default)]
    pub immediately_on: Vec<Decision>,
    /// IANA zone the legal limit is counted in (day ends, business days, cut-off time).
    #[serde(default)]
    pub zone: Zone,
    /// Local cut-off time on the last day (`HH:MM`), for US business-day periods.
    #[serde(default)]
    pub cutoff: Option<LocalTime>,
    /// The zone the anchor's date is read in when it is not `zone` (SEC: the registrant's,
    /// while EDGAR's cut-off stays in New York). Set from `warroom.yaml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor_zone: Option<Zone>,
    /// A deadline on a weekend or holiday of the member state may be met until this time of
    /// the next working day (DORA: RTS 2025/301 Art. 5(4)), unless the entity is of a kind the
    /// relief does not reach (Art. 5(5)).
    #[serde(default)]
    pub next_working_day: Option<NextWorkingDay>,
    /// Holiday calendar for day counting: `eu-common` (1182/71) or `us-federal`.
    #[serde(default)]
    pub calendar: Option<Calendar>,
    /// "Due soon" once less than this share of the period is left (percent).
    #[serde(default = "default_due_soon")]
    pub due_soon_percent: u8,
    #[serde(default)]
    pub content: Vec<ContentItem>,
    /// What the recipient's form asks beyond the content items, stated from the incident and
    /// the workspace's `warroom.yaml`.
    #[serde(default)]
    pub asks: Vec<Asked>,
    /// While this clock runs and nothing was submitted for it, steps that alter the AI system
    /// are refused (AI Act Art. 73(6): do not alter the system before informing the authority).
    #[serde(default)]
    pub holds_ai_changes: bool,
    /// Non-working days beyond the calendar's rules (national holidays), from the catalog.
    #[serde(default)]
    pub extra_holidays: Vec<NaiveDate>,
    /// The delay its law allows (law enforcement, national security), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<PauseRule>,
    /// Why this reading of the law was chosen, where secondary sources disagree.
    #[serde(default)]
    pub note: Option<String>,
    /// The member state whose holidays and zone it was localized to when it joined the
    /// incident (written by warroom, never in a catalog file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localized: Option<Localized>,
}

const fn default_due_soon() -> u8 {
    25
}

/// The regimes of the `clocks` that turn on `decision`, each once, in the order they appear.
pub fn regimes_on(clocks: &[ClockDef], decision: Decision) -> Vec<String> {
    let mut regimes: Vec<String> = Vec::new();
    for regime in clocks.iter().filter(|c| c.turns_on(decision)).filter_map(|c| c.regime.as_ref()) {
        if !regimes.contains(regime) {
            regimes.push(regime.clone());
        }
    }
    regimes
}

impl ClockDef {
    /// `decision` starts it, caps it, or makes it "immediately".
    pub fn turns_on(&self, decision: Decision) -> bool {
        self.anchor == Anchor::Decision(decision)
            || self.cap.as_ref().is_some_and(|cap| cap.decision == decision)
            || self.immediately_on.contains(&decision)
    }

    /// The clocks whose submissions anchor this one, if chained.
    pub fn chained_on(&self) -> Vec<&str> {
        match &self.anchor {
            Anchor::Submitted(id) | Anchor::LatestSubmitted(id) => vec![id.as_str()],
            Anchor::LatestSubmittedOf(ids) => ids.iter().map(String::as_str).collect(),
            Anchor::Decision(_) => Vec::new(),
        }
    }
}

/// The jurisdiction a clock counted under EU rules follows: a member state (its holidays over
/// the years given, with the workspace's additions and removals), or none configured (no
/// holiday relief, the earliest zone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    /// ISO 3166 code; `None`: no member state configured, the conservative reading.
    pub member_state: Option<String>,
    pub name: String,
    /// The years whose holidays the clock carries.
    pub years: (i32, i32),
    /// The catalog's own extra holidays, kept apart so the clock can be localized again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catalog_holidays: Vec<NaiveDate>,
    /// Why its next-working-day relief is withheld (the entity's kind, or that it is not stated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relief_withheld: Option<String>,
}

/// A delay the law allows (HIPAA 164.412, Cal. Civ. Code 1798.82(c), SEC Item 1.05(c)). While
/// it lasts the notice waits; when it ends the notice is due at once (or after `then`), never
/// before the limit it had without the delay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PauseRule {
    /// The provision that allows it.
    pub basis: String,
    /// The period that runs once the delay ends (SEC: four business days); none: due when it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<Period>,
    /// How far past the limit without the delay it may end at most (SEC: 30 + 30 + 60 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longest: Option<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextWorkingDay {
    /// The local time on the next working day (`12:00`).
    pub until: LocalTime,
    /// Entity kinds (`warroom.yaml` `entity:`) the relief does not apply to.
    #[serde(default)]
    pub unless: Vec<String>,
}
