//! Checks one parsed runbook file and converts it to the domain model. Every finding carries
//! the location of the value it is about.

use crate::domain::clock::def::Decision;
use crate::domain::placeholder;
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::convert::convert;
use super::diagnostic::Diagnostic;
use super::findings::Findings;
use super::matcher;
use super::raw::{RawRunbook, RawStep};
use crate::domain::runbook::Runbook;

pub struct Context<'a> {
    pub file: &'a str,
    pub known_clocks: &'a BTreeSet<String>,
    pub today: NaiveDate,
}

/// Checks `raw`; returns the runbook when there is no error, and every finding either way.
pub fn check(raw: &RawRunbook, context: &Context<'_>) -> (Option<Runbook>, Vec<Diagnostic>) {
    let mut f = Findings::new(context.file);
    f.slug("runbook id", &raw.id);

    let last_reviewed = match NaiveDate::parse_from_str(&raw.last_reviewed.value, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            f.error(
                &raw.last_reviewed.referenced,
                format!("last_reviewed {:?} is not a date like 2026-11-24", raw.last_reviewed.value),
            );
            None
        }
    };
    let review_every = f.span(&raw.review_every);
    let drill_every = f.span(&raw.drill_every);
    if let (Some(reviewed), Some(every)) = (last_reviewed, review_every) {
        let due = reviewed + chrono::Duration::seconds(i64::try_from(every.seconds()).unwrap_or(i64::MAX / 2));
        if reviewed > context.today {
            f.warn(&raw.last_reviewed.referenced, format!("last_reviewed {reviewed} lies in the future"));
        } else if due < context.today {
            f.warn(&raw.last_reviewed.referenced, format!("review overdue: due {due} ({every} after {reviewed})"))
                .help = Some("review the runbook with its owner, then update last_reviewed".to_owned());
        }
    }

    let levels: Vec<&str> = raw.severity.levels.iter().map(|l| l.id.value.as_str()).collect();
    f.duplicates("severity level", raw.severity.levels.iter().map(|l| &l.id));
    if raw.severity.levels.is_empty() {
        f.error(&raw.severity.default.referenced, "severity has no levels");
    } else if !levels.contains(&raw.severity.default.value.as_str()) {
        f.unknown("severity level", &raw.severity.default, &levels);
    }

    let roles: Vec<&str> = raw.roles.iter().map(|r| r.id.value.as_str()).collect();
    for role in &raw.roles {
        f.slug("role id", &role.id);
    }
    f.duplicates("role", raw.roles.iter().map(|r| &r.id));
    if !roles.contains(&"commander") {
        f.error(&raw.id.referenced, "the runbook has no `commander` role: every incident needs an incident commander");
    }
    for rung in &raw.on_call {
        if !roles.contains(&rung.role.value.as_str()) {
            f.unknown("role", &rung.role, &roles);
        }
        if let Some(after) = &rung.escalate_after {
            f.span(after);
        }
    }

    for trigger in &raw.triggers {
        if trigger.matchers.is_empty() {
            f.error(&trigger.severity.referenced, "a trigger needs at least one matcher");
        }
        for m in &trigger.matchers {
            if let Err(why) = matcher::parse(&m.value) {
                f.error(&m.referenced, why);
            }
        }
        if !levels.contains(&trigger.severity.value.as_str()) {
            f.unknown("severity level", &trigger.severity, &levels);
        }
    }

    let known_clocks: Vec<&str> = context.known_clocks.iter().map(String::as_str).collect();
    for clock in &raw.clocks {
        if !context.known_clocks.contains(&clock.value) {
            f.unknown("regulatory clock", clock, &known_clocks);
        }
    }
    f.duplicates("clock", raw.clocks.iter());

    let comms: Vec<&str> = raw.comms.iter().map(|c| c.id.value.as_str()).collect();
    f.duplicates("communication template", raw.comms.iter().map(|c| &c.id));
    let started: Vec<&str> = raw.clocks.iter().map(|c| c.value.as_str()).collect();
    for procedure in &raw.regulator {
        if !started.contains(&procedure.clock.value.as_str()) {
            f.unknown("clock of this runbook", &procedure.clock, &started);
        }
    }
    f.duplicates("regulator procedure for clock", raw.regulator.iter().map(|r| &r.clock));

    check_updates(&mut f, raw, &levels, &comms);
    check_steps(&mut f, raw, &roles, &comms);
    check_placeholders(&mut f, raw, &roles, &started);
    super::check_actions::check_actions(&mut f, raw, &roles, &started);
    if let Some(window) = &raw.approval_window {
        f.span(window);
    }

    let has_errors = f.list.iter().any(Diagnostic::is_error);
    let runbook = match (has_errors, last_reviewed, review_every, drill_every) {
        (false, Some(last_reviewed), Some(review_every), Some(drill_every)) => {
            Some(convert(raw, last_reviewed, review_every, drill_every))
        }
        _ => None,
    };
    (runbook, f.list)
}

/// Each audience once, its template one of the runbook's, its cadence by known severities.
fn check_updates(f: &mut Findings<'_>, raw: &RawRunbook, levels: &[&str], comms: &[&str]) {
    f.duplicates("update audience", raw.updates.iter().map(|u| &u.audience));
    for update in &raw.updates {
        f.slug("update audience", &update.audience);
        if let Some(template) = update.template.as_ref().filter(|t| !comms.contains(&t.value.as_str())) {
            f.unknown("communication template", template, comms);
        }
        if update.every.is_empty() {
            f.error(&update.audience.referenced, "an update cadence needs `every:`, e.g. { SEV1: 1h, SEV2: 4h }");
        }
        for (level, every) in &update.every {
            if !levels.contains(&level.as_str()) {
                f.error(
                    &every.referenced,
                    format!("{level:?} is not a severity level of this runbook ({})", levels.join(", ")),
                );
            }
            f.span(every);
        }
    }
}

/// Every placeholder in a template must be able to have a value (docs/templates.md).
fn check_placeholders(f: &mut Findings<'_>, raw: &RawRunbook, roles: &[&str], clocks: &[&str]) {
    let steps: Vec<&str> = raw.phases.iter().flat_map(|p| &p.steps).map(|s| s.id.value.as_str()).collect();
    let templates = raw
        .comms
        .iter()
        .map(|c| (&c.id, format!("communication template {:?}", c.id.value), c.body.as_str()))
        .chain(
            raw.regulator
                .iter()
                .map(|r| (&r.clock, format!("regulator procedure for {:?}", r.clock.value), r.procedure.as_str())),
        )
        .chain(std::iter::once((&raw.id, "post-mortem template".to_owned(), raw.postmortem.as_str())));
    for (at, what, text) in templates {
        for (_, name) in placeholder::names(text) {
            if let Some(why) = placeholder::unknown(name, roles, &steps, clocks) {
                f.error(&at.referenced, format!("{what}: unknown placeholder {{{{{name}}}}}: {why}"));
            }
        }
    }
}

fn check_steps(f: &mut Findings<'_>, raw: &RawRunbook, roles: &[&str], comms: &[&str]) {
    if raw.phases.is_empty() {
        f.error(&raw.id.referenced, "the runbook has no phases");
    }
    f.duplicates("phase", raw.phases.iter().map(|p| &p.id));
    let steps: Vec<&RawStep> = raw.phases.iter().flat_map(|p| &p.steps).collect();
    let step_ids: Vec<&str> = steps.iter().map(|s| s.id.value.as_str()).collect();
    let started: Vec<&str> = raw.clocks.iter().map(|c| c.value.as_str()).collect();
    f.duplicates("step", steps.iter().map(|s| &s.id));
    for phase in &raw.phases {
        f.slug("phase id", &phase.id);
        if phase.steps.is_empty() {
            f.error(&phase.id.referenced, format!("phase {:?} has no steps", phase.id.value));
        }
    }
    for step in &steps {
        f.slug("step id", &step.id);
        if !roles.contains(&step.role.value.as_str()) {
            f.unknown("role", &step.role, roles);
        }
        if let Some(timebox) = &step.timebox {
            f.span(timebox);
        }
        if let Some(template) = &step.template
            && !comms.contains(&template.value.as_str())
        {
            f.unknown("communication template", template, comms);
        }
        for decision in &step.records {
            if Decision::parse(&decision.value).is_none() {
                let known: Vec<&str> = Decision::ALL.iter().map(|d| d.name()).collect();
                f.unknown("decision", decision, &known);
            }
        }
        for clock in &step.files {
            if !started.contains(&clock.value.as_str()) {
                f.unknown("clock this runbook starts", clock, &started);
            }
        }
        for dep in &step.depends_on {
            if dep.value == step.id.value {
                f.error(&dep.referenced, format!("step {:?} depends on itself", step.id.value));
            } else if !step_ids.contains(&dep.value.as_str()) {
                f.unknown("step", dep, &step_ids);
            }
        }
    }
    report_cycles(f, &steps);
}

/// Depth-first search over `depends_on`; each cycle is reported once, at the edge closing it.
fn report_cycles(f: &mut Findings<'_>, steps: &[&RawStep]) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, step) in steps.iter().enumerate() {
        index.entry(step.id.value.as_str()).or_insert(i);
    }
    let mut marks = vec![Mark::New; steps.len()];
    for root in 0..steps.len() {
        if marks[root] != Mark::New {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        let mut path: Vec<usize> = vec![root];
        marks[root] = Mark::Active;
        while let Some((node, edge)) = stack.last_mut() {
            let node = *node;
            let deps = &steps[node].depends_on;
            if *edge >= deps.len() {
                marks[node] = Mark::Done;
                stack.pop();
                path.pop();
                continue;
            }
            let dep = &deps[*edge];
            *edge += 1;
            let Some(&next) = index.get(dep.value.as_str()) else { continue };
            match marks[next] {
                Mark::New => {
                    marks[next] = Mark::Active;
                    stack.push((next, 0));
                    path.push(next);
                }
                Mark::Active if next != node => {
                    let start = path.iter().position(|n| *n == next).unwrap_or(0);
                    let mut cycle: Vec<&str> = path[start..].iter().map(|n| steps[*n].id.value.as_str()).collect();
                    cycle.push(&steps[next].id.value);
                    f.error(&dep.referenced, format!("dependency cycle: {}", cycle.join(" → ")));
                }
                Mark::Active | Mark::Done => {}
            }
        }
    }
}
