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
    ("private_fs", &[]),
    ("store", &["domain", "ascii_json", "private_fs"]),
    ("catalog", &["domain", "private_fs"]),
    ("report", &["domain", "ascii_json"]),
    ("ingest", &["domain", "catalog"]),
    ("action", &["domain", "clock", "private_fs"]),
    ("app", &["domain", "clock", "ascii_json", "private_fs", "store", "catalog", "report", "action", "ingest"]),
    ("outbound", &["domain", "app"]),
    (
        "listener",
        &[
            "domain",
            "clock",
            "ascii_json",
            "private_fs",
            "store",
            "catalog",
            "report",
            "action",
            "ingest",
            "app",
            "outbound",
        ],
    ),
    (
        "tui",
        &[
            "domain",
            "clock",
            "ascii_json",
            "private_fs",
            "store",
            "catalog",
            "report",
            "action",
            "ingest",
            "app",
            "listener",
            "outbound",
        ],
    ),
    (
        "cli",
        &[
            "domain",
            "clock",
            "ascii_json",
            "private_fs",
            "store",
            "catalog",
            "report",
            "action",
            "ingest",
            "app",
            "listener",
            "outbound",
            "tui",
        ],
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

/// Each file's module inside `dir` (`form`, `panes/form`) and the modules of the same layer it
/// names: `super::x` resolved from where the file sits, `crate::<layer>::x`.
fn module_graph(dir: &Path, layer: &str) -> Vec<(String, Vec<String>)> {
    let mut files = Vec::new();
    sources(dir, &mut files);
    let own = format!("crate::{layer}::");
    let mut graph = Vec::new();
    for (path, text) in &files {
        let relative = Path::new(path).strip_prefix(dir).expect("inside the layer").with_extension("");
        let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        if parts.is_empty() {
            continue;
        }
        let module = parts.join("/");
        let parent = &parts[..parts.len() - 1];
        let mut uses = Vec::new();
        let mut add = |base: &[String], name: String| {
            let target = base.iter().cloned().chain(std::iter::once(name)).collect::<Vec<_>>().join("/");
            if target != module && !uses.contains(&target) {
                uses.push(target);
            }
        };
        for (at, _) in text.match_indices(own.as_str()) {
            for name in first_segments(&text[at + own.len()..]) {
                add(&[], name);
            }
        }
        for (at, _) in text.match_indices("super::") {
            if text[..at].ends_with("super::") {
                continue;
            }
            let mut depth = 1;
            let mut rest = at + 7;
            while text[rest..].starts_with("super::") {
                depth += 1;
                rest += 7;
            }
            if depth > parent.len() + 1 {
                continue;
            }
            let base = &parent[..parent.len() + 1 - depth];
            for name in first_segments(&text[rest..]) {
                add(base, name);
            }
        }
        graph.push((module, uses));
    }
    graph
}

/// The first path segment of what follows `prefix::`: one name, or each name of a `{…}` group.
fn first_segments(after: &str) -> Vec<String> {
    let word = |s: &str| -> String { s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
    let Some(group) = after.strip_prefix('{') else {
        return Some(word(after)).filter(|w| !w.is_empty()).into_iter().collect();
    };
    let mut depth = 0;
    let end = group
        .char_indices()
        .find(|(_, c)| {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            depth < 0
        })
        .map_or(group.len(), |(i, _)| i);
    let mut names = Vec::new();
    let mut level = 0;
    let mut start = 0;
    for (i, c) in group[..end].char_indices() {
        match c {
            '{' => level += 1,
            '}' => level -= 1,
            ',' if level == 0 => {
                names.push(word(group[start..i].trim_start()));
                start = i + 1;
            }
            _ => {}
        }
    }
    names.push(word(group[start..end].trim_start()));
    names.retain(|n| !n.is_empty() && n != "self");
    names
}

/// A cycle in `graph`, as the modules on it, if there is one.
fn cycle(graph: &[(String, Vec<String>)]) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &[(String, Vec<String>)],
        path: &mut Vec<String>,
        done: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            return Some(path[start..].to_vec());
        }
        if done.iter().any(|n| n == node) {
            return None;
        }
        path.push(node.to_owned());
        let uses = graph.iter().find(|(m, _)| m == node).map(|(_, u)| u.clone()).unwrap_or_default();
        for next in &uses {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.push(node.to_owned());
        None
    }
    let mut done = Vec::new();
    graph.iter().find_map(|(module, _)| visit(module, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_itself_round_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for layer in ["domain", "store", "catalog", "report", "ingest", "action", "app", "tui", "listener", "cli"] {
        let graph = module_graph(&src.join(layer), layer);
        assert_eq!(cycle(&graph), None, "an import cycle inside {layer}");
    }
}

#[test]
fn the_cycle_check_finds_one() {
    let graph = [("a".to_owned(), vec!["b".to_owned()]), ("b".to_owned(), vec!["c".to_owned(), "a".to_owned()])];
    assert_eq!(cycle(&graph), Some(vec!["a".to_owned(), "b".to_owned()]));
}

/// Names of the file adapter's insides: only the store itself, and the CLI where it chooses
/// which store to open, may use them.
const FILE_ADAPTER: &[&str] = &["Workspace", "IncidentLog", "incident_log::", "store::scan", "log_path", "inbox_path"];

/// `text` uses `word` as a name of its own, not as part of a longer one (`WorkspaceParties`).
fn names(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back().is_some_and(is_ident);
        let after = text[at + word.len()..].chars().next().is_some_and(is_ident) && word.ends_with(is_ident);
        !before && !after
    })
}

fn file_adapter_uses(files: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in files {
        for word in FILE_ADAPTER {
            if names(text, word) {
                found.push(format!("{} names {word}", path.rsplit("/src/").next().unwrap_or(path)));
            }
        }
    }
    found
}

#[test]
fn the_application_console_and_listener_reach_storage_only_through_the_port() {
    let mut files = Vec::new();
    for layer in ["app", "tui", "listener"] {
        sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(layer), &mut files);
    }
    assert!(files.len() >= 20);
    assert_eq!(file_adapter_uses(&files), Vec::<String>::new());
    let planted =
        vec![("/work/src/tui/feed.rs".to_owned(), "let log = crate::store::IncidentLog::new(id, path);".to_owned())];
    assert_eq!(file_adapter_uses(&planted), ["tui/feed.rs names IncidentLog"], "the check catches a planted use");
    let longer = vec![("/work/src/tui/model.rs".to_owned(), "parties: WorkspaceParties, ws: Workspace".to_owned())];
    assert_eq!(file_adapter_uses(&longer), ["tui/model.rs names Workspace"], "a longer name is not the name");
}
