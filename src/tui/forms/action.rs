//! A step's action in the console: `r` runs it and `U` its undo, after a confirmation that shows
//! what runs (argv, environment, in a drill how it runs there) and whether it is forced past
//! open dependencies or (the commander, with a reason) past the evidence hold; the same rules as
//! a tick. `V` approves another responder's request after showing exactly what it allows.
//! Each needs an explicit `y`.

use chrono::{DateTime, Utc};

use super::Purpose;
use crate::action::Prepared;
use crate::app::action::RunOptions;
use crate::app::approval::Pending;
use crate::domain::actions::quoted;
use crate::domain::clock::StepHold;
use crate::domain::command::Command;
use crate::domain::incident::IncidentState;
use crate::domain::step_gate;
use crate::tui::form::{Field, Form};
use crate::tui::message::Effect;
use crate::tui::model::{ActionView, FlashKind, Mode, Model};

const REASON: &str = "reason";
const STEAD: &str = "stead";

/// `r` (or `U` for the undo) on the step under the cursor.
pub fn run(model: &mut Model, undo: bool, now: DateTime<Utc>) -> Vec<Effect> {
    match plan(model, undo, now) {
        Ok(effects) => effects,
        Err(why) => {
            model.say(FlashKind::Refused, why, now);
            Vec::new()
        }
    }
}

fn plan(model: &mut Model, undo: bool, now: DateTime<Utc>) -> Result<Vec<Effect>, String> {
    let (Some(entry), Some(step)) = (model.current(), model.cursor_step().map(str::to_owned)) else {
        return Err("no incident selected: declare one with D".to_owned());
    };
    if model.action.as_ref().is_some_and(|a| a.finished.is_none()) {
        return Err("an action is still running; wait for it to finish".to_owned());
    }
    let incident = &entry.incident;
    if incident.state == IncidentState::Archived {
        return Err(crate::domain::Refusal::Archived(incident.id.clone()).to_string());
    }
    if let Some(label) = crate::action::expand::unstated_labels(incident, &step, undo).first() {
        let form = super::record::state_label(incident.id.clone(), label, &step);
        model.mode = Mode::Form(Box::new(form));
        return Ok(Vec::new());
    }
    if let Some(form) = request_for_tick(incident, &step, undo, now)? {
        model.mode = Mode::Form(Box::new(form));
        return Ok(Vec::new());
    }
    let prepared = crate::action::prepare(incident, &step, undo, &model.actor, now)?;
    if incident.state == IncidentState::Closed && prepared.undoes.is_none() {
        return Err(crate::domain::Refusal::Closed(incident.id.clone()).to_string());
    }
    let Some((definition, _)) = incident.step(&step) else { return Err(format!("no step {step}")) };
    let force = incident.open_dependencies(definition).next().is_some();
    let past_hold = matches!(step_gate::step_hold(incident, definition, now), StepHold::Held { .. });
    let in_stead_of = incident.commander().filter(|c| past_hold && *c != model.actor).map(str::to_owned);
    if past_hold && incident.commander().is_none() {
        let refusal = step_gate::rules(incident, definition, true, Some("-".to_owned()), now, &model.actor).err();
        return Err(refusal.map(|r| r.to_string()).unwrap_or_default());
    }
    let containment = &incident.containment;
    if prepared.two_person && containment.usable_approval(&step, Some(&prepared.argv), now).is_none() {
        if let Some(waiting) = containment.waiting_request(&step, now) {
            return Err(format!(
                "{step} waits for a second responder's approval (requested by {}; V in their console)",
                waiting.requested_by
            ));
        }
        let drill = prepared.drill.map(|drill| format!("{}. ", drill.describe())).unwrap_or_default();
        let question = format!(
            "{step} is under the two-person rule: this records your request, a second responder approves it \
             (V in their console), then r runs it. {drill}It would run: {}. Request approval?",
            quoted(&prepared.argv)
        );
        let purpose = Purpose::RequestApproval { step: step.clone(), argv: Some(prepared.argv.clone()) };
        let fields = vec![Field::confirm_explicitly(&question)];
        let form = Form::new(purpose, format!("Request approval for {step}"), Some(incident.id.clone()), fields);
        model.mode = Mode::Form(Box::new(form));
        return Ok(Vec::new());
    }
    let id = incident.id.clone();
    let mut form = confirm_run(id, prepared, force, past_hold);
    if let Some(commander) = in_stead_of {
        in_the_commanders_stead(&mut form, &commander);
    }
    model.mode = Mode::Form(Box::new(form));
    Ok(Vec::new())
}

/// A two-person step with no action to run is ticked by hand once approved: `r` on it asks for
/// that approval (unless one waits or is granted already).
fn request_for_tick(
    incident: &crate::domain::incident::Incident,
    step: &str,
    undo: bool,
    now: DateTime<Utc>,
) -> Result<Option<Form>, String> {
    let Some((definition, _)) = incident.step(step) else { return Ok(None) };
    if undo || !definition.two_person || definition.action.is_some() {
        return Ok(None);
    }
    let containment = &incident.containment;
    if let Some(waiting) = containment.waiting_request(step, now) {
        let by = &waiting.requested_by;
        return Err(format!("{step} waits for a second responder's approval (requested by {by}; V in their console)"));
    }
    if containment.usable_approval(step, None, now).is_some() {
        return Err(format!("{step} is approved and has no action to run: tick it with x"));
    }
    let question = format!(
        "{step} is under the two-person rule and has no action: this records your request, a second responder \
         approves it (V in their console), then x ticks it. Request approval?"
    );
    let purpose = Purpose::RequestApproval { step: step.to_owned(), argv: None };
    let title = format!("Request approval for {step}");
    Ok(Some(Form::new(purpose, title, Some(incident.id.clone()), vec![Field::confirm_explicitly(&question)])))
}

/// The confirmation before an action runs: exactly what runs if confirmed.
pub fn confirm_run(incident: String, prepared: Prepared, force: bool, past_hold: bool) -> Form {
    let mut question = String::new();
    if let Some(drill) = prepared.drill {
        question.push_str(&format!("{}. ", drill.describe()));
    }
    if let Some(seq) = prepared.undoes {
        question.push_str(&format!("It reverses run #{seq}. "));
    }
    if force {
        question.push_str("Steps it depends on are OPEN: it is recorded as FORCED. ");
    }
    let runs = if prepared.simulated() { "In a real incident it would run" } else { "Runs" };
    question.push_str(&format!(
        "{runs} without a shell, {}s timeout: {}",
        prepared.timeout.as_secs(),
        quoted(&prepared.argv)
    ));
    let chosen: Vec<String> = prepared
        .env
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "WARROOM_INCIDENT" | "WARROOM_STEP" | "WARROOM_ACTOR"))
        .map(|(name, value)| format!("{name}={value:?}"))
        .collect();
    question.push_str(&format!(" · env {}", chosen.join(" ")));
    let what = if prepared.undo { "Undo" } else { "Run the action of" };
    let title = format!("{what} {}{}", prepared.step, if prepared.drill.is_some() { " (DRILL)" } else { "" });
    let mut fields = Vec::new();
    if past_hold {
        fields.push(Field::text(REASON, "Why the AI system must change before the authority is informed", true));
    }
    fields.push(Field::confirm_explicitly(&question));
    let purpose = Purpose::RunAction { prepared: Box::new(prepared), force, past_hold, in_stead: false };
    Form::new(purpose, title, Some(incident), fields)
}

/// Running past the evidence hold is the commander's decision: another responder confirms they
/// take it in the commander's stead, and the log records it as such.
fn in_the_commanders_stead(form: &mut Form, commander: &str) {
    if let Purpose::RunAction { in_stead, .. } = &mut form.purpose {
        *in_stead = true;
    }
    let commander = crate::domain::sanitize::line(commander);
    let why =
        Field::text(STEAD, &format!("Why {commander} cannot decide it (unreachable since 02:10, paged twice)"), true);
    form.fields.insert(form.fields.len().saturating_sub(1), why);
    if let Some(field) = form.fields.last_mut() {
        field.label = format!(
            "IN THE COMMANDER'S STEAD: only the commander ({commander}) may override the evidence hold; the log \
             records that you did it for them. {}",
            field.label
        );
    }
}

/// `V` on the step under the cursor: the request waiting there, to approve.
pub fn approve(model: &mut Model, now: DateTime<Utc>) -> Vec<Effect> {
    let (Some(entry), Some(step)) = (model.current(), model.cursor_step().map(str::to_owned)) else {
        model.say(FlashKind::Refused, "no incident selected: declare one with D", now);
        return Vec::new();
    };
    let containment = &entry.incident.containment;
    let only = || {
        let mut waiting = containment.waiting(now);
        waiting.next().filter(|_| waiting.next().is_none())
    };
    let Some(waiting) = containment.waiting_request(&step, now).or_else(only) else {
        model.say(FlashKind::Refused, format!("nothing waits for approval on {step}"), now);
        return Vec::new();
    };
    let step = waiting.step.clone();
    if waiting.requested_by == model.actor {
        model.say(FlashKind::Refused, format!("you requested {step} yourself: a second responder approves it"), now);
        return Vec::new();
    }
    let pending = Pending::of(&entry.incident, waiting, &model.actor, now);
    let allows = pending.argv.as_ref().map_or_else(
        || "to tick it by hand".to_owned(),
        |argv| format!("to run, without a shell, once: {}", quoted(argv)),
    );
    let targets = pending.targets.iter().map(|(name, value)| format!("{name}={value:?}")).collect::<Vec<_>>();
    let targets = if targets.is_empty() { String::new() } else { format!(" It targets {}.", targets.join(" ")) };
    let open = match pending.open.as_slice() {
        [] => String::new(),
        open => format!(" Steps it depends on are OPEN: {}.", open.join(", ")),
    };
    let drill = if pending.drill { "DRILL: its actions run only in their drill form. " } else { "" };
    let question = format!(
        "{drill}{} asks {allows}.{targets}{open} Asked {}, expires {} ({} min left). Approve?",
        pending.requested_by,
        pending.requested_at.format("%H:%MZ"),
        pending.expires_at.format("%H:%MZ"),
        (pending.expires_at - now).num_minutes().max(0)
    );
    let form = Form::new(
        Purpose::Approve { pending: Box::new(pending) },
        format!("Approve {step} (two-person rule)"),
        Some(entry.incident.id.clone()),
        vec![Field::confirm_explicitly(&question)],
    );
    model.mode = Mode::Form(Box::new(form));
    Vec::new()
}

pub fn finish(model: &mut Model, form: Form, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(incident) = form.incident.clone() else { return Vec::new() };
    match form.purpose.clone() {
        Purpose::RunAction { prepared, force, past_hold, in_stead } => {
            let options = RunOptions {
                force,
                override_hold: past_hold.then(|| form.answer(REASON)),
                in_stead: in_stead.then(|| form.answer(STEAD)),
            };
            model.action = Some(ActionView {
                incident: incident.clone(),
                step: prepared.step.clone(),
                argv: prepared.argv.clone(),
                drill: prepared.drill,
                output: String::new(),
                finished: None,
            });
            model.say(FlashKind::Done, format!("running {}…", prepared.step), now);
            vec![Effect::RunAction { incident, prepared, options }]
        }
        Purpose::RequestApproval { step, argv } => {
            vec![Effect::Execute { incident, command: Command::RequestApproval { step, argv } }]
        }
        Purpose::Approve { pending } => {
            let command = Command::Approve { step: pending.step.clone(), argv: pending.argv.clone() };
            vec![Effect::Execute { incident, command }]
        }
        _ => Vec::new(),
    }
}
