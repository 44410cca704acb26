//! `warroom store`: the PostgreSQL store's schema, and moving a workspace between stores.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::CliError;
use super::args_global::Globals;
use super::args_sub::StoreCmd;
use crate::domain::sanitize;
use crate::store::signing::Proofs;
use crate::store::{PgStore, Store, Workspace};

pub fn run(command: StoreCmd, globals: &Globals) -> Result<(), CliError> {
    match command {
        StoreCmd::Init { grant } => init(globals.store.as_deref(), grant.as_deref()),
        StoreCmd::Copy { from, to } => copy(&from, &to, globals),
    }
}

fn init(url: Option<&str>, grant: Option<&str>) -> Result<(), CliError> {
    let url = url.ok_or_else(|| CliError::usage("store init needs the database: --store URL or WARROOM_STORE"))?;
    let applied = PgStore::init(url, grant)?;
    let schema = crate::store::postgres::schema::latest();
    match applied.as_slice() {
        [] => println!("the warroom schema is at version {schema}: nothing to do"),
        versions => println!("the warroom schema is at version {schema} (applied {versions:?})"),
    }
    if let Some(role) = grant {
        println!("{}: may read and add evidence, never change or remove it", sanitize::line(role));
    }
    Ok(())
}

fn copy(from: &str, to: &str, globals: &Globals) -> Result<(), CliError> {
    // A database's logs were signed under a workspace directory's allowed_signers: the
    // source's when copying from files, else --dir's (the team's workspace).
    let source_dir = (!is_database(from)).then(|| PathBuf::from(from));
    let root = match source_dir.or_else(|| globals.dir.clone()) {
        Some(root) => root,
        None => super::context::default_workspace()?,
    };
    let source = open(from, &root)?;
    let target = open(to, &root)?;
    if source.location() == target.location() {
        return Err(CliError::usage(format!("--from and --to are the same store: {}", source.location())));
    }
    bring_signers(from, to, &root);
    let copied = crate::store::copy::copy(&*source, &*target)?;
    println!(
        "copied {} logs from {} to {}; {} already there; all {} events ({} bytes) verified on both sides",
        copied.written.len(),
        sanitize::line(&source.location()),
        sanitize::line(&target.location()),
        copied.unchanged.len(),
        copied.events,
        copied.bytes,
    );
    for log in &copied.written {
        println!("  {}", sanitize::line(log));
    }
    Ok(())
}

fn open(side: &str, root: &Path) -> Result<Arc<dyn Store>, CliError> {
    Ok(if is_database(side) {
        Arc::new(PgStore::open(side, root, Proofs::default())?)
    } else {
        Arc::new(Workspace::open(Path::new(side))?)
    })
}

/// A directory taking a copy from a database gets the allowed_signers the database's logs were
/// signed under, so its own `verify` checks the signatures too.
fn bring_signers(from: &str, to: &str, root: &Path) {
    if is_database(from) && !is_database(to) {
        let (source, target) = (root.join("allowed_signers"), Path::new(to).join("allowed_signers"));
        if source.exists() && !target.exists() {
            let _ = std::fs::copy(&source, &target);
        }
    }
}

fn is_database(side: &str) -> bool {
    side.starts_with("postgres://") || side.starts_with("postgresql://") || side.contains('=')
}
