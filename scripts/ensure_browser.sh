#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright cannot download its own browser here)
# and need CJK fonts to render Chinese. Install both when missing and we are allowed to.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -i "noto sans cjk" >/dev/null || missing+=(fonts-noto-cjk)
# The PDF documents (WeasyPrint) need Pango and HarfBuzz's subsetter, and the same CJK fonts.
/sbin/ldconfig -p | grep "libpangoft2-1.0.so.0" >/dev/null || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
/sbin/ldconfig -p | grep "libharfbuzz-subset.so.0" >/dev/null || missing+=(libharfbuzz-subset0)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少 ${missing[*]}：请以 root 运行 apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "安装浏览器测试所需的 Debian 软件包：${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
