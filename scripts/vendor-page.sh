#!/usr/bin/env bash
# The chat page's vendored library: amazon-cognito-identity-js (npm, pinned in
# scripts/vendor/package.json) bundled by esbuild into one ES module under local/page/vendor/,
# so the page still needs no build step. Run it after changing the pin, and commit the output.
#   bash scripts/vendor-page.sh           write local/page/vendor/
#   bash scripts/vendor-page.sh --check   fail if the committed files are not what it makes
set -euo pipefail
cd "$(dirname "$0")/vendor"
npm ci --no-audit --no-fund --loglevel=error
node build.mjs "$@"
