#!/usr/bin/env bash
# The portal load benchmark (benchmarks/bench_portal.py) and the deployment tests run the site of
# deploy/nginx.conf with Debian's nginx (scripts/local_nginx.py). Install it when missing and we
# are allowed to; the nginx service the package sets up is not left running.
set -euo pipefail
[ -x /usr/sbin/nginx ] && exit 0
bash "$(dirname "$0")/apt_install.sh" "门户压测和部署测试" nginx
# Where systemd runs, the package starts its own nginx on port 80: only our own runs are wanted.
if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
  systemctl disable --now nginx
fi
