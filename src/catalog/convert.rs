//! A checked raw runbook as the domain's `Runbook`: spans parsed, defaults filled in.

use chrono::NaiveDate;

use super::raw::{Located, RawAction, RawDrill, RawProgram, RawRunbook};
use crate::domain::actions::{DrillMode, StepAction, UndoAction};
use crate::domain::clock::def::Decision;
use crate::domain::duration::Span;
use crate::domain::runbook::{
    CommsTemplate, Escalation, Phase, RegulatorProcedure, Role, Runbook, SeverityLevel, SeverityScale, Step, Trigger,
    UpdateCadence,
};

/// An action's timeout when its runbook names none.
const DEFAULT_ACTION_TIMEOUT: Span = Span::from_seconds(60);

pub fn convert(raw: &RawRunbook, last_reviewed: NaiveDate, review_every: Span, drill_every: Span) -> Runbook {
    let span = |v: &Located| Span::parse(&v.value).ok();
    Runbook {
        id: raw.id.value.clone(),
        title: raw.title.clone(),
        version: raw.version.value.text(),
        owner: raw.owner.clone(),
        summary: raw.summary.clone(),
        last_reviewed,
        review_every,
        drill_every,
        severity: SeverityScale {
            default: raw.severity.default.value.clone(),
            guidance: raw.severity.guidance.clone(),
            levels: raw
                .severity
                .levels
                .iter()
                .map(|l| SeverityLevel {
                    id: l.id.value.clone(),
                    name: l.name.clone(),
                    definition: l.definition.clone(),
                })
                .collect(),
        },
        roles: raw
            .roles
            .iter()
            .map(|r| Role {
                id: r.id.value.clone(),
                title: r.title.clone(),
                duties: r.duties.clone(),
                required: r.required,
            })
            .collect(),
        on_call: raw
            .on_call
            .iter()
            .map(|e| Escalation {
                role: e.role.value.clone(),
                page: e.page.clone(),
                escalate_after: e.escalate_after.as_ref().and_then(span),
            })
            .collect(),
        triggers: raw
            .triggers
            .iter()
            .map(|t| Trigger {
                matchers: t.matchers.iter().map(|m| m.value.clone()).collect(),
                severity: t.severity.value.clone(),
            })
            .collect(),
        clocks: raw.clocks.iter().map(|c| c.value.clone()).collect(),
        phases: raw
            .phases
            .iter()
            .map(|p| Phase {
                id: p.id.value.clone(),
                title: p.title.clone(),
                steps: p
                    .steps
                    .iter()
                    .map(|s| Step {
                        id: s.id.value.clone(),
                        title: s.title.clone(),
                        detail: s.detail.clone(),
                        role: s.role.value.clone(),
                        kind: s.kind,
                        timebox: s.timebox.as_ref().and_then(span),
                        depends_on: s.depends_on.iter().map(|d| d.value.clone()).collect(),
                        required: s.required,
                        alters_ai_system: s.alters_ai_system,
                        template: s.template.as_ref().map(|t| t.value.clone()),
                        action: s.action.as_ref().map(|a| action(a, raw)),
                        two_person: s.two_person,
                        files: s.files.iter().map(|c| c.value.clone()).collect(),
                        records: s.records.iter().filter_map(|d| Decision::parse(&d.value)).collect(),
                    })
                    .collect(),
            })
            .collect(),
        comms: raw
            .comms
            .iter()
            .map(|c| CommsTemplate {
                id: c.id.value.clone(),
                title: c.title.clone(),
                audience: c.audience.clone(),
                body: c.body.clone(),
            })
            .collect(),
        regulator: raw
            .regulator
            .iter()
            .map(|r| RegulatorProcedure {
                clock: r.clock.value.clone(),
                recipient: r.recipient.clone(),
                channel: r.channel.clone(),
                procedure: r.procedure.clone(),
            })
            .collect(),
        postmortem: raw.postmortem.clone(),
        approval_window: raw.approval_window.as_ref().and_then(span),
        group_by: raw.group_by.iter().map(|l| l.value.clone()).collect(),
        scope_labels: raw.scope_labels.as_ref().map(|labels| labels.iter().map(|l| l.value.clone()).collect()),
        updates: raw
            .updates
            .iter()
            .map(|u| UpdateCadence {
                audience: u.audience.value.clone(),
                template: u.template.as_ref().map(|t| t.value.clone()),
                every: u.every.iter().filter_map(|(level, every)| Some((level.clone(), span(every)?))).collect(),
            })
            .collect(),
    }
}

/// A checked action; one that `undoes` another step runs that step's `undo`, in its
/// directory and environment, real in drills only where the original is.
fn action(a: &RawAction, raw: &RawRunbook) -> StepAction {
    let values = |list: &[Located]| list.iter().map(|v| v.value.clone()).collect::<Vec<_>>();
    let undo_of = |p: &RawProgram| UndoAction { program: p.program.value.clone(), args: values(&p.args) };
    let target = a.undoes.as_ref().and_then(|id| {
        raw.phases.iter().flat_map(|p| &p.steps).find(|s| s.id.value == id.value).and_then(|s| s.action.as_ref())
    });
    let source = target.unwrap_or(a);
    let (program, args) = match (target.and_then(|t| t.undo.as_ref()), &a.program) {
        (Some(undo), _) => (undo.program.value.clone(), values(&undo.args)),
        (None, program) => (program.as_ref().map(|p| p.value.clone()).unwrap_or_default(), values(&a.args)),
    };
    let drill = match &source.drill {
        None => DrillMode::DryRun,
        Some(RawDrill::Mode(mode)) if mode.value == "run" => DrillMode::Run,
        Some(RawDrill::Mode(_)) => DrillMode::DryRun,
        Some(RawDrill::Instead(_)) if target.is_some() => DrillMode::DryRun,
        Some(RawDrill::Instead(p)) => DrillMode::Instead { program: p.program.value.clone(), args: values(&p.args) },
    };
    let timeout = a.timeout.as_ref().or(source.timeout.as_ref());
    StepAction {
        program,
        args,
        cwd: source.cwd.as_ref().map(|c| c.value.clone()),
        env: source.env.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect(),
        timeout: timeout.and_then(|t| Span::parse(&t.value).ok()).unwrap_or(DEFAULT_ACTION_TIMEOUT),
        tick_on_success: a.tick_on_success,
        drill,
        undo: a.undo.as_ref().map(undo_of),
        undoes: a.undoes.as_ref().map(|u| u.value.clone()),
    }
}
