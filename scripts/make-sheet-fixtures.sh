#!/usr/bin/env bash
# Regenerates the spreadsheet fixtures in fixtures/sheet/ from the CSV files in
# fixtures/sheet/source/, using LibreOffice headless as the real writer of xlsx, xls and ods.
# The results are committed: `cargo test` never needs LibreOffice.
#
# Usage: scripts/make-sheet-fixtures.sh   (from anywhere; installs LibreOffice Calc if missing)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/fixtures/sheet/source"
out="$root/fixtures/sheet"

if ! command -v soffice >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libreoffice-calc-nogui
fi

# CSV import options: comma separator (44), double-quote text delimiter (34), UTF-8 (76),
# start at line 1, default cell formats, US English locale (1033), quoted fields not forced
# to text, "detect special numbers" on so ISO dates become date cells and long digit runs
# become numeric cells (the card number case this fixture is about).
infilter="CSV:44,34,76,1,,1033,false,true"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

for csv in "$src"/*.csv; do
    for target in xlsx xls ods; do
        soffice -env:UserInstallation="file://$profile" --headless --infilter="$infilter" \
            --convert-to "$target" --outdir "$out" "$csv" >/dev/null
    done
done

# Card numbers of 16 digits as numeric cells: LibreOffice rounds them to 15 significant
# digits, so this one is written by XlsxWriter (the writer pandas uses), in a throwaway venv.
venv="$(mktemp -d)"
trap 'rm -rf "$profile" "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet XlsxWriter==3.3.1
"$venv/bin/python" "$root/scripts/make_card_workbook.py" "$out/cards.xlsx"

# A sheet with a name and an address in A1:B2 and one more address in XFD1048576, the last
# cell a sheet has: its cells span the whole sheet, which must not cost memory for all of it.
soffice -env:UserInstallation="file://$profile" --headless --convert-to xlsx --outdir "$out" \
    "$src/far_cells.fods" >/dev/null

# A workbook that compresses well: 8,000 rows of one archived placeholder under one real row.
# Its sheet decompresses to about 1.6 MB from a file of about 70 KB, so a --max-file-size
# between the two shows that a part's decompressed size is held to the limit, not the file's.
python3 - "$profile/archived_customers.csv" <<'PY'
import sys
rows = ["name,email,status", "Jane Example,jane.example@example.com,active"]
rows += ["Customer,,archived"] * 8000
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
PY
soffice -env:UserInstallation="file://$profile" --headless --infilter="$infilter" \
    --convert-to xlsx --outdir "$out" "$profile/archived_customers.csv" >/dev/null

# A workbook that no reader can open: the first 2 KB of a real xlsx (zip cut short).
head -c 2048 "$out/contacts.xlsx" > "$out/corrupt.xlsx"
# An xls cut inside its compound-file header: calamine 0.38 panics on it (an assertion), which
# the scan must turn into an error for this file alone.
head -c 594 "$out/contacts.xls" > "$out/truncated.xls"
# A damaged xls: its last LABELSST cell record (type 0x00FD, 10 bytes) moved to row 65,536 and
# column 65,536, past the 256 columns of an xls sheet. calamine 0.38 would allocate a rectangle
# of four billion cells and abort the process; the scan must refuse this file alone.
python3 - "$out/contacts.xls" "$out/far_cell.xls" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
at = data.rfind(b"\xfd\x00\x0a\x00")
assert at > 0, "no LABELSST record"
data[at + 4:at + 8] = b"\xff\xff\xff\xff"
open(sys.argv[2], "wb").write(data)
PY
ls -l "$out"
