//! A step's action made concrete for one incident: argv with each placeholder expanded inside
//! its own argument (a value with spaces, quotes, `;`, `$(…)` or newlines stays one literal
//! argument), and the values as `WARROOM_*` environment variables. Never a shell.

use std::time::Duration;

use crate::domain::actions::{DrillMode, DrillRun};
use crate::domain::incident::Incident;
use crate::domain::placeholder::Facts;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    pub step: String,
    pub argv: Vec<String>,
    pub cwd: Option<String>,
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
    pub two_person: bool,
    /// The time its placeholders were expanded at: preparing again at this time on the same
    /// incident gives the same action.
    pub at: chrono::DateTime<chrono::Utc>,
    /// In a drill, how it runs there.
    pub drill: Option<DrillRun>,
    /// It is the step's `undo` (asked for), not its action.
    pub undo: bool,
    /// The run whose effect it reverses.
    pub undoes: Option<u64>,
}

impl Prepared {
    /// Nothing runs: a drill's dry run.
    pub fn simulated(&self) -> bool {
        self.drill == Some(DrillRun::DryRun)
    }
}

/// The action of `step` (or its `undo`), expanded in the form it takes in this incident (a
/// drill's); the one-line reason when it cannot be.
pub fn prepare(
    incident: &Incident,
    step: &str,
    undo: bool,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Prepared, String> {
    let definition = incident
        .runbook
        .steps()
        .map(|(_, s)| s)
        .find(|s| s.id == step)
        .ok_or_else(|| format!("no step {step:?} in runbook {}", incident.runbook.id))?;
    let action = definition.action.as_ref().ok_or_else(|| format!("step {step} has no action to run"))?;
    let (program, args, undoes) = if undo {
        let reverse = action.undo.as_ref().ok_or_else(|| format!("step {step}'s action has no undo"))?;
        let recovery = incident
            .runbook
            .steps()
            .map(|(_, s)| s)
            .find(|s| s.action.as_ref().and_then(|a| a.undoes.as_deref()) == Some(step));
        if let Some(recovery) = recovery {
            return Err(format!(
                "the runbook reverses {step} in step {}: run that step (its dependencies, hold and approvals apply)",
                recovery.id
            ));
        }
        let run = incident
            .containment
            .undoable_run(step)
            .ok_or_else(|| format!("nothing to undo: no run of {step} succeeded that was not undone already"))?;
        (&reverse.program, &reverse.args, Some(run.started_seq))
    } else {
        let undoes =
            action.undoes.as_deref().and_then(|of| incident.containment.undoable_run(of)).map(|r| r.started_seq);
        (&action.program, &action.args, undoes)
    };
    let drill = incident.drill.then_some(match (&action.drill, undo) {
        (DrillMode::Run, _) => DrillRun::Run,
        (DrillMode::Instead { .. }, false) => DrillRun::Instead,
        _ => DrillRun::DryRun,
    });
    let (program, args) = match (&action.drill, drill) {
        (DrillMode::Instead { program, args }, Some(DrillRun::Instead)) => (program, args),
        _ => (program, args),
    };
    let facts = Facts::new(incident, now);
    let expand = |text: &str| expand(text, &facts);
    let mut argv = vec![expand(program)?];
    for arg in args {
        argv.push(expand(arg)?);
    }
    let cwd = action.cwd.as_deref().map(expand).transpose()?;
    let mut env = vec![
        ("WARROOM_INCIDENT".to_owned(), incident.id.clone()),
        ("WARROOM_STEP".to_owned(), step.to_owned()),
        ("WARROOM_ACTOR".to_owned(), actor.to_owned()),
        ("WARROOM_SEVERITY".to_owned(), incident.severity.clone()),
        ("WARROOM_RUNBOOK".to_owned(), incident.runbook.id.clone()),
    ];
    for (label, value) in incident.alert_labels() {
        env.push((format!("WARROOM_ALERT_{}", env_name(label)), value.to_owned()));
    }
    for (name, value) in &action.env {
        env.push((name.clone(), expand(value)?));
    }
    if drill.is_some() {
        env.push(("WARROOM_DRILL".to_owned(), "1".to_owned()));
    }
    for (name, value) in &env {
        if value.contains('\0') || name.contains(['\0', '=']) {
            return Err(format!("the value for {name} holds a NUL byte or '=': not passed to a program"));
        }
    }
    if argv.iter().any(|a| a.contains('\0')) {
        return Err("an argument holds a NUL byte: not passed to a program".to_owned());
    }
    Ok(Prepared {
        step: step.to_owned(),
        argv,
        cwd,
        env,
        timeout: Duration::from_secs(action.timeout.seconds()),
        two_person: crate::domain::step_gate::needs_two(incident, definition),
        at: now,
        drill,
        undo,
        undoes,
    })
}

/// The alert labels the action of `step` (or its undo) names that neither an alert brought
/// nor a responder stated: what to ask for before it can run.
pub fn unstated_labels(incident: &Incident, step: &str, undo: bool) -> Vec<String> {
    let Some(action) = incident.runbook.steps().map(|(_, s)| s).find(|s| s.id == step).and_then(|s| s.action.as_ref())
    else {
        return Vec::new();
    };
    let (program, args) = match (&action.undo, undo) {
        (Some(reverse), true) => (&reverse.program, &reverse.args),
        _ => (&action.program, &action.args),
    };
    let texts = std::iter::once(program).chain(args).chain(action.cwd.iter()).chain(action.env.values());
    let known = incident.alert_labels();
    let mut missing: Vec<String> = texts
        .flat_map(|text| crate::domain::placeholder::names(text).into_iter().map(|(_, name)| name.to_owned()))
        .filter_map(|name| name.strip_prefix("alert.").map(str::to_owned))
        .filter(|label| label != "summary" && !known.contains_key(label.as_str()))
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

/// `text` with each `{{name}}` replaced by its value exactly as recorded.
fn expand(text: &str, facts: &Facts<'_>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else { break };
        let name = rest[open + 2..open + 2 + close].trim();
        let value = facts.value(name).ok_or_else(|| match name.strip_prefix("alert.") {
            Some(label) if label != "summary" => format!(
                "no alert of {} brought the label {label}: state it first (warroom label {} {label}=VALUE)",
                facts.incident.id, facts.incident.id
            ),
            _ => format!("placeholder {{{{{name}}}}} has no value yet"),
        })?;
        out.push_str(&rest[..open]);
        out.push_str(&value);
        rest = &rest[open + 2 + close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn env_name(label: &str) -> String {
    label.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}
