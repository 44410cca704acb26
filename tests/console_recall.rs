//! The `:` lines a workspace's consoles entered survive a restart: ↑ recalls them from
//! `console-history` in the workspace, bounded, without control characters.

use warroom::tui::model::COMMAND_HISTORY;
use warroom::tui::recall::{append, load};

#[test]
fn lines_are_kept_in_order_without_control_characters_or_repeats() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(load(dir.path()).is_empty(), "no file yet: nothing to recall");
    append(dir.path(), "note . \"paged the DPO\"");
    append(dir.path(), "  tick . kill-switch  ");
    append(dir.path(), "tick . kill-switch");
    append(dir.path(), "note . \"\u{1b}]52;c;evil\u{7}\"");
    append(dir.path(), "   ");
    assert_eq!(load(dir.path()), ["note . \"paged the DPO\"", "tick . kill-switch"]);
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(dir.path().join("console-history")).expect("file").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600, "what responders typed is the workspace's, not the world's");
}

#[test]
fn a_long_history_is_cut_back_to_its_last_lines() {
    let dir = tempfile::tempdir().expect("dir");
    let padding = "x".repeat(2000);
    for n in 0..300 {
        append(dir.path(), &format!("note . \"{n} {padding}\""));
    }
    let size = std::fs::metadata(dir.path().join("console-history")).expect("file").len();
    assert!(size <= 256 * 1024 + 4096, "bounded on disk: {size}");
    let lines = load(dir.path());
    assert!(lines.len() <= COMMAND_HISTORY && !lines.is_empty(), "{}", lines.len());
    assert!(lines.last().is_some_and(|l| l.starts_with("note . \"299 ")), "the newest is kept");
    assert!(lines.iter().all(|l| l.ends_with('"')), "no line cut in half");
}
