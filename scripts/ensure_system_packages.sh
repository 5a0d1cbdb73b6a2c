#!/bin/sh
# Installs the system packages the project needs on Debian/Ubuntu when run as root;
# otherwise says exactly what to install. Called by `make run`, and by `make test` with the argument
# `test`, which also wants Debian's chromium for the browser tests (never a browser a tool downloads).
set -eu

missing=""
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing="$missing mosquitto"
command -v mosquitto_pub >/dev/null 2>&1 || missing="$missing mosquitto-clients"
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing="$missing python3-venv"
# A CJK font: Chinese text in pictures and in browser screenshots.
[ -d /usr/share/fonts/opentype/noto ] || missing="$missing fonts-noto-cjk"
if [ "${1:-}" = "test" ]; then
    [ -x /usr/bin/chromium ] || missing="$missing chromium"
    # Chromium's own words (file pickers, date fields) in Chinese, as on a Chinese user's phone.
    [ -f /usr/lib/chromium/locales/zh-CN.pak ] || missing="$missing chromium-l10n"
    # The registry behind a real proxy, as deploy/nginx-registry.conf documents it (tests/test_behind_a_proxy.py).
    [ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
fi

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装系统软件包 / installing system packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    exit 0
fi

echo "缺少系统软件包 / missing system packages:$missing" >&2
echo "请先安装 / please install them first, e.g.: sudo apt-get install$missing" >&2
exit 1
