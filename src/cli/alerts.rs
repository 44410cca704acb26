//! `warroom alert ingest | inbox | dismiss`: alerts from a file or a pipe, and the unrouted inbox.

use std::io::Read;
use std::path::Path;

use serde::Serialize;

use super::clock_view::rfc3339;
use super::context::{CliError, Context};
use crate::domain::inbox::InboxItem;
use crate::domain::sanitize;
use crate::ingest::parse;
use crate::listener::{Listener, LogTo, serve};

const MAX_BODY: u64 = crate::listener::DEFAULT_MAX_BODY as u64;

/// The alerts of a payload: a file, or `-` for standard input (at most 64 MiB).
pub fn read_payload(source: &str) -> Result<Vec<crate::domain::alert::Alert>, CliError> {
    let mut body = Vec::new();
    let read = if source == "-" {
        std::io::stdin().take(MAX_BODY + 1).read_to_end(&mut body)
    } else {
        std::fs::File::open(source).and_then(|f| f.take(MAX_BODY + 1).read_to_end(&mut body))
    };
    read.map_err(|e| CliError::refused(format!("cannot read {}: {e}", sanitize::line(source))))?;
    if body.len() as u64 > MAX_BODY {
        return Err(CliError::refused(format!("{}: larger than {} MiB", sanitize::line(source), MAX_BODY >> 20)));
    }
    parse(&body).map_err(|e| CliError::refused(format!("{}: {e}", sanitize::line(source))))
}

/// The first alert of a payload file (a drill's starting alert).
pub fn read_first(path: &Path) -> Result<crate::domain::alert::Alert, CliError> {
    let name = path.display().to_string();
    let mut alerts = read_payload(&name)?;
    if alerts.is_empty() {
        return Err(CliError::refused(format!("{name}: holds no alert")));
    }
    Ok(alerts.remove(0))
}

/// An alert as recorded, on an incident or in the inbox: everything the sender said, when it
/// came, and (on an incident) what it widened.
#[derive(Serialize)]
pub struct AlertJson<'a> {
    key: &'a str,
    name: &'a str,
    source: crate::domain::alert::Source,
    status: crate::domain::alert::Status,
    summary: Option<&'a str>,
    labels: &'a std::collections::BTreeMap<String, String>,
    annotations: &'a std::collections::BTreeMap<String, String>,
    starts_at: Option<String>,
    ends_at: Option<String>,
    group: Option<&'a str>,
    generator_url: Option<&'a str>,
    first_seen: String,
    last_seen: String,
    deliveries: u32,
    /// Scope labels whose value this alert was the first on the incident to bring.
    #[serde(skip_serializing_if = "Option::is_none")]
    widened: Option<&'a std::collections::BTreeMap<String, String>>,
}

fn json_of<'a>(
    alert: &'a crate::domain::alert::Alert,
    seen: (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
    deliveries: u32,
    widened: Option<&'a std::collections::BTreeMap<String, String>>,
) -> AlertJson<'a> {
    AlertJson {
        key: &alert.key,
        name: alert.name(),
        source: alert.source,
        status: alert.status,
        summary: alert.summary(),
        labels: &alert.labels,
        annotations: &alert.annotations,
        starts_at: alert.starts_at.map(rfc3339),
        ends_at: alert.ends_at.map(rfc3339),
        group: alert.group.as_deref(),
        generator_url: alert.generator_url.as_deref(),
        first_seen: rfc3339(seen.0),
        last_seen: rfc3339(seen.1),
        deliveries,
        widened,
    }
}

pub fn alert_json(track: &crate::domain::incident::AlertTrack) -> AlertJson<'_> {
    json_of(&track.alert, (track.first_seen, track.last_seen), track.deliveries, Some(&track.widened))
}

pub fn unrouted_json(item: &InboxItem) -> AlertJson<'_> {
    json_of(&item.alert, (item.first_seen, item.last_seen), item.deliveries, None)
}

pub fn inbox(ctx: &Context, json: bool) -> Result<(), CliError> {
    let inbox = ctx.store.inbox()?;
    if json {
        let items: Vec<_> = inbox.open_items().map(unrouted_json).collect();
        let text = crate::ascii_json::to_ascii_json_pretty(&serde_json::json!({ "unrouted": items }))
            .map_err(|e| CliError::internal(format!("cannot write JSON: {e}")))?;
        print!("{text}");
        return Ok(());
    }
    let open: Vec<&InboxItem> = inbox.open_items().collect();
    println!("Unrouted alerts: {} waiting", open.len());
    for item in open {
        println!(
            "  {}  {}  {}  deliveries {}, last {}",
            item.alert.key,
            sanitize::line(item.alert.name()),
            sanitize::line(item.alert.summary().unwrap_or("")),
            item.deliveries,
            rfc3339(item.last_seen)
        );
    }
    Ok(())
}

/// Who records alerts: a service principal named `record_as`, run by this login, never the
/// login itself (a responder's name on a machine's deliveries would hide who did what).
fn service_actor(ctx: &Context, record_as: &str) -> Result<crate::domain::event::Actor, CliError> {
    if record_as == ctx.actor.login {
        return Err(CliError::usage(format!(
            "alerts are recorded as a service principal, not as your login {}: give the service's name (--as alertmanager)",
            sanitize::line(record_as)
        )));
    }
    let actor = crate::domain::event::Actor { name: record_as.to_owned(), service: true, ..ctx.actor.clone() };
    ctx.store.signing_key(&actor, ctx.now).map_err(|e| {
        let why = match e {
            crate::store::StoreError::CannotSign(why) => why,
            other => other.to_string(),
        };
        CliError::refused(format!("alerts cannot be recorded as {}: {why}", sanitize::line(record_as)))
    })?;
    Ok(actor)
}

/// `warroom alert ingest`: a payload delivered by hand (one saved while the listener was down)
/// is recorded as its sender's, the service named by --as, as the listener would have.
pub fn ingest(mut ctx: Context, alerts: Vec<crate::domain::alert::Alert>) -> Result<(), CliError> {
    ctx.actor = service_actor(&ctx, &ctx.actor.name.clone())?;
    let done = crate::app::perform(&ctx.app(), crate::app::Call::Ingest(alerts))?;
    super::done::print(&ctx, &done)
}

/// The listener `warroom listen` runs, or a console hosts, on this context's workspace.
pub fn listener(
    ctx: &Context,
    addr: &str,
    token_file: Option<&Path>,
    max_body_mib: usize,
    record_as: &str,
) -> Result<Listener, CliError> {
    let actor = service_actor(ctx, record_as)?;
    if max_body_mib == 0 || max_body_mib > 4096 {
        return Err(CliError::usage("the body ceiling must be between 1 and 4096 MiB"));
    }
    let addr: std::net::SocketAddr = addr.parse().map_err(|_| {
        CliError::usage(format!("listen address {:?} is not an address like 127.0.0.1:9093", sanitize::line(addr)))
    })?;
    let token = match token_file {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| CliError::refused(format!("{}: {e}", path.display())))?;
            let token = text.trim().to_owned();
            if token.is_empty() {
                return Err(CliError::refused(format!("{}: the token file is empty", path.display())));
            }
            Some(token)
        }
        None => None,
    };
    Ok(Listener {
        runbooks: ctx.runbooks().runbooks.clone(),
        clocks: ctx.clocks().clocks.clone(),
        store: ctx.store.clone(),
        dir: ctx.dir.clone(),
        actor,
        clock: ctx.clock,
        token,
        addr,
        max_body: max_body_mib << 20,
    })
}

pub fn listen(listener: Listener, log_file: Option<&Path>) -> Result<(), CliError> {
    for repaired in listener.store.reconcile() {
        eprintln!("warroom: {}", crate::domain::sanitize::line(&repaired));
    }
    let log = match log_file {
        Some(path) => LogTo::file(path).map_err(CliError::refused)?,
        None => LogTo::Stderr,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::refused(format!("cannot start the listener: {e}")))?;
    runtime.block_on(serve(listener, log)).map_err(CliError::refused)
}
