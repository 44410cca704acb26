//! The regulatory clock catalog: the shipped `assets/clocks.yaml`, then the workspace's
//! `clocks/*.yaml`, whose entries add clocks or replace shipped ones by id.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::diagnostic::{Diagnostic, Level};
use super::embedded;
use crate::domain::clock::calendar::Calendar;
use crate::domain::clock::def::Asked;
use crate::domain::clock::def::MAX_HOURS;
use crate::domain::clock::{Anchor, ClockDef, Period};
use crate::domain::suggest::did_you_mean;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    calendars: BTreeMap<Calendar, Vec<NaiveDate>>,
    #[serde(default)]
    clocks: Vec<ClockDef>,
}

/// The same file again, for the locations of the values the checks point at.
#[derive(Deserialize)]
struct Locations {
    #[serde(default)]
    clocks: Vec<EntryLocation>,
}

#[derive(Deserialize)]
struct EntryLocation {
    id: Spanned<String>,
}

pub struct ClockCatalog {
    /// The usable clocks: every one defined without error, and not overridden by a broken one.
    pub clocks: Vec<ClockDef>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: BTreeMap<String, String>,
    /// Clocks left out because their definition (or the file defining them) has errors: id →
    /// that file. A runbook naming one is refused with the file's name; others are unaffected.
    pub unusable: BTreeMap<String, String>,
}

impl ClockCatalog {
    pub fn get(&self, id: &str) -> Option<&ClockDef> {
        self.clocks.iter().find(|c| c.id == id)
    }

    pub fn ids(&self) -> BTreeSet<String> {
        self.clocks.iter().map(|c| c.id.clone()).collect()
    }

    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// One line per catalog file with errors, naming the clocks that cannot be used for it.
    pub fn warnings(&self) -> Vec<String> {
        let files: BTreeSet<&str> = self.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.file.as_str()).collect();
        files
            .into_iter()
            .map(|file| {
                let ids: Vec<&str> =
                    self.unusable.iter().filter(|(_, f)| f.as_str() == file).map(|(id, _)| id.as_str()).collect();
                let unusable = if ids.is_empty() { String::new() } else { format!("; unusable: {}", ids.join(", ")) };
                format!("clock catalog file {file} has errors (run `warroom lint`){unusable}")
            })
            .collect()
    }
}

/// The shipped catalog, then each workspace file in name order.
pub fn load(workspace_clocks: Option<&Path>) -> ClockCatalog {
    let mut files = shipped_file();
    if let Some(dir) = workspace_clocks.filter(|d| d.is_dir()) {
        files.extend(super::files::files_of(&super::Origin::Path(dir.to_owned())));
    }
    load_texts(files)
}

pub fn shipped_file() -> Vec<(String, Result<String, String>)> {
    vec![("assets/clocks.yaml".to_owned(), Ok(embedded::CLOCKS.to_owned()))]
}

/// A YAML text whose top level holds `clocks:` and no runbook `phases:`.
pub fn is_catalog(text: &str) -> bool {
    serde_saphyr::from_str::<BTreeMap<String, serde::de::IgnoredAny>>(text)
        .is_ok_and(|top| top.contains_key("clocks") && !top.contains_key("phases"))
}

pub fn load_texts(files: Vec<(String, Result<String, String>)>) -> ClockCatalog {
    let mut catalog = ClockCatalog {
        clocks: Vec::new(),
        diagnostics: Vec::new(),
        sources: BTreeMap::new(),
        unusable: BTreeMap::new(),
    };
    let mut located: Vec<(String, ClockDef, Spanned<String>)> = Vec::new();
    for (file, text) in files {
        let text = match text {
            Ok(text) => text,
            Err(why) => {
                catalog.diagnostics.push(Diagnostic::whole_file(Level::Error, &file, why));
                continue;
            }
        };
        let parsed = serde_saphyr::from_str::<CatalogFile>(&text)
            .and_then(|f| serde_saphyr::from_str::<Locations>(&text).map(|l| (f, l)));
        match parsed {
            Err(e) => {
                catalog.diagnostics.push(super::files::parse_error(&file, &e));
                for id in ids_named_in(&text) {
                    catalog.unusable.insert(id, file.clone());
                }
            }
            Ok((parsed, locations)) => {
                let mut seen = BTreeSet::new();
                for (mut def, location) in parsed.clocks.into_iter().zip(locations.clocks) {
                    if !seen.insert(def.id.clone()) {
                        let message = format!("clock {:?} is defined twice in this file", def.id);
                        catalog.diagnostics.push(Diagnostic::at(Level::Error, &file, &location.id.referenced, message));
                        catalog.unusable.insert(def.id.clone(), file.clone());
                        continue;
                    }
                    let calendar = def.calendar.unwrap_or_else(|| default_calendar(&def.period));
                    if let Some(extra) = parsed.calendars.get(&calendar) {
                        def.extra_holidays.extend(extra.iter().copied());
                    }
                    located.retain(|(_, existing, _)| existing.id != def.id);
                    located.push((file.clone(), def, location.id));
                }
            }
        }
        catalog.sources.insert(file, text);
    }
    let ids: Vec<String> = located.iter().map(|(_, def, _)| def.id.clone()).collect();
    for (file, def, at) in &located {
        for problem in check(def, &ids) {
            catalog.diagnostics.push(Diagnostic::at(Level::Error, file, &at.referenced, problem));
            catalog.unusable.insert(def.id.clone(), file.clone());
        }
    }
    // A clock anchored on an unusable one is unusable too.
    loop {
        let before = catalog.unusable.len();
        for (file, def, _) in &located {
            if def.chained_on().iter().any(|other| catalog.unusable.contains_key(*other)) {
                catalog.unusable.entry(def.id.clone()).or_insert_with(|| file.clone());
            }
        }
        if catalog.unusable.len() == before {
            break;
        }
    }
    catalog.clocks =
        located.into_iter().map(|(_, def, _)| def).filter(|def| !catalog.unusable.contains_key(&def.id)).collect();
    catalog
}

/// The ids a catalog file that does not parse seems to define (`id: …` lines), so that a
/// broken override never lets the shipped clock it meant to change apply unchanged.
fn ids_named_in(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.trim_start().trim_start_matches("- ").trim_start().strip_prefix("id:"))
        .map(|id| id.trim().trim_matches(|c| c == '"' || c == '\'').to_owned())
        .filter(|id| !id.is_empty())
        .collect()
}

const fn default_calendar(period: &Period) -> Calendar {
    match period {
        Period::UsBusinessDays(_) => Calendar::UsFederal,
        Period::EuDays(_) | Period::EuMonths(_) => Calendar::EuCommon,
        _ => Calendar::Weekends,
    }
}

/// What is wrong with one entry, beyond its shape.
fn check(def: &ClockDef, ids: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let id = &def.id;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        problems.push(format!("clock id {id:?} must be lower-case letters, digits and dashes"));
    }
    let then = def.pause.as_ref().and_then(|p| p.then.as_ref());
    for (what, period) in [("period", Some(&def.period)), ("pause's then period", then)] {
        let (count, bound) = period.and_then(Period::count_and_bound).unwrap_or((1, 1));
        if count == 0 {
            problems.push(format!("clock {id}: the {what} must be longer than zero"));
        }
        if count > bound {
            problems.push(format!("clock {id}: the {what} {count} is longer than ten years (at most {bound})"));
        }
    }
    if def.pause.as_ref().is_some_and(|p| p.basis.trim().is_empty()) {
        problems.push(format!("clock {id}: a pause names the provision that allows it (basis)"));
    }
    if let Some(cap) = &def.cap
        && !(1..=MAX_HOURS).contains(&cap.hours)
    {
        problems.push(format!("clock {id}: the cap's hours must be between 1 and {MAX_HOURS}"));
    }
    if !(1..=99).contains(&def.due_soon_percent) {
        problems.push(format!("clock {id}: due_soon_percent must be between 1 and 99"));
    }
    if matches!(&def.anchor, Anchor::LatestSubmittedOf(ids) if ids.is_empty()) {
        problems.push(format!("clock {id}: latest_submitted_of names no clock"));
    }
    for other in def.chained_on() {
        if other == id {
            problems.push(format!("clock {id} is anchored on its own submission"));
        } else if !ids.iter().any(|known| known == other) {
            let hint = did_you_mean(other, ids.iter().map(String::as_str));
            problems.push(format!("clock {id} is anchored on unknown clock {other:?}{hint}"));
        }
    }
    if let (Some(cap), Anchor::Decision(anchor)) = (&def.cap, &def.anchor)
        && cap.decision == *anchor
    {
        problems.push(format!("clock {id}: the cap's decision is the anchor itself"));
    }
    for asked in &def.asks {
        if let Asked::SubjectsInformed(other) = asked
            && !ids.iter().any(|known| known == other)
        {
            let hint = did_you_mean(other, ids.iter().map(String::as_str));
            problems.push(format!("clock {id} asks whether subjects were told by unknown clock {other:?}{hint}"));
        }
    }
    let mut items = BTreeSet::new();
    for item in &def.content {
        if !items.insert(&item.id) {
            problems.push(format!("clock {id}: content item {:?} is listed twice", item.id));
        }
    }
    problems
}

pub fn shipped_ids() -> BTreeSet<String> {
    load(None).ids()
}
