#!/usr/bin/env bash
# template.yaml through cfn-lint, both ways it deploys (its own Cognito user pool, or your
# identity provider's JwtIssuer/JwtAudience), then `sam validate --lint` and checkov when they
# are installed, and every sample event through a JSON parser. All offline.
#
# aws-sam-cli and checkov each pin boto3 exactly (1.43.x and 1.35.x), so neither can share .venv
# with the boto3 the client tests pin, nor a venv with the other: give each a venv of its own,
#   python3 -m venv .venv/sam && .venv/sam/bin/pip install aws-sam-cli==1.170.0
#   python3 -m venv .venv/checkov && .venv/checkov/bin/pip install checkov==3.3.30
# (~350 and ~420 MB, about a minute each). The script looks there, then on PATH (or takes
# SAM=... and CHECKOV=...); without them it says which step it skipped, or fails if
# REQUIRE_IAC_TOOLS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
fi

# The same template with an identity provider of your own: JwtIssuer and JwtAudience defaulted.
own_idp=$(mktemp --suffix=.yaml)
trap 'rm -f "$own_idp"' EXIT
.venv/bin/python - "$own_idp" <<'EOF'
import re, sys
text = open("template.yaml").read()
for name, value in [("JwtIssuer", "https://issuer.example.com/"), ("JwtAudience", "client-a,client-b")]:
    text, n = re.subn(rf'(\n  {name}:\n(?:    .*\n)*?    Default: )""', rf"\g<1>{value}", text)
    assert n == 1, f"no empty Default for {name} in template.yaml"
open(sys.argv[1], "w").write(text)
EOF

.venv/bin/cfn-lint template.yaml
.venv/bin/cfn-lint "$own_idp"

tool() { # NAME: the tool's path, or nothing
  local var; var=$(echo "$1" | tr a-z A-Z)
  if [ -n "${!var:-}" ]; then echo "${!var}";
  elif [ -x ".venv/$1/bin/$1" ]; then echo ".venv/$1/bin/$1";
  else command -v "$1" || true; fi
}
skipped=""
skip() {
  if [ "${REQUIRE_IAC_TOOLS:-0}" = 1 ]; then echo "$1 is not installed (REQUIRE_IAC_TOOLS=1)" >&2; exit 1; fi
  echo "skipped: $1 is not installed (see scripts/lint-template.sh)"; skipped="$skipped $1"
}

sam=$(tool sam)
if [ -n "$sam" ]; then
  SAM_CLI_TELEMETRY=0 "$sam" validate --lint --region us-east-1 -t template.yaml
  SAM_CLI_TELEMETRY=0 "$sam" validate --lint --region us-east-1 -t "$own_idp" > /dev/null
else
  skip sam
fi

checkov=$(tool checkov)
if [ -n "$checkov" ]; then
  # Skipped checks carry their reasons beside the resource (Metadata.checkov.skip).
  "$checkov" -f template.yaml --framework cloudformation --skip-download --compact --quiet
else
  skip checkov
fi

find events -name '*.json' -print0 | xargs -0 -n1 .venv/bin/python -m json.tool > /dev/null
echo "template.yaml and $(find events -name '*.json' | wc -l) events are clean${skipped:+ (not run:$skipped)}"
