//! The regulatory clock catalog (assets/clocks.yaml).

use std::collections::BTreeSet;

use serde::Deserialize;

use super::embedded;

#[derive(Clone, Debug, Deserialize)]
pub struct ClockDef {
    pub id: String,
    pub title: String,
    pub citation: String,
}

#[derive(Deserialize)]
struct CatalogFile {
    clocks: Vec<ClockDef>,
}

pub fn shipped() -> Result<Vec<ClockDef>, String> {
    serde_saphyr::from_str::<CatalogFile>(embedded::CLOCKS)
        .map(|file| file.clocks)
        .map_err(|e| format!("the shipped clock catalog is invalid: {e}"))
}

pub fn shipped_ids() -> BTreeSet<String> {
    shipped().unwrap_or_default().into_iter().map(|c| c.id).collect()
}
