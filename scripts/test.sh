#!/usr/bin/env bash
# The whole test suite, from a fresh clone: lint, Rust tests (unit, integration over real
# HTTP), the client suites in other languages and the chat page in a real browser. Installs
# what it needs by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# A one-off build (CI) has no use for incremental state: it would add ~4 GB to target/.
if [ "${CI:-}" = "true" ]; then
  export CARGO_INCREMENTAL=0
fi

step "Python tools (.venv): moto server, cfn-lint, boto3, AWS CLI, pytest"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt

step "IaC tools, each in a venv of its own (they pin boto3 apart): SAM CLI, checkov"
if [ ! -x .venv/sam/bin/sam ]; then
  python3 -m venv .venv/sam
  .venv/sam/bin/pip install --quiet --disable-pip-version-check aws-sam-cli==1.170.0
fi
if [ ! -x .venv/checkov/bin/checkov ]; then
  python3 -m venv .venv/checkov
  .venv/checkov/bin/pip install --quiet --disable-pip-version-check checkov==3.3.30
fi

step "template.yaml (cfn-lint both ways, sam validate --lint, checkov) and sample events"
REQUIRE_IAC_TOOLS=1 bash scripts/lint-template.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo build --workspace --bins --locked
cargo test --workspace --locked

step "Load smoke test: chat-load through the debug chat-local (it must finish and lose nothing)"
# Timed figures come from release runs (docs/PERFORMANCE.md); this only proves the whole chain.
target/debug/chat-load --rooms 2 --clients 5 --rate 2 --duration 5 --moderate-every 1

step "The deploy path: sam build of message-review for arm64 (scripts/package.sh --quick)"
bash scripts/package.sh --quick

step "Moderation corpus: the .tsv files are what scripts/corpus/generate.py makes of its data files"
python3 scripts/corpus/generate.py --check

step "Moderation engine against rustrict and the JS filters on the corpus (it must lead)"
# alt-profanity-check (a scikit-learn classifier, tests/peers/alt_profanity_check.py) in a venv of
# its own, pinned by tests/peers/requirements.txt.
if [ ! -x .venv/peers/bin/python ]; then
  python3 -m venv .venv/peers
fi
.venv/peers/bin/pip install --quiet --disable-pip-version-check -r tests/peers/requirements.txt
cargo build --locked -p chat-moderation --example peer_verdicts
target/debug/examples/peer_verdicts ours > target/peer-ours.jsonl
target/debug/examples/peer_verdicts rustrict > target/peer-rustrict.jsonl
.venv/peers/bin/python tests/peers/alt_profanity_check.py profanity > target/peer-alt-profanity-check.jsonl
(
  cd tests/peers
  npm ci --no-audit --no-fund --loglevel=error
  node compare.mjs --engine "this engine=$OLDPWD/target/peer-ours.jsonl" \
    --engine "rustrict 0.7=$OLDPWD/target/peer-rustrict.jsonl" \
    --engine "alt-profanity-check 1.9.1=$OLDPWD/target/peer-alt-profanity-check.jsonl" --lead "this engine"
)

step "The same filters on the hostility corpus (figures only: no gate yet)"
target/debug/examples/peer_verdicts ours hostility > target/peer-ours-hostility.jsonl
target/debug/examples/peer_verdicts rustrict hostility > target/peer-rustrict-hostility.jsonl
.venv/peers/bin/python tests/peers/alt_profanity_check.py hostility > target/peer-alt-profanity-check-hostility.jsonl
(
  cd tests/peers
  node compare.mjs --hostility --engine "this engine=$OLDPWD/target/peer-ours-hostility.jsonl" \
    --engine "rustrict 0.7=$OLDPWD/target/peer-rustrict-hostility.jsonl" \
    --engine "alt-profanity-check 1.9.1=$OLDPWD/target/peer-alt-profanity-check-hostility.jsonl" --categories
)

step "Python clients (boto3, AWS CLI) against the emulator"
IVSCHAT_EMULATOR_BIN="$PWD/target/debug/ivschat-emulator" \
  .venv/bin/python -m pytest tests/clients/python -q -p no:cacheprovider

step "Node clients (amazon-ivs-chat-messaging, AWS SDK for JavaScript v3) against the emulator"
(
  cd tests/clients/node
  npm ci --no-audit --no-fund --loglevel=error
  IVSCHAT_EMULATOR_BIN="$OLDPWD/target/debug/ivschat-emulator" npm test
)

step "The chat page's vendored amazon-cognito-identity-js is what scripts/vendor-page.sh makes of the npm package"
bash scripts/vendor-page.sh --check

step "Chat page in headless Chromium (Debian's chromium, driven by playwright-core)"
if [ ! -x /usr/bin/chromium ]; then
  # Playwright's own browser download does not work here; Debian's Chromium does.
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(
  cd tests/browser
  npm ci --no-audit --no-fund --loglevel=error
  CHAT_LOCAL_BIN="$OLDPWD/target/debug/chat-local" CHROMIUM=/usr/bin/chromium npm test
)
