#!/usr/bin/env bash
# Install the Debian packages a test or a benchmark needs, when we are allowed to (root); otherwise
# say what to run. Usage: apt_install.sh 用途 package...
set -euo pipefail
purpose=$1
shift
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少 $*：请以 root 运行 apt-get install -y $*" >&2
  exit 1
fi
echo "安装${purpose}所需的 Debian 软件包：$*"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$@" >/dev/null
