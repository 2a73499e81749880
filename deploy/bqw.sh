#!/bin/sh
# 以服务账号 bqw 和 /etc/baiqianwan/env 中的环境变量运行平台管理命令，
# 与服务（deploy/systemd/*.service）使用完全相同的配置。
#
# 安装：install -m 755 /opt/baiqianwan/deploy/bqw.sh /usr/local/bin/bqw
# 用法：bqw migrate、bqw collectstatic --noinput、bqw regions load、bqw check --deploy ……
set -eu

BQW_USER="${BQW_USER:-bqw}"
BQW_HOME="${BQW_HOME:-/opt/baiqianwan}"
BQW_ENV_FILE="${BQW_ENV_FILE:-/etc/baiqianwan/env}"

if [ "$(id -un)" != "$BQW_USER" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "请以 root 或 $BQW_USER 账号运行" >&2
        exit 1
    fi
    exec runuser -u "$BQW_USER" -- "$0" "$@"
fi

set -a
# shellcheck disable=SC1090
. "$BQW_ENV_FILE"
set +a
cd "$BQW_HOME"
# collectstatic 生成的文件须让 nginx 可读
umask 022
exec "$BQW_HOME/venv/bin/bqw" "$@"
