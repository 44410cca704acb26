//! Working days: US federal holidays (5 U.S.C. 6103, observed-date shifts) and the holidays
//! common to the EU member states' payment calendar, both computed by rule for any year.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Calendar {
    /// Saturdays and Sundays only.
    Weekends,
    /// 5 U.S.C. 6103: the eleven federal holidays, Saturday ones observed Friday, Sunday ones Monday.
    UsFederal,
    /// New Year's Day, Good Friday, Easter Monday, 1 May, 25 and 26 December (TARGET2 closing
    /// days, holidays in nearly every member state). A workspace adds national ones.
    EuCommon,
    /// Brazil's national holidays (Lei 662/1949, 6.802/1980, 10.607/2002, 14.759/2023, and Good
    /// Friday as the federal calendar lists it); Carnival and Corpus Christi are optional days
    /// (ponto facultativo), not holidays, and count as working days.
    Brazil,
}

impl Calendar {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "weekends" => Some(Self::Weekends),
            "us-federal" => Some(Self::UsFederal),
            "eu-common" => Some(Self::EuCommon),
            "brazil" => Some(Self::Brazil),
            _ => None,
        }
    }

    pub fn is_working_day(self, day: NaiveDate, extra_holidays: &[NaiveDate]) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(day) && !extra_holidays.contains(&day)
    }

    /// Decided from the date alone, without building the year's list: this runs for every
    /// day counted of every clock of every frame.
    pub fn is_holiday(self, day: NaiveDate) -> bool {
        match self {
            Self::Weekends => false,
            Self::UsFederal => is_us_federal_observed(day),
            Self::EuCommon => is_eu_common(day),
            Self::Brazil => is_brazil_national(day),
        }
    }
}

fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
}

fn last_weekday(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    nth_weekday(year, month, weekday, 5).or_else(|| nth_weekday(year, month, weekday, 4))
}

fn observed(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day - Duration::days(1),
        Weekday::Sun => day + Duration::days(1),
        _ => day,
    }
}

fn is_us_federal_observed(day: NaiveDate) -> bool {
    let (year, month, date) = (day.year(), day.month(), day.day());
    let weekday = day.weekday();
    let nth = (date - 1) / 7 + 1;
    let last = day.checked_add_signed(Duration::days(7)).is_none_or(|next| next.month() != month);
    let fixed = |m: u32, d: u32| {
        NaiveDate::from_ymd_opt(year, m, d).is_some_and(|h| observed(h) == day)
            || NaiveDate::from_ymd_opt(year + 1, m, d).is_some_and(|h| observed(h) == day)
    };
    let floating = match (month, weekday) {
        (1 | 2, Weekday::Mon) => nth == 3,
        (5, Weekday::Mon) => last,
        (9, Weekday::Mon) => nth == 1,
        (10, Weekday::Mon) => nth == 2,
        (11, Weekday::Thu) => nth == 4,
        _ => false,
    };
    floating
        || (month == 12 && date == 31 && fixed(1, 1))
        || match month {
            1 => fixed(1, 1),
            6 => year >= 2021 && fixed(6, 19),
            7 => fixed(7, 4),
            11 => fixed(11, 11),
            12 => fixed(12, 25),
            _ => false,
        }
}

fn is_eu_common(day: NaiveDate) -> bool {
    match (day.month(), day.day()) {
        (1, 1) | (5, 1) | (12, 25) | (12, 26) => true,
        (3 | 4, _) => easter(day.year()).is_some_and(|e| day == e - Duration::days(2) || day == e + Duration::days(1)),
        _ => false,
    }
}

fn is_brazil_national(day: NaiveDate) -> bool {
    match (day.month(), day.day()) {
        (1, 1) | (4, 21) | (5, 1) | (9, 7) | (10, 12) | (11, 2) | (11, 15) | (12, 25) => true,
        (11, 20) => day.year() >= 2024,
        (3 | 4, _) => easter(day.year()).is_some_and(|e| day == e - Duration::days(2)),
        _ => false,
    }
}

/// The observed dates of `year`'s federal holidays (New Year's Day may be observed on
/// 31 December of the year before, which the caller covers by asking for year + 1).
pub fn us_federal_observed(year: i32) -> Vec<NaiveDate> {
    let fixed = |m, d| NaiveDate::from_ymd_opt(year, m, d).map(observed);
    let mut days = vec![
        fixed(1, 1),
        nth_weekday(year, 1, Weekday::Mon, 3),
        nth_weekday(year, 2, Weekday::Mon, 3),
        last_weekday(year, 5, Weekday::Mon),
        if year >= 2021 { fixed(6, 19) } else { None },
        fixed(7, 4),
        nth_weekday(year, 9, Weekday::Mon, 1),
        nth_weekday(year, 10, Weekday::Mon, 2),
        fixed(11, 11),
        nth_weekday(year, 11, Weekday::Thu, 4),
        fixed(12, 25),
    ];
    days.retain(Option::is_some);
    days.into_iter().flatten().collect()
}

/// Easter Sunday (Gregorian), by the anonymous Gregorian algorithm.
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

pub fn eu_common(year: i32) -> Vec<NaiveDate> {
    let fixed = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let easter = easter(year);
    [
        fixed(1, 1),
        easter.map(|e| e - Duration::days(2)),
        easter.map(|e| e + Duration::days(1)),
        fixed(5, 1),
        fixed(12, 25),
        fixed(12, 26),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn us_federal_holidays_by_rule_with_observed_shifts() {
        let h2026 = us_federal_observed(2026);
        assert!(h2026.contains(&d(2026, 11, 26)), "Thanksgiving 2026 is 26 November");
        assert!(h2026.contains(&d(2026, 7, 3)), "4 July 2026 is a Saturday: observed Friday 3 July");
        assert!(h2026.contains(&d(2026, 1, 19)) && h2026.contains(&d(2026, 5, 25)) && h2026.contains(&d(2026, 10, 12)));
        assert!(us_federal_observed(2027).contains(&d(2027, 12, 24)), "Christmas 2027 on Saturday: Friday 24th");
        assert!(Calendar::UsFederal.is_holiday(d(2021, 12, 31)), "1 Jan 2022 is a Saturday: observed 31 Dec 2021");
        assert!(!us_federal_observed(2020).contains(&d(2020, 6, 19)), "Juneteenth starts in 2021");
        assert!(us_federal_observed(2022).contains(&d(2022, 6, 20)), "Juneteenth 2022 on Sunday: Monday");
    }

    #[test]
    fn brazils_national_holidays() {
        let holidays = |year| {
            d(year, 1, 1)
                .iter_days()
                .take_while(|x| x.year() == year)
                .filter(|x| Calendar::Brazil.is_holiday(*x))
                .count()
        };
        assert_eq!(holidays(2023), 9, "before the Black Consciousness Day law");
        assert_eq!(holidays(2026), 10);
        assert!(Calendar::Brazil.is_holiday(d(2026, 4, 3)), "Good Friday 2026");
        assert!(Calendar::Brazil.is_holiday(d(2026, 4, 21)) && Calendar::Brazil.is_holiday(d(2026, 11, 20)));
        assert!(!Calendar::Brazil.is_holiday(d(2026, 2, 17)) && !Calendar::Brazil.is_holiday(d(2026, 6, 4)));
    }

    #[test]
    fn easter_and_the_eu_common_holidays() {
        assert_eq!(easter(2026), Some(d(2026, 4, 5)));
        assert_eq!(easter(2027), Some(d(2027, 3, 28)));
        assert_eq!(easter(2000), Some(d(2000, 4, 23)));
        let eu = eu_common(2026);
        assert!(eu.contains(&d(2026, 4, 3)) && eu.contains(&d(2026, 4, 6)) && eu.contains(&d(2026, 12, 26)));
    }

    #[test]
    fn the_fast_checks_agree_with_the_yearly_lists_for_every_day_of_thirty_years() {
        let mut day = d(2015, 1, 1);
        while day < d(2045, 1, 1) {
            let listed =
                us_federal_observed(day.year()).contains(&day) || us_federal_observed(day.year() + 1).contains(&day);
            assert_eq!(Calendar::UsFederal.is_holiday(day), listed, "US {day}");
            assert_eq!(Calendar::EuCommon.is_holiday(day), eu_common(day.year()).contains(&day), "EU {day}");
            let brazil = Calendar::Brazil.is_holiday(day);
            assert!(!brazil || day.month() != 2, "Carnival is a ponto facultativo, not a holiday: {day}");
            day = day.succ_opt().expect("next day");
        }
    }
}
