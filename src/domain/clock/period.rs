//! Deadlines: when a clock that started at `anchor` is due (the conservative time the countdown
//! runs to) and its legal limit (where the counting rule gives a later one).

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::calendar::Calendar;
use super::def::{ClockDef, Period};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    /// What the countdown runs to: never after the legal limit.
    pub due_at: DateTime<Utc>,
    /// The limit the counting rule gives (equal to `due_at` for hour periods).
    pub legal_limit_at: DateTime<Utc>,
    /// False for "without undue delay": the due time is an internal target, not a legal limit.
    pub fixed: bool,
}

/// Counting context of one clock: its zone, holiday calendar and cut-off.
pub struct Rules<'a> {
    pub zone: Tz,
    pub calendar: Calendar,
    pub extra_holidays: &'a [NaiveDate],
    pub cutoff: NaiveTime,
    /// A limit on a non-working day moves to this time of the next working day.
    pub next_working_day: Option<NaiveTime>,
    /// The zone the anchor's date is read in for business-day counts.
    pub anchor_zone: Tz,
}

impl<'a> Rules<'a> {
    pub fn of(def: &'a ClockDef) -> Self {
        let extra_holidays = def.extra_holidays.as_slice();
        let zone = def.zone.0;
        let calendar = match (def.calendar, &def.period) {
            (Some(calendar), _) => calendar,
            (None, Period::UsBusinessDays(_)) => Calendar::UsFederal,
            (None, Period::EuDays(_) | Period::EuMonths(_)) => Calendar::EuCommon,
            (None, _) => Calendar::Weekends,
        };
        let cutoff = def.cutoff.map_or_else(end_of_day_time, |c| c.0);
        let withheld = def.localized.as_ref().is_some_and(|l| l.relief_withheld.is_some());
        let next_working_day = def.next_working_day.as_ref().filter(|_| !withheld).map(|r| r.until.0);
        let anchor_zone = def.anchor_zone.map_or(zone, |z| z.0);
        Self { zone, calendar, extra_holidays, cutoff, next_working_day, anchor_zone }
    }

    fn working(&self, day: NaiveDate) -> bool {
        self.calendar.is_working_day(day, self.extra_holidays)
    }

    /// `day`, or the first working day after it (within a year: a calendar with no working
    /// day for longer is taken as it stands, never searched forever).
    fn next_working(&self, day: NaiveDate) -> NaiveDate {
        day.iter_days().take(366).find(|d| self.working(*d)).unwrap_or(day)
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.zone).date_naive()
    }

    fn at_local(&self, day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let naive = day.and_time(time);
        self.zone
            .from_local_datetime(&naive)
            .earliest()
            .or_else(|| self.zone.from_local_datetime(&(naive + Duration::hours(1))).earliest())
            .map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc))
    }

    fn end_of(&self, day: NaiveDate) -> DateTime<Utc> {
        self.at_local(day, end_of_day_time())
    }
}

fn end_of_day_time() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
}

fn hours(n: u32) -> Duration {
    Duration::hours(i64::from(n))
}

/// `t + span`, or the latest representable time when that overflows.
fn after(t: DateTime<Utc>, span: Duration) -> DateTime<Utc> {
    t.checked_add_signed(span).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `day + days`, or the latest representable day when that overflows.
fn days_after(day: NaiveDate, days: u32) -> NaiveDate {
    day.checked_add_signed(Duration::days(i64::from(days))).unwrap_or(NaiveDate::MAX)
}

/// The deadline of `period` for a clock started at `anchor`; `cap` is the outer limit of an
/// earliest-of rule, when one applies and its decision is recorded.
pub fn deadline(period: &Period, anchor: DateTime<Utc>, cap: Option<DateTime<Utc>>, rules: &Rules<'_>) -> Deadline {
    let n = period.count_and_bound().map_or(0, |(n, bound)| n.min(bound));
    let (due_at, legal_limit_at, fixed) = match *period {
        Period::Hours(_) => {
            let due = after(anchor, hours(n));
            let due = match cap {
                Some(cap) if anchor <= cap => due.min(cap),
                _ => due,
            };
            (due, due, true)
        }
        Period::UndueDelay(target) => {
            let due = after(anchor, Duration::seconds(i64::try_from(target.seconds()).unwrap_or(i64::MAX / 4)));
            (due, due, false)
        }
        Period::EuDays(_) => {
            let legal = eu_days_limit(anchor, n, rules);
            (after(anchor, Duration::days(i64::from(n))).min(legal), legal, true)
        }
        Period::EuMonths(_) => {
            let start = rules.local_date(anchor);
            let last = start.checked_add_months(Months::new(n)).unwrap_or(start);
            let legal = rules.end_of(rules.next_working(last));
            // A next-working-day rule replaces Art. 3(4)'s end of that day with its own time.
            let legal = match rules.next_working_day {
                Some(until) if !rules.working(last) => rules.at_local(rules.next_working(last), until),
                _ => legal,
            };
            let local = anchor.with_timezone(&rules.zone).naive_local();
            let same_time = local.checked_add_months(Months::new(n)).unwrap_or(local);
            let conservative = rules.at_local(same_time.date(), same_time.time());
            (conservative.min(legal), legal, true)
        }
        Period::DaysAfterYearEnd(_) => {
            let year_end = NaiveDate::from_ymd_opt(rules.local_date(anchor).year(), 12, 31).unwrap_or(NaiveDate::MAX);
            let legal = rules.end_of(days_after(year_end, n));
            (legal, legal, true)
        }
        Period::CalendarDays(_) => {
            let last = days_after(rules.local_date(anchor), n);
            let legal = rules.end_of(last);
            (after(anchor, Duration::days(i64::from(n))).min(legal), legal, true)
        }
        Period::UsBusinessDays(_) | Period::WorkingDays(_) => {
            let mut day = anchor.with_timezone(&rules.anchor_zone).date_naive();
            for _ in 0..n {
                day = rules.next_working(day.succ_opt().unwrap_or(day));
            }
            let due = rules.at_local(day, rules.cutoff);
            (due, due, true)
        }
    };
    let legal_limit_at = match rules.next_working_day {
        Some(until) if !matches!(period, Period::EuMonths(_)) && !rules.working(rules.local_date(legal_limit_at)) => {
            let next = rules.next_working(rules.local_date(legal_limit_at));
            rules.at_local(next, until).max(legal_limit_at)
        }
        _ => legal_limit_at,
    };
    Deadline { due_at: due_at.max(anchor), legal_limit_at: legal_limit_at.max(anchor), fixed }
}

/// Reg. 1182/71 Art. 3: the anchor day does not count (3(1)); the period ends with the last
/// hour of its last day (3(2)(b)); a last day that is not a working day moves to the next
/// working day (3(4)); a period of two days or more holds at least two working days (3(5)).
fn eu_days_limit(anchor: DateTime<Utc>, n: u32, rules: &Rules<'_>) -> DateTime<Utc> {
    let start = rules.local_date(anchor);
    let mut last = rules.next_working(days_after(start, n));
    if n >= 2 {
        let working_in = |last: NaiveDate| {
            start.iter_days().skip(1).take_while(|d| *d <= last).filter(|d| rules.working(*d)).count()
        };
        for _ in 0..2 {
            if working_in(last) >= 2 {
                break;
            }
            last = rules.next_working(last.succ_opt().unwrap_or(last));
        }
    }
    debug_assert!(last.year() >= start.year());
    rules.end_of(last)
}
