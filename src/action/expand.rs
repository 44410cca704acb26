//! A step's action made concrete for one incident: argv with each placeholder expanded inside
//! its own argument (a value with spaces, quotes, `;`, `$(…)` or newlines stays one literal
//! argument), and the values as `WARROOM_*` environment variables. Never a shell.

use std::time::Duration;

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
}

/// The action of `step`, expanded; the one-line reason when it cannot be.
pub fn prepare(
    incident: &Incident,
    step: &str,
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
    let facts = Facts::new(incident, now);
    let expand = |text: &str| expand(text, &facts);
    let mut argv = vec![expand(&action.program)?];
    for arg in &action.args {
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
    if let Some(first) = incident.alerts.values().min_by_key(|t| (t.first_seen, &t.alert.key)) {
        for (label, value) in &first.alert.labels {
            env.push((format!("WARROOM_ALERT_{}", env_name(label)), value.clone()));
        }
    }
    for (name, value) in &action.env {
        env.push((name.clone(), expand(value)?));
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
        two_person: definition.two_person,
        at: now,
    })
}

/// `text` with each `{{name}}` replaced by its value exactly as recorded.
fn expand(text: &str, facts: &Facts<'_>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else { break };
        let name = rest[open + 2..open + 2 + close].trim();
        let value = facts.value(name).ok_or_else(|| format!("placeholder {{{{{name}}}}} has no value yet"))?;
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
