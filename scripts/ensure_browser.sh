#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright cannot download its own browser here)
# and need CJK fonts to render Chinese. Install both when missing and we are allowed to.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少 ${missing[*]}：请以 root 运行 apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "安装浏览器测试所需的 Debian 软件包：${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
