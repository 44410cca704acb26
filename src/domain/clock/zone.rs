//! Catalog values parsed once, when the catalog is read: a time zone and a local time of day.

use std::fmt;

use chrono::NaiveTime;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// An IANA time zone, written by name (`Europe/Brussels`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Zone(pub Tz);

impl Default for Zone {
    fn default() -> Self {
        Self(Tz::UTC)
    }
}

impl TryFrom<String> for Zone {
    type Error = String;
    fn try_from(name: String) -> Result<Self, String> {
        name.parse()
            .map(Self)
            .map_err(|_| format!("unknown time zone {name:?} (use an IANA name like Europe/Brussels)"))
    }
}

impl From<Zone> for String {
    fn from(zone: Zone) -> Self {
        zone.0.name().to_owned()
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

/// A local time of day, written `HH:MM` (`17:30`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocalTime(pub NaiveTime);

impl TryFrom<String> for LocalTime {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        NaiveTime::parse_from_str(&text, "%H:%M").map(Self).map_err(|_| format!("{text:?} is not a time like 17:30"))
    }
}

impl From<LocalTime> for String {
    fn from(time: LocalTime) -> Self {
        time.0.format("%H:%M").to_string()
    }
}
