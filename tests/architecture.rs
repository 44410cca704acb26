//! The domain knows no terminal, no I/O and no async (DESIGN.md).

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.display().to_string(), std::fs::read_to_string(&path).expect("read")));
        }
    }
}

#[test]
fn the_domain_uses_no_terminal_io_or_async() {
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain"), &mut files);
    assert!(files.len() >= 5);
    let forbidden =
        ["ratatui", "crossterm", "tokio", "std::fs", "std::net", "std::process", "std::env", "std::io", "Utc::now"];
    for (path, text) in &files {
        for word in forbidden {
            assert!(!text.contains(word), "{path} mentions {word}");
        }
    }
}

#[test]
fn only_the_clock_adapter_reads_the_system_clock() {
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let readers: Vec<&str> = files
        .iter()
        .filter(|(_, text)| text.contains("Utc::now") || text.contains("SystemTime::now"))
        .map(|(path, _)| path.rsplit("/src/").next().unwrap_or(path))
        .collect();
    assert_eq!(readers, ["clock.rs"], "recorded times come from the injected clock only");
}

#[test]
fn the_fixed_test_clock_is_compiled_only_for_tests() {
    let clock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/clock.rs")).expect("clock");
    let hook = clock.find("std::env::var(\"WARROOM_TEST_NOW\")").expect("the test hook");
    assert!(clock[..hook].contains("#[cfg(feature = \"test-clock\")]"), "WARROOM_TEST_NOW must be behind test-clock");
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).expect("manifest");
    let default = manifest.split("[features]").nth(1).and_then(|f| f.lines().find(|l| l.starts_with("default")));
    assert!(default.is_none_or(|l| !l.contains("test-clock")), "test-clock must never be a default feature");
}

/// Which top-level modules each layer may use (DESIGN.md's layer table): dependencies point
/// down only.
const LAYERS: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("clock", &[]),
    ("ascii_json", &[]),
    ("store", &["domain", "ascii_json"]),
    ("catalog", &["domain"]),
    ("report", &["domain", "ascii_json"]),
    ("ingest", &["domain", "catalog"]),
    ("action", &["domain", "clock"]),
    ("app", &["domain", "clock", "ascii_json", "store", "catalog", "report", "action", "ingest"]),
    ("listener", &["domain", "clock", "ascii_json", "store", "catalog", "report", "action", "ingest", "app"]),
    ("tui", &["domain", "clock", "ascii_json", "store", "catalog", "report", "action", "ingest", "app", "listener"]),
    (
        "cli",
        &["domain", "clock", "ascii_json", "store", "catalog", "report", "action", "ingest", "app", "listener", "tui"],
    ),
];

/// The top-level modules a source file names through `crate::` paths.
fn crate_uses(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let name: String = text[at + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if !name.is_empty() && !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

fn layer_breaks(root: &Path) -> Vec<String> {
    let mut breaks = Vec::new();
    for (layer, allowed) in LAYERS {
        let mut files = Vec::new();
        let dir = root.join(layer);
        if dir.is_dir() {
            sources(&dir, &mut files);
        }
        let file = root.join(format!("{layer}.rs"));
        if file.is_file() {
            files.push((file.display().to_string(), std::fs::read_to_string(&file).expect("read")));
        }
        for (path, text) in &files {
            for used in crate_uses(text) {
                if used != *layer && !allowed.contains(&used.as_str()) {
                    let relative =
                        Path::new(path).strip_prefix(root).map_or_else(|_| path.clone(), |p| p.display().to_string());
                    breaks.push(format!("{relative} uses crate::{used}"));
                }
            }
        }
    }
    breaks
}

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let breaks = layer_breaks(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(breaks.is_empty(), "layer breaks:\n{}", breaks.join("\n"));
}

#[test]
fn the_layer_check_catches_a_forbidden_import() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(dir.path().join("domain")).expect("domain");
    std::fs::write(dir.path().join("domain/event.rs"), "use crate::store::Workspace;\n").expect("write");
    assert_eq!(layer_breaks(dir.path()), ["domain/event.rs uses crate::store"]);
}
