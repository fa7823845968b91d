#!/usr/bin/env bash
# Install as a user would, without this checkout: build the wheel, install it into a fresh virtualenv in a
# temporary folder, make a project there with `fazhi init`, and render the seed report to HTML and PDF.
# Usage: bash scripts/check-install.sh [PYTHON]   (PYTHON builds the wheel and the virtualenv; default python3)
set -euo pipefail

python="${1:-python3}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-install-XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "构建安装包 / building the wheel …" >&2
"$python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$repo"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$work"/dist/fazhi_analysis-*.whl

cd "$work"  # nothing of the checkout is on the path from here on
"$work/venv/bin/fazhi" init project >/dev/null
cp "$repo/data/raw/dabancheng_2024_report.txt" project/data/raw/
cd project
"$work/venv/bin/fazhi" build
"$work/venv/bin/fazhi" report --region 达坂城区 --year 2024

folder="reports/达坂城区/2024"
for file in annual_report.html annual_report.pdf; do
  [ -s "$folder/$file" ] || { echo "缺少 / missing: $folder/$file" >&2; exit 1; }
done
pdftotext "$folder/annual_report.pdf" - | tr -d " \n" | grep "达坂城区2024年度法治政府建设情况报告" >/dev/null \
  || { echo "PDF 中没有报告标题 / the PDF lacks the report title" >&2; exit 1; }
if "$work/venv/bin/python" -c "import fazhi_analysis, sys; sys.exit('$repo' in fazhi_analysis.__file__)"; then
  echo "安装检查通过 / install check passed: wheel, fazhi init, build, report (HTML and PDF) outside the checkout" >&2
else
  echo "包从源码目录导入，而非安装位置 / the package was imported from the checkout" >&2
  exit 1
fi
