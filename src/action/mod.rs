//! Running a step's action: expanded for the incident, recorded before and after, bounded by
//! its timeout. The CLI (`warroom run`) and the console use the same runner.

pub mod expand;
pub mod run;
pub mod shipped;

pub use expand::{Prepared, prepare};
pub use run::{Ran, run};
