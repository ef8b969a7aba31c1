#!/usr/bin/env bash
# template.yaml through cfn-lint, and every sample event through a JSON parser.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
fi
.venv/bin/cfn-lint template.yaml
find events -name '*.json' -print0 | xargs -0 -n1 .venv/bin/python -m json.tool > /dev/null
echo "template.yaml and $(find events -name '*.json' | wc -l) events are clean"
