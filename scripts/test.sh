#!/usr/bin/env bash
# The whole test suite, from a fresh clone: lint, Rust tests (unit, integration over real
# HTTP), and the client suites in other languages. Installs what it needs by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Python tools (.venv): moto server, cfn-lint, boto3, AWS CLI, pytest"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt

step "template.yaml (cfn-lint) and sample events"
bash scripts/lint-template.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo build --workspace --bins --locked
cargo test --workspace --locked

step "Python clients (boto3, AWS CLI) against the emulator"
IVSCHAT_EMULATOR_BIN="$PWD/target/debug/ivschat-emulator" \
  .venv/bin/python -m pytest tests/clients/python -q -p no:cacheprovider

step "Node clients (amazon-ivs-chat-messaging, AWS SDK for JavaScript v3) against the emulator"
(
  cd tests/clients/node
  npm ci --no-audit --no-fund --loglevel=error
  IVSCHAT_EMULATOR_BIN="$OLDPWD/target/debug/ivschat-emulator" npm test
)
