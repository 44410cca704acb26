//! `warroom lint [PATH]` and `warroom runbooks`.

use std::path::{Path, PathBuf};

use super::context::{CliError, Context};
use crate::catalog::{self, Origin};
use crate::domain::sanitize;

pub fn run(path: Option<&Path>, runbooks: Option<&Path>, dir: Option<&Path>) -> Result<(), CliError> {
    let origin = match (path, runbooks, dir) {
        (Some(p), _, _) | (None, Some(p), _) => Origin::Path(p.to_owned()),
        (None, None, Some(d)) if d.join("runbooks").is_dir() => Origin::Path(d.join("runbooks")),
        _ => Origin::Embedded,
    };
    if let Origin::Path(p) = &origin
        && !p.exists()
    {
        return Err(CliError::new(1, format!("{}: no such file or directory", p.display())));
    }
    let loaded = catalog::load(&origin, super::context::now()?.date_naive());
    for diagnostic in &loaded.diagnostics {
        print!("{}", loaded.render(diagnostic));
    }
    let summary = format!(
        "{}: {} runbook{} valid, {} error{}, {} warning{}",
        origin.describe(),
        loaded.runbooks.len(),
        plural(loaded.runbooks.len()),
        loaded.errors(),
        plural(loaded.errors()),
        loaded.warnings(),
        plural(loaded.warnings()),
    );
    if loaded.errors() > 0 {
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
