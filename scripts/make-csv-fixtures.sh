#!/usr/bin/env bash
# Regenerates the UTF-16 CSV/TSV fixtures in fixtures/csv/ from fixtures/csv/source/utf16.csv
# with iconv, the way Excel's "Unicode Text" and many Windows tools write them: a byte order
# mark, then UTF-16 code units. The results are committed: `cargo test` never needs iconv.
#
# Usage: scripts/make-csv-fixtures.sh   (from anywhere)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/fixtures/csv/source/utf16.csv"
out="$root/fixtures/csv"

# UTF-16LE, comma-separated, CRLF line ends (Windows).
{ printf '\xff\xfe'; sed 's/$/\r/' "$src" | iconv -f UTF-8 -t UTF-16LE; } >"$out/utf16le.csv"
# UTF-16BE, tab-separated.
{ printf '\xfe\xff'; tr ',' '\t' <"$src" | iconv -f UTF-8 -t UTF-16BE; } >"$out/utf16be.tsv"
