//! No import cycles between the files of any crate in the workspace: within a crate, modules
//! form layers a reader can follow from the bottom up. Each file's `crate::…` and `super::…`
//! paths are resolved to the module files they name (the crate root, `lib.rs`/`main.rs`, is
//! the crate's front door and is left out; so are `#[cfg(test)]` blocks, whose `use super::*`
//! names their own file). A cycle fails here with its files in order.
//!
//! The emulator's `tests/layering.rs` also ranks its layers (wire above service above state).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every crate of the workspace, by its `src/` folder.
const CRATES: &[&str] = &[
    "emulator",
    "shared",
    "shared/moderation",
    "functions/token-issuer",
    "functions/room-provisioner",
    "functions/moderator",
    "functions/message-review",
    "local",
    "tools/iam-policies",
    "tools/chat-load",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("shared/ sits in the workspace")
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("readable").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `a/b.rs` and `a/b/mod.rs` → `a::b`; the crate roots → "".
fn module_of(relative: &Path) -> String {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
        return String::new();
    }
    parts.join("::")
}

/// The paths named after `crate::` or `super::` (brace groups expanded), as written.
fn paths_after(source: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in source.match_indices(prefix) {
        let before = source[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        expand("", &source[at + prefix.len()..], &mut found);
    }
    found
}

/// Expands `a::b::{c, d::e}` (and nested groups) into `a::b::c`, `a::b::d::e`.
fn expand(base: &str, rest: &str, out: &mut Vec<String>) {
    let head: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
        .collect();
    let after = &rest[head.len()..];
    let path = format!("{base}{head}");
    if after.starts_with('{') {
        let mut depth = 0;
        let mut item = String::new();
        for c in after.chars() {
            match c {
                '{' => {
                    depth += 1;
                    if depth == 1 {
                        continue;
                    }
                }
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        expand(&path, item.trim(), out);
                        return;
                    }
                }
                ',' if depth == 1 => {
                    expand(&path, item.trim(), out);
                    item.clear();
                    continue;
                }
                _ => {}
            }
            item.push(c);
        }
    } else {
        out.push(path.trim_end_matches(':').to_owned());
    }
}

/// The longest prefix of `path` that is a module of the crate.
fn resolve(path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|candidate| modules.contains(candidate))
}

/// Module → the modules it imports.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .map(|f| module_of(f.strip_prefix(src).expect("under src/")))
        .filter(|m| !m.is_empty())
        .collect();
    let mut graph = BTreeMap::new();
    for file in &files {
        let module = module_of(file.strip_prefix(src).expect("under src/"));
        if module.is_empty() {
            continue;
        }
        let source = std::fs::read_to_string(file).expect("readable");
        let source = source.split("#[cfg(test)]").next().unwrap_or_default();
        let parent = module.rsplit_once("::").map_or("", |(p, _)| p).to_owned();
        let mut named: Vec<String> = paths_after(source, "crate::");
        named.extend(
            paths_after(source, "super::")
                .into_iter()
                .map(|p| format!("{parent}::{p}")),
        );
        let imports: BTreeSet<String> = named
            .iter()
            .filter_map(|p| resolve(p, &modules))
            .filter(|m| *m != module && !module.starts_with(&format!("{m}::")))
            .collect();
        graph.insert(module, imports);
    }
    graph
}

/// A cycle, if any: the modules in order, the first repeated at the end.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_crate_has_an_import_cycle() {
    let mut found = Vec::new();
    for krate in CRATES {
        let src = workspace().join(krate).join("src");
        if let Some(cycle) = find_cycle(&graph(&src)) {
            found.push(format!("{krate}: {}", cycle.join(" → ")));
        }
    }
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

#[test]
fn every_crate_is_checked() {
    let manifest = std::fs::read_to_string(workspace().join("Cargo.toml")).expect("readable");
    let members = manifest
        .split("members = [")
        .nth(1)
        .and_then(|m| m.split(']').next())
        .expect("a members list");
    let listed: BTreeSet<&str> = members
        .split(',')
        .map(|m| m.trim().trim_matches('"'))
        .filter(|m| !m.is_empty())
        .collect();
    assert_eq!(listed, CRATES.iter().copied().collect());
}

#[test]
fn the_checker_sees_a_cycle() {
    let mut paths = Vec::new();
    expand("", "a::{b, c::{d, e}}, f", &mut paths);
    assert_eq!(paths, ["a::b", "a::c::d", "a::c::e"]);
    let modules: BTreeSet<String> = ["a", "a::c"].map(String::from).into();
    assert_eq!(resolve("a::c::Entry", &modules).as_deref(), Some("a::c"));
    let graph = BTreeMap::from([
        ("frames".to_owned(), BTreeSet::from(["lexicon".to_owned()])),
        ("lexicon".to_owned(), BTreeSet::from(["frames".to_owned()])),
    ]);
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["frames".into(), "lexicon".into(), "frames".into()])
    );
}
