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
bash "$(dirname "$0")/apt_install.sh" "浏览器测试" "${missing[@]}"
