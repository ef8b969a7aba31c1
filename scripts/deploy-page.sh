#!/usr/bin/env bash
# Puts the chat page on a deployed stack (template.yaml with ServeChatPage=true, the default):
# writes the page's config.json from the stack's outputs (API URL, IVS Chat Messaging endpoint,
# the Cognito user pool and app client), adds to index.html a second Content-Security-Policy
# naming the stack's exact API, uploads local/page to the stack's private bucket and invalidates
# the CloudFront distribution. Run it after every `sam deploy`; it takes about half a minute.
#
#   bash scripts/deploy-page.sh STACK_NAME [--region REGION]
#   bash scripts/deploy-page.sh --outputs OUTPUTS.json --region REGION --out DIR
#       (render only, no AWS: OUTPUTS.json is what `aws cloudformation describe-stacks --query
#        'Stacks[0].Outputs'` prints; the test command checks the page this makes)
#
# Needs the AWS CLI with credentials of the stack's account (s3:PutObject/DeleteObject/ListBucket
# on the page bucket, cloudfront:CreateInvalidation, cloudformation:DescribeStacks) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

stack="" region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}" outputs_file="" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --region) region="$2"; shift 2 ;;
    --outputs) outputs_file="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "deploy-page: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) stack="$1"; shift ;;
  esac
done
if [ -z "$region" ]; then
  region=$(aws configure get region 2>/dev/null || true)
fi
if [ -z "$region" ]; then echo "deploy-page: give --region (or set AWS_REGION)" >&2; exit 2; fi
if [ -z "$outputs_file" ] && [ -z "$stack" ]; then echo "deploy-page: give the stack's name (see --help)" >&2; exit 2; fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
if [ -z "$outputs_file" ]; then
  outputs_file="$stage.outputs.json"
  trap 'rm -rf "$stage" "$outputs_file"' EXIT
  aws cloudformation describe-stacks --region "$region" --stack-name "$stack" \
    --query 'Stacks[0].Outputs' --output json > "$outputs_file"
fi

# The page's files, its config.json, and index.html with the exact CSP: staged, then uploaded.
cp -R local/page/. "$stage/"
python3 - "$outputs_file" "$region" "$stage" <<'EOF'
import json, re, sys
from urllib.parse import urlsplit

outputs_file, region, stage = sys.argv[1:4]
outputs = {o["OutputKey"]: o["OutputValue"] for o in json.load(open(outputs_file))}

def fail(why):
    sys.exit(f"deploy-page: {why}")

if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
    fail(f"{region!r} is not an AWS region")
for key in ("ApiUrl", "JwtIssuerUrl"):
    if key not in outputs:
        fail(f"the stack has no {key} output: is it this project's template.yaml?")
if "PageBucketName" not in outputs:
    fail("the stack serves no page (ServeChatPage=false): deploy it with ServeChatPage=true")
api = urlsplit(outputs["ApiUrl"])
if api.scheme != "https" or not api.hostname:
    fail(f"ApiUrl {outputs['ApiUrl']!r} is not an https URL")
api_origin = f"https://{api.netloc}"
messaging = f"wss://edge.ivschat.{region}.amazonaws.com"
cognito = f"https://cognito-idp.{region}.amazonaws.com"

if "UserPoolId" in outputs and "UserPoolClientId" in outputs:
    pool = outputs["UserPoolId"]
    identity = {"kind": "cognito", "issuer": outputs["JwtIssuerUrl"], "userPoolId": pool,
                "region": pool.split("_")[0], "clientId": outputs["UserPoolClientId"]}
else:
    # The stack trusts your own identity provider (JwtIssuer): the page cannot sign in to it.
    identity = {"kind": "oidc", "issuer": outputs["JwtIssuerUrl"], "clientId": ""}

config = {"apiUrl": outputs["ApiUrl"], "messaging": {"endpoint": messaging, "region": region},
          "identity": identity}
with open(f"{stage}/config.json", "w") as f:
    json.dump(config, f, indent=2)
    f.write("\n")

# CloudFront's CSP names any API Gateway of the region (template.yaml says why); this one names
# the stack's API only. Browsers enforce both.
csp = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       f"connect-src 'self' {api_origin} {messaging} {cognito}; "
       "base-uri 'none'; form-action 'none'; object-src 'none'")
index = open(f"{stage}/index.html").read()
marker = '<meta charset="utf-8">'
if marker not in index:
    fail("local/page/index.html has no <meta charset> to put the CSP after")
index = index.replace(marker, f'{marker}\n  <meta http-equiv="Content-Security-Policy" content="{csp}">', 1)
open(f"{stage}/index.html", "w").write(index)
print(f"config.json: API {outputs['ApiUrl']}, identity {identity['kind']}, Messaging {messaging}")
print(outputs.get("PageBucketName", ""), outputs.get("PageDistributionId", ""), outputs.get("PageUrl", ""),
      file=open(f"{stage}.targets", "w"))
EOF
read -r bucket distribution page_url < "$stage.targets"
rm -f "$stage.targets"

if [ -n "$out" ]; then
  mkdir -p "$out"
  cp -R "$stage/." "$out/"
  echo "rendered into $out (nothing uploaded)"
  exit 0
fi

# Every file revalidated on each load (no-cache): a new deploy shows at once. Content types set
# here, not guessed: browsers run ES modules only with a JavaScript type.
upload() { # PATTERN CONTENT_TYPE
  aws s3 cp "$stage/" "s3://$bucket/" --recursive --region "$region" --only-show-errors \
    --exclude '*' --include "$1" --content-type "$2" --cache-control no-cache
}
upload '*.html' 'text/html; charset=utf-8'
upload '*.js' 'text/javascript; charset=utf-8'
upload '*.css' 'text/css; charset=utf-8'
upload '*.json' 'application/json'
upload '*.txt' 'text/plain; charset=utf-8'
# Files no longer in the page go.
aws s3 sync "$stage/" "s3://$bucket/" --delete --region "$region" --only-show-errors --size-only \
  --exclude '*' --include '*.html' --include '*.js' --include '*.css' --include '*.json' --include '*.txt'
aws cloudfront create-invalidation --distribution-id "$distribution" --paths '/*' \
  --query 'Invalidation.Id' --output text > /dev/null
echo "The chat page is at $page_url (CloudFront takes a minute or two to drop the old files)"
