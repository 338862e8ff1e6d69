//! README and docs link only to files inside the repository: a reader of a clone
//! (or of the crate's page) has nothing else. Every relative Markdown link must name
//! a file or folder that exists, and nothing may point outside the repository
//! (no web links either).

use std::fs;
use std::path::{Path, PathBuf};

fn markdown_files(root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("README.md"), root.join("www/README.md")];
    for dir in ["docs", "python"] {
        let Ok(entries) = fs::read_dir(root.join(dir)) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "md") {
                files.push(p);
            }
        }
    }
    files.retain(|p| p.exists());
    files
}

/// The targets of `[text](target)` links, without any `#anchor`.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = rest[..end].split('#').next().unwrap_or("").trim();
        if !target.is_empty() {
            out.push(target.to_string());
        }
        rest = &rest[end..];
    }
    out
}

#[test]
fn docs_link_only_to_files_in_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = markdown_files(root);
    assert!(files.len() >= 5, "README.md, www/README.md and docs/*.md: found {files:?}");
    let mut broken = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        if text.contains("../shared") {
            broken.push(format!("{}: mentions ../shared (outside the repository)", file.display()));
        }
        for target in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                broken.push(format!("{}: ({target}) leaves the repository", file.display()));
                continue;
            }
            let resolved = file.parent().unwrap().join(&target);
            let inside =
                resolved.canonicalize().map(|p| p.starts_with(root.canonicalize().unwrap())).unwrap_or(false);
            if !inside {
                broken.push(format!("{}: ({target}) is not a file in the repository", file.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_format_reference_is_in_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("(docs/FORMATS.md)"), "README links docs/FORMATS.md");
    let formats = fs::read_to_string(root.join("docs/FORMATS.md")).unwrap();
    // Code and tests cite sections by number: each must exist.
    for n in 1..=6 {
        assert!(formats.contains(&format!("\n## {n}. ")), "docs/FORMATS.md has section {n}");
    }
    assert!(formats.contains("08 07 4b 50"), "aiozipstream's reversed descriptor signature");
}
