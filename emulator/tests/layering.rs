//! The emulator's layers only ever point down: wire → service → state and live chat →
//! persistence, over a model every layer shares. A `use crate::x` that points up (or sideways
//! between two layers of the same rank) fails here, naming the file.

use std::collections::BTreeSet;
use std::path::Path;

/// Each top-level module and its rank: a module may import only modules of a lower rank (and
/// its own submodules).
const RANKS: &[(&str, u8)] = &[
    ("model", 0),
    ("config", 0),
    ("seal", 0),
    ("iam", 0),
    ("error", 1),
    ("persist", 2),
    ("state", 2),
    ("live", 2),
    ("review", 2),
    ("chat_log", 2),
    ("service", 3),
    ("wire", 4),
    ("server", 5),
    ("testing", 6),
];

fn rank(module: &str) -> u8 {
    RANKS
        .iter()
        .find(|(name, _)| *name == module)
        .map(|(_, rank)| *rank)
        .unwrap_or_else(|| panic!("module {module} has no rank in tests/layering.rs"))
}

/// The top-level module a source file belongs to (`service/rooms.rs` → `service`).
fn owner(relative: &Path) -> String {
    let first = relative.components().next().unwrap();
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_owned()
}

/// The top-level modules a file names through `crate::`.
fn imports(source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in source.match_indices("crate::") {
        let rest = &source[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.insert(name);
        }
    }
    found
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut violations = Vec::new();
    for path in all {
        let relative = path.strip_prefix(&src).unwrap();
        let module = owner(relative);
        if module == "lib" || module == "main" {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for imported in imports(&source) {
            if imported == module {
                continue;
            }
            if rank(&imported) >= rank(&module) {
                violations.push(format!("{} uses crate::{imported}", relative.display()));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports that point up or sideways:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_checker_sees_an_upward_import() {
    let found = imports("use crate::server::AppState;\nlet x = crate::model::new_id();");
    assert_eq!(
        found,
        BTreeSet::from(["model".to_owned(), "server".to_owned()])
    );
    assert!(rank("server") > rank("wire"));
}
