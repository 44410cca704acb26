//! `warroom lint [PATH]` and `warroom runbooks`.

use std::path::{Path, PathBuf};

use super::context::{CliError, Context, default_workspace, runbook_origin};
use crate::catalog::{self, Diagnostic, Origin, clocks};
use crate::domain::sanitize;

/// Lints runbooks and clock catalogs: PATH (a file or a directory, each YAML file taken as a
/// catalog when its top level holds `clocks:`), or else the runbooks in effect and the
/// workspace's `clocks/`.
pub fn run(path: Option<&Path>, runbooks: Option<&Path>, dir: Option<&Path>) -> Result<(), CliError> {
    let today = super::context::now()?.date_naive();
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
        return Err(CliError::new(1, format!("{}: no such file or directory", p.display())));
    }
    let (catalog_files, runbook_files): (Vec<_>, Vec<_>) = catalog::load::files_of(&origin)
        .into_iter()
        .partition(|(_, text)| text.as_ref().is_ok_and(|t| clocks::is_catalog(t)));
    let mut clock_files = clocks::shipped_file();
    if let Some(dir) = clock_dir.filter(|d| d.is_dir()) {
        clock_files.extend(catalog::load::files_of(&Origin::Path(dir)));
    }
    let catalog_count = catalog_files.len();
    clock_files.extend(catalog_files);
    let catalog = clocks::load_texts(clock_files);
    let loaded = catalog::load::load_texts(runbook_files, &catalog.ids(), today);

    let render = |d: &Diagnostic| match catalog.sources.get(&d.file) {
        Some(source) if !loaded.sources.contains_key(&d.file) => d.render(source),
        _ => loaded.render(d),
    };
    for diagnostic in catalog.diagnostics.iter().chain(&loaded.diagnostics) {
        print!("{}", render(diagnostic));
    }
    let errors = loaded.errors() + catalog.errors();
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
        return Err(CliError::new(1, summary));
    }
    println!("{summary}");
    Ok(())
}

pub fn list(ctx: &Context) -> Result<(), CliError> {
    let loaded = ctx.runbooks();
    println!("Runbooks from {}", ctx.origin().describe());
    for runbook in &loaded.runbooks {
        let due = runbook.review_due();
        let overdue = if due < ctx.now.date_naive() { format!("  REVIEW OVERDUE since {due}") } else { String::new() };
        println!(
            "  {:<24} v{:<4} {:>2} steps  {}{overdue}",
            runbook.id,
            sanitize::line(&runbook.version),
            runbook.steps().count(),
            sanitize::line(&runbook.title)
        );
    }
    if loaded.errors() > 0 {
        let files: Vec<PathBuf> =
            loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| PathBuf::from(&d.file)).collect();
        eprintln!(
            "warroom: {} runbook error{} (in {}): run `warroom lint`",
            loaded.errors(),
            plural(loaded.errors()),
            files.first().map(|f| f.display().to_string()).unwrap_or_default()
        );
    }
    Ok(())
}

const fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
