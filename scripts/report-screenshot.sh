#!/usr/bin/env bash
# Regenerates docs/report.png: the HTML report of the fixtures, as headless Chromium shows it.
# Needs Debian's chromium (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Exit code 1 only means findings were reported.
./target/debug/piimap scan fixtures/text fixtures/csv fixtures/json fixtures/sheet \
  --no-progress --format html --output "$work/report.html" || [ $? -eq 1 ]
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
  --user-data-dir="$work/profile" --window-size=1400,1000 \
  --screenshot="$PWD/docs/report.png" "file://$work/report.html"
