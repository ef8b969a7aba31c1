//! Compiles the chat page into the binary: every file under `page/` is served at its path
//! (`page/js/chat.js` → `/js/chat.js`), so a new ES module needs no change here.

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let page = root.join("page");
    println!("cargo:rerun-if-changed={}", page.display());
    let mut files = Vec::new();
    collect(&page, &mut files);
    files.sort();
    let mut table = String::from("&[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let url = file
            .strip_prefix(&page)
            .expect("under page/")
            .to_str()
            .expect("page file names are UTF-8")
            .replace('\\', "/");
        table.push_str(&format!(
            "    (\"/{url}\", include_str!({:?})),\n",
            file.display().to_string()
        ));
    }
    table.push(']');
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("page_assets.rs");
    std::fs::write(out, table).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).expect("page/ is readable");
    for entry in entries {
        let path = entry.expect("page/ is readable").path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("html" | "js" | "css" | "txt")
        ) {
            files.push(path);
        }
    }
}
