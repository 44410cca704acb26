//! The domain knows no terminal, no I/O and no async (DESIGN.md).

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read src/domain") {
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
