#!/usr/bin/env bash
# Regenerates fixtures/archive/exports.zip with Info-ZIP's zip, the archiver most exports are
# made with, from other fixtures: a CSV, a JSON file in a folder, a workbook, a gzip-compressed
# pg_dump, a SQLite database, a Word document, 200 KB of text that compresses to 1 KB, an
# archive inside the archive and one encrypted member; and backup.tar.gz, made by GNU tar. The
# results are committed: `cargo test` never needs zip or tar.
#
# Usage: scripts/make-archive-fixtures.sh   (from anywhere; installs zip if missing)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/fixtures/archive"
mkdir -p "$out"

if ! command -v zip >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends zip
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/exports/json"
cp "$root/fixtures/csv/customers.csv" "$work/exports/"
cp "$root/fixtures/json/users.json" "$work/exports/json/"
cp "$root/fixtures/sheet/contacts.xlsx" "$work/exports/"
cp "$root/fixtures/sql/pg_copy.sql.gz" "$work/exports/"
cp "$root/fixtures/sql/shop.sqlite" "$work/exports/"
cp "$root/fixtures/document/letter.docx" "$work/exports/"
(cd "$work/exports" && zip -q -X inner.zip customers.csv)
echo "Jane Doe, SSN 536-90-4399" > "$work/exports/secret.txt"
{ yes "no personal data on this line" || true; } | head -c 204800 > "$work/exports/padding.txt"

rm -f "$out/exports.zip"
# -X leaves out owners and extra file times; the folder json/ gets an entry of its own.
(cd "$work/exports" && zip -q -X -r "$out/exports.zip" customers.csv json contacts.xlsx \
    pg_copy.sql.gz shop.sqlite letter.docx padding.txt inner.zip)
(cd "$work/exports" && zip -q -X -P not-a-secret "$out/exports.zip" secret.txt)
unzip -l "$out/exports.zip"

# backup.tar.gz, made by GNU tar and gzip: the CSV and the JSON file again, exports.zip inside
# it, and a symbolic link.
mkdir -p "$work/backup/json"
cp "$root/fixtures/csv/customers.csv" "$root/fixtures/archive/exports.zip" "$work/backup/"
cp "$root/fixtures/json/users.json" "$work/backup/json/"
ln -s customers.csv "$work/backup/latest.csv"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/backup" -cf - . \
    | gzip -n > "$out/backup.tar.gz"
tar -tvzf "$out/backup.tar.gz"

# split_dump.zip: a MySQL database dumped as a schema file and a data-only file (INSERTs without
# column lists), in a folder of the zip, as MySQL's sample databases ship.
mkdir -p "$work/split/crm"
cp "$root/fixtures/sql/split/crm-schema.sql" "$root/fixtures/sql/split/crm-data.sql" \
    "$work/split/crm/"
rm -f "$out/split_dump.zip"
(cd "$work/split" && zip -q -X -r "$out/split_dump.zip" crm)
unzip -l "$out/split_dump.zip"
