//! A damaged or empty state file gets a clear answer: one line on stderr naming the file and
//! what to do, exit code 2, no panic, and nothing reset.

mod common;

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use ivschat_emulator::testing::Client;
use serde_json::json;

/// A data dir whose state holds one room, written by a cleanly stopped emulator.
async fn data_dir_with_a_room() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut emu = EmulatorProcess::spawn(&["--data-dir", dir.path().to_str().unwrap()]);
    let resp = Client::new(emu.addr).post("CreateRoom", &json!({})).await;
    assert_eq!(resp.status, 200);
    assert!(emu.interrupt().success());
    dir
}

/// Runs the binary on `dir` and returns (exit code, stderr); it must exit by itself.
fn run_on(dir: &Path) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ivschat-emulator"))
        .args(["--bind", "127.0.0.1:0", "--data-dir", dir.to_str().unwrap()])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("the emulator started on a bad state file");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Writes `bytes` over the file's own at `offset`, as damage on disk would.
fn overwrite(path: &Path, offset: u64, bytes: &[u8]) {
    let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.seek(SeekFrom::Start(offset)).unwrap();
    file.write_all(bytes).unwrap();
}

fn assert_refused(dir: &Path, code: Option<i32>, stderr: &str, what: &str) {
    let state = dir.join("state.redb");
    assert_eq!(code, Some(2), "{what}: {stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{what}: one line, got {stderr}");
    assert!(
        lines[0].contains(state.to_str().unwrap()),
        "{what}: names the file: {stderr}"
    );
    assert!(
        lines[0].contains("restore") || lines[0].contains("remove"),
        "{what}: says what to do: {stderr}"
    );
}

#[tokio::test]
async fn a_corrupted_state_file_is_refused_with_exit_2() {
    let dir = data_dir_with_a_room().await;
    let state = dir.path().join("state.redb");
    overwrite(&state, 4096, &[0xA5; 8]);
    let before = std::fs::read(&state).unwrap();
    let (code, stderr) = run_on(dir.path());
    assert_refused(dir.path(), code, &stderr, "corrupted");
    assert_eq!(
        std::fs::read(&state).unwrap(),
        before,
        "the file is left as it was"
    );
}

#[tokio::test]
async fn a_corrupted_header_is_refused_with_exit_2() {
    let dir = data_dir_with_a_room().await;
    let state = dir.path().join("state.redb");
    overwrite(&state, 0, &[0x00; 8]);
    let (code, stderr) = run_on(dir.path());
    assert_refused(dir.path(), code, &stderr, "bad header");
}

#[tokio::test]
async fn an_empty_state_file_is_refused_not_reset() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.redb");
    std::fs::write(&state, b"").unwrap();
    let (code, stderr) = run_on(dir.path());
    assert_refused(dir.path(), code, &stderr, "empty");
    assert_eq!(std::fs::metadata(&state).unwrap().len(), 0, "not reset");
}

#[tokio::test]
async fn the_library_returns_a_typed_error_for_a_bad_state_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("state.redb"), b"").unwrap();
    let err = ivschat_emulator::Emulator::start(ivschat_emulator::EmulatorConfig {
        data_dir: Some(dir.path().to_owned()),
        ..test_config()
    })
    .await
    .err()
    .expect("refused");
    assert!(
        matches!(err, ivschat_emulator::StartError::StateFile { .. }),
        "{err:?}"
    );
}
