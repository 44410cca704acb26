//! Runbooks and the clock catalog from YAML, with located errors (`warroom lint`).

pub mod check;
mod check_actions;
pub mod clocks;
mod convert;
pub mod diagnostic;
pub mod embedded;
pub mod files;
mod findings;
pub mod load;
pub mod matcher;
pub mod member_states;
pub mod outbound_config;
pub mod raw;
pub mod triggers;
pub mod workspace_config;

pub use diagnostic::{Diagnostic, Level};
pub use files::Origin;
pub use load::{Loaded, load};
