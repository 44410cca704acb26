//! A step's action: expanded for the incident, then run bounded by its timeout.

pub mod expand;
pub mod run;
pub mod shipped;

pub use expand::{Prepared, prepare};
pub use run::run_program;
