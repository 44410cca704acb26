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
