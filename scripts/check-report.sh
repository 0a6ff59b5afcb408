#!/usr/bin/env bash
# Checks a report folder in real renderers:
#   1. headless Chromium renders report.html to a screenshot, which must not be blank
#      (its grey-level standard deviation and its number of colours are measured with
#      ImageMagick);
#   2. the case table's "misclassified by either model" filter and column sort work in the
#      browser (a copy of the page with a probe script appended is run with --dump-dom);
#   3. pdftoppm turns every page of report.pdf into a PNG, and the page count must be at
#      least the number of report sections (9).
#
# Usage: scripts/check-report.sh REPORT_DIR [OUT_DIR]
#   OUT_DIR (default: a temporary folder) receives screenshot.png and page-NN.png.
# Needs: chromium (or chromium-browser / google-chrome), poppler-utils, imagemagick.
set -euo pipefail

report=${1:?usage: scripts/check-report.sh REPORT_DIR [OUT_DIR]}
out=${2:-$(mktemp -d -t eus-report-check.XXXXXX)}
mkdir -p "$out"
html="$report/report.html"
pdf="$report/report.pdf"
for file in "$html" "$pdf"; do
  [[ -s "$file" ]] || { echo "check-report: $file: missing or empty" >&2; exit 1; }
done

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser=$candidate; break; fi
done
[[ -n "$browser" ]] || { echo "check-report: no chromium found (install chromium)" >&2; exit 1; }
command -v pdftoppm >/dev/null || { echo "check-report: pdftoppm missing (install poppler-utils)" >&2; exit 1; }
command -v convert >/dev/null || { echo "check-report: convert missing (install imagemagick)" >&2; exit 1; }

# 1. The HTML in a browser, at a laptop width; no network is needed (the file is self-contained).
shot="$out/screenshot.png"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2400 \
  --screenshot="$shot" "file://$(cd "$(dirname "$html")" && pwd)/report.html" >/dev/null 2>&1 || true
[[ -s "$shot" ]] || { echo "check-report: $browser wrote no screenshot" >&2; exit 1; }
deviation=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
colours=$(convert "$shot" -format '%k' info:)
echo "check-report: screenshot $shot: grey std-dev $deviation, $colours colours"
awk -v d="$deviation" -v c="$colours" 'BEGIN { exit !(d > 0.05 && c > 64) }' \
  || { echo "check-report: the screenshot of $html looks blank" >&2; exit 1; }

# 2. The filter and the sort, driven by a probe appended to a copy of the page.
probe="$out/probe.html"
sed 's#</body>#<script>(function(){var b=document.getElementById("only-wrong");if(!b){document.title="PROBE none";return;}b.checked=true;b.dispatchEvent(new Event("change"));var rows=document.querySelectorAll("\#case-table tbody tr");var shown=0;rows.forEach(function(r){if(r.style.display!=="none")shown++;});var th=document.querySelectorAll("\#case-table th")[0];th.click();document.title="PROBE shown="+shown+" sort="+th.getAttribute("aria-sort");})();</script></body>#' "$html" > "$probe"
title=$("$browser" --headless --no-sandbox --disable-gpu --dump-dom "file://$(cd "$out" && pwd)/probe.html" 2>/dev/null | grep -o 'PROBE[^<]*' | head -1 || true)
wrong=$(grep -o 'data-wrong="1"' "$html" | wc -l)
echo "check-report: case table in the browser: $title (expected shown=$wrong)"
[[ "$title" == "PROBE shown=$wrong sort=ascending" ]] \
  || { echo "check-report: the case-table filter or sort does not work in $browser" >&2; exit 1; }

# 3. The PDF as page images.
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
pdftoppm -r 60 -png "$pdf" "$out/page"
rendered=$(find "$out" -maxdepth 1 -name 'page-*.png' | wc -l)
echo "check-report: $pdf: $pages pages, $rendered rendered to $out/page-*.png"
[[ "$pages" -ge 9 && "$rendered" -eq "$pages" ]] \
  || { echo "check-report: expected at least 9 pages, all rendered (got $pages, $rendered)" >&2; exit 1; }
for page in "$out"/page-*.png; do
  d=$(convert "$page" -colorspace Gray -format '%[fx:standard_deviation]' info:)
  awk -v d="$d" 'BEGIN { exit !(d > 0.01) }' || { echo "check-report: $page is blank" >&2; exit 1; }
done
echo "check-report: OK"
