//! `warroom drill RUNBOOK`, `warroom drills [--json]` and the history behind
//! `warroom runbooks [--json]`: runbook health, coverage gaps, role practice.

use serde::Serialize;

use super::context::{CliError, Context};
use crate::domain::incident::Incident;
use crate::domain::sanitize;
use crate::ingest::Router;
use crate::report::{drill, health};

/// After `warroom drill`: the micro-drill's steps and each clock's countdown, in wall and drill
/// time, on stderr (stdout holds the id alone).
pub fn announce(ctx: &Context, id: &str, speed: u32) -> Result<(), CliError> {
    let incident = ctx.store.incident(id)?;
    if let Some(focus) = &incident.drill_focus {
        eprintln!("micro-drill: practise {}", focus.join(", "));
    }
    for status in incident.clock_statuses(ctx.now).iter().filter(|s| s.deadline.is_some()) {
        if let Some(left) = status.remaining_seconds {
            eprintln!(
                "  {:<20} due in {} (drill time {})",
                status.def.id,
                super::clock_view::countdown(left),
                super::clock_view::countdown(left.saturating_mul(i64::from(speed)))
            );
        }
    }
    Ok(())
}

pub fn reports(ctx: &Context, json: bool) -> Result<(), CliError> {
    let history = ctx.history()?;
    let drills: Vec<drill::DrillReport> =
        history.incidents.iter().filter(|i| i.drill).map(|i| drill::report(i, ctx.now)).collect();
    if json {
        let text = crate::ascii_json::to_ascii_json_pretty(&serde_json::json!({ "drills": drills }))
            .map_err(|e| CliError::internal(format!("cannot write JSON: {e}")))?;
        print!("{text}");
        return history.ensure_whole();
    }
    if drills.is_empty() {
        println!("No drill yet. Start one with `warroom drill RUNBOOK --speed 60`.");
    }
    for r in &drills {
        let done = r.steps.iter().filter(|s| s.state == "done").count();
        let skipped = r.steps.iter().filter(|s| s.state == "skipped").count();
        println!(
            "{}  {:<24} {}  {}× {}  {done}/{} done, {skipped} skipped, {} actions failed  [{}]",
            r.incident,
            r.runbook,
            r.declared_at,
            r.speed,
            if r.micro { "micro" } else { "full " },
            r.steps.len(),
            r.failed_actions.len(),
            r.state
        );
    }
    history.ensure_whole()
}

#[derive(Serialize)]
struct HealthJson {
    runbooks: Vec<health::RunbookHealth>,
    coverage_gaps: Vec<health::CoverageGap>,
    role_practice: Vec<health::RolePractice>,
}

fn health_json(ctx: &Context, incidents: &[Incident]) -> Result<HealthJson, CliError> {
    let runbooks = &ctx.runbooks().runbooks;
    let router = Router::new(runbooks);
    let inbox = ctx.store.inbox()?;
    let seen = incidents
        .iter()
        .filter(|i| !i.drill)
        .flat_map(|i| i.alerts.values().map(|t| (t.alert.clone(), t.first_seen)))
        .chain(inbox.items.values().map(|item| (item.alert.clone(), item.last_seen)))
        .map(|(alert, at)| (alert.name().to_owned(), at, router.route(&alert).is_some()));
    Ok(HealthJson {
        runbooks: health::runbooks(runbooks, incidents, ctx.now),
        coverage_gaps: health::coverage(seen),
        role_practice: health::role_practice(incidents, ctx.now),
    })
}

/// `warroom runbooks [--json]`: the runbooks in effect with their health.
pub fn runbooks(ctx: &Context, json: bool) -> Result<(), CliError> {
    let history = ctx.history()?;
    let report = health_json(ctx, &history.incidents)?;
    if json {
        let text = crate::ascii_json::to_ascii_json_pretty(&report)
            .map_err(|e| CliError::internal(format!("cannot write JSON: {e}")))?;
        print!("{text}");
        return history.ensure_whole();
    }
    println!("Runbooks from {}", ctx.origin().describe());
    let loaded = ctx.runbooks();
    if loaded.errors() > 0 {
        let file = loaded.diagnostics.iter().find(|d| d.is_error()).map(|d| d.file.clone()).unwrap_or_default();
        eprintln!("warroom: {} runbook error(s) (in {}): run `warroom lint`", loaded.errors(), sanitize::line(&file));
    }
    for r in &report.runbooks {
        let mut flags = Vec::new();
        if r.review_overdue {
            flags.push(format!("REVIEW OVERDUE since {}", r.review_due));
        }
        if r.drill_overdue {
            flags.push(match &r.last_drill {
                None => "NEVER DRILLED".to_owned(),
                Some(_) => format!("DRILL OVERDUE since {}", &r.drill_due[..10]),
            });
        }
        println!(
            "  {:<24} {}  drills {}, incidents {}, last drill {}{}",
            r.id,
            sanitize::line(&r.title),
            r.drills,
            r.real_incidents,
            r.last_drill.as_deref().map_or("never", |d| &d[..10]),
            if flags.is_empty() { String::new() } else { format!("  {}", flags.join(", ")) }
        );
        for step in &r.steps {
            println!("      step {}: {}", step.step, sanitize::line(&step.reasons.join("; ")));
        }
    }
    if !report.coverage_gaps.is_empty() {
        println!("\nAlerts no runbook covers:");
        for gap in &report.coverage_gaps {
            println!("  {} ({}×, last {})", sanitize::line(&gap.alertname), gap.seen, gap.last_seen);
        }
    }
    let stale: Vec<&health::RolePractice> = report.role_practice.iter().filter(|p| p.stale).collect();
    if !stale.is_empty() {
        println!("\nRoles not drilled for {} days:", health::ROLE_STALE_DAYS);
        for p in stale {
            println!("  {} as {} (last {})", sanitize::line(&p.responder), p.role, &p.last_drilled[..10]);
        }
    }
    history.ensure_whole()
}

/// `(id, title with overdue flags)` for the console's runbook list, read afresh from the whole
/// history each time (a drill run meanwhile, from any console, counts at once).
pub fn flagged_titles(
    runbooks: &[crate::domain::runbook::Runbook],
    store: &dyn crate::store::Store,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<(String, String)> {
    let plain = || runbooks.iter().map(|r| (r.id.clone(), r.title.clone())).collect();
    let Ok(ids) = store.all_ids() else { return plain() };
    let incidents: Vec<Incident> = ids.iter().filter_map(|id| store.incident(id).ok()).collect();
    health::runbooks(runbooks, &incidents, now)
        .into_iter()
        .map(|r| {
            let mut flags = String::new();
            if r.review_overdue {
                flags.push_str("[review overdue] ");
            }
            if r.drill_overdue {
                flags.push_str(if r.last_drill.is_none() { "[never drilled] " } else { "[drill overdue] " });
            }
            let severity =
                runbooks.iter().find(|b| b.id == r.id).map(|b| b.severity.default.clone()).unwrap_or_default();
            (r.id, format!("{flags}{} · {severity} by default", r.title))
        })
        .collect()
}
