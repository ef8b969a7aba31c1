//! The page says what the server says: `page/js/vocabulary.js` (the refusal codes in words,
//! the roles in order) must be what `page::vocabulary_module` generates from the Rust tables.
//! `UPDATE_VOCABULARY=1 cargo test --workspace --test page_vocabulary` rewrites it.

use std::path::PathBuf;

#[test]
fn vocabulary_module_is_generated_from_the_rust_tables() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("page/js/vocabulary.js");
    let generated = chat_local::page::vocabulary_module();
    if std::env::var_os("UPDATE_VOCABULARY").is_some() {
        std::fs::write(&path, &generated).expect("page/js is writable");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        on_disk,
        generated,
        "{} is stale: run UPDATE_VOCABULARY=1 cargo test --workspace --test page_vocabulary",
        path.display()
    );
}

/// What a sender reads is a sentence of its own, never a code: a capital first, a full stop
/// last, and no word in the codes' SHOUTING_SNAKE_CASE.
#[test]
fn refusals_are_sentences_for_people() {
    let sentences = chat_core::ivs::review::REFUSALS
        .iter()
        .map(|(_, words)| *words)
        .chain(
            chat_local::page::SEND_ERRORS
                .iter()
                .map(|(_, words)| *words),
        );
    for sentence in sentences {
        assert!(
            sentence.starts_with(|c: char| c.is_uppercase()) && sentence.ends_with('.'),
            "not a sentence: {sentence:?}"
        );
        assert!(
            !sentence
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|word| {
                    word.len() > 1 && word.contains('_')
                        || word.len() > 3 && word.chars().all(|c| c.is_ascii_uppercase())
                }),
            "a code in {sentence:?}"
        );
    }
}

#[test]
fn every_page_file_is_served() {
    let page = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("page");
    let mut stack = vec![page.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).expect("page/ is readable") {
            let path = entry.expect("readable").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let url = format!(
                "/{}",
                path.strip_prefix(&page).expect("under page/").display()
            );
            assert!(
                chat_local::page::asset(&url).is_some(),
                "{url} is in page/ but not served"
            );
        }
    }
    assert_eq!(
        chat_local::page::asset("/").map(|(t, _)| t),
        Some("text/html; charset=utf-8")
    );
}
