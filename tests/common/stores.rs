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
