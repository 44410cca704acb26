//! The PDFs of a bundle (the post-mortem, each filing), read back with `pdftotext` (Debian
//! `poppler-utils`) as a DPO's tools would: the Markdown's headings and figures in their text,
//! and on every page the date, the chain head and the bundle's hash, which `verify` checks.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Workspace;

/// A leak worked through and closed at fixed times, with facts for every figure.
fn closed(ws: &Workspace) -> PathBuf {
    let t = |h: u32, m: u32| format!("2026-11-24T{h:02}:{m:02}:00Z");
    ws.ok_at(
        "alice",
        &t(2, 30),
        &["declare", "--runbook", "cross-tenant-pii-leak", "--aware-at", &t(2, 10), "--label", "agent=support-bot"],
    );
    ws.ok_at("alice", &t(2, 31), &["decide", "001", "breach-started", "--at", &t(1, 31), "--evidence", "trace 7f3a"]);
    ws.ok_at("sam", &t(2, 35), &["note", "001", "ROOT CAUSE: the retrieval filter dropped the tenant clause"]);
    ws.ok_at("sam", &t(2, 36), &["note", "001", "WENT WELL: the kill-switch held — no second leak"]);
    ws.ok_at("bob", &t(2, 45), &["tick", "001", "confirm-signal", "--note", "trace 7f3a"]);
    ws.ok_at("bob", &t(2, 48), &["approve", "001", "kill-switch", "--request"]);
    ws.ok_at("carol", &t(2, 49), &["approve", "001", "kill-switch", "--yes"]);
    ws.ok_at("bob", &t(2, 50), &["tick", "001", "kill-switch", "--note", "retrieval disabled"]);
    ws.ok_at("alice", &t(5, 0), &["resolve", "001"]);
    Workspace::bundle_in(&ws.ok_at(
        "alice",
        &t(5, 30),
        &["close", "001", "--force", "--reason", "drill of the PDF export"],
    ))
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed: the PDF tests read what a DPO's tools read");
    assert!(out.status.success(), "pdftotext {}: {}", pdf.display(), common::stderr(&out));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Runs of white space as one space, and the Markdown's emphasis and code marks dropped.
fn plain(text: &str) -> String {
    text.replace("**", "").replace('`', "").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn rendered_pairs(bundle: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut pairs = vec![(bundle.join("postmortem.md"), bundle.join("postmortem.pdf"))];
    for entry in std::fs::read_dir(bundle.join("filings")).expect("filings").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md") {
            pairs.push((path.clone(), path.with_extension("pdf")));
        }
    }
    assert!(pairs.len() > 3, "the post-mortem and a filing per clock: {pairs:?}");
    pairs
}

#[test]
fn each_pdf_carries_its_markdowns_headings_and_the_post_mortems_figures() {
    let ws = Workspace::new();
    let bundle = closed(&ws);
    for (markdown, pdf) in rendered_pairs(&bundle) {
        let source = std::fs::read_to_string(&markdown).expect("markdown");
        let text = plain(&pdf_text(&pdf));
        for heading in source.lines().filter(|l| l.starts_with('#')) {
            let heading = plain(heading.trim_start_matches('#'));
            assert!(text.contains(&heading), "{}: heading {heading:?} not in the PDF:\n{text}", pdf.display());
        }
    }
    let postmortem = std::fs::read_to_string(bundle.join("postmortem.md")).expect("postmortem.md");
    let text = plain(&pdf_text(&bundle.join("postmortem.pdf")));
    let figures: Vec<&str> = postmortem.lines().filter(|l| l.starts_with("| time to")).collect();
    assert_eq!(figures.len(), 5, "{postmortem}");
    assert!(postmortem.contains("| time to detect | the first bad event"), "{postmortem}");
    assert!(figures[0].ends_with("| 00:39:00 |"), "01:31 to awareness at 02:10: {}", figures[0]);
    for row in figures {
        assert!(text.contains(&plain(row)), "figure {row:?} not in the PDF:\n{text}");
    }
    assert!(text.contains("the kill-switch held — no second leak"), "the em dash survives: {text}");
}

#[test]
fn every_page_is_dated_and_names_the_chain_head_and_the_bundle_and_verify_holds_it_to_them() {
    let ws = Workspace::new();
    let bundle = closed(&ws);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bundle.join("manifest.json")).expect("manifest")).expect("json");
    let head = manifest["chain_head"].as_str().expect("chain head");
    let raw = pdf_text(&bundle.join("postmortem.pdf"));
    let pages = raw.matches('\u{c}').count();
    assert!(pages >= 2, "a post-mortem of several pages: {pages}");
    assert_eq!(raw.matches(head).count(), pages, "the chain head on every page");
    assert_eq!(raw.matches("dated 2026-11-24 05:30 UTC").count(), pages, "the date on every page");
    assert_eq!(raw.matches("bundle (SHA256SUMS but the PDFs): ").count(), pages, "the bundle's hash on every page");
    ws.ok("alice", &["verify", bundle.to_str().expect("path")]);

    // A PDF of another revision, its checksum line rewritten to match: the stamp gives it away.
    let t = "2026-11-24T06:00:00Z";
    let later = Workspace::bundle_in(&ws.ok_at("alice", t, &["export", "001"]));
    std::fs::copy(later.join("postmortem.pdf"), bundle.join("postmortem.pdf")).expect("swap");
    let bytes = std::fs::read(bundle.join("postmortem.pdf")).expect("pdf");
    let sum = sha256_hex(&bytes);
    let sums = std::fs::read_to_string(bundle.join("SHA256SUMS")).expect("sums");
    let sums: String = sums
        .lines()
        .map(|l| if l.ends_with("  postmortem.pdf") { format!("{sum}  postmortem.pdf\n") } else { format!("{l}\n") })
        .collect();
    std::fs::write(bundle.join("SHA256SUMS"), sums).expect("rewrite");
    let out = ws.run("alice", &["verify", bundle.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(3), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("postmortem.pdf: does not carry this bundle's bundle hash on every page"));
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
