#!/usr/bin/env bash
# `make bench`: Gatehouse's benchmarks, on what `make bench` has set up (see bench/README.md).
#   part 1  bench/snapshot.py: the snapshot against `aws-sso-util admin assignments` on a
#           seeded local AWS (requests and wall time, ratios, PASS/FAIL), then
#   part 2  bench/matrix.* when it exists (the matrix render timing in the webview).
# Exit status: the worst of the parts (part 1: 0 pass, 1 a target missed, 2 bench failed).
# Override paths with GATEHOUSE_BIN, GATEHOUSE_PYTHON, BENCH_AWS_SSO_UTIL; BENCH_RUNS=N
# rounds (default 3); BENCH_PACED=1 adds an informational run paced as shipped.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
python=${GATEHOUSE_PYTHON:-$root/.venv/bin/python}

status=0
echo "==> bench part 1: snapshot vs aws-sso-util"
"$python" bench/snapshot.py "$@" || status=$?

for part2 in bench/matrix.*; do
  [ -e "$part2" ] || continue
  case "$part2" in *.md|*.json|*.txt) continue ;; esac
  echo "==> bench part 2: $part2"
  rc=0
  if [ -x "$part2" ]; then "$part2" || rc=$?
  elif [[ "$part2" == *.py ]]; then "$python" "$part2" || rc=$?
  else bash "$part2" || rc=$?
  fi
  [ "$rc" -gt "$status" ] && status=$rc
  break
done
exit "$status"
