#!/usr/bin/env bash
# Install the Debian packages the reports need, only when missing:
#   chromium-headless-shell (HTML -> PDF, the fast path), chromium (the browser a user types by hand, which
#   the benchmark compares against), fonts-noto-cjk (Chinese glyphs), poppler-utils (pdftotext/pdftoppm in tests).
set -euo pipefail

missing=()
if [ -z "${FAZHI_CHROMIUM:-}" ]; then
  command -v chromium-headless-shell >/dev/null 2>&1 || missing+=(chromium-headless-shell)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
# No grep -q here: it would close the pipe early, and with pipefail fc-list's SIGPIPE reads as "missing".
fc-list 2>/dev/null | grep "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "缺少系统软件包 / missing system packages: ${missing[*]}" >&2
  echo "请运行 / run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "安装系统软件包 / installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
