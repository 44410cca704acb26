//! A step's action as written: a program (or the step whose undo it runs), a timeout of at
//! most an hour, placeholders that can have values, and what it does in a drill.

use super::findings::Findings;
use super::raw::{Located, RawAction, RawDrill, RawProgram, RawRunbook};
use crate::domain::duration::Span;
use crate::domain::placeholder;

const LONGEST_ACTION_TIMEOUT: u64 = 3_600;

pub(super) fn check_actions(f: &mut Findings<'_>, raw: &RawRunbook, roles: &[&str], clocks: &[&str]) {
    let all: Vec<_> = raw.phases.iter().flat_map(|p| &p.steps).collect();
    let steps: Vec<&str> = all.iter().map(|s| s.id.value.as_str()).collect();
    let placeholders = |f: &mut Findings<'_>, texts: &mut dyn Iterator<Item = &Located>| {
        for text in texts {
            for (_, name) in placeholder::names(&text.value) {
                if let Some(why) = placeholder::unknown(name, roles, &steps, clocks) {
                    f.error(&text.referenced, format!("unknown placeholder {{{{{name}}}}}: {why}"));
                }
            }
        }
    };
    for step in &all {
        let Some(action) = &step.action else { continue };
        check_program(f, action, &step.id, &all);
        if let Some(timeout) = &action.timeout {
            match Span::parse(&timeout.value) {
                Ok(span) if span.seconds() == 0 || span.seconds() > LONGEST_ACTION_TIMEOUT => {
                    f.error(&timeout.referenced, "an action's timeout must be between 1s and 1h");
                }
                Ok(_) => {}
                Err(why) => {
                    f.error(&timeout.referenced, why);
                }
            }
        }
        let programs = [action.undo.as_ref(), instead(action)].into_iter().flatten();
        let mut texts = action
            .program
            .iter()
            .chain(&action.args)
            .chain(&action.cwd)
            .chain(action.env.values())
            .chain(programs.flat_map(|p| std::iter::once(&p.program).chain(&p.args)));
        placeholders(f, &mut texts);
        check_drill(f, action, &step.id);
    }
}

fn instead(action: &RawAction) -> Option<&RawProgram> {
    match &action.drill {
        Some(RawDrill::Instead(program)) => Some(program),
        _ => None,
    }
}

/// A program of its own, or `undoes:` naming an earlier step whose action has an `undo`.
fn check_program(f: &mut Findings<'_>, action: &RawAction, step: &Located, all: &[&super::raw::RawStep]) {
    for program in
        action.program.iter().chain(action.undo.as_ref().map(|u| &u.program)).chain(instead(action).map(|p| &p.program))
    {
        if program.value.trim().is_empty() {
            f.error(&program.referenced, "an action needs a program (a path, run without a shell)");
        }
    }
    match (&action.program, &action.undoes) {
        (Some(program), Some(_)) => {
            f.error(
                &program.referenced,
                "an action that `undoes` another step runs that step's `undo`: remove `program`",
            );
        }
        (None, None) => {
            f.error(&step.referenced, "an action needs a program (or `undoes: STEP` to run that step's undo)");
        }
        (None, Some(undoes)) => {
            let target = all.iter().find(|s| s.id.value == undoes.value);
            let has_undo = target.and_then(|s| s.action.as_ref()).is_some_and(|a| a.undo.is_some());
            if !has_undo {
                let with_undo: Vec<&str> = all
                    .iter()
                    .filter(|s| s.action.as_ref().is_some_and(|a| a.undo.is_some()))
                    .map(|s| s.id.value.as_str())
                    .collect();
                let known = if with_undo.is_empty() { "none in this runbook".to_owned() } else { with_undo.join(", ") };
                f.error(
                    &undoes.referenced,
                    format!(
                        "undoes {:?}: no step of that id has an action with an `undo` (those that do: {known})",
                        undoes.value
                    ),
                );
            }
            if action.undo.is_some() || action.drill.is_some() {
                f.error(
                    &undoes.referenced,
                    "an action that `undoes` another step takes its `undo` and `drill` from it",
                );
            }
        }
        (Some(_), None) => {}
    }
}

fn check_drill(f: &mut Findings<'_>, action: &RawAction, step: &Located) {
    match &action.drill {
        Some(RawDrill::Mode(mode)) if mode.value == "run" => {
            f.warn(
                &step.referenced,
                format!(
                    "step {} runs its REAL action in drills (drill: run): make sure it cannot touch production",
                    step.value
                ),
            );
        }
        Some(RawDrill::Mode(mode)) if mode.value != "dry_run" => {
            f.error(&step.referenced, "drill must be dry_run (the default), run, or { program, args } to run instead");
        }
        _ => {}
    }
}
