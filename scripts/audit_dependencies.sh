#!/usr/bin/env bash
# Known vulnerabilities in the locked dependencies (pip-audit against the lock file). Without a
# network the vulnerability database cannot be fetched: that is reported, not failed, so `make lint`
# still runs on an intranet machine.
set -uo pipefail
cd "$(dirname "$0")/.."
requirements="$(mktemp)"
trap 'rm -f "$requirements"' EXIT
.tools/bin/uv export --frozen --quiet --all-groups --no-emit-project --format requirements-txt >"$requirements"
output="$(.venv/bin/pip-audit --requirement "$requirements" --disable-pip --no-deps --progress-spinner off 2>&1)"
status=$?
if [ $status -eq 0 ]; then
  echo "pip-audit：锁定的依赖中没有已知漏洞"
  exit 0
fi
if grep -qiE "connection|network|resolve|timed out|max retries|temporary failure|unreachable" <<<"$output"; then
  echo "pip-audit：无法连接漏洞数据库（离线环境），本次未检查依赖漏洞" >&2
  exit 0
fi
echo "$output" >&2
exit $status
