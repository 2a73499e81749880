#!/usr/bin/env bash
# The HTTP load benchmark (benchmarks/bench_http.py) drives the server with Debian's wrk.
# Install it when missing and we are allowed to.
set -euo pipefail
command -v wrk >/dev/null && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少 wrk：请以 root 运行 apt-get install -y wrk" >&2
  exit 1
fi
echo "安装 HTTP 压测所需的 Debian 软件包：wrk"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends wrk >/dev/null
