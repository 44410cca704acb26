//! The shipped public holidays and time zone of every EU/EEA member state
//! (`assets/member-states.yaml`), read into rules the clock engine computes for any year.

use std::collections::BTreeMap;

use chrono::Weekday;
use serde::Deserialize;

use chrono::{Datelike, NaiveDate};

use crate::domain::clock::ClockDef;
use crate::domain::clock::calendar::Calendar;
use crate::domain::clock::member_state::{
    DayRule, HolidayChanges, HolidayRule, MemberState, Observed, entity_relief, localize,
};
use crate::domain::clock::period::Rules;
use crate::domain::clock::zone::Zone;
use crate::domain::parties::WorkspaceParties;

pub const FILE: &str = include_str!("../../assets/member-states.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    states: BTreeMap<String, RawState>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    name: String,
    zone: Zone,
    holidays: Vec<RawHoliday>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawNth {
    Number(u8),
    Word(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    easter: Option<i64>,
    #[serde(default)]
    orthodox_easter: Option<i64>,
    #[serde(default)]
    weekday: Option<String>,
    #[serde(default)]
    month: Option<u32>,
    #[serde(default)]
    nth: Option<RawNth>,
    #[serde(default)]
    between: Option<[String; 2]>,
    #[serde(default)]
    weekday_is: Option<String>,
    #[serde(default)]
    unless_friday_before: Option<String>,
    #[serde(default)]
    from: Option<i32>,
    #[serde(default)]
    until: Option<i32>,
    #[serde(default)]
    observed: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

/// Every state by its ISO 3166 code (Greece also as `EL`, the EU's code).
pub fn shipped() -> Result<BTreeMap<String, MemberState>, String> {
    parse(FILE)
}

pub fn parse(text: &str) -> Result<BTreeMap<String, MemberState>, String> {
    let raw: RawFile = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
    let mut states = BTreeMap::new();
    for (code, state) in raw.states {
        let rules = state
            .holidays
            .into_iter()
            .map(|h| rule(h).map_err(|why| format!("{code}: {why}")))
            .collect::<Result<Vec<_>, _>>()?;
        let parsed = MemberState { code: code.clone(), name: state.name, zone: state.zone, rules };
        if code == "GR" {
            states.insert("EL".to_owned(), MemberState { code: "EL".to_owned(), ..parsed.clone() });
        }
        states.insert(code, parsed);
    }
    Ok(states)
}

fn weekday(name: &str) -> Result<Weekday, String> {
    name.parse::<Weekday>().map_err(|_| format!("{name:?} is not a weekday (mon … sun)"))
}

fn month_day(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("{text:?} is not a date like \"07-21\"");
    let (m, d) = text.split_once('-').ok_or_else(bad)?;
    let (m, d): (u32, u32) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    chrono::NaiveDate::from_ymd_opt(2024, m, d).ok_or_else(bad)?;
    Ok((m, d))
}

fn rule(raw: RawHoliday) -> Result<HolidayRule, String> {
    let name = raw.name;
    let day = match (raw.date, raw.easter, raw.orthodox_easter, raw.weekday) {
        (Some(date), None, None, None) => {
            let (month, day) = month_day(&date)?;
            DayRule::Date { month, day, weekday_is: raw.weekday_is.as_deref().map(weekday).transpose()? }
        }
        (None, Some(offset), None, None) => DayRule::Easter { offset, orthodox: false },
        (None, None, Some(offset), None) => DayRule::Easter { offset, orthodox: true },
        (None, None, None, Some(on)) => {
            let weekday = weekday(&on)?;
            match (raw.between, raw.month, raw.nth) {
                (Some([from, to]), None, None) => {
                    DayRule::Between { weekday, from: month_day(&from)?, to: month_day(&to)? }
                }
                (None, Some(month), Some(nth)) => {
                    let nth = match nth {
                        RawNth::Number(n @ 1..=4) => n,
                        RawNth::Word(w) if w == "last" => 5,
                        _ => return Err(format!("{name}: nth is 1 to 4 or last")),
                    };
                    let unless_friday_on = raw.unless_friday_before.as_deref().map(month_day).transpose()?;
                    DayRule::Nth { weekday, month, nth, unless_friday_on }
                }
                _ => return Err(format!("{name}: a weekday needs between, or month and nth")),
            }
        }
        _ => return Err(format!("{name}: exactly one of date, easter, orthodox_easter, weekday")),
    };
    let observed = match raw.observed.as_deref() {
        None => None,
        Some("monday_if_sunday") => Some(Observed::MondayIfSunday),
        Some("monday_if_weekend") => Some(Observed::MondayIfWeekend),
        Some("next_workday_if_weekend") => Some(Observed::NextWorkdayIfWeekend),
        Some("saturday_if_sunday") => Some(Observed::SaturdayIfSunday),
        Some(other) => return Err(format!("{name}: unknown observed rule {other:?}")),
    };
    let deadline_equivalent = match raw.status.as_deref() {
        None => false,
        Some("deadline_equivalent") => true,
        Some(other) => return Err(format!("{name}: unknown status {other:?}")),
    };
    Ok(HolidayRule { name, day, from: raw.from, until: raw.until, observed, deadline_equivalent })
}

/// The law the workspace's clocks follow: its member state (or none: the conservative
/// reading), its changes to that state's holidays, and US federal closures.
#[derive(Clone, Debug, Default)]
pub struct Jurisdiction {
    pub state: Option<MemberState>,
    pub changes: HolidayChanges,
    pub us_closures: Vec<NaiveDate>,
    /// The entity's kinds (`None`: not stated).
    pub entity: Option<Vec<String>>,
    /// The SEC registrant's zone.
    pub registrant_zone: Option<Zone>,
}

impl Jurisdiction {
    /// From `warroom.yaml`, with `code` (an incident's or a clock's `--member-state`) in place
    /// of its `member_state` when given.
    pub fn of(parties: &WorkspaceParties, code: Option<&str>) -> Result<Self, String> {
        let code = code.map(str::to_owned).or_else(|| parties.member_state.clone());
        let state = match code {
            None => None,
            Some(code) => Some(state(&code)?),
        };
        Ok(Self {
            state,
            changes: HolidayChanges { add: parties.holidays.add.clone(), remove: parties.holidays.remove.clone() },
            us_closures: parties.us_federal_closures.clone(),
            entity: parties.entity.clone(),
            registrant_zone: parties.registrant_zone,
        })
    }

    /// `def` localized: an EU period to the state's holidays and zone over the years around
    /// `today`, a US business-day period with the closures.
    pub fn apply(&self, def: &mut ClockDef, today: NaiveDate) {
        if Rules::of(def).calendar == Calendar::UsFederal {
            def.extra_holidays.extend(self.us_closures.iter().copied());
            def.anchor_zone = self.registrant_zone.or(def.anchor_zone);
            return;
        }
        let years = (today.year() - 1, today.year() + 3);
        localize(def, self.state.as_ref(), &self.changes, years);
        entity_relief(def, self.entity.as_deref());
    }
}

/// The shipped member state `code` (ISO 3166, upper or lower case), or why there is none.
pub fn state(code: &str) -> Result<MemberState, String> {
    let states = shipped()?;
    let wanted = code.trim().to_ascii_uppercase();
    states.get(&wanted).cloned().ok_or_else(|| {
        let known: Vec<&str> = states.keys().map(String::as_str).collect();
        format!("{code:?} is not an EU/EEA member state code (one of {})", known.join(", "))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_file_holds_every_eu_and_eea_state() {
        let states = super::shipped().expect("assets/member-states.yaml parses");
        let eu = "AT BE BG HR CY CZ DK EE FI FR DE GR EL HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE";
        for code in eu.split(' ').chain(["IS", "LI", "NO"]) {
            assert!(states.contains_key(code), "{code} missing");
        }
    }
}
