#!/usr/bin/env bash
# The HTTP load benchmarks (benchmarks/bench_http.py, bench_portal.py) drive the server with
# Debian's wrk. Install it when missing and we are allowed to.
set -euo pipefail
command -v wrk >/dev/null && exit 0
bash "$(dirname "$0")/apt_install.sh" "HTTP 压测" wrk
