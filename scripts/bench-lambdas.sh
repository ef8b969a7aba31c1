#!/usr/bin/env bash
# Backend Lambda figures: release binary sizes (stripped, as deployed), cold start to the first
# handled event against a local Lambda Runtime API (token-issuer, message-review), and
# token-issuer's handler latency; then the moderation engine's cost per message.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p token-issuer -p room-provisioner -p moderator -p message-review
echo "== release binaries (stripped) =="
for f in token-issuer room-provisioner moderator message-review; do
  printf '%-18s %6.1f MiB\n' "$f" "$(echo "$(stat -c %s target/release/$f) / 1048576" | bc -l)"
done
# The same job in Node.js, run by the bench against the same emulator and moto (.venv, made by
# scripts/test.sh) for a side-by-side figure.
(cd functions/token-issuer/benches/node && npm ci --no-audit --no-fund --loglevel=error)
cargo bench --locked -p token-issuer --bench lambda
LAMBDA_BINARY="$PWD/target/release/message-review" LAMBDA_EVENT="$PWD/events/message-review/allow.json" \
  LAMBDA_EXPECT='"ReviewResult":"ALLOW"' cargo bench --locked -p token-issuer --bench lambda
cargo bench --locked -p chat-moderation --bench engine
