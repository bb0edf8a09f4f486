#!/usr/bin/env bash
# `neuroncert figures` writes OUT/index.html: a small real run (--quick, the synthetic jobs and the
# real-data job, whose table the page renders), then
#   - check_figures_page.py: every src/href of the page exists, no script, its images are the figures
#     of figures.json;
#   - headless Chromium loads a copy of the page with a script appended that counts the images that
#     did not load (img.complete && img.naturalWidth > 0), printed by --dump-dom: none may be broken;
#   - a screenshot of the page (1200 x 3000) into SHOT, to look at;
#   - the same checks on a copy with one SVG deleted must both fail.
# Usage: test_figures_page.sh NEURONCERT DATA_DIR SHOT
set -uo pipefail
exe="$1"
data="$2"
shot="$3"
here="$(cd "$(dirname "$0")" && pwd)"
python=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }
browser="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$browser" ] || fail "chromium not found (scripts/setup-deps installs the Debian package chromium)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
out="$tmp/figures"
"$exe" figures --quick --threads 2 --data-dir "$data" --out "$out" --only exp1 --only auroc-rate --only exp2 \
  --only validate --only gaussian --only real-data > "$tmp/run.log" 2>&1 || fail "figures failed: $(cat "$tmp/run.log")"
[ -f "$out/index.html" ] || fail "no index.html in $out"
ls "$out"/*.partial >/dev/null 2>&1 && fail "partial files left in $out"

uri() { "$python" -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).resolve().as_uri())' "$1"; }
chrome() {  # headless Chromium as root (CI): no sandbox; its own profile; its chatter to a log
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" --hide-scrollbars \
    --virtual-time-budget=10000 --run-all-compositor-stages-before-draw "$@" 2>> "$tmp/chromium.log"
}
# Prints "IMAGE-CHECK <n> images, <k> broken: <srcs>" for the page in folder $1.
image_check() {
  local copy="$1/_image_check.html"
  sed 's#</body>#<script>\
window.addEventListener("load", () => {\
  const images = Array.from(document.images);\
  const broken = images.filter(i => !(i.complete \&\& i.naturalWidth > 0)).map(i => i.getAttribute("src"));\
  const p = document.createElement("pre");\
  p.id = "image-check";\
  p.textContent = "IMAGE-CHECK " + images.length + " images, " + broken.length + " broken: " + broken.join(" ");\
  document.body.appendChild(p);\
});\
</script></body>#' "$1/index.html" > "$copy"
  chrome --dump-dom "$(uri "$copy")" | grep -o '<pre id="image-check">[^<]*' | sed 's/^<pre id="image-check">//'
  rm -f "$copy"
}

figures="$("$python" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["figures"]))' "$out/figures.json")"
[ "$figures" -eq 9 ] || fail "expected 9 figures in figures.json, got $figures"
"$python" "$here/check_figures_page.py" "$out" || fail "the page's links (above)"
result="$(image_check "$out")"
[ "$result" = "IMAGE-CHECK $figures images, 0 broken: " ] ||
  fail "Chromium: '$result' (expected $figures images, 0 broken); $(tail -3 "$tmp/chromium.log")"
grep -q '<table>' "$out/index.html" || fail "the real-data Markdown table is not rendered as an HTML table"
grep -q 'real_identification_summary.md' "$out/index.html" || fail "the real-data table is missing"
rm -f "$shot"
chrome --screenshot="$shot" --window-size=1200,3000 "$(uri "$out/index.html")" > /dev/null
[ -s "$shot" ] || fail "no screenshot at $shot: $(tail -3 "$tmp/chromium.log")"

# A missing SVG must fail both checks.
cp -r "$out" "$tmp/broken"
rm "$tmp/broken/fig3a_auroc_rate.svg"
msg="$("$python" "$here/check_figures_page.py" "$tmp/broken")" && fail "the link check passed with an SVG missing"
[[ "$msg" == *"fig3a_auroc_rate.svg"* ]] || fail "the link check does not name the missing SVG: $msg"
result="$(image_check "$tmp/broken")"
[ "$result" = "IMAGE-CHECK $figures images, 1 broken: fig3a_auroc_rate.svg" ] ||
  fail "Chromium did not report the missing SVG: '$result'"
echo "figures page: $figures images load, every link resolves; screenshot $shot"
