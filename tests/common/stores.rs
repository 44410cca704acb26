//! Scenarios that run on both store adapters, with the same calls and the same assertions.

/// The store a scenario runs on.
#[derive(Clone, Copy)]
pub enum Adapter {
    File,
    Memory,
}

/// `on_both_stores!(scenario, …)`: a test per scenario on the file workspace and one on the
/// in-memory store; each scenario is a `fn(Adapter)` beside the macro call.
#[macro_export]
macro_rules! on_both_stores {
    ($($scenario:ident),* $(,)?) => {
        mod on_the_file_workspace {
            $(#[test] fn $scenario() { super::$scenario($crate::common::stores::Adapter::File) })*
        }
        mod on_the_memory_store {
            $(#[test] fn $scenario() { super::$scenario($crate::common::stores::Adapter::Memory) })*
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
