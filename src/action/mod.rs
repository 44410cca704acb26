//! A step's action: expanded for the incident, then run bounded by its timeout.

pub mod capture;
pub mod expand;
pub mod orphan;
pub mod run;
pub mod shipped;

pub use expand::{Prepared, prepare};
pub use run::run_program;

/// A file of an action (its program installed, its output kept) that could not be written.
#[derive(Debug)]
pub struct FileError {
    pub action: &'static str,
    pub path: std::path::PathBuf,
    pub source: std::io::Error,
}

impl FileError {
    pub fn new(action: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        Self { action, path: path.to_owned(), source }
    }
}
