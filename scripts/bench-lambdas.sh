#!/usr/bin/env bash
# Backend Lambda figures: release binary sizes (stripped, as deployed) and token-issuer's cold
# start and handler latency.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p token-issuer -p room-provisioner -p moderator
echo "== release binaries (stripped) =="
for f in token-issuer room-provisioner moderator; do
  printf '%-18s %6.1f MiB\n' "$f" "$(echo "$(stat -c %s target/release/$f) / 1048576" | bc -l)"
done
cargo bench --locked -p token-issuer --bench lambda
