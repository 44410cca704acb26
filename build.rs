//! Embeds every shipped runbook (runbooks/*.yaml) so the binary works with no files around it.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=runbooks");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).filter(|n| n.ends_with(".yaml")).collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from("pub const RUNBOOKS: &[(&str, &str)] = &[\n");
    for name in names {
        let path = dir.join(&name);
        let _ = writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("embedded_runbooks.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo::error=cannot write {}: {e}", out.display());
    }
}
