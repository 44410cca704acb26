//! `warroom lint [PATH]` and `warroom runbooks`.

use std::path::Path;

use super::context::{CliError, default_workspace, runbook_origin};
use crate::catalog::{self, Diagnostic, Origin, clocks};
use crate::store::Store;

/// Lints runbooks and clock catalogs: PATH (a file or a directory, each YAML file taken as a
/// catalog when its top level holds `clocks:`), or else the runbooks in effect and the
/// workspace's `clocks/`.
pub fn run(path: Option<&Path>, runbooks: Option<&Path>, dir: Option<&Path>) -> Result<(), CliError> {
    let now = crate::clock::Clock::for_process().map_err(CliError::usage)?.now();
    let today = now.date_naive();
    let root = dir.map(Path::to_owned).or_else(|| default_workspace().ok());
    let (origin, clock_dir) = match path {
        Some(p) => (Origin::Path(p.to_owned()), None),
        None => match &root {
            Some(root) => (runbook_origin(runbooks.map(Path::to_owned), root), Some(root.join("clocks"))),
            None => (Origin::Embedded, None),
        },
    };
    if let Origin::Path(p) = &origin
        && !p.exists()
    {
        return Err(CliError::refused(format!("{}: no such file or directory", p.display())));
    }
    let (catalog_files, runbook_files): (Vec<_>, Vec<_>) = catalog::files::files_of(&origin)
        .into_iter()
        .partition(|(_, text)| text.as_ref().is_ok_and(|t| clocks::is_catalog(t)));
    let mut clock_files = clocks::shipped_file();
    if let Some(dir) = clock_dir.filter(|d| d.is_dir()) {
        clock_files.extend(catalog::files::files_of(&Origin::Path(dir)));
    }
    let catalog_count = catalog_files.len();
    clock_files.extend(catalog_files);
    let catalog = clocks::load_texts(clock_files);
    let mut loaded = catalog::load::load_texts(runbook_files, &catalog.ids(), today);
    let config_errors = root.as_deref().map_or(0, check_workspace_config);
    if let Some(parties) = root.as_deref().and_then(|root| catalog::workspace_config::load(root).ok()) {
        let unmapped = unmapped_rotations(&loaded, &parties);
        loaded.diagnostics.extend(unmapped);
        let unmapped = unmapped_audiences(&loaded, &parties);
        loaded.diagnostics.extend(unmapped);
    }
    let store =
        root.filter(|r| r.join("incidents").is_dir()).and_then(|root| crate::store::Workspace::open(&root).ok());
    if let Some(store) = store {
        let warnings = drill_warnings(&loaded, &store, now);
        loaded.diagnostics.extend(warnings);
    }

    let render = |d: &Diagnostic| match catalog.sources.get(&d.file) {
        Some(source) if !loaded.sources.contains_key(&d.file) => d.render(source),
        _ => loaded.render(d),
    };
    for diagnostic in catalog.diagnostics.iter().chain(&loaded.diagnostics) {
        print!("{}", render(diagnostic));
    }
    let errors = loaded.errors() + catalog.errors() + config_errors;
    let warnings = loaded.warnings();
    let clock_note = if catalog_count > 0 {
        format!(", {catalog_count} clock catalog{}", plural(catalog_count))
    } else {
        String::new()
    };
    let summary = format!(
        "{}: {} runbook{} valid{clock_note}, {errors} error{}, {warnings} warning{}",
        origin.describe(),
        loaded.runbooks.len(),
        plural(loaded.runbooks.len()),
        plural(errors),
        plural(warnings),
    );
    if errors > 0 {
        return Err(CliError::refused(summary));
    }
    println!("{summary}");
    Ok(())
}

/// The workspace's `warroom.yaml` (contact points, parties): each problem printed, located;
/// how many.
fn check_workspace_config(root: &Path) -> usize {
    match catalog::workspace_config::load(root) {
        Ok(_) => 0,
        Err(problems) => {
            let source = std::fs::read_to_string(root.join(catalog::workspace_config::FILE)).unwrap_or_default();
            for problem in &problems {
                print!("{}", problem.render(&source));
            }
            problems.len()
        }
    }
}

/// A warning at each on-call `page:` whose rotation the workspace's `warroom.yaml` does not
/// map to anyone (when it pages at all): that rung would page nobody.
fn unmapped_rotations(loaded: &catalog::Loaded, parties: &crate::domain::parties::WorkspaceParties) -> Vec<Diagnostic> {
    let pages: Vec<(String, String)> =
        loaded.runbooks.iter().flat_map(|r| r.on_call.iter().map(|rung| (r.id.clone(), rung.page.clone()))).collect();
    let mut seen = std::collections::BTreeSet::new();
    catalog::outbound_config::unmapped(parties, &pages)
        .into_iter()
        .filter(|pair| seen.insert(pair.clone()))
        .map(|(runbook, rotation)| {
            let message = format!(
                "runbook {runbook} pages rotation {rotation}, which warroom.yaml does not map: nobody is paged"
            );
            let (file, text) = loaded
                .sources
                .iter()
                .find(|(_, text)| text.contains(&format!("id: {runbook}")) && text.contains(&rotation))
                .map_or((String::new(), ""), |(file, text)| (file.clone(), text.as_str()));
            let mut found = catalog::workspace_config::near(&file, text, &rotation, 0, message)
                .help(format!("add rotations: {{ {rotation}: [{{ notifier: NAME, to: … }}] }} to warroom.yaml"));
            found.level = catalog::diagnostic::Level::Warning;
            found
        })
        .collect()
}

/// A warning at each update audience the workspace's `warroom.yaml` does not map, when it
/// sends at all: its updates would only be recorded, to be sent by hand.
fn unmapped_audiences(loaded: &catalog::Loaded, parties: &crate::domain::parties::WorkspaceParties) -> Vec<Diagnostic> {
    if parties.notifiers.is_empty() {
        return Vec::new();
    }
    let mut seen = std::collections::BTreeSet::new();
    let unmapped =
        loaded.runbooks.iter().flat_map(|r| r.updates.iter().map(move |u| (r.id.clone(), u.audience.clone())));
    unmapped
        .filter(|(_, audience)| !parties.audiences.contains_key(audience) && seen.insert(audience.clone()))
        .map(|(runbook, audience)| {
            let message = format!(
                "runbook {runbook} sends updates to audience {audience}, which warroom.yaml does not map: they are only recorded"
            );
            let (file, text) = loaded
                .sources
                .iter()
                .find(|(_, text)| text.contains(&format!("id: {runbook}")))
                .map_or((String::new(), ""), |(file, text)| (file.clone(), text.as_str()));
            let mut found = catalog::workspace_config::near(&file, text, &format!("audience: {audience}"), 0, message)
                .help(format!("add audiences: {{ {audience}: [{{ notifier: NAME, to: … }}] }} to warroom.yaml"));
            found.level = catalog::diagnostic::Level::Warning;
            found
        })
        .collect()
}

/// Runbooks whose last drill in this workspace is older than their `drill_every`, or that were
/// never drilled while others were: warnings at their `drill_every` line.
fn drill_warnings(loaded: &catalog::Loaded, store: &dyn Store, now: chrono::DateTime<chrono::Utc>) -> Vec<Diagnostic> {
    let mut last_drill: std::collections::BTreeMap<String, chrono::DateTime<chrono::Utc>> = Default::default();
    for id in store.all_ids().unwrap_or_default() {
        let Ok(incident) = store.incident(&id) else { continue };
        if incident.drill {
            let at = last_drill.entry(incident.runbook.id.clone()).or_insert(incident.declared_at);
            *at = (*at).max(incident.declared_at);
        }
    }
    if last_drill.is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    for runbook in &loaded.runbooks {
        let every = chrono::Duration::seconds(i64::try_from(runbook.drill_every.seconds()).unwrap_or(i64::MAX / 4));
        let message = match last_drill.get(&runbook.id) {
            None => format!("never drilled in this workspace (drill every {})", runbook.drill_every),
            Some(at) if *at + every < now => {
                format!("drill overdue: last drilled {} (drill every {})", at.format("%Y-%m-%d"), runbook.drill_every)
            }
            Some(_) => continue,
        };
        let place = loaded.sources.iter().find_map(|(file, text)| {
            let declares = text.lines().any(|l| l.trim() == format!("id: {}", runbook.id));
            let line = text.lines().position(|l| l.starts_with("drill_every:"))?;
            declares.then(|| (file.clone(), line as u64 + 1))
        });
        if let Some((file, line)) = place {
            found.push(Diagnostic {
                level: catalog::Level::Warning,
                file,
                line,
                column: 1,
                span: None,
                message,
                help: Some("run one: warroom drill RUNBOOK --speed 60 (or --micro 5 for a short one)".to_owned()),
            });
        }
    }
    found
}

const fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
