#!/usr/bin/env bash
# Builds the Lambda artifacts as they are deployed — arm64 (Graviton), linked by cargo-lambda
# (with zig) for Amazon Linux 2023 — and checks them: an aarch64 ELF named `bootstrap` per
# function, needing no newer glibc than Amazon Linux 2023 has (2.34).
#
#   bash scripts/package.sh           # full: `cargo lambda build --release --arm64` (exactly the four
#                                     # functions), then `sam build` of the whole template
#   bash scripts/package.sh --quick   # `sam build` of one function (message-review): what the
#                                     # test command runs, to keep the path proven in every run
#
# Installs what it needs: cargo-lambda and ziglang (PyPI) in .venv/lambda, the SAM CLI in
# .venv/sam, and the aarch64-unknown-linux-gnu Rust target.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
if [ "${1:-}" = "--quick" ]; then quick=true; fi

if [ ! -x .venv/lambda/bin/cargo-lambda ]; then
  python3 -m venv .venv/lambda
  .venv/lambda/bin/pip install --quiet --disable-pip-version-check cargo-lambda==1.9.2 ziglang==0.17.1
fi
if [ ! -x .venv/sam/bin/sam ]; then
  python3 -m venv .venv/sam
  .venv/sam/bin/pip install --quiet --disable-pip-version-check aws-sam-cli==1.170.0
fi
rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1
# cargo-lambda finds zig through the python3 of its own venv, so that venv comes first.
export PATH="$PWD/.venv/lambda/bin:$PATH"
export SAM_CLI_TELEMETRY=0

FUNCTIONS=(token-issuer room-provisioner moderator message-review)
GLIBC_MAX=2.34

# An artifact is an aarch64 executable that needs glibc <= 2.34.
check() {
  local file="$1"
  [ -f "$file" ] || { echo "missing: $file" >&2; exit 1; }
  readelf -h "$file" | grep -q 'Machine:.*AArch64' || { echo "not aarch64: $file" >&2; exit 1; }
  local needed
  needed=$(objdump -T "$file" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
  if [ "$(printf '%s\n%s\n' "$needed" "$GLIBC_MAX" | sort -V | tail -1)" != "$GLIBC_MAX" ]; then
    echo "$file needs glibc $needed, newer than Amazon Linux 2023's $GLIBC_MAX" >&2
    exit 1
  fi
  printf '  %-58s %6.1f MiB  aarch64, needs glibc %s\n' "$file" \
    "$(echo "$(stat -c %s "$file") / 1048576" | bc -l)" "$needed"
}

started=$SECONDS
if $quick; then
  echo "== sam build MessageReviewFunction (arm64, cargo-lambda)"
  rm -rf .aws-sam/build
  .venv/sam/bin/sam build --beta-features --template template.yaml MessageReviewFunction >/dev/null
  check .aws-sam/build/MessageReviewFunction/bootstrap
  echo "quick package: $((SECONDS - started)) s"
  exit 0
fi

echo "== cargo lambda build --release --arm64"
rm -rf target/lambda
cargo lambda build --release --arm64 --locked
built=$(find target/lambda -name bootstrap | sort)
expected=$(for f in "${FUNCTIONS[@]}"; do echo "target/lambda/$f/bootstrap"; done | sort)
if [ "$built" != "$expected" ]; then
  echo "cargo lambda built:"$'\n'"$built"$'\n'"expected exactly:"$'\n'"$expected" >&2
  exit 1
fi
for f in "${FUNCTIONS[@]}"; do check "target/lambda/$f/bootstrap"; done
echo "cargo lambda: $((SECONDS - started)) s"

echo "== sam build (the whole template)"
sam_started=$SECONDS
rm -rf .aws-sam/build
.venv/sam/bin/sam build --beta-features --template template.yaml >/dev/null
for resource in TokenIssuerFunction RoomProvisionerFunction ModeratorFunction MessageReviewFunction; do
  check ".aws-sam/build/$resource/bootstrap"
done
echo "sam build: $((SECONDS - sam_started)) s; full package: $((SECONDS - started)) s"
