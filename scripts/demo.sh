#!/usr/bin/env bash
# `make demo`: a local AWS (moto behind tests/support/awslayer.py) seeded with a demo organisation, and
# Gatehouse connected to it. Everything lives under .demo/ (AWS config, data, logs);
# nothing touches your real ~/.aws or Gatehouse data.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
demo="$root/.demo"
port=${GATEHOUSE_DEMO_PORT:-4599}
region=eu-west-1

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<MSG
make demo opens the Gatehouse window, and this session has no graphical display
(DISPLAY and WAYLAND_DISPLAY are not set). Run it from a desktop session, over
'ssh -X', or under a virtual display:  xvfb-run -s '-screen 0 1280x800x24' make demo
MSG
  exit 1
fi

mkdir -p "$demo/data"
cat > "$demo/aws-config" <<CFG
[profile gatehouse-demo]
region = $region
CFG
cat > "$demo/aws-credentials" <<CFG
[gatehouse-demo]
aws_access_key_id = AKIAGATEHOUSEDEMO001
aws_secret_access_key = demo-secret-for-local-moto-only
CFG

echo "==> Starting the local AWS (moto behind the test support layer) on 127.0.0.1:$port"
# tests/support/awslayer.py: moto plus the AWS behaviour moto lacks (permissions boundaries,
# tags, request status lists, one instance region, ...); without it parts of the app would
# meet moto's HTTP 500 for calls it does not implement.
"$root/.venv/bin/python" "$root/tests/support/awslayer.py" --host 127.0.0.1 --port "$port" \
  --instance-regions "$region" >"$demo/aws.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/_gatehouse/state" >/dev/null 2>&1 && break
  kill -0 $moto 2>/dev/null || { echo "the local AWS did not start; see $demo/aws.log" >&2; exit 1; }
  sleep 0.1
done
echo "==> Seeding a demo organisation (OUs, ~30 accounts, groups, users, permission sets)"
AWS_ACCESS_KEY_ID=AKIAGATEHOUSEDEMO001 AWS_SECRET_ACCESS_KEY=demo-secret-for-local-moto-only \
  "$root/.venv/bin/python" "$root/tests/support/seed.py" --endpoint-url "http://127.0.0.1:$port" \
  --region "$region" --profile demo --out "$demo/seed.json" --quiet

# Then, as on AWS, assignment changes and provisioning answer IN_PROGRESS and finish a poll later,
# so Apply shows its progress as it would against AWS.
curl -fsS -X POST -H 'Content-Type: application/json' \
  -d '{"enabled": true, "in_progress_polls": 1, "defer": true}' \
  "http://127.0.0.1:$port/_gatehouse/async" >/dev/null

echo "==> Opening Gatehouse (profile gatehouse-demo, $region, endpoint http://127.0.0.1:$port)"
AWS_CONFIG_FILE="$demo/aws-config" AWS_SHARED_CREDENTIALS_FILE="$demo/aws-credentials" \
GATEHOUSE_DATA_DIR="$demo/data" GATEHOUSE_KEYCHAIN_SERVICE=dev.gatehouse.demo \
  "$root/target/debug/gatehouse" --profile gatehouse-demo --region "$region" \
  --endpoint-url "http://127.0.0.1:$port"
