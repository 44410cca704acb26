//! Scenarios that run on both store adapters, with the same calls and the same assertions.

/// The store a scenario runs on.
#[derive(Clone, Copy)]
pub enum Adapter {
    File,
    Memory,
    Postgres,
}

/// A store over `ws` that another process would open too: the file workspace at `ws`, or the
/// PostgreSQL database given to `ws` (the same one each time it is asked). Not the memory store,
/// which has no other process.
pub fn open(adapter: Adapter, ws: &std::path::Path) -> std::sync::Arc<dyn warroom::store::Store> {
    match adapter {
        Adapter::File => std::sync::Arc::new(warroom::store::Workspace::open(ws).expect("workspace")),
        Adapter::Memory => panic!("the memory store is one process's: share it instead"),
        Adapter::Postgres => {
            static DATABASES: std::sync::Mutex<Vec<(std::path::PathBuf, String)>> = std::sync::Mutex::new(Vec::new());
            let mut databases = DATABASES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let url = match databases.iter().find(|(dir, _)| dir == ws) {
                Some((_, url)) => url.clone(),
                None => {
                    let url = super::postgres::database();
                    databases.push((ws.to_owned(), url.clone()));
                    url
                }
            };
            std::fs::create_dir_all(ws).expect("workspace directory");
            let proofs = warroom::store::signing::Proofs::default();
            std::sync::Arc::new(warroom::store::PgStore::open(&url, ws, proofs).expect("postgres store"))
        }
    }
}

/// `on_both_stores!(scenario, …)`: a test per scenario on the file workspace, one on the
/// in-memory store and one on PostgreSQL; each scenario is a `fn(Adapter)` beside the macro call.
#[macro_export]
macro_rules! on_both_stores {
    ($($scenario:ident),* $(,)?) => {
        mod on_the_file_workspace {
            $(#[test] fn $scenario() { super::$scenario($crate::common::stores::Adapter::File) })*
        }
        mod on_the_memory_store {
            $(#[test] fn $scenario() { super::$scenario($crate::common::stores::Adapter::Memory) })*
        }
        mod on_postgresql {
            $(#[test] fn $scenario() { super::$scenario($crate::common::stores::Adapter::Postgres) })*
        }
    };
}

/// `command`, given by bob in the commander alice's stead.
pub fn in_alices_stead(command: warroom::domain::command::Command) -> warroom::domain::command::Command {
    warroom::domain::command::Command::InStead { command: Box::new(command), reason: "alice is off shift".into() }
}

/// Bob resolves `id` at 09:06 and closes it at 09:07 (forced, for `why`), each in the stead of
/// alice, its commander, who is off shift.
pub fn resolve_and_close_in_stead(store: &dyn warroom::store::Store, id: &str, why: &str) {
    use warroom::domain::command::Command;
    let bob = warroom::domain::event::Actor::named("bob");
    let close = Command::Close { force: true, reason: Some(why.into()) };
    for (time, command) in [("2026-11-24T09:06:00Z", Command::Resolve), ("2026-11-24T09:07:00Z", close)] {
        let at = chrono::DateTime::parse_from_rfc3339(time).expect("time").to_utc();
        let in_stead = Command::InStead { command: Box::new(command), reason: "alice is off shift".into() };
        store.execute(id, &bob, at, in_stead).expect("in alice's stead");
    }
}
