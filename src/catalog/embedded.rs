//! The shipped runbooks and clock catalog, compiled into the binary.

include!(concat!(env!("OUT_DIR"), "/embedded_runbooks.rs"));

pub const CLOCKS: &str = include_str!("../../assets/clocks.yaml");
