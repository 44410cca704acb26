//! The law of the member state where a report is made (Reg. 1182/71 Art. 2(1)): its public
//! holidays, computed by rule for any year, and its time zone. A clock counted under EU rules
//! is localized to one state (or, with none configured, to the most conservative reading).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::calendar::{Calendar, easter};
use super::def::{ClockDef, Localized};
use super::period::Rules;
use super::zone::Zone;

/// Which day of the year a holiday falls on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayRule {
    /// A fixed date; with `weekday_is`, only in years it falls on that weekday.
    Date { month: u32, day: u32, weekday_is: Option<Weekday> },
    /// Days after Easter Sunday (negative: before), Gregorian or Orthodox.
    Easter { offset: i64, orthodox: bool },
    /// The `nth` (1–4, or 5 for the last) `weekday` of `month`; with `unless_friday_on`, not in
    /// years that date is a Friday (the holiday is then on that Friday instead).
    Nth { weekday: Weekday, month: u32, nth: u8, unless_friday_on: Option<(u32, u32)> },
    /// The `weekday` that falls between two dates of the year (Midsummer Day).
    Between { weekday: Weekday, from: (u32, u32), to: (u32, u32) },
}

/// What happens when a holiday falls on a weekend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observed {
    MondayIfSunday,
    MondayIfWeekend,
    /// The first later day that is neither a weekend, a holiday nor already a substitute (BG).
    NextWorkdayIfWeekend,
    /// On a Sunday, the Saturday before instead (NL King's Day).
    SaturdayIfSunday,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HolidayRule {
    pub name: String,
    pub day: DayRule,
    pub from: Option<i32>,
    pub until: Option<i32>,
    pub observed: Option<Observed>,
    /// Not a designated public holiday, though national time-limit law treats it as one (the
    /// Swedish and Finnish eves): left out, the stricter reading of Art. 2(1).
    pub deadline_equivalent: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberState {
    pub code: String,
    pub name: String,
    pub zone: Zone,
    pub rules: Vec<HolidayRule>,
}

/// The zone whose day ends first among the EU/EEA states (EET): the conservative reading when
/// no member state is configured.
pub const EARLIEST_ZONE: &str = "Europe/Athens";

impl MemberState {
    /// The public holidays of `year`, in date order.
    pub fn holidays(&self, year: i32) -> Vec<NaiveDate> {
        let applies = |r: &&HolidayRule| {
            !r.deadline_equivalent && r.from.is_none_or(|f| year >= f) && r.until.is_none_or(|u| year <= u)
        };
        let rules: Vec<&HolidayRule> = self.rules.iter().filter(applies).collect();
        let mut days: Vec<NaiveDate> = Vec::new();
        let mut substitutes: Vec<NaiveDate> = Vec::new();
        for rule in &rules {
            let Some(day) = day_of(&rule.day, year) else { continue };
            match (rule.observed, day.weekday()) {
                (Some(Observed::SaturdayIfSunday), Weekday::Sun) => days.push(day - Duration::days(1)),
                (Some(Observed::MondayIfSunday), Weekday::Sun) => days.extend([day, day + Duration::days(1)]),
                (Some(Observed::MondayIfWeekend), Weekday::Sat | Weekday::Sun) => {
                    days.push(day);
                    days.push(day + Duration::days(if day.weekday() == Weekday::Sat { 2 } else { 1 }));
                }
                (Some(Observed::NextWorkdayIfWeekend), Weekday::Sat | Weekday::Sun) => {
                    days.push(day);
                    substitutes.push(day);
                }
                _ => days.push(day),
            }
        }
        substitutes.sort();
        for weekend_holiday in substitutes {
            let mut next = weekend_holiday + Duration::days(1);
            while is_weekend(next) || days.contains(&next) {
                next += Duration::days(1);
            }
            days.push(next);
        }
        days.sort();
        days.dedup();
        days
    }

    /// Every holiday from `first` to `last` year, inclusive.
    pub fn holidays_between(&self, first: i32, last: i32) -> Vec<NaiveDate> {
        (first..=last).flat_map(|year| self.holidays(year)).collect()
    }
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

fn date(year: i32, (month, day): (u32, u32)) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

fn day_of(rule: &DayRule, year: i32) -> Option<NaiveDate> {
    match *rule {
        DayRule::Date { month, day, weekday_is } => {
            date(year, (month, day)).filter(|d| weekday_is.is_none_or(|w| d.weekday() == w))
        }
        DayRule::Easter { offset, orthodox } => {
            let sunday = if orthodox { orthodox_easter(year) } else { easter(year) }?;
            sunday.checked_add_signed(Duration::days(offset))
        }
        DayRule::Nth { weekday, month, nth, unless_friday_on } => {
            if let Some(on) = unless_friday_on
                && date(year, on).is_some_and(|d| d.weekday() == Weekday::Fri)
            {
                return None;
            }
            NaiveDate::from_weekday_of_month_opt(year, month, weekday, nth)
                .or_else(|| (nth == 5).then(|| NaiveDate::from_weekday_of_month_opt(year, month, weekday, 4)).flatten())
        }
        DayRule::Between { weekday, from, to } => {
            let (first, last) = (date(year, from)?, date(year, to)?);
            first.iter_days().take_while(|d| *d <= last).find(|d| d.weekday() == weekday)
        }
    }
}

/// Orthodox Easter Sunday as a Gregorian date (Meeus' Julian computus, then the calendar gap).
pub fn orthodox_easter(year: i32) -> Option<NaiveDate> {
    let (a, b, c) = (year % 4, year % 7, year % 19);
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34) % 7;
    let month = u32::try_from((d + e + 114) / 31).ok()?;
    let day = u32::try_from((d + e + 114) % 31 + 1).ok()?;
    let julian = NaiveDate::from_ymd_opt(year, month, day)?;
    let gap = year / 100 - year / 400 - 2;
    julian.checked_add_signed(Duration::days(i64::from(gap)))
}

/// Workspace changes to a member state's calendar (`warroom.yaml` `holidays:`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HolidayChanges {
    pub add: Vec<NaiveDate>,
    pub remove: Vec<NaiveDate>,
}

/// Counts `def` under `state`'s law (or the conservative reading) when it is counted under EU
/// rules; other clocks are left as they are.
pub fn localize(def: &mut ClockDef, state: Option<&MemberState>, changes: &HolidayChanges, years: (i32, i32)) {
    let catalog_holidays = match &def.localized {
        Some(done) => done.catalog_holidays.clone(),
        None if Rules::of(def).calendar == Calendar::EuCommon || def.next_working_day.is_some() => {
            def.extra_holidays.clone()
        }
        None => return,
    };
    def.calendar = Some(Calendar::Weekends);
    match state {
        Some(state) => {
            let mut days = state.holidays_between(years.0, years.1);
            days.retain(|d| !changes.remove.contains(d));
            days.extend(changes.add.iter().copied());
            days.extend(catalog_holidays.iter().copied());
            days.sort();
            days.dedup();
            def.extra_holidays = days;
            def.zone = state.zone;
            let name = state.name.clone();
            let member_state = Some(state.code.clone());
            def.localized = Some(Localized { member_state, name, years, catalog_holidays, relief_withheld: None });
        }
        None => {
            def.extra_holidays = Vec::new();
            def.zone = EARLIEST_ZONE.to_owned().try_into().unwrap_or_default();
            let name = format!("no member state configured: no holiday relief, {EARLIEST_ZONE} (the earliest zone)");
            def.localized =
                Some(Localized { member_state: None, name, years, catalog_holidays, relief_withheld: None });
        }
    }
}

/// Withholds `def`'s next-working-day relief where the entity is of a kind it does not reach,
/// or its kinds are not stated (`None`): the stricter reading.
pub fn entity_relief(def: &mut ClockDef, entity: Option<&[String]>) {
    let Some(relief) = &def.next_working_day else { return };
    let withheld = match entity {
        None if !relief.unless.is_empty() => {
            Some("the entity's kind is not stated (warroom.yaml entity:), so the relief may not apply".to_owned())
        }
        None => None,
        Some(kinds) => kinds.iter().find(|k| relief.unless.contains(k)).map(|k| format!("the entity is a {k}")),
    };
    if let Some(localized) = &mut def.localized {
        localized.relief_withheld = withheld;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orthodox_easter_by_rule() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(orthodox_easter(2024), d(2024, 5, 5));
        assert_eq!(orthodox_easter(2025), d(2025, 4, 20));
        assert_eq!(orthodox_easter(2026), d(2026, 4, 12));
        assert_eq!(orthodox_easter(2027), d(2027, 5, 2));
    }
}
