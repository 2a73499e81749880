#!/usr/bin/env bash
# The portal load benchmark (benchmarks/bench_portal.py) and the deployment tests run the site of
# deploy/nginx.conf with Debian's nginx (scripts/local_nginx.py). Install it when missing and we
# are allowed to; the nginx service the package sets up is not left running.
set -euo pipefail
[ -x /usr/sbin/nginx ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少 nginx：请以 root 运行 apt-get install -y nginx" >&2
  exit 1
fi
echo "安装门户压测和部署测试所需的 Debian 软件包：nginx"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends nginx >/dev/null
# Where systemd runs, the package starts its own nginx on port 80: only our own runs are wanted.
if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
  systemctl disable --now nginx
fi
